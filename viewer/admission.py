"""TCP connections admitted to the HTTP server: a ceiling in all and per peer address.

aiohttp keeps every accepted connection while its request headers trickle in, so a laptop opening a
thousand half-sent requests used to take every file descriptor the process had. Here each accepted
connection is counted when it opens: past `per_peer` from one address or `total` in all it is aborted at
once (no request parsed, nothing logged). Unfinished requests are timed out by aiohttp's keep-alive timer,
which is armed when a connection opens and closes it unless a complete request arrived
(``SessionServer`` sets it short). Websockets count as the connections they are.
"""

from __future__ import annotations

import asyncio
import resource
from collections import Counter
from collections.abc import Callable


def default_total(reserve: int = 128) -> int:
    """Connections the process can hold with room left for files, meshes and worker pipes."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(32, min(4096, soft - reserve))


class Admission:
    """Counts open connections per peer; `factory(inner)` gives the protocol factory for create_server."""

    def __init__(self, total: int | None = None, per_peer: int = 64):
        self.total = total or default_total()
        self.per_peer = per_peer
        self.open: Counter[str] = Counter()
        self.refused = 0

    def admit(self, peer: str) -> bool:
        if sum(self.open.values()) >= self.total or self.open[peer] >= self.per_peer:
            self.refused += 1
            return False
        self.open[peer] += 1
        return True

    def release(self, peer: str) -> None:
        self.open[peer] -= 1
        if self.open[peer] <= 0:
            del self.open[peer]

    def factory(self, inner: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        return lambda: _Admitted(self, inner)


class _Admitted(asyncio.Protocol):
    """Forwards everything to aiohttp's request handler once the peer is admitted."""

    def __init__(self, admission: Admission, inner: Callable[[], asyncio.Protocol]):
        self._admission = admission
        self._make_inner = inner
        self._inner: asyncio.Protocol | None = None
        self._peer = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if peer else "?"
        if not self._admission.admit(self._peer):
            transport.abort()
            return
        self._inner = self._make_inner()
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None:
            self._admission.release(self._peer)
            inner, self._inner = self._inner, None
            inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()
