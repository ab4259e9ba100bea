"""The tooth's meshes over HTTP: each vtk.js mesh state once, at a content-addressed URL the browser keeps.

Over the websocket every session got its own deflated copy of ~1 MB per tooth, and a second visit or a tooth
seen before got it again. Here a region's state is JSON at ``/mesh/<sha256>.json``, served immutable and
brotli-compressed once for every session (issue 16: the second visit takes the meshes from the browser's
cache; the page asks for its tooth's meshes before its scripts run, ``serve.py``'s preload hints). The state
names the URLs (``mesh_src``); the page fetches them and fills its own ``mesh_<region>`` (client-only).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import brotli

from meshes import REGIONS
from viewer.wire import serialized_regions

PREFIX = "/mesh/"  # the route
URL = "mesh/{}.json"  # as the page asks for it: relative to the page, so a proxy's path prefix still holds
NAME = re.compile(r"([0-9a-f]{32})\.json")  # the route's file name: a digest, nothing else
MAX_BYTES = 192 << 20  # bodies and their brotli copies kept for the browsers (~40 tooth states, ~12 cuts)
BROTLI_QUALITY = 5  # measured on tooth 85: 10 % smaller than the websocket's deflate, ~10 ms a MB
# A section is made for one position of a dragged slider and fetched once: quality 2 is ~5 % bigger than 5
# but ~5x faster (tooth 85's four regions: 2.4 ms against 11.4 of a cut move's server time)
SECTION_QUALITY = 2


@dataclass
class Entry:
    body: bytes  # the JSON
    state: dict  # the object it was made from (kept so the same object maps to the same entry)
    quality: int = BROTLI_QUALITY
    _br: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def brotli(self) -> bytes:
        """The body brotli-compressed, made the first time a browser asks (off the event loop)."""
        with self._lock:
            if self._br is None:
                self._br = brotli.compress(self.body, quality=self.quality, mode=brotli.MODE_TEXT)
            return self._br

    @property
    def size(self) -> int:
        return 2 * len(self.body) + len(self._br or b"")  # the state object is about as big as its JSON


class MeshStore:
    """Bounded, least recently used first out; safe to fill from worker threads."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._by_object: dict[int, str] = {}  # id(state) -> digest: serialized states are shared objects
        self._lock = threading.Lock()

    def url(self, state: dict | None, quality: int = BROTLI_QUALITY) -> str | None:
        """The URL the browser fetches `state` from (None stays None: a region with nothing to show);
        ``quality``: its brotli's, if it is new here."""
        if state is None:
            return None
        with self._lock:
            digest = self._by_object.get(id(state))
            if digest in self._entries:
                self._entries.move_to_end(digest)
                return URL.format(digest)
        body = json.dumps(state, separators=(",", ":")).encode()
        digest = hashlib.sha256(body).hexdigest()[:32]
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                self._entries[digest] = Entry(body, state, quality)
            elif entry.state is not state:  # an equal state made again (its cache let the first go): hold
                self._by_object.pop(id(entry.state), None)  # the live one, so it is found by identity next
                entry.state = state
            self._entries.move_to_end(digest)
            self._by_object[id(state)] = digest  # only for the object the entry holds (ids are reused)
            self._shrink()
        return URL.format(digest)

    def get(self, digest: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is not None:
                self._entries.move_to_end(digest)
            return entry

    def _shrink(self) -> None:
        total = sum(e.size for e in self._entries.values())
        while total > self.max_bytes and len(self._entries) > 1:
            _, entry = self._entries.popitem(last=False)
            total -= entry.size
            self._by_object.pop(id(entry.state), None)


STORE = MeshStore()


def region_urls(tooth_key: str, plane: str | None, position: float) -> dict[str, str | None]:
    """Each region's URL for a section key (serializing it first if no session has; call off the loop)."""
    meshes = serialized_regions(tooth_key, plane, position)
    return {r: STORE.url(meshes[r], quality_for(plane)) for r in REGIONS}


def quality_for(plane: str | None) -> int:
    """The brotli quality of a section key's meshes: a whole tooth's are kept and fetched again, a cut's
    made while a thumb waits."""
    return SECTION_QUALITY if plane else BROTLI_QUALITY


def digest_of(name: str) -> str | None:
    """``<digest>.json`` -> digest (None for anything else: the route answers 404)."""
    match = NAME.fullmatch(name)
    return match.group(1) if match else None
