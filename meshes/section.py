"""Cross-sections as pure geometry: a plane through a tooth, and closed surfaces clipped by it and capped.

Regions share their boundaries, so the caps of neighbouring regions tile the section without gaps. No cache
and no UI here: the viewer caches what it sends (viewer/cut.py), the exports what they draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPlane, vtkPlaneCollection, vtkPolyData
from vtkmodules.vtkFiltersCore import vtkTriangleFilter
from vtkmodules.vtkFiltersGeneral import vtkClipClosedSurface

from .shading import FEATURE_ANGLE, NORMALS, CornerNormals, corner_normals

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
    out = pv.wrap(_clip_closed(mesh, normal, origin, keep_arrays and keep is None))
    if keep is not None and out.n_cells > 500:
        from meshes.surfaces import decimate

        out = pv.PolyData.from_regular_faces(*decimate(np.asarray(out.points), out.regular_faces, keep))
    if keep is not None and keep_arrays and out.n_points and len(mesh.point_data):
        from scipy.spatial import cKDTree

        _, nearest = cKDTree(np.asarray(mesh.points)).query(np.asarray(out.points))
        for name in list(mesh.point_data):
            out.point_data[name] = np.asarray(mesh.point_data[name])[nearest]
    return out


def _clip_closed(mesh: pv.PolyData, normal, origin, pass_arrays: bool, labels: bool = False) -> vtkPolyData:
    """vtkClipClosedSurface: the half behind the plane, capped; with ``labels`` its cell array "Labels"
    says which faces are the cap (1) and which the surface's (0)."""
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
    clip.SetPassPointData(pass_arrays)
    if labels:
        clip.SetScalarModeToLabels()
    clip.TriangulationErrorDisplayOff()
    clip.Update()
    out = clip.GetOutput()
    polys = out.GetPolys()
    if polys.GetNumberOfConnectivityIds() != 3 * polys.GetNumberOfCells():  # not seen: the clip triangulates
        triangles = vtkTriangleFilter()
        triangles.SetInputData(out)
        triangles.Update()
        out = triangles.GetOutput()
    return out


# What ``cut`` carries through the clip: a point's id in the surface (exact on the points it keeps), its
# averaged normal (interpolated onto the new points) and whether it is on a crease (> 0: a new point by one)
SOURCE, AVERAGED, CREASE = "pm_source", "pm_averaged", "pm_crease"
BAND_MM = 1e-6  # a face this near the plane goes through the clip too
COS_FEATURE = float(np.cos(np.radians(FEATURE_ANGLE)))


@dataclass(frozen=True, eq=False)
class Cuttable:
    """A closed surface made ready for ``cut``, once per shape: its faces and points as arrays, and for a
    smooth shape its normals by face corner (``meshes.shading.corner_normals``)."""

    surface: pv.PolyData
    faces: np.ndarray  # (k, 3) int64
    points: np.ndarray  # (n, 3) as the surface has them
    arrays: dict[str, np.ndarray]  # the surface's point arrays (and AVERAGED), for the clip to carry
    shading: CornerNormals | None = None


def cuttable(surface: pv.PolyData, smooth: bool = False) -> Cuttable:
    """``surface`` (closed: ``closed_surface``) made ready for ``cut``; ``smooth``: with its normals."""
    shading = corner_normals(surface) if smooth and surface.n_points else None
    arrays = {name: np.asarray(surface.point_data[name]) for name in surface.point_data}
    if shading is not None:
        arrays[AVERAGED] = shading.averaged
        arrays[CREASE] = (shading.single < 0).astype(np.float32)
    return Cuttable(surface, np.asarray(surface.regular_faces, dtype=np.int64), np.asarray(surface.points),
                    arrays, shading)


