"""One activity at a time (in-process App, driven through its state and its buttons' handlers)."""

from __future__ import annotations

import asyncio

import numpy as np

from meshes import load_tooth


def crown_pulp_point(fdi="85") -> list[float]:
    pts = np.asarray(load_tooth(fdi).regions["crown_pulp"].points)
    return [float(c) for c in pts[len(pts) // 2]]


def test_a_procedure_ends_the_quiz(app):
    """Defect 5: a quiz left running kept judging taps after a procedure started."""
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    assert app.state.activity == "quiz" and app.state.quiz_active
    with app.state:
        app.state.procedure = "pulpotomy"
    assert app.state.activity == "procedure"
    assert app.state.quiz_active is False and app.state.quiz_prompt == ""
    asked = app.state.quiz_score["asked"]
    app.on_pick({"representationId": "crown_pulp", "worldPosition": crown_pulp_point()})
    assert app.state.quiz_score["asked"] == asked, "no tap is judged outside the quiz"
    assert app.state.quiz_feedback == ""
    assert "pulp" in app.state.pick_text.lower(), "the tap names the part instead"


def test_a_space_scene_ends_the_quiz_and_the_procedure(app):
    asyncio.run(_space_ends_quiz_and_procedure(app))  # the space player runs on the event loop


async def _space_ends_quiz_and_procedure(app):
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    app.story.start_space("space_lost")
    assert app.state.activity == "space" and app.state.quiz_active is False
    asked = app.state.quiz_score["asked"]
    app.on_pick({"representationId": "crown_pulp", "worldPosition": crown_pulp_point()})
    assert app.state.quiz_score["asked"] == asked
    with app.state:
        app.state.procedure = "pulpectomy"
    assert app.state.activity == "procedure" and app.state.space_scene is None
    assert app.state.space_playing is False
    app.story.start_space("space_kept")
    assert app.state.activity == "space" and app.state.procedure is None and app.state.playing is False
    assert app.state.space_playing is True
    app.story.leave_space()
    assert app.state.space_playing is False
    assert app.state.activity == "explore" and app.state.space_scene is None


def test_compare_is_the_same_player(app):
    with app.state:
        app.state.procedure = "pulpotomy"
    app.procedure.next_step()
    step = app.state.step_index
    with app.state:
        app.state.compare = True
    assert app.state.activity == "compare" and app.state.step_index == step
    with app.state:
        app.state.compare = False
    assert app.state.activity == "procedure" and app.state.procedure == "pulpotomy"
    with app.state:
        app.state.tooth = "84"  # a new tooth: back to exploring
    assert app.state.activity == "explore" and app.state.procedure is None and app.state.compare is False


def test_quiz_ends_in_parent_mode_and_on_stop(app):
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    with app.state:
        app.state.mode = "parent"
    assert app.state.activity == "explore" and app.state.quiz_active is False
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    app.quiz.stop()
    assert app.state.activity == "explore" and app.state.quiz_active is False


def test_feature_states_are_typed_disjoint_and_reset_by_their_exit(app):
    """Each feature declares its keys (typed, with defaults); no key has two owners; leaving an activity
    puts its feature's keys back to the declared values (except the few it says it keeps)."""
    from dataclasses import asdict, fields

    from viewer.procedure import logic as procedure_player
    from viewer.quiz import logic as quiz
    from viewer.story.logic import SpaceState

    states = {"procedure": procedure_player.ProcedureState, "quiz": quiz.QuizState, "space": SpaceState}
    owners: dict[str, str] = {}
    for feature, cls in states.items():
        for f in fields(cls):
            assert f.name not in owners, f"{f.name} owned by {owners[f.name]} and {feature}"
            owners[f.name] = feature
            assert f.type, f.name  # typed

    def declared(cls, kept=()):
        return {k: v for k, v in asdict(cls()).items() if k not in kept}

    def current(cls, kept=()):
        return {f.name: app.state[f.name] for f in fields(cls) if f.name not in kept}

    with app.state:
        app.state.mode = "student"
        app.state.procedure = "pulpectomy"
        app.state.compare = True
    app.procedure.next_step()
    app.procedure.next_step()
    assert current(procedure_player.ProcedureState) != declared(procedure_player.ProcedureState)
    app.quiz.start()  # leaves the procedure through its exit
    kept = procedure_player.KEPT_ON_EXIT
    assert current(procedure_player.ProcedureState, kept) == declared(procedure_player.ProcedureState, kept)
    assert app.state.quiz_active
    asyncio.run(_space_then_explore(app))
    assert current(quiz.QuizState, quiz.KEPT_ON_EXIT) == declared(quiz.QuizState, quiz.KEPT_ON_EXIT)
    assert current(SpaceState) == declared(SpaceState)


async def _space_then_explore(app):
    app.story.start_space("space_kept")
    assert app.state.space_playing is True
    app.story.leave_space()


def test_leaving_a_procedure_gives_back_the_explorers_camera(app):
    """A step looks at the tooth its own way (the access occlusally); leaving the procedure returns the camera
    the explorer had, in the state and in the camera request the browser follows."""
    app.camera_preset("lingual")
    explorer = app.state.camera_request["position"]
    with app.state:
        app.state.procedure = "pulpotomy"
    for _ in range(2):
        app.procedure.next_step()
    assert app.state.camera_view == "occlusal" and app.state.camera_request["position"] != explorer
    with app.state:
        app.state.procedure = None
    assert app.state.activity == "explore"
    assert app.state.camera_view == "lingual" and app.state.camera_request["position"] == explorer
    assert "view=lingual" in app.state.url_query
