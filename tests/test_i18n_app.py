"""In-process: the language switch retranslates the session's state; ?lang round-trips; the video export
runs off the event loop with its progress reaching 1.0 and a file with the right frame count."""

from __future__ import annotations

import asyncio
import itertools
import time

import numpy as np
import pytest
from conftest import unique_name

from meshes import load_tooth
from scenes import load_all
from scenes.text import text
from viewer import downloads
from viewer.app import App
from viewer.url_state import ViewParams, parse_query, to_query


def switch(app, lang):
    with app.state:
        app.state.lang = lang


def test_language_switch_changes_captions_and_labels(student):
    app = student
    s = app.state
    with app.state:
        app.state.procedure = "pulpotomy"
    app.procedure.next_step()
    app.procedure.next_step()
    app.procedure.next_step()  # remove-crown-pulp
    key = "timeline.pulpotomy.steps.remove-crown-pulp"
    assert s.caption == text("en", f"{key}.caption")
    assert s.ui["enamel"] == "Enamel" and s.step_label == "Step 4 of 6"
    switch(app, "es")
    assert s.caption == text("es", f"{key}.caption") and s.caption.startswith("Se retira con cuidado")
    assert s.note == text("es", f"{key}.note")
    assert s.step_label == "Paso 4 de 6"
    assert s.ui["enamel"] == "Esmalte" and s.ui["pulpotomy"] == "Pulpotomía" and s.ui["play"] == "Reproducir"
    assert s.tooth_name == "85 (T) – segundo molar de leche inferior derecho"
    assert s.volume_rows[0]["label"] == "Esmalte" and s.dimension_rows[0]["label"] == "Corona, mesiodistal"
    assert s.cmp_label in ("Izquierda: Pulpectomía", "Derecha: Pulpectomía")  # the side it stands on
    assert s.final_rows[0].startswith("Pulpotomía: retira ")
    assert s.timeline_rows[0]["label"] == "Sale el segundo molar de leche inferior"
    assert s.timeline_rows[0]["ages"] == "23-31 meses"
    assert "lang=es" in s.url_query
    # the counter, at the end, in Spanish with the engine's figures
    with app.state:
        app.state.t = s.t_max
    c = app.procedure.counters[""]
    figures = {"removed": f"{c['removed_mm3']:.1f}".replace(".", ","),  # Spanish decimal comma
               "percent": f"{c['removed_percent']:.1f}".replace(".", ","),
               "remaining": f"{c['remaining_mm3']:.1f}".replace(".", ",")}
    assert s.counter_text == text("es", "ui.removed", **figures)
    assert s.counter_text.startswith("Retirado ")
    switch(app, "en")
    assert s.caption == text("en", "timeline.pulpotomy.steps.crown.caption") and s.ui["enamel"] == "Enamel"
    assert s.counter_text.startswith("Removed ") and "lang=" not in s.url_query


def test_story_texts_follow_the_language(app):
    s = app.state
    switch(app, "es")
    with app.state:
        app.state.infection = "roots"
    assert s.indicated["title"] == "Pulpectomía"
    assert s.indicated["why"] == text("es", "infection.roots.why")
    assert s.indicated["label"] == text("es", "infection.roots.label")
    assert s.teaching_line == text("es", "ui.teaching_not_diagnosis")

    async def scene():
        app.story.start_space("space_lost")
        app.story.space_pause()

    asyncio.run(scene())
    assert s.space_title == text("es", "space.space_lost.title")
    assert s.space_age == "Edad: 5 años"
    assert s.space_caption == text("es", "space.space_lost.second.0.caption")
    app.story.space_tick(s.space_t_max)  # on to its end
    assert s.space_room.startswith("Espacio que queda: ") and s.space_age.startswith("Edad: ")
    app.story.leave_space()
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    assert s.quiz_prompt.startswith("Toque ")


def test_url_lang_round_trip():
    p = parse_query("?tooth=75&lang=es&procedure=pulpectomy&step=2")
    assert p.lang == "es" and p.tooth == "75"
    assert parse_query(to_query(p)) == p
    assert "lang=es" in to_query(p)
    assert parse_query("?lang=xx").lang == "en" and parse_query("").lang == "en"
    assert "lang" not in to_query(ViewParams())


def test_url_lang_opens_the_spanish_interface():
    a = App(unique_name())
    a.state.ready()
    a.on_client_url("?lang=es&procedure=pulpotomy&step=3")
    s = a.state
    assert s.lang == "es" and s.ui["dentin"] == "Dentina"
    assert s.caption == text("es", "timeline.pulpotomy.steps.remove-crown-pulp.caption")
    assert s.tooth_items[0]["title"].startswith("54 (B) – ") and "superior" in s.tooth_items[0]["title"]
    a.close()


