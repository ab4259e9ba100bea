"""Sections from the browser's light copies (issue 16): closed, capped, on one side, the same cut face as the
full surfaces give, lighter than the whole tooth; and the closing of a copy itself."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import pyvista as pv

from meshes import REGIONS, TOOTH_NUMBERS
from meshes.section import clip_region, closed_surface, plane_normal, plane_origin
from meshes.surfaces import is_closed_manifold
from viewer.cut import cut_extras, cut_tooth
from viewer.growth.model import load_stage
from viewer.procedure.frames import EXTRA_MESHES
from viewer.wire import serialized_regions


@pytest.fixture(autouse=True, scope="module")
def fresh_cuts():
    """The shared cuts made anew from the models loaded now: earlier tests may have evicted a tooth and
    loaded it again (from a test's own cache directory: a build that differs in the last micrometres),
    while the cuts cached by tooth number were made from the old one."""
    from viewer.cut import cuttable

    for cached in (cut_tooth, cut_extras, cuttable, serialized_regions):
        cached.cache_clear()


def cap_area(mesh: pv.PolyData, normal, origin) -> float:
    """Area of the faces lying in the plane (the cap), in mm²."""
    tri = mesh.regular_faces
    p = np.asarray(mesh.points, dtype=float)
    on = np.abs((p - origin) @ normal) < 1e-4
    cap = tri[on[tri].all(axis=1)]
    a, b, c = p[cap[:, 0]], p[cap[:, 1]], p[cap[:, 2]]
    return float(0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1).sum())


@pytest.mark.parametrize("fdi", TOOTH_NUMBERS)
def test_light_sections_are_closed_and_match_the_full_cut(fdi):
    tooth = load_stage(fdi)
    for plane in ("md", "bl"):
        n = plane_normal(tooth, plane)
        for pos in (0.2, 0.5, 0.8):
            o = plane_origin(tooth, plane, pos)
            halves = cut_tooth(fdi, plane, pos)
            for region in REGIONS:
                half = halves[region]
                full = clip_region(tooth.regions[region], n, o)  # the reference: the full closed surface
                if full.n_cells == 0:  # the plane passes beside this region
                    assert half.n_cells == 0 or half.volume < 0.05, (fdi, plane, pos, region)
                    continue
                assert is_closed_manifold(half), (fdi, plane, pos, region)  # capped: no hole in the face
                assert ((half.points - o) @ n).max() < 1e-4  # only the kept side
                light, ref = cap_area(half, n, o), cap_area(full, n, o)
                assert light == pytest.approx(ref, rel=0.03, abs=0.05), (fdi, plane, pos, region)
                assert abs(half.volume - full.volume) <= 0.03 * full.volume + 0.05
                assert half.n_cells < full.n_cells  # the light copy's cut, not the full one's
            for name, part in cut_extras(fdi, plane, pos).items():
                assert part.n_points == 0 or ((part.points - o) @ n).max() < 1e-4, name


def test_cut_carries_the_colour_arrays_onto_the_cap():
    tooth = load_stage("85")
    n, o = plane_normal(tooth, "md"), plane_origin(tooth, "md", 0.5)
    half = cut_tooth("85", "md", 0.5)["crown_pulp"]
    order = np.asarray(half.point_data["removal_order"])
    on_cap = np.abs((half.points - o) @ n) < 1e-4
    assert on_cap.sum() > 20
    src = np.asarray(tooth.display_regions["crown_pulp"].point_data["removal_order"])
    # interpolated along the cut edges: within the source's range, and not one flat value across the cap
    assert src.min() - 1e-6 <= order[on_cap].min() and order[on_cap].max() <= src.max() + 1e-6
    assert np.ptp(order[on_cap]) > 0.05


def test_a_section_is_no_heavier_than_the_whole_tooth():
    """The cut of the full surfaces was 2.1 MB of mesh state for tooth 85 at 0.5 (0.95 MB the whole tooth)."""
    from viewer.procedure.frames import with_color_array
    from viewer.wire import mesh_state

    def size(states):
        return sum(len(str(s)) for s in states.values() if s)

    tooth = load_stage("85")
    whole = size(serialized_regions("85", None, 0.0))
    for pos in (0.2, 0.5, 0.8):
        n, o = plane_normal(tooth, "md"), plane_origin(tooth, "md", pos)
        full_cut = {r: mesh_state(*with_color_array(clip_region(m, n, o, keep_arrays=True), r))
                    for r, m in tooth.regions.items()}
        light = size(serialized_regions("85", "md", pos))
        assert light < 1.1 * whole and light < 0.5 * size(full_cut), pos


def test_closed_surface_drops_fins_and_refuses_holes():
    sphere = pv.Sphere(theta_resolution=16, phi_resolution=12).triangulate().clean()
    assert is_closed_manifold(sphere)
    tri, pts = sphere.regular_faces, np.asarray(sphere.points)
    a, b = tri[0, 0], tri[0, 1]
    d = len(pts)  # a fin: two faces back to back on an edge of the sphere, enclosing nothing
    finned = pv.PolyData.from_regular_faces(np.vstack([pts, pts[a] + [0, 0, 0.3]]),
                                            np.vstack([tri, [[a, b, d], [b, a, d]]]))
    finned.point_data["x"] = np.asarray(finned.points)[:, 0]
    assert not is_closed_manifold(finned)
    closed = closed_surface(finned)
    assert closed is not None and closed.n_cells == sphere.n_cells and "x" in closed.point_data
    half = clip_region(closed, (1.0, 0.0, 0.0), (0.1, 0.0, 0.0), keep_arrays=True)
    assert is_closed_manifold(half) and ((half.points[:, 0]) <= 0.1 + 1e-6).all()
    # a linear array interpolates exactly onto the cut
    assert np.allclose(half.point_data["x"], half.points[:, 0], atol=1e-5)
    holed = pv.PolyData.from_regular_faces(pts, tri[1:])
    assert closed_surface(holed) is None


def test_every_light_copy_can_be_closed():
    """Else that shape is cut from its full surface (viewer.cut.cuttable): correct, but ~4x the bytes."""
    for fdi in TOOTH_NUMBERS:
        tooth = load_stage(fdi)
        for name in REGIONS:
            assert closed_surface(tooth.display_regions[name]) is not None, (fdi, name)
        for name in EXTRA_MESHES:
            assert closed_surface(tooth.display_extras[name]) is not None, (fdi, name)


def triangles_by_position(mesh) -> np.ndarray:
    """Each triangle as its corners' coordinates, from its least corner on (its winding kept), sorted: two
    meshes (PolyData, or a section as shown) with the same rows draw the same faces, however numbered."""
    points, faces = (mesh.points, mesh.regular_faces) if isinstance(mesh, pv.PolyData) else (mesh.points,
                                                                                             mesh.faces)
    c = np.asarray(points, dtype=np.float64)[np.asarray(faces)]
    first = np.argmin(c[:, :, 0] * 1e6 + c[:, :, 1] * 1e3 + c[:, :, 2], axis=1)
    c = np.stack([c[np.arange(len(c)), (first + k) % 3] for k in range(3)], axis=1).reshape(len(c), 9)
    return c[np.lexsort(c.T[::-1])]


def arrays_by_position(mesh: pv.PolyData) -> dict[str, np.ndarray]:
    order = np.lexsort(np.asarray(mesh.points, dtype=np.float64).T[::-1])
    return {name: np.asarray(mesh.point_data[name])[order] for name in mesh.point_data}


@pytest.mark.parametrize("fdi", ["54", "55", "84", "85"])  # the four molar kinds (left: their mirrors)
def test_a_cut_is_the_clip_of_the_whole_surface(fdi):
    """``section.cut`` sends only the faces the plane meets through vtkClipClosedSurface and keeps the
    rest by index: the very faces, points and arrays the clip of the whole surface gives; and the browser's
    copy draws those faces, its colour field the whole tooth's interpolated the same way."""
    from meshes import section
    from viewer.cut import cuttable
    from viewer.procedure.frames import with_color_array

    tooth = load_stage(fdi)
    for plane in ("md", "bl"):
        n = plane_normal(tooth, plane)
        for pos in (0.05, 0.4, 0.75):
            o = plane_origin(tooth, plane, pos)
            for name in (*REGIONS, *EXTRA_MESHES):
                shape = cuttable(fdi, name)
                ref = clip_region(shape.surface, n, o, keep_arrays=True)
                half, shown = section.cut(shape, n, o)
                where = (fdi, plane, pos, name)
                assert (half.n_points, half.n_cells) == (ref.n_points, ref.n_cells), where
                if ref.n_cells == 0:
                    continue
                assert np.array_equal(triangles_by_position(half), triangles_by_position(ref)), where
                got, want = arrays_by_position(half), arrays_by_position(ref)
                assert set(got) == set(want), where
                for array in want:
                    assert np.allclose(got[array], want[array], atol=1e-6), (*where, array)
                if name in REGIONS:  # an opened layer's full surface need not be closed (so neither its clip)
                    assert is_closed_manifold(half), where
                assert np.array_equal(triangles_by_position(shown), triangles_by_position(half)), where
                colored, field = with_color_array(ref, name)
                if field:  # 1 - the interpolated order, or the interpolated 1 - order: the same to 1e-6
                    mine = pv.PolyData.from_regular_faces(shown.points, shown.faces)
                    mine.point_data[field] = shown.arrays[field]
                    mine = mine.clean(tolerance=0)  # one value per place: a smooth shape's points are split
                    ref_field = pv.PolyData.from_regular_faces(colored.points, colored.regular_faces)
                    ref_field.point_data[field] = colored.point_data[field]
                    ref_values = arrays_by_position(ref_field.clean(tolerance=0))[field]
                    assert np.allclose(arrays_by_position(mine)[field], ref_values, atol=1e-6), where


def _angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cos = (a * b).sum(axis=-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


@pytest.mark.parametrize(("plane", "pos"), [("md", 0.35), ("md", 0.5), ("bl", 0.5), ("bl", 0.65)])
def test_a_section_is_shaded_as_the_whole_tooth_and_its_cap_flat(plane, pos):
    """The normals carried into a section: away from the plane exactly the whole tooth's (what the page
    shows uncut), the cap the plane's own, and at the cut's edge close to the normals of the cut
    computed anew (vtkPolyDataNormals on the half, as every section was shaded before)."""
    from scipy.spatial import cKDTree

    from meshes.shading import NORMALS, with_normals
    from viewer.cut import SMOOTH, cuttable

    tooth = load_stage("85")
    n, o = plane_normal(tooth, plane), plane_origin(tooth, plane, pos)
    halves = cut_tooth("85", plane, pos)
    assert {r for r, shown in halves.shown.items() if NORMALS in shown.arrays} == SMOOTH
    far_points = 0
    for name in sorted(SMOOTH):
        shown = halves.shown[name]
        pts, normals, faces = shown.points, shown.arrays[NORMALS], shown.faces
        if not len(faces):
            continue
        depth = (pts - o) @ n
        a, b, c = pts[faces[:, 0]], pts[faces[:, 1]], pts[faces[:, 2]]
        facing = np.cross(b - a, c - a)
        facing /= np.maximum(np.linalg.norm(facing, axis=1, keepdims=True), 1e-30)
        cap = (np.abs(depth[faces]).max(axis=1) < 2e-5) & (facing @ n > 0.999)  # in the plane, facing out
        assert cap.sum() > 50 or np.abs(depth).min() > 1e-3, name  # or the plane passes beside it
        assert (normals[faces[cap]] == n.astype(np.float32)).all(), f"{name}: a flat cap"
        assert not np.isin(faces[cap], faces[~cap]).any(), f"{name}: the cap's points are its own (a crease)"

        def nearest(reference: pv.PolyData, pts=pts, normals=normals) -> np.ndarray:
            """Each point's angle to the closest normal the reference has at the same place."""
            ref = np.asarray(reference.point_data[NORMALS])
            near = cKDTree(np.asarray(reference.points)).query_ball_point(pts, 1e-6)
            return np.array([_angles(ref[j], normals[i]).min() if j else 180.0 for i, j in enumerate(near)])

        whole = nearest(with_normals(cuttable("85", name).surface))
        far = np.abs(depth) > 0.5
        assert not far.any() or whole[far].max() < 0.1, name  # float32 rounding
        far_points += far.sum()
        anew = nearest(with_normals(halves[name]))
        wall = np.abs(depth) > 1e-4
        assert np.percentile(anew[wall], 90) < 1.0 and np.percentile(anew[wall], 99) < 10.0, name
    assert far_points > 1000


def test_a_cut_cube_shades_every_corner_with_its_face():
    """Every edge of a cube is a crease: a cut keeps each side's normal at its kept corners, takes the
    face's own at new points on a crease edge, and the cap's is the plane's: flat faces stay flat."""
    from meshes import section
    from meshes.shading import NORMALS

    cube = pv.Cube().triangulate().subdivide(2, "linear").clean()
    half, shown = section.cut(section.cuttable(cube, smooth=True), (0.0, 0.0, 1.0), (0.1, 0.1, 0.13))
    assert is_closed_manifold(half) and np.asarray(half.points)[:, 2].max() <= 0.13 + 1e-6
    pts, faces = shown.points, shown.faces
    a, b, c = pts[faces[:, 0]], pts[faces[:, 1]], pts[faces[:, 2]]
    own = np.cross(b - a, c - a)
    corner = shown.arrays[NORMALS][faces]
    assert _angles(corner, own[:, None, :]).max() < 1e-3


def test_a_sections_state_is_the_general_serializers():
    """viewer.wire.section_state (from the arrays) makes mesh_state's state of the same section: the same
    points, strips and normals, the colour field to its 1/1024 steps."""
    from meshes.shading import NORMALS
    from viewer.wire import FIELD_STEP, mesh_state, section_state

    for plane, pos in (("md", 0.5), ("bl", 0.3)):
        halves = cut_tooth("85", plane, pos)
        for name in REGIONS:
            shown, field = halves.shown[name], halves.fields[name]
            if not len(shown.faces):
                assert serialized_regions("85", plane, pos)[name] is None
                continue
            mesh = pv.PolyData.from_regular_faces(shown.points, shown.faces)
            for array, values in shown.arrays.items():
                mesh.point_data[array] = values
            fast, general = section_state(shown, field), mesh_state(mesh, field, NORMALS in shown.arrays)
            assert fast["mesh"] == general["mesh"] and fast.get("pointArrays") == general.get("pointArrays")
            assert (fast["field"]["name"], fast["field"]["values"]["shape"]) == (
                general["field"]["name"], general["field"]["values"]["shape"])
            steps = [np.frombuffer(base64.b64decode(s["field"]["values"]["bvals"]), np.float32)
                     for s in (fast, general)]
            assert np.abs(steps[0] - steps[1]).max() <= FIELD_STEP + 1e-7, name
            assert serialized_regions("85", plane, pos)[name] == fast
