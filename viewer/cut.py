"""Cross-sections the browser gets: every region (and the procedure's parts) of a tooth cut by one plane.

The geometry is ``meshes.section``; here only the cache every session shares, keyed by canonical values
(``viewer.inputs``), so it stays small and bounded.
"""

from __future__ import annotations

from functools import lru_cache

import pyvista as pv

from meshes.section import clip_region, plane_normal, plane_origin
from viewer.growth.model import load_stage as load_tooth  # a tooth key: "85", "85@7.5~variant"

__all__ = ["clip_region", "cut_extras", "cut_tooth", "plane_normal", "plane_origin"]


@lru_cache(maxsize=128)
def cut_tooth(fdi: str, plane: str, position: float) -> dict[str, pv.PolyData]:
    """All regions of a tooth cut by one plane, their colour arrays kept (cached; read-only)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    return {name: clip_region(mesh, n, o, keep_arrays=True) for name, mesh in tooth.regions.items()}


@lru_cache(maxsize=16)
def cut_extras(fdi: str, plane: str, position: float) -> dict[str, pv.PolyData]:
    """The procedure's parts (opened layers, materials, steel crown) cut by the same plane (cached)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    out = {}
    for name, mesh in tooth.extras.items():
        try:
            out[name] = clip_region(mesh, n, o)
        except ValueError:  # not a closed surface: the whole part, uncut
            out[name] = mesh
    return out
