"""Which mesh of each shape the browser has, and sending only the ones it lacks (issue 16).

A shape (a region, or a procedure part) is drawn from a mesh state made for one section key (tooth key, cut
plane, position): a region's comes over HTTP (its URL in ``mesh_src``, ``viewer.mesh_store``), a procedure
part's in the state (``mesh_<name>``). A step of a procedure that hides the enamel needs no new enamel, and
the procedure's parts need none until a step shows them: a hidden shape keeps whatever mesh it had, and gets
the current one when it is shown again. A step used to send every region and every part (1.5-2.7 MB of
websocket payload; 0.6-0.9 s to the picture); now it sends what it shows.

The server keeps, per shape, the key of the mesh the browser has, so a tap is cast through exactly what is
drawn (``drawn``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Iterable, Iterator

import pyvista as pv

from meshes import REGIONS, TOOTH_NUMBERS, model, section
from viewer.growth.model import load_stage

from . import cut, wire
from .cut import cut_extras, cut_tooth
from .mesh_store import STORE, digest_of, quality_for, region_urls
from .pick import clear_locators
from .release import give_back
from .wire import serialized_cut_extras, serialized_extras, serialized_regions


def shape_state(key: tuple, name: str) -> dict | None:
    """The vtk.js mesh state of shape ``name`` for section ``key`` (cached in ``viewer.wire``)."""
    fdi, plane, pos = key
    if name in REGIONS:
        return serialized_regions(fdi, plane, pos)[name]
    return (serialized_cut_extras(fdi, plane, pos) if plane else serialized_extras(fdi))[name]


def shape_source(key: tuple, name: str) -> str | dict | None:
    """What the state carries for a shape: a region's URL (made and kept in the store the first time: JSON
    and its digest, ~10 ms a MB, so off the loop where it can be), a procedure part's mesh state itself."""
    state = shape_state(key, name)
    return STORE.url(state, quality_for(key[1])) if name in REGIONS else state


def shape_geometry(key: tuple, name: str) -> pv.PolyData:
    """The geometry behind ``shape_state(key, name)``: what the browser draws, for casting a tap."""
    fdi, plane, pos = key
    if name in REGIONS:
        return cut_tooth(fdi, plane, pos)[name] if plane else load_stage(fdi).display_regions[name]
    return cut_extras(fdi, plane, pos)[name] if plane else load_stage(fdi).display_extras[name]


class BrowserMeshes:
    """The mesh states one session's browser has: per shape, the section key it was made for."""

    def __init__(self, state):
        self.state = state
        self._keys: dict[str, tuple] = {}

    def key_of(self, name: str) -> tuple | None:
        """The section key of the mesh the browser has for ``name`` (None: none sent)."""
        return self._keys.get(name)

    def lacks(self, key: tuple, names: Iterable[str]) -> bool:
        """Whether the browser lacks section ``key``'s mesh of any shape in ``names``."""
        return any(self._keys.get(name) != key for name in names)

    def send(self, key: tuple, names: Iterable[str]) -> None:
        """Make sure the browser has section ``key``'s mesh of every shape in ``names`` (only those it
        lacks go out; the states are shared, cached objects, so an unchanged one is not sent again)."""
        src = None  # the regions' URLs: one new dict, so the state sends it
        for name in names:
            if self._keys.get(name) == key:
                continue
            if name in REGIONS:
                src = dict(src or self.state.mesh_src or {})
                src[name] = shape_source(key, name)
            else:
                self.state[f"mesh_{name}"] = shape_source(key, name)
            self._keys[name] = key
        if src is not None:
            self.state.mesh_src = src

    def region_urls(self) -> dict[str, str | None]:
        """The URLs of the regions' meshes the browser has (put back in the store if it let one go)."""
        return {r: shape_source(k, r) if (k := self._keys.get(r)) else None for r in REGIONS}

    def drawn(self) -> Iterator[tuple[str, pv.PolyData]]:
        """(shape, geometry) of every mesh the browser has (shown or hidden: the actor's state says)."""
        for name, key in self._keys.items():
            yield name, shape_geometry(key, name)


log = logging.getLogger(__name__)
WARM_AFTER_S = 1.0  # after the first browser's view is up: its first picture is drawn by then
_warm_started = False  # since the server started, or since the teeth were last let go
_generation = 0  # counts releases: a warm-up scheduled before one stops at its next tooth
_lock = threading.Lock()  # one tooth made ready, or every tooth let go, at a time


