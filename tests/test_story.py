"""The chairside story: infection extents, the successor between the roots, space kept and lost."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from meshes import load_tooth
from meshes.arch import neighbours, space_mm
from meshes.surfaces import is_closed_manifold
from scenes.errors import SceneError
from scenes.story import age_timeline, load_extents, load_space_scene, space_moment

TEETH = ("54", "55", "84", "85")  # one of each kind; left teeth are mirror images (tests/test_meshes.py)


@pytest.fixture(scope="module")
def teeth():
    return {code: load_tooth(code) for code in TEETH}


def test_each_extent_names_its_procedure():
    extents = load_extents()
    assert list(extents) == ["none", "dentin", "crown", "roots"]
    expected = {"none": "none", "dentin": "none", "crown": "pulpotomy", "roots": "pulpectomy"}
    assert {k: e.procedure for k, e in extents.items()} == expected
    # The part of the pulp shown diseased is the part the procedure removes.
    assert {k: e.affected for k, e in extents.items()} == {
        "none": "none",
        "dentin": "none",
        "crown": "crown_pulp",
        "roots": "all",
    }
    assert [e.decay for e in extents.values()] == [False, True, True, True]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('procedure = "pulpotomy"', 'procedure = "root canal"', "procedure"),
        ('affected = "all"', 'affected = "roots"', "affected"),
        ("decay = true", 'decay = "yes"', "decay"),
        ('id = "roots"', 'id = "crown"', "id"),
    ],
)
def test_broken_infection_file_is_refused(tmp_path, old, new, field):
    from scenes.story import STORY_DIR

    text = (STORY_DIR / "infection.toml").read_text()
    assert old in text
    path = tmp_path / "infection.toml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(SceneError) as err:
        load_extents(path)
    assert err.value.file == "infection.toml" and err.value.field == field


@pytest.mark.parametrize("code", TEETH)
def test_successor_is_closed_and_sits_between_the_roots_without_touching(teeth, code):
    model = teeth[code]
    bud = model.successor["successor"]
    crypt = model.successor["crypt"]
    assert is_closed_manifold(bud) and is_closed_manifold(crypt)
    assert model.successor_info["scale"] == 1.0  # full-size crown: the roots leave it room
    local = model.local
    bud_pts = local.successor_points["successor"]
    tooth_pts = np.concatenate([local.points["enamel"], local.points["dentin"]])
    # Not touching: the crypt keeps a clearance from every surface of the primary tooth (0.3 mm asked,
    # placed on a 0.2 mm distance map, then both surfaces are smoothed: at least half of it remains).
    gap = cKDTree(tooth_pts).query(local.successor_points["crypt"])[0].min()
    assert gap >= 0.15, f"crypt {gap:.2f} mm from the primary tooth"
    # Between the roots: its top is below the furcation and above the apices; its centre lies inside the
    # roots' spread at its top's height.
    top = bud_pts[:, 2].max()
    apex = tooth_pts[:, 2].min()
    assert -local.trunk > top > apex + 2.0, (top, apex, local.trunk)
    roots = tooth_pts[(np.abs(tooth_pts[:, 2] - top) < 0.3)]
    centre = bud_pts[:, :2].mean(axis=0)
    spread_x = (roots[:, 0].min(), roots[:, 0].max())
    spread_y = (roots[:, 1].min(), roots[:, 1].max())
    assert spread_x[0] < centre[0] < spread_x[1] and spread_y[0] < centre[1] < spread_y[1]
    # Roots on both sides of it (in x for two-rooted lower molars, in y for three-rooted upper ones).
    axis = 0 if model.tooth.arch == "mandibular" else 1
    assert (roots[:, axis] < centre[axis] - 2).any() and (roots[:, axis] > centre[axis] + 2).any()


@pytest.mark.parametrize("code", TEETH)
def test_lost_early_leaves_less_room_than_kept(teeth, code):
    model = teeth[code]
    local = model.local
    order = model.tooth.order
    width = float(np.ptp(local.successor_points["successor"][:, 0]))  # the premolar's mesiodistal width
    near = neighbours(model.tooth.kind, local.points["enamel"])
    mes, dis = near["mesial"], near["distal"]
    room = {}
    for scene_id in ("space_lost", "space_kept"):
        scene = load_space_scene(scene_id)
        end = space_moment(scene, order, scene.duration(order))
        m = end.motion
        room[scene_id] = space_mm(
            mes.moved(m["drift_mesial_mm"], m["tip_mesial_deg"]),
            dis.moved(m["drift_distal_mm"], m["tip_distal_deg"]),
            mes.crown,
            dis.crown,
        )
        assert not end.tooth_present
    assert room["space_kept"] >= width > room["space_lost"], (room, width)


def test_space_scene_moves_smoothly_and_shows_the_age():
    scene = load_space_scene("space_lost")
    times = np.linspace(0, scene.duration("second"), 40)
    drift = [space_moment(scene, "second", t).motion["drift_distal_mm"] for t in times]
    ages = [space_moment(scene, "second", t).age_months for t in times]
    assert np.all(np.diff(drift) >= 0) and drift[0] == 0.0 and drift[-1] == pytest.approx(3.2)
    assert np.all(np.diff(ages) >= 0) and ages[0] == 60 and ages[-1] == 138
    assert space_moment(scene, "second", 0).age_label == "5 years"


def test_broken_space_scene_is_refused(tmp_path):
    from scenes.story import STORY_DIR

    text = (STORY_DIR / "space_lost.toml").read_text().replace("age_months = 78", "age_months = 30", 1)
    (tmp_path / "space_lost.toml").write_text(text)
    with pytest.raises(SceneError) as err:
        load_space_scene("space_lost", tmp_path)
    assert err.value.field == "age_months" and err.value.step_id == "second" and err.value.step_index == 2


@pytest.mark.parametrize(
    "kind", ["maxillary_first", "maxillary_second", "mandibular_first", "mandibular_second"]
)
def test_age_timeline_is_in_order(kind):
    erupts, treatment, shed, successor = age_timeline(kind)
    assert erupts.to_years < treatment.from_years + 1
    assert treatment.to_years < shed.from_years <= successor.from_years
    assert "premolar" in successor.label


def _apply_pose(points: np.ndarray, pose: dict) -> np.ndarray:
    """What vtk.js does with an actor's position, origin and orientation (rotation about X only here)."""
    theta = np.radians(pose["orientation"][0])
    rx = np.array([[1, 0, 0], [0, np.cos(theta), -np.sin(theta)], [0, np.sin(theta), np.cos(theta)]])
    origin = np.asarray(pose["origin"])
    return (points - origin) @ rx.T + origin + np.asarray(pose["position"])


