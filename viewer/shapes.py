"""Which mesh of each shape the browser has, and sending only the ones it lacks (issue 16).

A shape (a region, or a procedure part) is drawn from the mesh state ``mesh_<name>``, made for one section
key (tooth key, cut plane, position). A step of a procedure that hides the enamel needs no new enamel, and
the procedure's parts need none until a step shows them: a hidden shape keeps whatever mesh it had, and gets
the current one when it is shown again. A step used to send every region and every part (1.5-2.7 MB of
websocket payload; 0.6-0.9 s to the picture); now it sends what it shows.

The server keeps, per shape, the key of the mesh the browser has, so a tap is cast through exactly what is
drawn (``drawn``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyvista as pv

from meshes import REGIONS
from viewer.growth.model import load_stage

from .cut import cut_extras, cut_tooth
from .wire import serialized_cut_extras, serialized_extras, serialized_regions


def shape_state(key: tuple, name: str) -> dict | None:
    """The vtk.js mesh state of shape ``name`` for section ``key`` (cached in ``viewer.wire``)."""
    fdi, plane, pos = key
    if name in REGIONS:
        return serialized_regions(fdi, plane, pos)[name]
    return (serialized_cut_extras(fdi, plane, pos) if plane else serialized_extras(fdi))[name]


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
        for name in names:
            if self._keys.get(name) != key:
                self.state[f"mesh_{name}"] = shape_state(key, name)
                self._keys[name] = key

    def drawn(self) -> Iterator[tuple[str, pv.PolyData]]:
        """(shape, geometry) of every mesh the browser has (shown or hidden: the actor's state says)."""
        for name, key in self._keys.items():
            yield name, shape_geometry(key, name)