def warm(codes: Iterable[str], generation: int | None = None) -> None:
    """Load each tooth and make its whole-tooth meshes, as a first switch to it would (cached for every
    session). A tooth loaded from the disk cache costs ~100-150 ms of CPU (its full surfaces placed, its
    volumes measured): over a switch's 50 ms, so it is done ahead, one tooth after another, off the event
    loop. Costs ~45 MB of memory a tooth (measured: the engine's ``ToothModel`` ~43 MB, its surfaces and
    procedure parts as VTK objects with 64-bit connectivity beside the arrays they came from; its browser
    states ~2.5 MB), held while sessions are open and let go with the last (``release``). A ``generation``
    older than the last release stops it: those teeth were asked for by sessions that have gone."""
    for code in codes:
        with _lock:
            if generation is not None and generation != _generation:
                return
            region_urls(code, None, 0.0)


def nearest_first(fdi: str) -> list[str]:
    """Every other tooth, the likelier next choices first: the same side of the same jaw, the same jaw,
    then the other jaw (FDI: the first digit is the quadrant, 5-6 upper, 7-8 lower).

    >>> nearest_first("85")
    ['84', '75', '74', '55', '65', '54', '64']
    """
    def upper(c: str) -> bool:
        return c[0] in "56"

    return sorted((c for c in TOOTH_NUMBERS if c != fdi),
                  key=lambda c: (upper(c) != upper(fdi), c[0] != fdi[0], c[1] != fdi[1], c))


def warm_soon(codes: Iterable[str]) -> None:
    """Once per server process: ``warm(codes)`` in a worker thread, ``WARM_AFTER_S`` from now (nothing
    without a running event loop: the in-process tests load what they use)."""
    global _warm_started
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if _warm_started:
        return
    _warm_started = True
    codes, generation = list(codes), _generation
    loop.call_later(WARM_AFTER_S, lambda: loop.run_in_executor(None, warm, codes, generation))


def _tooth_caches() -> list:
    """Every cache that holds a tooth's geometry or what was made from it, the engine's own included."""
    caches = [
        model._load_tooth,  # the engine's 16 teeth (its public load_tooth has no way to let go)
        section.depth_range,  # keyed by the ToothModel itself: it would keep every tooth alive
        cut.cuttable, cut.cut_tooth, cut.cut_extras,
        wire.serialized_regions, wire.serialized_successor, wire.serialized_neighbours,
        wire.serialized_extras, wire.serialized_cut_extras,
    ]
    stage = sys.modules.get("viewer.export.stage")  # only if an export ran in this process
    if stage is not None:
        caches.append(stage.stage_geometry)
    return caches


def release(keep: Iterable[str] = ()) -> asyncio.Future | None:
    """Let every tooth go once the last session has closed, and make ``keep`` (the teeth a fresh server
    loads before any page: its default tooth) ready again with its page's meshes, so the server is back
    where it started but for those (~4 MB; issue 16: 321 MB idle, 647 after the sessions closed, the warm
    teeth and the meshes served all held).

    The caches are cleared at once, on the event loop (~10-50 ms, while no session is there to wait, and
    with nothing else clearing or warming meanwhile); the next page warms the other teeth again
    (``warm_soon``). Loading ``keep`` (~100 ms a tooth) runs in a worker thread when there is an event
    loop (its future is returned), then the freed heap is handed back to the system (glibc keeps freed
    arena pages otherwise: ``release.give_back``); without a loop, both here and now."""
    global _warm_started, _generation
    with _lock:
        _generation += 1
        _warm_started = False
        teeth = model._load_tooth.cache_info().currsize
        for cache in _tooth_caches():
            cache.cache_clear()
        STORE.clear()
        clear_locators()
    log.info("no session left: %d teeth let go", teeth)
    keep = tuple(keep)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        _load(keep)
        give_back()
        return None
    loading = loop.run_in_executor(None, _load, keep)
    # the collection on the loop, as every session's close has it: finalizers of the closed sessions' loop
    # objects are not run from a worker thread
    loading.add_done_callback(lambda _: give_back())
    return loading


def _load(keep: tuple[str, ...]) -> None:
    """Each tooth kept loaded with its page's meshes (states, JSON, brotli) made again: the next page then
    costs the server what a page costs on a server that has served one (~70 ms of CPU less: 43 to make
    and store tooth 85's states, 29 to compress them, measured), not what the very first page does."""
    for key in keep:
        for url in region_urls(key, None, 0.0).values():
            entry = STORE.get(digest_of(url.rsplit("/", 1)[-1])) if url else None
            if entry is not None:
                entry.brotli()