def test_video_export_off_the_loop_with_progress(app):
    imageio = pytest.importorskip("imageio.v2")
    pytest.importorskip("imageio_ffmpeg")
    s = app.state
    switch(app, "es")
    with app.state:
        app.state.procedure = "pulpotomy"
    tl = load_all()["pulpotomy"]
    start = tl.step_start(tl.step_index("remove-crown-pulp"))
    seen: list[float] = []

    @app.state.change("export_progress")  # every progress the page is sent
    def record(export_progress, **_):
        seen.append(export_progress)

    async def run():
        ticks = 0
        done = False

        async def ticker():  # the loop keeps turning while VTK renders in the worker thread
            nonlocal ticks
            while not done:
                await asyncio.sleep(0.02)
                ticks += 1

        tick_task = asyncio.create_task(ticker())
        t0 = time.perf_counter()
        task = app.exports.video(fmt="mp4", start=start, end=start + 3.0, fps=4, size=(320, 240))
        assert s.export_busy is True and s.export_progress == 0.0
        await task
        elapsed = time.perf_counter() - t0
        done = True
        await tick_task
        return ticks, elapsed

    ticks, elapsed = asyncio.run(run())
    assert s.export_busy is False and s.export_error == ""
    assert s.export_progress == 1.0 and seen and seen[-1] == 1.0
    assert all(0 <= a <= b <= 1 for a, b in itertools.pairwise(seen))
    assert ticks >= 0.25 * elapsed / 0.02  # the loop kept turning: not blocked by the render
    assert s.export_name == "tooth-85-pulpotomy-es.mp4"
    token, name = s.export_url.split("/")[1:]
    path = downloads.lookup(token, name)
    assert path is not None and path.stat().st_size > 1000
    reader = imageio.get_reader(path)
    frames = [f for f in reader]
    reader.close()
    assert len(frames) == 12 == app.exports.last.frames  # 3 s at 4 fps
    assert frames[0].shape == (240, 320, 3)
    # the session leaves: its download is forgotten and its files deleted
    app.close()
    assert downloads.lookup(token, name) is None and not path.exists()


def test_a_failed_export_says_why_in_the_sessions_language(app):
    """Over its time limit, a Spanish session's video fails in Spanish words only (no English reason)."""
    from viewer.export import pool

    configured = pool.configure(workers=1, max_queued=2, time_limit_s=1.0, grace_s=20)
    try:
        switch(app, "es")
        with app.state:
            app.state.procedure = "pulpectomy"

        async def run():
            await app.exports.video(fmt="mp4", fps=10, size=(640, 480))  # the whole 49 s: far over 1 s

        asyncio.run(run())
        error = app.state.export_error
        assert error == f"{text('es', 'ui.export_failed')} {text('es', 'ui.export_failed_time_limit')}", error
        assert "time" not in error and "limit" not in error
        assert app.state.export_busy is False and app.state.export_url == ""
    finally:
        configured.shutdown()
        pool.configure()  # the default pool for the tests after this one


def test_offline_export_from_the_panel(app):
    async def run():
        await app.exports.offline()

    asyncio.run(run())
    s = app.state
    assert s.export_progress == 1.0 and s.export_name == "tooth-85.html"
    path = downloads.lookup(*s.export_url.split("/")[1:])
    head = path.read_text()[:20000]
    assert "<html" in head.lower() and path.stat().st_size > 100_000


def test_tapped_structures_and_quiz_questions_speak_the_language(app):
    tooth = load_tooth(app.state.tooth)
    horn = tooth.matrix @ np.asarray(tooth.local.horn_tips["mesiobuccal"])
    event = {"representationId": "crown_pulp", "worldPosition": [float(v) for v in horn]}
    app.on_pick(event)
    assert app.state.pick_text == "Crown pulp - mesiobuccal pulp horn"
    switch(app, "es")
    app.on_pick(event)
    assert app.state.pick_text == "Pulpa coronal - cuerno pulpar mesiovestibular"
    # The quiz asks and judges in Spanish too.
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    assert app.state.quiz_prompt.startswith("Toque ")
    assert not any(word in app.state.quiz_prompt for word in (" the ", "pulp horn", "root pulp"))
    target = app.quiz.target
    app.on_pick({"representationId": "enamel" if target["region"] != "enamel" else "dentin",
                 "worldPosition": [float(v) for v in horn]})
    assert app.state.quiz_right is False
    assert "No exactamente" in app.state.quiz_feedback or "no" in app.state.quiz_feedback.lower()
    assert " pulp " not in app.state.quiz_feedback and "Enamel" not in app.state.quiz_feedback


def test_switching_language_mid_quiz_translates_the_question(app):
    with app.state:
        app.state.mode = "student"
    app.quiz.start()
    english = app.state.quiz_prompt
    assert english.startswith("Tap the ")
    switch(app, "es")
    assert app.state.quiz_prompt.startswith("Toque ") and " the " not in app.state.quiz_prompt
    switch(app, "en")
    assert app.state.quiz_prompt == english


def test_student_tap_on_the_successor_in_spanish(student):
    """Defect 8: the student's tap on the successor was English in every language."""
    tooth = load_tooth("85")
    bud = [float(c) for c in tooth.display_successor["successor"].points[0]]
    with student.state:
        student.state.lang = "es"
        student.state.successor_on = True
    student.on_pick({"representationId": "successor", "worldPosition": bud})
    text_shown = student.state.pick_text
    assert text_shown.startswith("Sucesor: corona del segundo premolar") and "años" in text_shown, text_shown
    assert f"{tooth.successor_info['volumes_mm3']['successor']:.1f}".replace(".", ",") + " mm³" in text_shown
