"""Chairside, in-process: the chart, search, keyboard actions, reduced motion, presentation and themes."""

from __future__ import annotations

from dataclasses import fields

import pytest

from meshes import TOOTH_NUMBERS, resolve_tooth
from viewer.chairside.chart import UNIVERSAL, chart_rows, molars
from viewer.chairside.logic import TEXT_SCALES, ChairsideState, key_actions
from viewer.chairside.search import find
from viewer.colors import VIEW_BACKGROUNDS
from viewer.vocabulary import CAMERA_VIEWS


def test_chart_holds_the_twenty_primary_teeth_and_only_the_molars_are_choosable():
    upper, lower = chart_rows()
    teeth = [t for row in (upper, lower) for t in row]
    assert len(teeth) == 20 and len({t.fdi for t in teeth}) == 20
    assert sorted(t.universal for t in teeth) == [chr(c) for c in range(ord("A"), ord("U"))]
    assert sorted(molars()) == sorted(TOOTH_NUMBERS)
    for fdi in TOOTH_NUMBERS:  # the chart's letters agree with the engine's numbering
        assert UNIVERSAL[fdi] == resolve_tooth(fdi).universal
    # drawn as the dentist faces the child: the child's right (quadrants 5 and 8) on the left
    assert [t.fdi for t in upper][:2] == ["55", "54"] and [t.fdi for t in lower][-2:] == ["74", "75"]


@pytest.mark.parametrize(("query", "lang", "fdi", "part", "name"), [
    ("75", "en", "75", "", ""),
    ("K", "en", "75", "", ""),
    ("t", "en", "85", "", ""),
    ("lower left second", "en", "75", "", ""),
    ("Upper right first molar", "en", "54", "", ""),
    ("E", "en", "85", "", ""),  # Palmer E on the tooth's own quadrant (85 on screen)
    ("lower left E", "en", "75", "", ""),
    ("upper D", "en", "84".replace("8", "5"), "", ""),  # side kept from 85: upper right first
    ("mesiobuccal horn", "en", "85", "horn", "mesiobuccal"),
    ("distal root canal", "en", "85", "canal", "distal"),
    ("segundo inferior izquierdo", "es", "75", "", ""),
    ("cuerno mesiovestibular", "es", "85", "horn", "mesiobuccal"),
    ("cúspide distovestibular", "es", "85", "cusp", "distobuccal"),
])
def test_search_names_a_tooth_or_a_part(query, lang, fdi, part, name):
    found = find(query, lang, "85")
    assert found is not None and (found.fdi, found.part, found.name) == (fdi, part, name)


def test_search_says_nothing_rather_than_guessing():
    assert find("banana", "en", "85") is None
    assert find("", "en", "85") is None
    assert find("51", "en", "85").fdi is None  # a real tooth with no model
    assert find("lower left second", "es", "85") is None  # matched in the session's language only


def test_a_search_selects_the_tooth_and_shows_the_part(app):
    app.chairside.on_search("lower left second")
    assert app.state.tooth == "75" and "75" in app.state.url_query
    app.chairside.on_search("mesiobuccal horn")
    assert app.state.xray is True and "mesiobuccal" in app.state.pick_text
    assert "mesiobuccal" in app.state.search_result
    app.chairside.on_search("banana")
    assert "banana" in app.state.search_result and app.state.tooth == "75"


def press(app, key):
    with app.state:  # as on the server: the trigger's writes flush, their @change handlers run
        app.chairside.on_key(key)


def test_keys_move_the_camera_step_and_layers(app):
    assert set(key_actions().values()) >= {f"view:{v}" for v in CAMERA_VIEWS}
    press(app, "1")
    assert app.state.camera_view == "occlusal" and "view=occlusal" in app.state.url_query
    serial = app.state.camera_request["serial"]
    press(app, "ArrowDown")
    assert app.state.camera_view == CAMERA_VIEWS[1] and app.state.camera_request["serial"] == serial + 1
    press(app, "e")
    assert app.state.layer_enamel is False and "enamel" not in app.state.url_query.split("layers=")[1]
    with app.state:
        app.state.procedure = "pulpotomy"
    assert app.state.step_index == 0
    press(app, "ArrowRight")
    assert app.state.step_index == 1
    press(app, "ArrowLeft")
    assert app.state.step_index == 0
    press(app, "Unidentified")  # not a shortcut: nothing changes
    assert app.state.step_index == 0


def test_reduced_motion_play_jumps_one_step_and_never_animates(app):
    with app.state:
        app.chairside.on_client_prefs(dark=False, reduced=True)
        app.state.infection = "crown"
    app.procedure.play()  # the indicated pulpotomy, from its start step, then one step on
    first = app.state.step_index
    assert app.state.procedure == "pulpotomy" and app.state.playing is False
    app.procedure.play()
    assert app.state.step_index == first + 1 and app.state.playing is False


def test_reduced_motion_space_scene_shows_its_end_without_animating(app):
    with app.state:
        app.chairside.on_client_prefs(dark=False, reduced=True)
    app.story.start_space("space_lost")
    assert app.state.space_playing is False
    assert app.state.space_t == pytest.approx(float(app.state.space_t_max))
    assert app.state.space_room  # the room left is said at the end


