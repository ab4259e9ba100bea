"""Shading normals for the browser's copies of a surface.

Without point normals vtk.js shades every triangle flat (its fragment shader takes the normal from the
screen-space derivatives of the position), so the browser shows the facets of a surface the engine has made
smooth. Each point gets the area-weighted mean of its faces' normals (VTK's vtkPolyDataNormals), as int8:
three bytes a point, a direction within ~0.3 degrees (vtk.js copies them into its float buffer and
normalises per fragment).

Points are split along edges sharper than FEATURE_ANGLE, each side keeping its own normal: a cut's flat cap
meets the wall at ~90 degrees (averaged there, the cap's long fan triangles shade in streaks) and the
enamel's cervical rim folds back onto the junction (averaged, a dark line along the rim). Between
neighbouring faces of the surfaces themselves the turn is far smaller, even on the thin canals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv

SCALE = 127  # int8 steps per unit
FEATURE_ANGLE = 60.0  # degrees between two faces' normals beyond which their shared edge is a crease
NORMALS = "Normals"


def with_normals(mesh: pv.PolyData) -> pv.PolyData:
    """A copy of `mesh` with unit point normals (``NORMALS``, float32), split along creases: the points of
    a crease are duplicated, one per side, each with every point array of the original point."""
    # on a shallow copy: with splitting, PyVista writes its "pyvistaOriginalPointIds" into the input
    shaded = mesh.copy(deep=False).compute_normals(
        cell_normals=False, point_normals=True, split_vertices=True, feature_angle=FEATURE_ANGLE,
        consistent_normals=False, auto_orient_normals=False, inplace=False)
    shaded.point_data.pop("pyvistaOriginalPointIds", None)
    shaded.point_data[NORMALS] = np.asarray(shaded.point_data[NORMALS], dtype=np.float32)
    return shaded


def quantized(normals: np.ndarray) -> np.ndarray:
    """`normals` as the wire carries them (int8, SCALE steps per unit)."""
    return np.clip(np.round(np.asarray(normals) * SCALE), -SCALE, SCALE).astype(np.int8)


@dataclass(frozen=True, eq=False)
class CornerNormals:
    """A surface's shading normals (``with_normals``) by face corner, made once so that a piece of the
    surface (a cut keeps most of its faces whole: ``meshes.section.cut``) is shaded by lookup instead of
    by recomputing them."""

    normals: np.ndarray  # (split points, 3) float32
    faces: np.ndarray  # (faces, 3) the surface's own point ids
    corners: np.ndarray  # (faces, 3) the split point at each corner
    single: np.ndarray  # (points,) the split point of a point that has one, -1 on a crease
    averaged: np.ndarray  # (points, 3) float32: a point's normal, on a crease the mean of its sides'
    by_point: np.ndarray  # the split points, by the point they are made from: point p's are
    first: np.ndarray  # by_point[first[p]:first[p + 1]]

    def side(self, points: np.ndarray, facing: np.ndarray) -> np.ndarray:
        """For each point (on a crease), its split point whose normal is nearest ``facing`` (its face's)."""
        start, count = self.first[points], self.first[points + 1] - self.first[points]
        mine = start[:, None] + np.arange(count.max())
        mine = self.by_point[np.minimum(mine, len(self.by_point) - 1)]
        score = np.einsum("ikj,ij->ik", self.normals[mine], facing)
        score[np.arange(mine.shape[1]) >= count[:, None]] = -np.inf
        return mine[np.arange(len(points)), np.argmax(score, axis=1)]


def corner_normals(mesh: pv.PolyData) -> CornerNormals:
    """``mesh``'s normals as ``with_normals`` splits them, by face corner (triangles only)."""
    ids = mesh.copy(deep=False)
    ids.point_data.clear()
    ids.point_data["source"] = np.arange(mesh.n_points, dtype=np.int64)
    split = with_normals(ids)
    source = np.asarray(split.point_data["source"])  # vtkPolyDataNormals keeps the faces and their order
    faces, corners = np.asarray(mesh.regular_faces), np.asarray(split.regular_faces)
    normals = np.asarray(split.point_data[NORMALS], dtype=np.float32)
    copies = np.bincount(source, minlength=mesh.n_points)
    single = np.full(mesh.n_points, -1, dtype=np.int64)
    single[source[copies[source] == 1]] = np.flatnonzero(copies[source] == 1)
    averaged = np.zeros((mesh.n_points, 3))
    np.add.at(averaged, source, normals)
    averaged /= np.maximum(np.linalg.norm(averaged, axis=1, keepdims=True), 1e-12)
    by_point = np.argsort(source, kind="stable")
    first = np.searchsorted(source[by_point], np.arange(mesh.n_points + 1))
    return CornerNormals(normals, faces, corners, single, averaged.astype(np.float32), by_point, first)
