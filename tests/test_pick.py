"""Tap to a name, picked on the server (viewer.pick): the ray under a tap, through the shapes drawn."""

from __future__ import annotations

import math

import numpy as np
import pytest

from viewer.pick import tap_ray


def tap_at(app, fx: float, fy: float, **camera) -> dict:
    """A tap at (fx, fy) of a 800 x 600 picture seen from the camera the server last asked for."""
    req = app.state.camera_request
    cam = {"position": req["position"], "focalPoint": req["focalPoint"], "viewUp": req["viewUp"],
           "viewAngle": 30.0, **camera}
    return {"x": fx * 800, "y": fy * 600, "width": 800, "height": 600, "camera": cam}


def test_a_tap_on_the_middle_names_a_hard_tissue_then_in_xray_the_pulp(student):
    app = student
    app.on_tap(tap_at(app, 0.5, 0.5))
    assert app.state.pick_text.startswith(("Enamel", "Dentin")), app.state.pick_text  # the outside
    assert "pulp" not in app.state.pick_text.lower()
    with app.state:
        app.state.xray = True  # enamel and dentin turn see-through: not pickable, as in vtk.js
    pulp = np.asarray(app.tooth_model().regions["crown_pulp"].center)  # look straight at the pulp
    req = app.state.camera_request
    away = np.subtract(req["position"], req["focalPoint"])
    app.on_tap(tap_at(app, 0.5, 0.5, focalPoint=list(pulp), position=list(pulp + away)))
    assert "pulp" in app.state.pick_text.lower() and "mm³" in app.state.pick_text
    app.on_tap(tap_at(app, 0.02, 0.02))  # the background: the name goes away
    assert app.state.pick_text == ""


def test_the_ray_goes_through_the_tapped_pixel():
    cam = {"position": [0, 0, 10], "focalPoint": [0, 0, 0], "viewUp": [0, 1, 0], "viewAngle": 90.0}
    origin, d = tap_ray({"x": 400, "y": 300, "width": 800, "height": 600, "camera": cam})
    assert list(origin) == [0, 0, 10] and d == pytest.approx([0, 0, -1])
    _, d = tap_ray({"x": 400, "y": 0, "width": 800, "height": 600, "camera": cam})  # top edge: 45° up
    assert d == pytest.approx([0, math.sqrt(0.5), -math.sqrt(0.5)])
    _, d = tap_ray({"x": 800, "y": 300, "width": 800, "height": 600, "camera": cam})  # right: aspect 4:3
    assert d[0] / -d[2] == pytest.approx(4 / 3)


@pytest.mark.parametrize("bad", [
    None, "tap", {}, {"x": 1, "y": 1, "width": 10, "height": 10},
    {"x": "a", "y": 1, "width": 10, "height": 10, "camera": {}},
    {"x": 1, "y": 1, "width": 0, "height": 10, "camera": {"position": [0, 0, 1], "focalPoint": [0, 0, 0],
                                                         "viewUp": [0, 1, 0]}},
    {"x": 1, "y": 1, "width": 10, "height": 10, "camera": {"position": [0, 0, float("nan")],
                                                         "focalPoint": [0, 0, 0], "viewUp": [0, 1, 0]}},
    {"x": 1, "y": 1, "width": 10, "height": 10, "camera": {"position": [0, 0, 1], "focalPoint": [0, 0, 1],
                                                         "viewUp": [0, 1, 0]}},
    {"x": 1, "y": 1, "width": 10, "height": 10, "camera": {"position": [0, 0, 1], "focalPoint": [0, 0, 0],
                                                         "viewUp": [0, 1, 0], "viewAngle": 500}},
])
def test_a_malformed_tap_is_ignored_and_loses_nothing(app, bad):
    app.on_tap(tap_at(app, 0.5, 0.5))
    named = app.state.pick_text
    assert named
    app.on_tap(bad)
    assert app.state.pick_text == named


def test_a_tap_on_the_cut_face_names_what_is_cut_there(student):
    """The ray meets the section the browser draws (issue 16: the light copies, cut and capped): a tap on
    the pulp's cap names the pulp, where the uncut tooth there shows its enamel."""
    app = student
    tooth = app.tooth_model()
    with app.state:
        app.state.cut_plane = "md"  # the view turns to face the cut, from buccal
    assert app.meshes.key_of("crown_pulp") == app.loaded and app.loaded[1] == "md"
    cap = app.state.camera_request
    pulp = np.asarray(tooth.regions["crown_pulp"].center)
    away = np.subtract(cap["position"], cap["focalPoint"])
    app.on_tap(tap_at(app, 0.5, 0.5, focalPoint=list(pulp), position=list(pulp + away)))
    assert "pulp" in app.state.pick_text.lower(), app.state.pick_text
    with app.state:
        app.state.cut_plane = "off"
    app.on_tap(tap_at(app, 0.5, 0.5, focalPoint=list(pulp), position=list(pulp + away)))
    assert app.state.pick_text.startswith(("Enamel", "Dentin")), app.state.pick_text


def test_a_step_hidden_layer_is_not_tapped(app):
    """In the access step the enamel and dentin are hidden (their old cut meshes stay in the browser):
    the ray goes through to the opened layers and the pulp, the meshes drawn for this step."""
    from viewer.pick import first_hit

    with app.state:
        app.state.procedure = "pulpotomy"
    app.procedure.next_step()
    app.procedure.next_step()  # access: from above, enamel and dentin hidden, the opened layers shown
    assert app.state.actor_enamel["visibility"] is False and app.meshes.key_of("enamel")[1] == "md"
    hits = set()
    for fx in np.linspace(0.3, 0.7, 9):
        for fy in np.linspace(0.3, 0.7, 9):
            hit = first_hit(app._drawn_shapes(), *tap_ray(tap_at(app, fx, fy)))
            hits.add(hit[0] if hit else None)
    assert not hits & {"enamel", "dentin"}, hits
    assert hits & {"enamel_opened", "dentin_opened"} and "crown_pulp" in hits, hits
