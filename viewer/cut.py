"""Cross-sections: every closed region clipped by one plane and capped, so cut faces show solid tissue.

Regions share their boundaries, so the caps of neighbouring regions tile the section without gaps.
Results are cached per (tooth, plane, position): every session on the server reuses them.
"""

from functools import lru_cache

import numpy as np
import pyvista as pv

from meshes import load_tooth

from .url_state import CUT_MAX, CUT_MIN, CUT_PLANES


def plane_normal(tooth, plane: str) -> np.ndarray:
    """Normal of a section plane, pointing at the half that is removed (toward the viewer).

    A mesiodistal section contains the mesiodistal axis (it shows mesial and distal roots side by side),
    so its normal is buccal; a buccolingual section's normal is mesial.
    """
    if plane not in CUT_PLANES:
        raise ValueError(f"unknown cut plane {plane!r}; expected one of {CUT_PLANES}")
    return np.asarray(tooth.axes["buccal" if plane == "md" else "mesial"], dtype=float)


def plane_origin(tooth, plane: str, position: float) -> np.ndarray:
    """Point of the plane: ``position`` 0..1 runs across the whole tooth along the plane normal."""
    n = plane_normal(tooth, plane)
    center = np.asarray(tooth.center, dtype=float)
    depth = np.concatenate([(r.points - center) @ n for r in tooth.regions.values() if r.n_points])
    lo, hi = float(depth.min()), float(depth.max())
    t = min(CUT_MAX, max(CUT_MIN, float(position)))
    return center + n * (lo + t * (hi - lo))


def clip_region(mesh: pv.PolyData, normal, origin) -> pv.PolyData:
    """Keep the part of a closed surface behind the plane (opposite the normal) and cap the cut."""
    if mesh.n_points == 0:
        return mesh.copy()
    # clip_closed_surface keeps the side the normal points away from; flip so the kept half is behind.
    out = mesh.clip_closed_surface(normal=tuple(-np.asarray(normal)), origin=tuple(origin))
    return out


@lru_cache(maxsize=128)
def cut_tooth(fdi: str, plane: str, position: float) -> dict[str, pv.PolyData]:
    """All regions of a tooth cut by one plane (cached; treat the result as read-only)."""
    tooth = load_tooth(fdi)
    n = plane_normal(tooth, plane)
    o = plane_origin(tooth, plane, position)
    return {name: clip_region(mesh, n, o) for name, mesh in tooth.regions.items()}
