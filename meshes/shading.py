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
