"""Sections from the browser's light copies (issue 16): closed, capped, on one side, the same cut face as the
full surfaces give, lighter than the whole tooth; and the closing of a copy itself."""

from __future__ import annotations

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
