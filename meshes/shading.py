"""Shading normals for the browser's copies of a surface.

Without point normals vtk.js shades every triangle flat (its fragment shader takes the normal from the
screen-space derivatives of the position), so the browser shows the facets of a surface the engine has made
smooth. Each point gets the area-weighted mean of its faces' normals (VTK's vtkPolyDataNormals, no splitting:
the surfaces have no creases), as int8: three bytes a point, a direction within ~0.3 degrees (vtk.js copies
them into its float buffer and normalises per fragment).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

SCALE = 127  # int8 steps per unit


def shading_normals(mesh: pv.PolyData) -> np.ndarray:
    """Unit point normals of `mesh` (n, 3), float32."""
    shaded = mesh.compute_normals(cell_normals=False, point_normals=True, split_vertices=False,
                                  consistent_normals=False, auto_orient_normals=False, inplace=False)
    return np.asarray(shaded.point_data["Normals"], dtype=np.float32)


def quantized(normals: np.ndarray) -> np.ndarray:
    """`normals` as the wire carries them (int8, SCALE steps per unit)."""
    return np.clip(np.round(np.asarray(normals) * SCALE), -SCALE, SCALE).astype(np.int8)