@pytest.mark.parametrize("code", ["85", "75", "54", "64"])
@pytest.mark.parametrize("side", ["mesial", "distal"])
def test_neighbour_pose_moves_the_world_mesh_as_the_engine_moves_it(teeth, code, side):
    model = teeth[code] if code in teeth else load_tooth(code)
    world = np.asarray(model.neighbour_mesh(side).points)
    posed = _apply_pose(world, model.neighbour_pose(side, 2.0, 6.0))
    expected = model.neighbours[side].moved(2.0, 6.0) @ model.matrix.T
    assert np.abs(posed - expected).max() < 1e-3
    # Drifting towards the molar's place: the neighbour's crown moves towards the molar's centre.
    before = np.linalg.norm(world.mean(axis=0)[:2] - np.asarray(model.center)[:2])
    after = np.linalg.norm(posed.mean(axis=0)[:2] - np.asarray(model.center)[:2])
    assert after < before


@pytest.mark.parametrize("code", TEETH)
def test_successor_rises_into_the_arch(teeth, code):
    model = teeth[code]
    up = np.asarray(model.successor_pose(1.0)["position"])
    tip = np.asarray(model.successor["successor"].points) + up
    occlusal = np.asarray(model.axes["occlusal"])
    top = (tip @ occlusal).max()
    # Up at the occlusal plane of its neighbours (the mean height of their cusps).
    plane = np.mean(
        [(np.asarray(model.neighbour_mesh(side).points) @ occlusal).max() for side in model.neighbours]
    )
    assert top == pytest.approx(plane, abs=1e-3)
    assert top > (np.asarray(model.regions["enamel"].points) @ occlusal).max() - 1.0
    assert model.space_between_neighbours({}) >= model.successor_width_mm
