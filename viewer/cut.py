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

import pyvista as pv

from meshes.section import clip_region, closed_surface, plane_normal, plane_origin
from viewer.growth.model import load_stage as load_tooth  # a tooth key: "85", "85@7.5~variant"

__all__ = ["clip_region", "cut_extras", "cut_tooth", "plane_normal", "plane_origin"]


@lru_cache(maxsize=160)
def cuttable(fdi: str, name: str) -> pv.PolyData:
    """A shape of a tooth (a region or a procedure part) as a closed surface to cut: its display copy
    closed, or, failing that, its full surface (cached per tooth key and shape; read-only)."""
    tooth = load_tooth(fdi)
    light = tooth.display_regions.get(name, tooth.display_extras.get(name))
    closed = closed_surface(light) if light is not None and light.n_points else None
    return closed if closed is not None else {**tooth.regions, **tooth.extras}[name]


@lru_cache(maxsize=128)
def cut_tooth(fdi: str, plane: str, position: float) -> dict[str, pv.PolyData]:
    """All regions of a tooth cut by one plane, capped, their colour arrays kept (cached; read-only)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    return {name: clip_region(cuttable(fdi, name), n, o, keep_arrays=True) for name in tooth.regions}


@lru_cache(maxsize=16)
def cut_extras(fdi: str, plane: str, position: float) -> dict[str, pv.PolyData]:
    """The procedure's parts (opened layers, materials, steel crown) cut by the same plane (cached)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    return {name: clip_region(cuttable(fdi, name), n, o) for name in tooth.extras}