def test_presentation_text_size_and_theme(app):
    assert {f.name for f in fields(ChairsideState)} <= set(app.state.to_dict())
    app.chairside.toggle_present()
    assert app.state.present is True and app.state.panel_open is False
    app.chairside.toggle_present()
    assert app.state.present is False and app.state.panel_open is True
    sizes = [app.state.text_scale]
    for _ in TEXT_SCALES:
        app.chairside.text_size(1)
        sizes.append(app.state.text_scale)
    assert sizes[: len(TEXT_SCALES)] == list(TEXT_SCALES) and sizes[-1] == TEXT_SCALES[0]
    with app.state:
        app.chairside.on_client_prefs(dark=True)
    assert app.state.theme == "dark" and app.state.view_background == list(VIEW_BACKGROUNDS["dark"])
    with app.state:
        app.chairside.toggle_theme()
    assert app.state.view_background == list(VIEW_BACKGROUNDS["light"])
    assert sum(VIEW_BACKGROUNDS["dark"]) < sum(VIEW_BACKGROUNDS["light"])


def test_provenance_reads_the_src_marks_of_the_tooth_files():
    import tomllib

    from meshes.spec import KINDS, TEETH_DIR, load_sources
    from viewer.chairside.provenance import figure_marks, provenance

    sources = load_sources()
    for kind in KINDS:
        data = tomllib.loads((TEETH_DIR / f"{kind}.toml").read_text())
        crown = [v["src"] for v in data["crown"].values() if isinstance(v, dict)]
        assert figure_marks(kind, "enamel") == crown  # the whole enamel: the crown's figures
        for cusp in data["cusps"]:
            for region, part in (("enamel", "cusp"), ("crown_pulp", "horn")):
                p = provenance(kind, region, part, cusp["name"])
                marks = figure_marks(kind, region, part, cusp["name"])
                cited = [m for m in marks if m != "estimate"]
                assert (p.sourced, p.total) == (len(cited), len(marks))
                assert p.status == ("sourced" if len(cited) == len(marks) else
                                    "estimated" if not cited else "derived")
                assert set(p.sources) <= set(sources) and "estimate" not in p.sources
    assert provenance("mandibular_second", "enamel", "cusp", "no such cusp").total == len(crown)


def test_a_tapped_or_found_structure_says_where_its_figures_come_from(app):
    from viewer.chairside.provenance import provenance

    with app.state:
        app.chairside.on_search("mesiobuccal horn")
    p = provenance(app.tooth_model().tooth.kind, "crown_pulp", "horn", "mesiobuccal")
    assert app.state.pick_source.lower().startswith(p.status)
    assert app.state.pick_citations == list(p.citations())
    with app.state:
        app.state.pick_text = ""
    assert app.state.pick_source == "" and app.state.pick_citations == []


def _along_axis(app, region):
    import numpy as np

    return float(np.dot(app.state[f"actor_{region}"]["position"], app.tooth_model().axes["occlusal"]))


def test_exploded_view_moves_the_layers_along_the_axis_and_back(app):
    import asyncio

    async def run():
        app.chairside.toggle_explode()
        assert app.state.exploding is True
        while app.state.exploding:
            await asyncio.sleep(0.05)

    asyncio.run(run())
    assert app.state.explode == 1.0
    assert _along_axis(app, "enamel") > 3 and _along_axis(app, "crown_pulp") < -10
    assert abs(_along_axis(app, "dentin")) < 1e-6
    with app.state:
        app.state.xray = True  # the look resolver keeps the layers apart through any other change
    assert _along_axis(app, "enamel") > 3
    # a tap on the moved enamel names the part where it really is
    import numpy as np

    tooth = app.tooth_model()
    tip = np.asarray(tooth.local.cusp_tips["mesiobuccal"]) @ tooth.matrix.T  # where the cusp really is
    moved = tip + np.asarray(app.state.actor_enamel["position"])  # where the tap lands on screen
    with app.state:
        app.state.xray = False
    app.on_pick({"representationId": "enamel", "worldPosition": [float(c) for c in moved]})
    assert "mesiobuccal" in app.state.pick_text
    assert app.state.pick_source  # and where its figures come from
    asyncio.run(run())
    assert app.state.explode == 0.0 and abs(_along_axis(app, "enamel")) < 1e-6


def test_exploded_view_jumps_under_reduced_motion_and_a_procedure_puts_it_back(app):
    with app.state:
        app.chairside.on_client_prefs(reduced=True)
    app.chairside.toggle_explode()
    assert app.state.explode == 1.0 and app.state.exploding is False  # no frames: a jump
    with app.state:
        app.state.procedure = "pulpotomy"
    assert app.state.explode == 0.0 and app.state.exploded is False
    assert all(c == 0.0 for c in app.state.actor_enamel["position"])


def test_chairside_keys_have_no_other_owner():
    from viewer.procedure.logic import ProcedureState
    from viewer.quiz.logic import QuizState
    from viewer.story.logic import SpaceState

    mine = {f.name for f in fields(ChairsideState)}
    for other in (ProcedureState, QuizState, SpaceState):
        assert not mine & {f.name for f in fields(other)}, other.__name__
