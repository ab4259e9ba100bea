"""What goes over the wire: vtk.js mesh states, serialized once per tooth (or cut), shared by all sessions.

Serializing is the costly part, so each function is lru-cached; nothing here touches trame state.
The browser's copy is lighter than the engine's without losing shape (issue 16): triangles joined into
strips (VTK's stripper; vtk.js draws strips) and points on a 1/128 mm grid (at most 4 um off: invisible next
to 0.1-0.2 mm edges) but repetitive enough for the websocket's deflate: about 40 % fewer bytes on the wire
(the 1/256 mm grid before issue 13's normals: the coarser grid saves 18 KB of their 48 for tooth 85).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyvista as pv
from trame_vtk.modules.vtk.serializers.mesh import b64_encode_numpy, np_encode
from trame_vtk.modules.vtk.serializers.mesh import mesh as vtkjs_state
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkIdTypeArray, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkFiltersCore import vtkStripper

from meshes.section import Shown
from meshes.shading import NORMALS, SCALE, quantized, with_normals
from viewer.growth.model import load_stage as load_tooth  # a tooth key: "85", "85@7.5~variant"
from viewer.procedure.frames import EXTRA_MESHES, with_color_array
from viewer.story.model import SIDES

from .cut import SMOOTH, cut_extras, cut_tooth

__all__ = ["SMOOTH", "mesh_state", "serialized_regions"]

GRID_MM = 1 / 128  # the points' grid in the browser's copy (a power of two: exact in float32)
FIELD_STEP = 1 / 1024  # the colour field's steps (values 0-1)


def on_grid(values, step: float) -> np.ndarray:
    return (np.round(np.asarray(values) / step) * step).astype(np.float32)


def mesh_state(mesh: pv.PolyData, field_to_keep: str | None = None, smooth: bool = False) -> dict:
    """The vtk.js state of `mesh` as the browser gets it: on the grid, in strips, its arrays kept and, if
    `smooth`, its shading normals (vtk.js would shade it flat): those it carries if it has them, else made
    here from its exact points."""
    made = smooth and NORMALS not in mesh.point_data
    light = with_normals(mesh) if made else mesh.copy(deep=False)
    # new vtkPoints: a shallow copy (or unsplit normals) shares the engine's, and setting an array on
    # them would move the cached meshes themselves onto the grid (picking, volumes, the other copies)
    light.points = pv.vtk_points(on_grid(light.points, GRID_MM))
    if field_to_keep in light.point_data:  # a colour ramp's position: 1/1024 steps are not seen
        light.point_data[field_to_keep] = on_grid(light.point_data[field_to_keep], FIELD_STEP)
    stripper = vtkStripper()
    stripper.SetInputData(light)
    stripper.SetMaximumLength(1 << 20)
    stripper.Update()
    strips = stripper.GetOutput()
    state = vtkjs_state(strips, field_to_keep=field_to_keep)
    if smooth:
        values = quantized(pv.wrap(strips).point_data[NORMALS])
        # the page's <pm3d-shape> (viewer/page/view3d) puts each pointArrays entry in the point data by its
        # registration: "setNormals" makes it the normals the mapper shades with
        state["pointArrays"] = [{"name": NORMALS, "values": np_encode(values), "numberOfComponents": 3,
                                 "type": "Int8Array", "location": "PointData", "registration": "setNormals",
                                 "dataRange": [-SCALE, SCALE]}]
    return state


def section_state(shown: Shown, field_to_keep: str | None = None) -> dict:
    """``mesh_state`` of a section as the browser draws it (``viewer.cut``'s ``Halves.shown``), made from its
    arrays: only its points and triangles go through VTK, to be stripped (in a server with its teeth
    loaded each VTK or PyVista object made costs ~0.1 ms, and the general path made dozens)."""
    points = on_grid(shown.points, GRID_MM)
    bare = vtkPolyData()
    vtk_points = vtkPoints()
    vtk_points.SetData(numpy_to_vtk(points, deep=True))
    bare.SetPoints(vtk_points)
    cells = vtkCellArray()
    faces = np.ascontiguousarray(shown.faces, dtype=np.int64).ravel()
    cells.SetData(3, numpy_to_vtkIdTypeArray(faces, deep=True))
    bare.SetPolys(cells)
    stripper = vtkStripper()
    stripper.SetInputData(bare)
    stripper.SetMaximumLength(1 << 20)
    stripper.Update()
    out = stripper.GetOutput()
    state = {"mesh": {"points": b64_encode_numpy(points)}}
    for key, cells in (("polys", out.GetPolys()), ("strips", out.GetStrips())):  # as trame-vtk's serializer
        if cells.GetNumberOfCells():  # (a lone triangle is a strip of three: no polys seen)
            legacy = vtkIdTypeArray()
            cells.ExportLegacyFormat(legacy)
            state["mesh"][key] = b64_encode_numpy(vtk_to_numpy(legacy))
    if field_to_keep is not None:  # a colour ramp's position: 1/1024 steps are not seen
        values = on_grid(shown.arrays[field_to_keep], FIELD_STEP)
        magnitude = np.abs(values)  # vtkDataArray.GetRange(-1), as trame-vtk's serializer reads it
        state["field"] = {"name": field_to_keep, "values": np_encode(values), "numberOfComponents": 1,
                          "type": "Float32Array", "location": "PointData",
                          "dataRange": (float(magnitude.min()), float(magnitude.max()))}
    if NORMALS in shown.arrays:
        state["pointArrays"] = [{"name": NORMALS, "values": np_encode(quantized(shown.arrays[NORMALS])),
                                 "numberOfComponents": 3, "type": "Int8Array", "location": "PointData",
                                 "registration": "setNormals", "dataRange": [-SCALE, SCALE]}]
    return state


@lru_cache(maxsize=64)
def serialized_regions(fdi: str, cut: str | None, cut_pos: float) -> dict[str, dict | None]:
    """vtk.js mesh state per region, shared by every session (serializing is the costly part)."""
    out = {}
    if cut:  # the display copies cut and capped (viewer/cut.py), colour arrays carried over
        halves = cut_tooth(fdi, cut, cut_pos)
        for name, shown in halves.shown.items():
            out[name] = section_state(shown, halves.fields[name]) if len(shown.faces) else None
        return out
    # The browser gets the lighter display surfaces (same shape, same arrays, no cracks; meshes/surfaces.py).
    for name, mesh in load_tooth(fdi).display_regions.items():
        colored, field = with_color_array(mesh, name)
        out[name] = mesh_state(colored, field_to_keep=field, smooth=name in SMOOTH) if mesh.n_points else None
    return out


@lru_cache(maxsize=16)
def serialized_successor(fdi: str) -> dict[str, dict | None]:
    """vtk.js mesh state of the premolar and its crypt (the engine's light copies; sent when first shown)."""
    meshes = load_tooth(fdi).display_successor
    return {name: mesh_state(mesh) if mesh.n_points else None for name, mesh in meshes.items()}


@lru_cache(maxsize=16)
def serialized_neighbours(fdi: str) -> dict[str, dict | None]:
    """vtk.js mesh state of the teeth in front and behind (sent once, when a space scene first plays)."""
    out = {}
    for side in SIDES:
        mesh = load_tooth(fdi).neighbour_mesh(side)
        out[side] = mesh_state(mesh) if mesh.n_points else None
    return out


@lru_cache(maxsize=1)
def serialized_marker() -> dict:
    import pyvista as pv

    return mesh_state(pv.Sphere(radius=0.55, theta_resolution=16, phi_resolution=12))


@lru_cache(maxsize=16)
def serialized_extras(fdi: str) -> dict[str, dict | None]:
    """vtk.js mesh state of the procedure geometry (opened layers, materials, crown), sent on first use.

    The engine's display copies: thinned per interface at build time, so no part cracks from its neighbour
    and nothing is decimated while a session waits.
    """
    meshes = load_tooth(fdi).display_extras
    return {name: mesh_state(meshes[name]) if meshes[name].n_points else None for name in EXTRA_MESHES}


@lru_cache(maxsize=16)
def serialized_cut_extras(fdi: str, cut: str, cut_pos: float) -> dict[str, dict | None]:
    """The procedure geometry cut by a step's plane (a step that shows the inside: the steel crown, cut)."""
    meshes = cut_extras(fdi, cut, cut_pos)
    return {name: mesh_state(meshes[name]) if meshes[name].n_points else None for name in EXTRA_MESHES}
