"""In-process tests of procedure playback: looks per step, the removal front, the counter, the player."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from conftest import unique_name

from meshes import REGIONS, load_tooth
from viewer.app import App
from viewer.colors import INFECTION_COLORS
from viewer.mesh_store import STORE
from viewer.procedure.frames import (
    COMPARE_PREFIX,
    PROCEDURES,
    SHAPES,
    compare_offset,
    counter_text,
    removal_range,
    timelines,
)
from viewer.url_state import ViewParams, parse_query, to_query

MOLARS = ("54", "55", "84", "85")
def choose(app, procedure):
    with app.state:
        app.state.procedure = procedure


def to_end(app):
    with app.state:
        app.state.t = app.state.t_max


@pytest.mark.parametrize("fdi", MOLARS)
def test_counter_ends_at_engine_figures(student, fdi):
    app = student
    with app.state:
        app.state.tooth = fdi
    tooth = load_tooth(fdi)
    engine = tooth.procedures()
    for procedure in PROCEDURES:
        choose(app, procedure)
        assert app.state.t == 0 and app.state.counter_text == ""
        to_end(app)
        c, e = app.procedure.counters[""], engine[procedure]
        assert c["removed_mm3"] == e.removed_mm3
        assert c["removed_percent"] == e.removed_percent
        assert c["remaining_mm3"] == e.remaining_mm3
        assert app.state.counter_text == counter_text(e.removed_mm3, e.removed_percent, e.remaining_mm3)
        assert f"{e.removed_mm3:.1f} mm³" in app.state.counter_text
    # pulpectomy: everything out
    assert app.procedure.counters[""]["removed_percent"] == 100.0
    assert app.procedure.counters[""]["removed_mm3"] == pytest.approx(tooth.pulp_mm3, abs=1e-9)
    assert app.procedure.counters[""]["remaining_mm3"] == 0.0
    assert engine["pulpotomy"].removed_mm3 == pytest.approx(tooth.volumes_mm3["crown_pulp"])


def test_looks_per_step(app):
    choose(app, "pulpotomy")
    s = app.state
    assert s.actor_enamel["visibility"] is True and s.property_enamel["opacity"] < 0.5  # healthy: x-ray
    assert s.actor_enamel_opened["visibility"] is False and s.actor_crown_ssc["visibility"] is False
    assert s.mesh_crown_ssc is None and s.mesh_medicament is None  # sent when a step first shows them
    assert s.caption.startswith("This is a healthy baby molar")
    app.procedure.next_step()  # decay: enamel and dentin coloured by the decay array
    assert s.step_index == 1
    assert s.mapper_enamel["scalarVisibility"] is True and s.preset_enamel == "BrOrYl"
    # inflamed, for a parent: the story's soft apricot, never the blood-dark clinical red
    assert s.mode == "parent" and s.mapper_crown_pulp["scalarVisibility"] is False
    assert s.property_crown_pulp["color"] == list(INFECTION_COLORS["inflamed"])
    with s:
        s.mode = "student"
    assert s.mapper_crown_pulp["scalarVisibility"] is True and s.preset_crown_pulp == "RdOr"  # clinical
    with s:
        s.mode = "parent"
    assert s.mapper_root_pulp["scalarVisibility"] is False  # healthy root: its own red
    app.procedure.next_step()  # access
    assert s.step_index == 2
    assert s.actor_enamel["visibility"] is False and s.actor_dentin["visibility"] is False
    assert s.actor_enamel_opened["visibility"] is True and s.property_enamel_opened["opacity"] == 1.0
    assert s.camera_view == "occlusal"
    app.procedure.next_step()  # remove the crown pulp
    assert s.step_index == 3 and s.removal_range == removal_range(0.0)
    app.procedure.next_step()  # medicament
    assert s.actor_crown_pulp["visibility"] is False and s.actor_medicament["visibility"] is True
    assert s.actor_root_pulp["visibility"] is True
    app.procedure.next_step()  # crown
    assert s.actor_crown_ssc["visibility"] is True and s.property_crown_ssc["specular"] > 0.5
    assert s.actor_base["visibility"] is True
    assert s.url_query == "?tooth=85&view=buccal&procedure=pulpotomy&step=5&infection=crown"  # what it treats
    app.procedure.previous_step()
    assert s.step_index == 4
    choose(app, "pulpectomy")
    tl = timelines()["pulpectomy"]
    with app.state:
        app.state.t = tl.step_start(tl.step_index("fill-canals"))
    assert s.actor_canal_paste["visibility"] is True and s.actor_root_pulp["visibility"] is False


def test_front_moves_and_frames_are_small(student):
    app = student
    choose(app, "pulpotomy")
    tl = timelines()["pulpotomy"]
    i = tl.step_index("remove-crown-pulp")
    start, end = tl.step_start(i), tl.step_start(i + 1)
    with app.state:
        app.state.t = start
    ranges, removed = [], []
    for k in range(1, 6):
        t = start + (end - start) * k / 6
        app.state.flush()
        with app.state:
            app.state.t = t
        ranges.append(app.state.removal_range[0])
        removed.append(app.procedure.counters[""]["removed_mm3"])
    assert ranges == sorted(ranges, reverse=True) and len(set(ranges)) == 5  # the front moves down the order
    assert removed == sorted(removed) and removed[0] > 0
    # a frame inside a step changes only the front, the counter and the slider: no mesh, no looks
    app.state.flush()
    app.procedure.tick(0.05)  # one animation frame, as the player sends it
    dirty = set(app.state._pending_update)
    assert dirty <= {"t", "removal_range", "counter_text"}, dirty  # the figures are words on the page
    assert "removal_range" in dirty


def test_play_advances_and_pause_stops(app):
    choose(app, "pulpotomy")

    async def run():
        app.frames.period = app.frames.timeout = 0.01  # no page acks in-process: the timeout paces
        app.state.speed = 2.0
        app.procedure.play()
        assert app.state.playing is True
        await asyncio.sleep(0.3)
        t1 = app.state.t
        assert t1 > 0.2, "two-times speed for 0.3 s should advance about 0.6 s of the story"
        app.procedure.pause()
        assert app.state.playing is False
        await asyncio.sleep(0.1)
        assert app.state.t == t1, "paused: time stands still"
        # playing to the end stops by itself at the engine's figures
        app.state.speed = 1.0
        with app.state:  # the scrub slider, near the end
            app.state.t = app.state.t_max - 0.05
        app.procedure.play()
        await asyncio.sleep(0.3)
        assert app.state.playing is False and app.state.t == app.state.t_max

    asyncio.run(run())
    assert app.procedure.counters[""]["removed_mm3"] == load_tooth("85").procedures()["pulpotomy"].removed_mm3


def test_close_cancels_the_player_and_spares_other_sessions():
    a, b = App(unique_name()), App(unique_name())
    for x in (a, b):
        x.state.ready()
        x.apply_params(parse_query("?procedure=pulpectomy"))

    async def run():
        for x in (a, b):  # no page acks in-process: the timeout paces
            x.frames.period = x.frames.timeout = 0.01
        a.procedure.play()
        b.procedure.play()
        await asyncio.sleep(0.1)
        a.close()  # what viewer.serve does when a's browser leaves
        await asyncio.sleep(0.05)
        t_a, t_b = a.state.t, b.state.t
        await asyncio.sleep(0.2)
        assert a.state.t == t_a, "the closed session's player stopped"
        assert b.state.t > t_b and b.state.playing, "the other session keeps playing"
        b.procedure.pause()

    asyncio.run(run())


def test_compare_shows_both_side_by_side(student):
    app = student
    choose(app, "pulpotomy")
    with app.state:
        app.state.compare = True
    to_end(app)
    s = app.state
    e = load_tooth("85").procedures()
    assert app.procedure.counters[COMPARE_PREFIX]["removed_percent"] == 100.0
    assert app.procedure.counters[""]["removed_mm3"] == e["pulpotomy"].removed_mm3
    pos = s[f"actor_{COMPARE_PREFIX}root_pulp"]["position"]
    assert sum(c * c for c in pos) ** 0.5 > 8, "the compare copy stands beside the tooth"
    assert s.actor_root_pulp["position"] == [0.0, 0.0, 0.0]
    assert any(f"{e['pulpectomy'].removed_mm3:.1f} mm³" in row for row in s.final_rows)
    assert "compare=1" in s.url_query


def test_tooth_change_resets_procedure(app):
    choose(app, "pulpectomy")
    app.procedure.next_step()
    with app.state:
        app.state.tooth = "54"
    assert app.state.procedure is None and app.state.actor_enamel_opened["visibility"] is False
    assert app.state.actor_enamel["visibility"] is True and "procedure" not in app.state.url_query


def test_url_restores_procedure_and_step(app):
    app.on_client_url("?tooth=84&procedure=pulpotomy&step=3")
    s = app.state
    assert s.tooth == "84" and s.procedure == "pulpotomy" and s.step_index == 3
    assert app.procedure.moment().step_id == "remove-crown-pulp"
    assert s.url_query == "?tooth=84&view=buccal&procedure=pulpotomy&step=3"
    p = ViewParams(tooth="55", procedure="pulpectomy", step=6, compare=True)
    assert parse_query(to_query(p)) == p
    assert parse_query("?procedure=bogus&step=2").procedure is None
    assert parse_query("?procedure=pulpotomy&step=x").step == 0
    app.on_client_url("?tooth=84&procedure=pulpotomy&step=99")
    assert s.step_index == 5


def test_parent_sees_captions_only(app):
    """Defect 2: a parent saw the student's note and the mm³ counter under every caption."""
    s = app.state
    assert s.mode == "parent"
    with app.state:
        s.procedure = "pulpectomy"
        s.compare = True
    for _ in range(len(timelines()["pulpectomy"].steps)):
        assert s.caption and s.note == "", s.step_index
        for _ in range(4):
            app.procedure.tick(1.0)
            assert s.counter_text == "" and s.cmp_counter_text == "", s.step_index
        app.procedure.next_step()
    assert s.final_rows == []
    with app.state:
        s.mode = "student"  # the student's notes and figures, at the same moment
    assert s.note != "" and s.caption
    assert "mm³" in s.counter_text and any("mm³" in row for row in s.final_rows)


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_steps_show_their_own_section(app, procedure):
    """Defect 3: the decay step's mesiodistal cut was not applied live (the video applies it)."""
    from viewer.cut import cut_tooth
    from viewer.wire import serialized_cut_extras, serialized_extras, serialized_regions

    s = app.state
    whole = serialized_regions("85", None, 0.0)
    with app.state:
        s.procedure = procedure
    assert s.mesh_src["enamel"] == STORE.url(whole["enamel"])  # healthy: the whole tooth in x-ray
    app.procedure.next_step()
    assert app.procedure.moment().step_id == "decay" and app.procedure.moment().cut == "md"
    cut = serialized_regions("85", "md", 0.5)
    assert s.mesh_src == {r: STORE.url(cut[r]) for r in REGIONS}
    assert cut["crown_pulp"] is not whole["crown_pulp"]
    assert "removal_order" in cut_tooth("85", "md", 0.5)["crown_pulp"].point_data, "the front still colours"
    app.procedure.next_step()  # the access: from above, uncut; the enamel hidden keeps its cut mesh
    assert s.actor_enamel["visibility"] is False and s.mesh_src["enamel"] == STORE.url(cut["enamel"])
    assert s.mesh_src["crown_pulp"] == STORE.url(whole["crown_pulp"])
    assert s.mesh_enamel_opened is serialized_extras("85")["enamel_opened"]
    with app.state:
        s.t = s.t_max  # the steel crown (defect 9): a solid metal cap, cut so the inside shows
    assert s.property_crown_ssc["opacity"] == 1.0 and s.property_crown_ssc["specular"] >= 0.9
    assert s.mesh_crown_ssc is serialized_cut_extras("85", "md", 0.5)["crown_ssc"]
    with app.state:
        s.procedure = None  # back to exploring: the user's own (uncut) tooth
    assert s.activity == "explore" and s.mesh_src["enamel"] == STORE.url(whole["enamel"])


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_compare_copies_are_at_the_same_stage_and_labelled(student, procedure):
    """Defect 7: the copies shared a clock but not a stage (0 % beside 18.5 %), unlabelled, one caption."""
    app, s = student, student.state
    with app.state:
        s.procedure = procedure
        s.compare = True
    tl = timelines()[procedure]
    i = tl.step_index("remove-crown-pulp")
    for k in range(1, 8):
        with app.state:
            s.t = tl.step_start(i) + tl.steps[i].duration_s * k / 8
        assert app.procedure.counters[""]["removed_mm3"] > 0
        here, beside = app.procedure.counters[""], app.procedure.counters[COMPARE_PREFIX]
        assert beside["removed_mm3"] == pytest.approx(here["removed_mm3"], rel=0.02), k
    other_name = "Pulpectomy" if procedure == "pulpotomy" else "Pulpotomy"
    # each copy labelled with the side of the picture it stands on, from the step's camera
    cam = s.camera_request
    right = np.cross(np.subtract(cam["focalPoint"], cam["position"]), cam["viewUp"])
    cmp_side = "Right" if np.dot(compare_offset(load_tooth("85")), right) > 0 else "Left"
    here_side = "Left" if cmp_side == "Right" else "Right"
    assert s.procedure_label == f"{here_side}: {procedure.capitalize()}"
    assert s.cmp_label == f"{cmp_side}: {other_name}"
    from viewer.i18n import step_texts

    other_procedure = "pulpectomy" if procedure == "pulpotomy" else "pulpotomy"
    assert s.cmp_caption == step_texts(other_procedure, "remove-crown-pulp", "en")[0]  # its own caption
    assert s.caption == step_texts(procedure, "remove-crown-pulp", "en")[0]
    with app.state:
        s.t = s.t_max
    engine = load_tooth("85").procedures()
    counters = app.procedure.counters
    assert counters[COMPARE_PREFIX]["removed_percent"] == engine[other_procedure].removed_percent
    assert s.cmp_caption.startswith("The tooth is filled and covered with a metal cap")
    with app.state:
        s.lang = "es"
    assert {s.cmp_label.split(":")[0], s.procedure_label.split(":")[0]} == {"Izquierda", "Derecha"}