def cut(shape: Cuttable, normal, origin) -> tuple[pv.PolyData, pv.PolyData | None]:
    """``clip_region(shape.surface, normal, origin, keep_arrays=True)`` (the same faces and points), and for
    a smooth shape the same half shaded: points split where their normals differ, each with ``NORMALS``.

    Only the faces the plane meets go through vtkClipClosedSurface (the cap's loops are made of their cut
    edges alone), a tenth of the surface: the faces behind it are kept as they are, by index, and so keep
    their corner normals (``shape.shading``; computing the normals of every cut again was a third of a
    cut move's time). A face the plane cuts takes the surface's normal at its kept corners (the averaged
    one at a crease) and the interpolated one at its new points; the cap is flat, its points its own
    with the plane's normal (the crease between cap and wall)."""
    n = np.asarray(normal, dtype=float)
    tri, pts = shape.faces, shape.points
    d = ((pts - np.asarray(origin, dtype=float)) @ n)[tri]
    lo = np.minimum(np.minimum(d[:, 0], d[:, 1]), d[:, 2])
    hi = np.maximum(np.maximum(d[:, 0], d[:, 1]), d[:, 2])
    band = np.flatnonzero((lo <= BAND_MM) & (hi >= -BAND_MM))  # the faces the plane meets
    behind = np.flatnonzero(hi < -BAND_MM)
    # the clip gets those faces and their points alone: its time goes with the points it is given
    mine = np.zeros(len(pts), dtype=bool)
    mine[tri[band]] = True
    ids = np.flatnonzero(mine)
    local = (np.cumsum(mine) - 1)[tri[band]]
    crossed = _polydata(pts[ids], local, {**{k: v[ids] for k, v in shape.arrays.items()},
                                          SOURCE: ids.astype(np.float64)})
    clipped = _clip_closed(crossed, n, origin, pass_arrays=True, labels=True)
    data = clipped.GetPointData()
    new = {data.GetArrayName(i): vtk_to_numpy(data.GetArray(i)) for i in range(data.GetNumberOfArrays())}
    if clipped.GetNumberOfCells():
        cpts = vtk_to_numpy(clipped.GetPoints().GetData())
        ctri = vtk_to_numpy(clipped.GetPolys().GetConnectivityArray()).astype(np.int64).reshape(-1, 3)
        cap = vtk_to_numpy(clipped.GetCellData().GetArray("Labels")) == 1
        src = new[SOURCE]
        at = np.clip(np.rint(src), 0, len(pts) - 1).astype(np.int64)
        own = (src == at) & (cpts == pts[at]).all(axis=1)  # one of the surface's points, kept
    else:
        cpts, ctri, cap = pts[:0], tri[:0], np.zeros(0, dtype=bool)
        at, own = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    # One point set: the surface's points that are used, then the clip's new ones.
    fresh = np.flatnonzero(~own)
    ident = np.where(own, at, len(pts) + np.cumsum(~own) - 1)
    faces = np.concatenate([tri[behind], ident[ctri]])
    used = np.zeros(len(pts) + len(fresh), dtype=bool)
    used[faces] = True
    faces = (np.cumsum(used) - 1)[faces]
    kept = np.flatnonzero(used[:len(pts)])
    points = np.concatenate([pts[kept], cpts[fresh]])
    surface_arrays = {name: values for name, values in shape.arrays.items() if name not in (AVERAGED, CREASE)}
    arrays = {name: np.concatenate([values[kept], new[name][fresh]]) if name in new else values[kept]
              for name, values in surface_arrays.items()} if len(cpts) or len(kept) else {}
    half = _triangles(points, faces, arrays)
    if shape.shading is None:
        return half, None
    s = shape.shading
    n_split, n_half = len(s.normals), len(points)
    # A corner's key names the normal it takes: a split point of the surface (< n_split), the averaged
    # normal of a point of the half (a face the plane cut), or the plane's (the cap); one point per key.
    key = np.empty_like(faces)
    key[:len(behind)] = s.corners[behind]
    rest = faces[len(behind):]
    source = np.where(own, at, -1)[ctri]
    single = np.where(source >= 0, s.single[np.maximum(source, 0)], -1)
    key[len(behind):] = np.where(single >= 0, single, n_split + rest)
    key[len(behind):][cap] = n_split + n_half + rest[cap]
    # On a crease (the enamel's cervical rim) a cut face's kept corner takes the side nearest the face's
    # own normal, and a new corner beside one (or whose averaged normal turns from the face's beyond the
    # feature angle) the face's own normal: a handful of points a section.
    own_normal = np.zeros((len(key), 3))  # the face's normal, for the corners that take it
    walls = len(behind) + np.flatnonzero(~cap)
    if len(walls):
        p = points[faces[walls]].astype(float)
        facing = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
        facing /= np.maximum(np.linalg.norm(facing, axis=1, keepdims=True), 1e-30)
        wall_source = source[walls - len(behind)]
        on_crease = (wall_source >= 0) & (s.single[np.maximum(wall_source, 0)] < 0)
        guess = averaged_of(s, kept, new, fresh)[np.clip(key[walls] - n_split, 0, n_half - 1)]
        turned = (key[walls] >= n_split) & ((guess * facing[:, None, :]).sum(axis=2) < COS_FEATURE
                                            * np.linalg.norm(guess, axis=2))
        if CREASE in new:  # a new point on an edge from a crease point
            beside = np.concatenate([np.zeros(len(kept), dtype=bool), new[CREASE][fresh] > 0])
            turned |= (wall_source < 0) & beside[faces[walls]]
        rows, corners = np.nonzero(on_crease)
        if len(rows):
            key[walls[rows], corners] = s.side(wall_source[rows, corners], facing[rows])
        rows, corners = np.nonzero(turned & ~on_crease)
        key[walls[rows], corners] = n_split + 2 * n_half + 3 * walls[rows] + corners
        own_normal[walls[rows]] = facing[rows]
    taken = np.zeros(n_split + 2 * n_half + 3 * len(key), dtype=bool)  # np.unique without its sort
    taken[key] = True
    keys = np.flatnonzero(taken)
    shaded_faces = (np.cumsum(taken) - 1)[key]
    point = np.empty(len(keys), dtype=np.int64)
    point[shaded_faces.ravel()] = faces.ravel()  # the half's point each key is made from
    split = keys < n_split
    wall = (keys >= n_split) & (keys < n_split + n_half)
    plane = (keys >= n_split + n_half) & (keys < n_split + 2 * n_half)
    normals = np.empty((len(keys), 3), dtype=np.float32)
    normals[split] = s.normals[keys[split]]
    flat = averaged_of(s, kept, new, fresh)[point[wall]]  # interpolated along a cut edge: made unit again
    normals[wall] = flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    normals[plane] = n
    alone = keys >= n_split + 2 * n_half
    normals[alone] = own_normal[(keys[alone] - n_split - 2 * n_half) // 3]
    return half, _triangles(points[point], shaded_faces,
                            {**{k: v[point] for k, v in arrays.items()}, NORMALS: normals})


def averaged_of(shading: CornerNormals, kept: np.ndarray, new: dict, fresh: np.ndarray) -> np.ndarray:
    """Each point's averaged normal in a half (``cut``): the surface's, or what the clip interpolated."""
    averaged = shading.averaged[kept]
    return np.concatenate([averaged, new[AVERAGED][fresh]]) if AVERAGED in new else averaged


def _cells(tri: np.ndarray) -> vtkCellArray:
    cells = vtkCellArray()
    cells.SetData(3, numpy_to_vtkIdTypeArray(np.ascontiguousarray(tri, dtype=np.int64).ravel()))
    return cells


def _triangles(points: np.ndarray, tri: np.ndarray, arrays: dict[str, np.ndarray]) -> pv.PolyData:
    """A triangle mesh made with VTK's own calls (PyVista's checks cost more than the rest of a cut)."""
    return pv.wrap(_polydata(points, tri, arrays))


def _polydata(points: np.ndarray, tri: np.ndarray, arrays: dict[str, np.ndarray]) -> vtkPolyData:
    out = vtkPolyData()
    # not deep: the arrays are made for this mesh (numpy_to_vtk keeps a reference to each)
    out.SetPoints(pv.vtk_points(np.ascontiguousarray(points), deep=False))
    out.SetPolys(_cells(tri))
    for name, values in arrays.items():
        array = numpy_to_vtk(np.ascontiguousarray(values))
        array.SetName(name)
        out.GetPointData().AddArray(array)
    return out
