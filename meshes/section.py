"""Cross-sections as pure geometry: a plane through a tooth, and closed surfaces clipped by it and capped.

Regions share their boundaries, so the caps of neighbouring regions tile the section without gaps. No cache
and no UI here: the viewer caches what it sends (viewer/cut.py), the exports what they draw.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonDataModel import vtkPlane, vtkPlaneCollection
from vtkmodules.vtkFiltersGeneral import vtkClipClosedSurface

CUT_PLANES = ("md", "bl")  # mesiodistal section, buccolingual section
CUT_MIN, CUT_MAX = 0.05, 0.95  # positions across the tooth: never an empty half
# The half a section removes lies toward the plane normal; the viewer looks from that side.
REMOVED_SIDE = {"md": "buccal", "bl": "mesial"}
KEPT_SIDE = {"md": "lingual", "bl": "distal"}


def plane_normal(tooth, plane: str) -> np.ndarray:
    """Normal of a section plane, pointing at the half that is removed (toward the viewer).

    A mesiodistal section contains the mesiodistal axis (it shows mesial and distal roots side by side),
    so its normal is buccal; a buccolingual section's normal is mesial.
    """
    if plane not in CUT_PLANES:
        raise ValueError(f"unknown cut plane {plane!r}; expected one of {CUT_PLANES}")
    return np.asarray(tooth.axes[REMOVED_SIDE[plane]], dtype=float)


@lru_cache(maxsize=32)  # asked twice per cut move (the plane, the student's mm): ~2 ms each over every point
def depth_range(tooth, plane: str) -> tuple[float, float]:
    """(lo, hi) of the tooth along the plane normal, from its centre, in mm."""
    n = plane_normal(tooth, plane)
    center = np.asarray(tooth.center, dtype=float)
    depth = np.concatenate([(r.points - center) @ n for r in tooth.regions.values() if r.n_points])
    return float(depth.min()), float(depth.max())


def plane_origin(tooth, plane: str, position: float) -> np.ndarray:
    """Point of the plane: ``position`` 0..1 runs across the whole tooth along the plane normal."""
    lo, hi = depth_range(tooth, plane)
    t = min(CUT_MAX, max(CUT_MIN, float(position)))
    return np.asarray(tooth.center, dtype=float) + plane_normal(tooth, plane) * (lo + t * (hi - lo))


def section_mm(tooth, plane: str, position: float) -> tuple[float, float]:
    """(distance of the plane from the kept side's surface, the tooth's whole depth), both in mm."""
    lo, hi = depth_range(tooth, plane)
    t = min(CUT_MAX, max(CUT_MIN, float(position)))
    return t * (hi - lo), hi - lo


def closed_surface(mesh: pv.PolyData) -> pv.PolyData | None:
    """``mesh`` as a surface ``clip_region`` can cap, its point arrays kept; None if it is not closed.

    The browser's lighter copies (meshes/surfaces.py ``display_regions``) are closed but for a few fins
    that decimation folds: two faces on the same three points, back to back, enclosing nothing. Without
    them every edge is shared by an even number of faces (2, or 4 where two sheets touch), which is all
    vtkClipClosedSurface needs to close every cut loop with a cap.
    """
    tri = mesh.regular_faces.astype(np.int64)
    n = np.int64(mesh.n_points)
    a = np.sort(tri, axis=1)  # a face or an edge as one integer: a 1-D unique is ~10x a row-wise one
    _, which, count = np.unique((a[:, 0] * n + a[:, 1]) * n + a[:, 2], return_inverse=True,
                                return_counts=True)
    tri = tri[count[which] == 1]
    ends = np.concatenate([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]])
    _, uses = np.unique(ends.min(axis=1) * n + ends.max(axis=1), return_counts=True)
    if len(tri) == 0 or (uses % 2).any():
        return None
    out = pv.PolyData.from_regular_faces(mesh.points, tri)
    for name in mesh.point_data:
        out.point_data[name] = mesh.point_data[name]
    return out


def clip_region(
    mesh: pv.PolyData, normal, origin, keep_arrays: bool = False, keep: float | None = None
) -> pv.PolyData:
    """Keep the part of a closed surface behind the plane (opposite the normal) and cap the cut.

    ``mesh`` must be closed (``closed_surface`` says). With ``keep_arrays`` the point arrays (removal
    order, decay) are interpolated onto the cut's new points and its cap, so a cut pulp still colours by
    its removal front. ``keep`` (0..1) decimates the result to that share of its faces (the video's
    software renderer, viewer/export), the arrays then carried over from the nearest original point."""
    if mesh.n_points == 0:
        return mesh.copy()
    # vtkClipClosedSurface keeps the side the normal points away from; flip so the kept half is behind.
    # Called directly: PyVista's clip_closed_surface first counts open edges, 4x the clip's own time.
    plane = vtkPlane()
    plane.SetOrigin(*(float(c) for c in origin))
    plane.SetNormal(*(-float(c) for c in normal))
    planes = vtkPlaneCollection()
    planes.AddItem(plane)
    clip = vtkClipClosedSurface()
    clip.SetInputData(mesh)
    clip.SetClippingPlanes(planes)
    clip.SetGenerateFaces(True)
    clip.SetPassPointData(keep_arrays and keep is None)
    clip.TriangulationErrorDisplayOff()
    clip.Update()
    out = pv.wrap(clip.GetOutput())
    out.cell_data.clear()
    if keep is not None and out.n_cells > 500:
        from meshes.surfaces import decimate

        out = pv.PolyData.from_regular_faces(*decimate(np.asarray(out.points), out.regular_faces, keep))
    if keep is not None and keep_arrays and out.n_points and len(mesh.point_data):
        from scipy.spatial import cKDTree

        _, nearest = cKDTree(np.asarray(mesh.points)).query(np.asarray(out.points))
        for name in list(mesh.point_data):
            out.point_data[name] = np.asarray(mesh.point_data[name])[nearest]
    return out
