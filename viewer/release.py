"""Giving a closed session's memory back: break the one global link trame keeps to it, return freed heap.

trame remembers the last server that built a layout (``HTML_CTX._server``) and the last one that started
(``CoreServer.server``, copied by each session's protocol when it starts and not needed after; likewise
wslink's ``ws_server``), which keeps
a closed session's App alive; and glibc keeps freed heap pages unless asked to return them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

from trame_client.widgets.core import HTML_CTX
from trame_server.protocol import CoreServer
from wslink import server as wslink_server

_libc = ctypes.CDLL(ctypes.util.find_library("c")) if ctypes.util.find_library("c") else None


def release(server: object) -> None:
    """Forget `server` (a closed session's trame server) and hand freed memory back to the system."""
    forget(server)
    give_back()


def forget(server: object) -> None:
    """Break the global links to `server` (cheap)."""
    if HTML_CTX._server is server:
        HTML_CTX._server = None
    if CoreServer.server is server:
        CoreServer.server = None
    if wslink_server.ws_server is not None and wslink_server.ws_server is getattr(server, "_server", None):
        wslink_server.ws_server = None


def give_back() -> None:
    """Collect cycles and return freed heap (a full collection: ~0.1 s with a few sessions open)."""
    gc.collect()
    if _libc is not None and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)
