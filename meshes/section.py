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
from vtkmodules.vtkCommonCore import vtkPoints
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


BAND_MM = 1e-6  # a face this near the plane goes through the clip too
COS_FEATURE = float(np.cos(np.radians(FEATURE_ANGLE)))


@dataclass(frozen=True, eq=False)
class Shown:
    """A section as the browser draws it: triangles on their points and each point's arrays (a smooth
    shape's shading normals, ``NORMALS``, among them), plain arrays: no VTK object to make."""

    points: np.ndarray  # (n, 3)
    faces: np.ndarray  # (k, 3)
    arrays: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class Cuttable:
    """A closed surface made ready for ``cut``, once per shape: its faces and points as arrays, every point
    array the clip is to carry packed into one (in a busy server each VTK object costs ~0.1 ms to make),
    and for a smooth shape its normals by face corner (``meshes.shading.corner_normals``)."""

    surface: pv.PolyData
    faces: np.ndarray  # (k, 3) int64
    points: np.ndarray  # (n, 3) as the surface has them
    packed: np.ndarray  # (n, columns) float64: the point's id, then each array in ``columns``
    columns: dict[str, slice]  # the surface's arrays, ``shown`` ones, and the averaged normal and crease
    dtypes: dict[str, np.dtype]  # of the surface's own arrays, which the half keeps
    shown: tuple[str, ...]  # arrays only the browser's copy gets (its colour field)
    shading: CornerNormals | None = None


_AVERAGED, _CREASE = "averaged", "crease"  # of a smooth shape: its averaged normal, 1 on a crease


def cuttable(surface: pv.PolyData, smooth: bool = False,
             shown: dict[str, np.ndarray] | None = None) -> Cuttable:
    """``surface`` (closed: ``closed_surface``) made ready for ``cut``; ``smooth``: with its normals;
    ``shown``: point arrays for the browser's copy alone (the half keeps the surface's own)."""
    shading = corner_normals(surface) if smooth and surface.n_points else None
    arrays = {name: np.asarray(surface.point_data[name]) for name in surface.point_data}
    arrays.update(shown or {})
    if shading is not None:
        arrays[_AVERAGED] = shading.averaged
        arrays[_CREASE] = (shading.single < 0).astype(np.float32)
    columns, at, blocks = {}, 1, [np.arange(surface.n_points, dtype=np.float64)[:, None]]
    for name, values in arrays.items():
        block = np.asarray(values, dtype=np.float64).reshape(surface.n_points, -1)
        columns[name] = slice(at, at + block.shape[1])
        at += block.shape[1]
        blocks.append(block)
    dtypes = {name: np.asarray(surface.point_data[name]).dtype for name in surface.point_data}
    return Cuttable(surface, np.asarray(surface.regular_faces, dtype=np.int64), np.asarray(surface.points),
                    np.hstack(blocks), columns, dtypes, tuple(shown or ()), shading)


