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
from collections.abc import Iterable, Iterator

import pyvista as pv

from meshes import REGIONS, TOOTH_NUMBERS
from viewer.growth.model import load_stage

from .cut import cut_extras, cut_tooth
from .mesh_store import STORE, quality_for, region_urls
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


WARM_AFTER_S = 1.0  # after the first browser's view is up: its first picture is drawn by then
_warm_started = False


def warm(codes: Iterable[str]) -> None:
    """Load each tooth and make its whole-tooth meshes, as a first switch to it would (cached for every
    session). A tooth loaded from the disk cache costs ~100-150 ms of CPU (its full surfaces placed, its
    volumes measured): over a switch's 50 ms, so it is done ahead, one tooth after another, off the event
    loop. Costs ~45 MB of memory a tooth, which a server whose sessions look at every tooth holds anyway
    (``meshes.load_tooth`` keeps 16)."""
    for code in codes:
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
    codes = list(codes)
    loop.call_later(WARM_AFTER_S, lambda: loop.run_in_executor(None, warm, codes))
