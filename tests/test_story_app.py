"""In-process tests of the chairside story in the viewer: infection extents, URL, Play, space scenes, quiz."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from conftest import unique_name

from meshes import load_tooth
from scenes.story import load_space_scene, space_moment
from viewer.app import App
from viewer.procedure.frames import timelines
from viewer.story.model import disease_range, quiz_targets
from viewer.url_state import ViewParams, parse_query, to_query


def choose(app, infection):
    with app.state:
        app.state.infection = infection


@pytest.mark.parametrize(
    ("extent", "procedure", "title", "crown_on", "root_on"),
    [
        ("none", "none", "Nothing yet", False, False),
        ("dentin", "none", "Nothing yet", False, False),
        ("crown", "pulpotomy", "Pulpotomy", True, False),
        ("roots", "pulpectomy", "Pulpectomy", True, True),
    ],
)
@pytest.mark.parametrize("fdi", ["85", "54"])
def test_extent_names_procedure_and_colours_the_right_pulp(app, fdi, extent, procedure, title, crown_on,
                                                           root_on):
    with app.state:
        app.state.tooth = fdi
    choose(app, extent)
    s, tooth = app.state, load_tooth(fdi)
    assert s.indicated["procedure"] == procedure and s.indicated["title"] == title
    assert s.indicated["why"] and "." in s.indicated["why"]
    fraction = {"none": 0.0, "dentin": 0.0, "crown": tooth.pulpotomy_fraction, "roots": 1.0}[extent]
    assert s.removal_range == disease_range(fraction)
    assert s.removal_range[1] == round(1.0 - fraction, 5)  # the range ends at the extent's fraction
    # the range splits the engine's order at the crown/root boundary: diseased = keep above the range
    keep_crown = 1.0 - np.asarray(tooth.regions["crown_pulp"].point_data["removal_order"])
    keep_root = 1.0 - np.asarray(tooth.regions["root_pulp"].point_data["removal_order"])
    lo, hi = s.removal_range
    if extent == "crown":
        assert hi == round(1.0 - tooth.pulpotomy_fraction, 5)
        assert (keep_crown >= hi - 1e-4).all() and (keep_root <= hi + 1e-4).all()
    if extent == "roots":
        assert hi == 0.0 and (keep_root > lo).all() and (keep_crown > lo).all()
    assert s.mapper_crown_pulp["scalarVisibility"] is crown_on
    assert s.mapper_root_pulp["scalarVisibility"] is root_on
    if crown_on:
        assert s.preset_crown_pulp == {"crown": "nic_CubicL", "roots": "CIELab_blue2red"}[extent]
    assert s.mapper_enamel["scalarVisibility"] is (extent != "none")  # decay shows from "dentin" on
    if extent != "none":
        assert s.property_enamel["opacity"] < 0.5 and s.actor_enamel["pickable"] is False
    else:
        assert s.property_enamel["opacity"] == 1.0
    assert s.teaching_line.startswith("For teaching only")


def test_url_restores_infection_mode_and_successor(app):
    app.on_client_url("?tooth=84&infection=crown&mode=student&successor=1")
    s = app.state
    assert (s.tooth, s.infection, s.mode, s.successor_on) == ("84", "crown", "student", True)
    assert s.indicated["title"] == "Pulpotomy" and s.indicated["note"]  # student: the precise note
    assert s.indicated["label"].startswith("Coronal pulp inflamed")
    assert s.removal_range == disease_range(load_tooth("84").pulpotomy_fraction)
    assert s.mesh_successor is not None and s.actor_successor["visibility"] is True
    assert s.url_query == "?tooth=84&infection=crown&successor=1&mode=student"
    p = ViewParams(tooth="55", infection="roots", mode="student", successor=True)
    assert parse_query(to_query(p)) == p
    assert parse_query("?infection=bogus&mode=boss") == ViewParams()
    app.on_client_url("?tooth=85")
    assert (s.infection, s.mode, s.successor_on) == ("none", "parent", False)
    assert s.actor_successor["visibility"] is False and s.indicated["note"] == ""


def test_mode_switch_changes_words_not_anatomy(app):
    choose(app, "roots")
    s = app.state
    assert s.indicated["label"] == "Infection in the roots"
    with app.state:
        app.state.mode = "student"
    assert s.indicated["label"].startswith("Radicular pulp involved")
    assert "pulpectomy" in s.indicated["note"].lower()
    names = load_tooth("85").canal_names  # the engine's canals (85: two mesial, two distal since issue 13)
    assert s.canal_text == f"{len(names)} canals: {', '.join(names)}"
    assert "mode=student" in s.url_query and s.removal_range == disease_range(1.0)


@pytest.mark.parametrize(("extent", "procedure", "step_id"),
                         [("roots", "pulpectomy", "infection"), ("crown", "pulpotomy", "decay")])
def test_play_starts_the_indicated_procedure_from_that_state(app, extent, procedure, step_id):
    app.on_client_url(f"?tooth=85&infection={extent}")

    async def run():
        app.frame_interval = 0.01
        app.story.play_indicated()
        assert app.state.playing is True
        await asyncio.sleep(0.15)
        app.procedure.pause()

    asyncio.run(run())
    s = app.state
    assert s.procedure == procedure
    assert timelines()[procedure].steps[s.step_index].id == step_id
    assert s.t > timelines()[procedure].step_start(s.step_index), "it played on from that step"
    assert f"procedure={procedure}" in s.url_query


def test_dentin_extent_has_nothing_to_play(app):
    choose(app, "dentin")
    app.story.play_indicated()
    assert app.state.procedure is None and app.state.playing is False


def play_scene(app, scene_id):
    app.story.start_space(scene_id)  # starts the player: pause it, then step through time by hand
    app.story.space_pause()
    assert app.state.mesh_nb_mesial is not None and app.state.mesh_nb_distal is not None
    ages = []
    while not app.story.space_tick(0.5):
        ages.append(app.state.space_age)
    return ages


def test_space_scenes_end_with_less_room_when_lost(app):
    async def run():
        tooth = load_tooth("85")
        lost_ages = play_scene(app, "space_lost")
        s = app.state
        lost_text = s.space_room
        lost_motion = space_moment(load_space_scene("space_lost"), "second", s.space_t_max).motion
        lost_pose = s.actor_nb_distal
        assert lost_ages[0] == "Age: 5 years" and s.space_age == "Age: 11 years 6 months"
        assert s.actor_enamel["visibility"] is False  # the molar is gone at the end
        play_scene(app, "space_kept")
        kept_text = s.space_room
        kept_motion = space_moment(load_space_scene("space_kept"), "second", s.space_t_max).motion
        lost = tooth.space_between_neighbours(lost_motion)
        kept = tooth.space_between_neighbours(kept_motion)
        assert lost < tooth.successor_width_mm < kept
        need = f"the premolar needs {tooth.successor_width_mm:.1f} mm"
        assert lost_text == f"Room left: {lost:.1f} mm · {need}"
        assert kept_text == f"Room left: {kept:.1f} mm · {need}"
        assert lost_pose == {"visibility": True, "pickable": False,
                             **{k: [round(v, 4 if k != "orientation" else 3) for v in vals]
                                for k, vals in tooth.neighbour_pose("distal", 3.2, 6).items()}}
        assert s.actor_successor["position"] == [round(v, 4) for v in tooth.successor_pose(1.0)["position"]]
        # a frame inside a keyframe changes only poses, age and the timeline marker: small messages
        app.story.start_space("space_lost")
        app.story.space_pause()
        app.story.space_tick(7.5)
        app.state.flush()
        app.story.space_tick(0.2)
        dirty = set(app.state._pending_update)
        assert dirty <= {"actor_nb_mesial", "actor_nb_distal", "actor_successor", "actor_crypt", "space_t",
                         "space_age", "age_marker"}, dirty
        app.story.leave_space()
        assert s.space_scene is None and s.actor_nb_distal["visibility"] is False
        assert s.actor_enamel["visibility"] is True

    asyncio.run(run())


def test_age_timeline_rows(app):
    rows = app.state.timeline_rows
    assert [r["id"] for r in rows] == ["erupts", "treatment", "shed", "successor"]
    assert rows[0]["ages"] == "23-31 months" and rows[2]["ages"] == "10-12 years"
    assert all(0 <= r["left"] < 100 and r["left"] + r["width"] <= 100.5 for r in rows)


def ask(app, prompt):
    targets = quiz_targets(load_tooth(app.state.tooth))
    i = next(k for k, t in enumerate(targets) if t["prompt"] == prompt)
    app.quiz.ask(i)
    return targets[i]


def test_quiz_judges_right_and_wrong_taps_and_scores(app):
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    s, tooth = app.state, load_tooth("85")
    assert s.quiz_active and s.quiz_prompt.startswith("Tap the ")
    # right: a point of the distobuccal canal's root pulp
    ask(app, "the root pulp of the distobuccal canal")
    assert s.xray is True
    pts = tooth.regions["root_pulp"].points
    names = [tooth.describe_point("root_pulp", tuple(p)) for p in pts[::50]]
    distal = pts[::50][names.index("Root pulp - distobuccal canal")]
    mesial = pts[::50][names.index("Root pulp - mesiobuccal canal")]
    app.on_pick({"representationId": "root_pulp", "worldPosition": list(map(float, distal))})
    assert s.quiz_right is True and s.quiz_feedback.startswith("Right")
    assert s.quiz_score == {"right": 1, "asked": 1} and s.actor_quiz_marker["visibility"] is True
    # wrong: the mesiobuccal canal when asked for the distobuccal one; the answer is named and marked
    target = ask(app, "the root pulp of the distobuccal canal")
    app.on_pick({"representationId": "root_pulp", "worldPosition": list(map(float, mesial))})
    assert s.quiz_right is False and "mesiobuccal canal" in s.quiz_feedback
    assert "the root pulp of the distobuccal canal" in s.quiz_feedback
    assert s.actor_quiz_marker["position"] == target["at"]
    assert s.quiz_score == {"right": 1, "asked": 2}
    # a second tap on an answered question does not count twice
    app.on_pick({"representationId": "root_pulp", "worldPosition": list(map(float, distal))})
    assert s.quiz_score == {"right": 1, "asked": 2}
    # the successor premolar: the view shows it; a tap on it is right, a tap on the enamel is wrong
    ask(app, "the successor premolar")
    assert s.successor_on is True and s.actor_successor["pickable"] is True
    bud = tooth.successor["successor"].points[0]
    app.on_pick({"representationId": "successor", "worldPosition": list(map(float, bud))})
    assert s.quiz_right is True and s.quiz_score == {"right": 2, "asked": 3}
    ask(app, "the mesiobuccal pulp horn")
    app.on_pick({"representationId": "successor", "worldPosition": list(map(float, bud))})
    assert s.quiz_right is False and s.quiz_score == {"right": 2, "asked": 4}
    ask(app, "the enamel")
    assert s.xray is False
    cusp = list(map(float, tooth.regions["enamel"].points[0]))
    app.on_pick({"representationId": "enamel", "worldPosition": cusp})
    assert s.quiz_right is True and s.quiz_score == {"right": 3, "asked": 5}
    # the score lives in this session only; switching to parent mode ends the quiz
    other = App(unique_name())
    assert other.state.quiz_score == {"right": 0, "asked": 0}
    with app.state:
        app.state.mode = "parent"
    assert s.quiz_active is False


def test_parent_mode_draws_softer_colours_than_student_mode(app):
    from viewer.colors import PARENT_COLORS, REGION_COLORS

    for region in ("crown_pulp", "dentin"):
        assert app.state[f"property_{region}"]["color"] == pytest.approx(list(PARENT_COLORS[region]))
    with app.state:
        app.state.mode = "student"
    for region in ("crown_pulp", "dentin"):
        assert app.state[f"property_{region}"]["color"] == pytest.approx(list(REGION_COLORS[region]))
    # Softer: lighter and less saturated than the student's red.
    soft, precise = np.asarray(PARENT_COLORS["crown_pulp"]), np.asarray(REGION_COLORS["crown_pulp"])
    assert soft.mean() > precise.mean() and np.ptp(soft) < np.ptp(precise)


@pytest.mark.parametrize(("procedure", "extent", "other"), [("pulpotomy", "crown", "roots"),
                                                          ("pulpectomy", "roots", "crown")])
def test_the_how_far_buttons_follow_a_procedure_opened_on_a_healthy_tooth(app, procedure, extent, other):
    choose(app, "none")
    with app.state:
        app.state.procedure = procedure  # a link or the procedure buttons, on a healthy tooth
    s = app.state
    assert s.activity == "procedure" and s.procedure == procedure
    assert s.infection == extent and s.indicated["procedure"] == procedure  # never "Healthy" beside it
    assert "infection=" + extent in s.url_query
    choose(app, extent)  # the same extent again: the procedure stays
    assert s.activity == "procedure" and s.procedure == procedure
    choose(app, other)  # an extent that calls for the other one (or none): back to exploring that tooth
    assert s.activity == "explore" and not s.procedure and s.infection == other
