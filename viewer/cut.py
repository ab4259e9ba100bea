"""Cross-sections the browser gets: every region (and the procedure's parts) of a tooth cut by one plane.

The geometry is ``meshes.section``; here only the caches every session shares, keyed by canonical values
(``viewer.inputs``), so they stay small and bounded.

What is cut is the browser's lighter copy of each shape (issue 16): the same surface it draws uncut, so a
cut moves no finer a mesh than the whole tooth (cutting the full surfaces sent ~2 MB a section, 300 ms to
make) and a tap meets what is drawn. The copies are made closed once per tooth (``closed_surface``), so
the cut is still capped; a copy that cannot be closed is cut from its full surface instead.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyvista as pv

from meshes import section
from meshes.section import Cuttable, Shown, clip_region, closed_surface, plane_normal, plane_origin
from viewer.growth.model import load_stage as load_tooth  # a tooth key: "85", "85@7.5~variant"
from viewer.procedure.frames import with_color_array

__all__ = ["SMOOTH", "clip_region", "cut_extras", "cut_tooth", "plane_normal", "plane_origin"]

# Regions sent with shading normals (int8, split along creases: meshes/shading.py), cut or not: the surfaces
# one looks at (+48 KB deflated for tooth 85; the dentin's would be 47 KB more). The page makes a fresh
# polydata for every mesh state (viewer/page/view3d/index.js): no array of the one before stays behind.
SMOOTH: frozenset[str] = frozenset({"enamel", "crown_pulp", "root_pulp"})


class Halves(dict):
    """Each region's closed, capped half (``cut_tooth``), and in ``shown`` each as the browser draws it
    (``meshes.section.Shown``: the same faces; its colour field, if it has one, named in ``fields``; a
    smooth region's points split where their normals differ, ``NORMALS`` per point)."""

    def __init__(self, halves: dict[str, pv.PolyData], shown: dict[str, Shown],
                 fields: dict[str, str | None]):
        super().__init__(halves)
        self.shown, self.fields = shown, fields


@lru_cache(maxsize=160)
def cuttable(fdi: str, name: str) -> Cuttable:
    """A shape of a tooth (a region or a procedure part) made ready to cut: its display copy closed, or,
    failing that, its full surface; a smooth region's normals by face corner, made once here rather than
    on every section (cached per tooth key and shape; read-only)."""
    tooth = load_tooth(fdi)
    light = tooth.display_regions.get(name, tooth.display_extras.get(name))
    closed = closed_surface(light) if light is not None and light.n_points else None
    surface = closed if closed is not None else {**tooth.regions, **tooth.extras}[name]
    colored, field = with_color_array(surface, name)  # the colour field, made once and carried by the cut
    shown = {field: np.asarray(colored.point_data[field])} if field else None
    return section.cuttable(surface, smooth=name in SMOOTH, shown=shown)


def color_field(fdi: str, name: str) -> str | None:
    """The colour field a shape's section carries (``viewer.procedure.frames.with_color_array``)."""
    return next(iter(cuttable(fdi, name).shown), None)


@lru_cache(maxsize=128)
def cut_tooth(fdi: str, plane: str, position: float) -> Halves:
    """All regions of a tooth cut by one plane, capped, their colour arrays kept, and each as the browser
    draws it (``Halves``; cached, read-only)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    halves, shown = {}, {}
    for name in tooth.regions:
        halves[name], shown[name] = section.cut(cuttable(fdi, name), n, o)
    return Halves(halves, shown, {name: color_field(fdi, name) for name in tooth.regions})


@lru_cache(maxsize=16)
def cut_extras(fdi: str, plane: str, position: float) -> dict[str, pv.PolyData]:
    """The procedure's parts (opened layers, materials, steel crown) cut by the same plane (cached)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    return {name: section.cut(cuttable(fdi, name), n, o)[0] for name in tooth.extras}
