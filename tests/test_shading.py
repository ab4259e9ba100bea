"""The browser's copies carry shading normals (issue 13): which regions, how encoded, and that they agree
with the surfaces they shade (meshes/shading.py, viewer/wire.py)."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import pyvista as pv

from meshes.shading import FEATURE_ANGLE, NORMALS, SCALE, corner_normals, quantized, with_normals
from viewer.wire import SMOOTH, serialized_regions

DTYPES = {"int8": np.int8, "uint16": np.uint16, "uint32": np.uint32, "float32": np.float32}


def decoded(values: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(values["bvals"]), dtype=DTYPES[values["dtype"]])


def strip_triangles(strips: np.ndarray) -> np.ndarray:
    """Triangles (k, 3) of vtk.js's strips ([n, ids...] per strip), every other one flipped as VTK does."""
    out, i = [], 0
    while i < len(strips):
        n = int(strips[i])
        ids = strips[i + 1:i + 1 + n].astype(np.int64)
        for k in range(n - 2):
            a, b, c = ids[k], ids[k + 1], ids[k + 2]
            out.append((a, b, c) if k % 2 == 0 else (b, a, c))
        i += n + 1
    return np.array(out)


def test_with_normals_splits_creases_and_keeps_smooth_surfaces_whole():
    cube = pv.Cube().triangulate().clean()  # 8 corners, every edge a 90 degree crease
    split = with_normals(cube)
    assert split.n_points == 24, "each corner once per face it touches"
    normals = split.point_data[NORMALS]
    assert normals.dtype == np.float32
    assert np.allclose(np.abs(normals).max(axis=1), 1.0), "a cube's point normals are its faces' normals"
    sphere = pv.Sphere(theta_resolution=48, phi_resolution=48)
    smooth = with_normals(sphere)
    assert smooth.n_points == sphere.n_points, "no edge of a fine sphere is sharper than the feature angle"
    radial = smooth.points / np.linalg.norm(smooth.points, axis=1, keepdims=True)
    assert np.degrees(np.arccos(np.clip((smooth.point_data[NORMALS] * radial).sum(1), -1, 1))).max() < 3
    assert 30 < FEATURE_ANGLE < 90


def test_corner_normals_are_with_normals_by_face_corner():
    """What a section's normals are taken from (meshes.section.cut): with_normals' normal at each corner of
    each face, a point off any crease its one split point, a crease point its sides' mean and the side
    nearest a face's own normal."""
    sphere = pv.Sphere(theta_resolution=24, phi_resolution=16)
    cube = pv.Cube().triangulate().clean()
    for mesh, creased in ((sphere, False), (cube, True)):
        shading, split = corner_normals(mesh), with_normals(mesh)
        assert np.array_equal(shading.faces, mesh.regular_faces)
        by_corner = shading.normals[shading.corners]  # (faces, 3 corners, 3)
        assert np.allclose(by_corner, np.asarray(split.point_data[NORMALS])[split.regular_faces])
        assert np.allclose(split.points[shading.corners], mesh.points[shading.faces])  # the same corners
        assert (shading.single < 0).all() == creased and (shading.single >= 0).all() != creased
    assert np.allclose(np.linalg.norm(shading.averaged, axis=1), 1)
    assert np.allclose(np.abs(shading.averaged), 1 / np.sqrt(3), atol=1e-6)  # a cube's corner: the diagonal
    up = shading.side(np.arange(8), np.tile([0.0, 0.0, 1.0], (8, 1)))
    assert np.allclose(shading.normals[up][cube.points[:, 2] > 0], [0, 0, 1])  # the top face's side
    assert (shading.normals[up][cube.points[:, 2] < 0] @ [0, 0, 1] < 0.5).all()  # no top side below


def test_quantized_normals_are_within_half_a_degree():
    rng = np.random.default_rng(13)
    n = rng.normal(size=(10000, 3))
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    q = quantized(n).astype(float)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    worst = np.degrees(np.arccos(np.clip((q * n).sum(1), -1, 1))).max()
    assert worst < 0.5, worst


@pytest.mark.parametrize(("cut", "pos"), [(None, 0.0), ("md", 0.5), ("bl", 0.35)])
def test_served_meshes_carry_normals_that_face_their_surfaces(cut, pos):
    """Enamel and both pulps, cut or not, carry int8 normals, one per point, agreeing with the orientation
    of every triangle they shade; the dentin carries none (its 47 KB more would break the byte budget)."""
    states = serialized_regions("85", cut, pos)
    assert {"enamel", "crown_pulp", "root_pulp"} == SMOOTH
    for name, state in states.items():
        if state is None:
            continue
        arrays = {a["name"]: a for a in state.get("pointArrays") or []}
        if name not in SMOOTH:
            assert NORMALS not in arrays, name
            continue
        a = arrays[NORMALS]
        assert (a["type"], a["numberOfComponents"], a["registration"]) == ("Int8Array", 3, "setNormals")
        assert a["dataRange"] == [-SCALE, SCALE]
        points = decoded(state["mesh"]["points"]).reshape(-1, 3)
        normals = decoded(a["values"]).reshape(-1, 3).astype(float)
        assert normals.shape == points.shape, name
        lengths = np.linalg.norm(normals, axis=1) / SCALE
        assert np.abs(lengths - 1).max() < 0.02, f"{name}: unit normals"
        tri = strip_triangles(decoded(state["mesh"]["strips"]))
        p0, p1, p2 = points[tri[:, 0]], points[tri[:, 1]], points[tri[:, 2]]
        face = np.cross(p1 - p0, p2 - p0)  # its length: twice the triangle's area
        front = (face * normals[tri].mean(axis=1)).sum(1) > 0
        # by area: slivers a cut leaves (a few grid steps high) may fold on the grid, sub-pixel
        shown = np.linalg.norm(face, axis=1)
        share = shown[front].sum() / shown.sum()
        assert share > 0.999, f"{name} ({cut}): {share:.5f} of the area shaded from the front"
        if cut:
            assert state["field"] is None or len(decoded(state["field"]["values"])) == len(points), name


@pytest.mark.parametrize("smooth", [False, True])
def test_serializing_leaves_the_engines_meshes_where_they_are(smooth):
    """The browser's copy goes on a grid; the engine's cached surface it came from must not (a shallow copy
    shares its points: setting them moved every cached mesh onto the grid, picking and volumes with it)."""
    from viewer.growth.model import load_stage
    from viewer.wire import GRID_MM, mesh_state

    mesh = load_stage("85").display_regions["crown_pulp"]
    before = np.array(mesh.points, copy=True)
    state = mesh_state(mesh, smooth=smooth)
    assert np.array_equal(np.asarray(mesh.points), before)
    assert set(mesh.point_data) == {"removal_order"}, "and no array added to it"
    served = decoded(state["mesh"]["points"])
    assert np.array_equal(served, np.round(served / GRID_MM) * GRID_MM), "the copy is on the grid"
    assert not np.array_equal(np.sort(served), np.sort(before.ravel().astype(np.float32)))