def test_a_frame_is_one_state_update(student):
    """A played frame writes the time rounded to the millisecond; that write, back through the scrub
    slider's handler, must not count as the user's move (it sent a second, slightly earlier frame)."""
    app = student
    choose(app, "pulpotomy")
    tl = timelines()["pulpotomy"]
    with app.state:
        app.state.t = tl.step_start(tl.step_index("remove-crown-pulp")) + 0.0004  # not a whole millisecond
    fronts = []
    app.state.change("removal_range")(lambda removal_range, **_: fronts.append(removal_range[0]))
    for _ in range(5):
        t_before = app.procedure.t
        with app.state:  # one animation frame, flushed as the player flushes it
            app.procedure.tick(0.0337)
        assert app.procedure.t == pytest.approx(t_before + 0.0337, abs=1e-9), "the player's own time kept"
    assert len(fronts) == 5, f"one front per frame, got {len(fronts)}"


def sent(app, name):
    """What the state carries for a shape: a region's URL (viewer.mesh_store), a part's mesh state."""
    return (app.state.mesh_src or {}).get(name) if name in REGIONS else app.state[f"mesh_{name}"]


def shown_meshes_match_the_section(app) -> list[str]:
    """Every shape either copy shows has the mesh of the section on screen; the shapes shown."""
    from viewer.shapes import shape_source

    s, key, shown = app.state, app.loaded, []
    for name in SHAPES:
        if any((s[f"actor_{p}{name}"] or {}).get("visibility") for p in ("", COMPARE_PREFIX)):
            assert sent(app, name) is not None, name
            assert sent(app, name) == shape_source(key, name), (name, key)
            assert app.meshes.key_of(name) == key
            shown.append(name)
    return shown


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_a_step_sends_only_the_meshes_it_shows(app, procedure):
    """Issue 16: a step sent every region and every procedure part (1.5-2.7 MB, 0.6-0.9 s on screen).
    Now it sends the shapes it shows, each for its own section; a hidden one follows when shown again."""
    s = app.state
    original = app.meshes.send

    def counting(key, names):
        before = {n: sent_of(app, n) for n in SHAPES}
        original(key, names)
        went.append({n for n in SHAPES if sent_of(app, n) != before[n]})

    sent_of = sent
    went: list[set[str]] = []
    app.meshes.send = counting
    choose(app, procedure)
    tl = timelines()[procedure]
    for i in range(len(tl.steps)):
        went.clear()
        if i:
            app.procedure.next_step()
        assert s.step_index == i
        shown = shown_meshes_match_the_section(app)
        # the start shows the whole tooth first (every region); a step sends nothing it hides
        assert set().union(*went) <= set(shown) | (set(REGIONS) if i == 0 else set()), i
    # back to the start of every step, and with the other procedure beside it: still what is shown
    with app.state:
        s.compare = True
    for i in reversed(range(len(tl.steps))):
        with app.state:
            s.t = tl.step_start(i)
        shown_meshes_match_the_section(app)
    with app.state:
        s.procedure = None  # exploring again: every region of the user's own (uncut) tooth
    assert s.activity == "explore"
    from viewer.shapes import shape_source

    for name in REGIONS:
        assert sent(app, name) == shape_source(app.section_key(s.cut_plane, s.cut_pos), name)