def cut(shape: Cuttable, normal, origin) -> tuple[pv.PolyData, Shown]:
    """``clip_region(shape.surface, normal, origin, keep_arrays=True)`` (the same faces and points), and
    the same half as the browser draws it (``Shown``): for a smooth shape its points split where their
    normals differ, each with its normal (``NORMALS``).

    Only the faces the plane meets go through vtkClipClosedSurface (the cap's loops are made of their cut
    edges alone), a tenth of the surface: the faces behind it are kept as they are, by index, and so keep
    their corner normals (``shape.shading``; computing the normals of every cut again was a third of a
    cut move's time). A face the plane cuts takes the surface's normal at its kept corners (at a crease
    its side's) and the interpolated one at its new points; the cap is flat, its points its own with the
    plane's normal (the crease between cap and wall)."""
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
    crossed = _polydata(pts[ids], (np.cumsum(mine) - 1)[tri[band]], {CARRIED: shape.packed[ids]})
    clipped = _clip_closed(crossed, n, origin, pass_arrays=True, labels=True)
    if clipped.GetNumberOfCells():
        carried = vtk_to_numpy(clipped.GetPointData().GetArray(CARRIED))
        carried = carried.reshape(len(carried), -1)
        cpts = vtk_to_numpy(clipped.GetPoints().GetData())
        ctri = vtk_to_numpy(clipped.GetPolys().GetConnectivityArray()).astype(np.int64).reshape(-1, 3)
        cap = vtk_to_numpy(clipped.GetCellData().GetArray("Labels")) == 1
        src = carried[:, 0]
        at = np.clip(np.rint(src), 0, len(pts) - 1).astype(np.int64)
        own = (src == at) & (cpts == pts[at]).all(axis=1)  # one of the surface's points, kept
    else:
        carried, cpts, ctri = shape.packed[:0], pts[:0], tri[:0]
        cap, at, own = np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    # One point set: the surface's points that are used, then the clip's new ones.
    fresh = np.flatnonzero(~own)
    ident = np.where(own, at, len(pts) + np.cumsum(~own) - 1)
    faces = np.concatenate([tri[behind], ident[ctri]])
    used = np.zeros(len(pts) + len(fresh), dtype=bool)
    used[faces] = True
    faces = (np.cumsum(used) - 1)[faces]
    kept = np.flatnonzero(used[:len(pts)])
    points = np.concatenate([pts[kept], cpts[fresh]])

    def column(name: str) -> np.ndarray:
        """An array at each point of the half: the surface's at its own points, the clip's at new ones."""
        cols = shape.columns[name]
        values = np.concatenate([shape.packed[kept, cols], carried[fresh, cols]]).astype(np.float32)
        return values[:, 0] if cols.stop - cols.start == 1 else values

    # an integer array (a canal's number) is interpolated as VTK does it: rounded
    own_arrays = {name: column(name) if dtype.kind == "f" else np.rint(column(name)).astype(dtype)
                  for name, dtype in shape.dtypes.items()}
    half = _mesh(points, faces, own_arrays)
    shown = {name: column(name) for name in shape.shown}
    s = shape.shading
    if s is None:
        return half, Shown(points, faces, shown)
    n_split, n_half = len(s.normals), len(points)
    source = np.where(own, at, -1)[ctri]
    # A corner's key names the normal it takes: a split point of the surface (< n_split), the averaged
    # normal of a point of the half (a face the plane cut), the plane's (the cap: n_split + n_half + its
    # point) or its face's own (n_split + 2 n_half + 3 face + corner); one point per key.
    key = np.empty_like(faces)
    key[:len(behind)] = s.corners[behind]
    rest = faces[len(behind):]
    single = np.where(source >= 0, s.single[np.maximum(source, 0)], -1)
    key[len(behind):] = np.where(single >= 0, single, n_split + rest)
    key[len(behind):][cap] = n_split + n_half + rest[cap]
    averaged = column(_AVERAGED)
    # On a crease (the enamel's cervical rim) a cut face's kept corner takes the side nearest the face's
    # own normal, and a new corner beside one (or whose averaged normal turns from the face's beyond the
    # feature angle) the face's own normal: a handful of points a section.
    own_normal = np.zeros((len(key), 3))
    walls = len(behind) + np.flatnonzero(~cap)
    if len(walls):
        p = points[faces[walls]].astype(float)
        facing = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
        facing /= np.maximum(np.linalg.norm(facing, axis=1, keepdims=True), 1e-30)
        wall_source = source[walls - len(behind)]
        on_crease = (wall_source >= 0) & (s.single[np.maximum(wall_source, 0)] < 0)
        guess = averaged[np.clip(key[walls] - n_split, 0, n_half - 1)]
        turned = (key[walls] >= n_split) & ((guess * facing[:, None, :]).sum(axis=2) < COS_FEATURE
                                            * np.linalg.norm(guess, axis=2))
        beside = column(_CREASE) > 0  # a new point on an edge from a crease point
        beside[:len(kept)] = False
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
    flat = averaged[point[wall]]  # interpolated along a cut edge: made unit again
    normals[wall] = flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    normals[plane] = n
    alone = keys >= n_split + 2 * n_half
    normals[alone] = own_normal[(keys[alone] - n_split - 2 * n_half) // 3]
    return half, Shown(points[point], shaded_faces,
                       {**{k: v[point] for k, v in shown.items()}, NORMALS: normals})


CARRIED = "pm_carried"  # the arrays ``cut`` has the clip carry, packed in one (see ``Cuttable``)


def _cells(tri: np.ndarray) -> vtkCellArray:
    cells = vtkCellArray()
    cells.SetData(3, numpy_to_vtkIdTypeArray(np.ascontiguousarray(tri, dtype=np.int64).ravel(), deep=True))
    return cells


def _fill(out: vtkPolyData, points: np.ndarray, tri: np.ndarray, arrays: dict[str, np.ndarray]) -> None:
    # Deep copies: a shallow one keeps its NumPy array alive through an attribute on the VTK buffer, and
    # every such object VTK's Python layer holds makes the next one slower (~0.2 ms each with a server's
    # teeth loaded, against ~0.01 ms for the copy)
    vtk_points = vtkPoints()
    vtk_points.SetData(numpy_to_vtk(np.ascontiguousarray(points), deep=True))
    out.SetPoints(vtk_points)
    out.SetPolys(_cells(tri))
    data = out.GetPointData()
    for name, values in arrays.items():
        array = numpy_to_vtk(np.ascontiguousarray(values), deep=True)
        array.SetName(name)
        data.AddArray(array)


def _polydata(points: np.ndarray, tri: np.ndarray, arrays: dict[str, np.ndarray]) -> vtkPolyData:
    out = vtkPolyData()
    _fill(out, points, tri, arrays)
    return out


def _mesh(points: np.ndarray, tri: np.ndarray, arrays: dict[str, np.ndarray]) -> pv.PolyData:
    """A triangle mesh made with VTK's own calls (PyVista's wrapping and checks cost more than the rest)."""
    out = pv.PolyData()
    _fill(out, points, tri, arrays)
    return out
