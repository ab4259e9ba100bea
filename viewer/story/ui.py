"""UI pieces of the chairside story: infection control, successor toggle, space scenes, age timeline,
Parent / Student switch and the student quiz (placed by ``viewer.page.view`` and ``viewer.page.panel``; logic
in ``viewer.story.logic`` and ``viewer.quiz.logic``)."""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from viewer.page.aria import aria, named, words
from viewer.page.controls import touch_switch
from viewer.page.view3d import Shape
from viewer.story.model import SIDES, SUCCESSOR_PARTS, nb_key
from viewer.vocabulary import SPACE_SCENES


def build_story_representations() -> None:
    """The premolar and its crypt, the neighbours, the quiz marker: meshes sent on first use."""
    for name in (*SUCCESSOR_PARTS, *(nb_key(s) for s in SIDES), "quiz_marker"):
        prop = ("property_quiz_marker", {"color": [1.0, 0.84, 0.25], "ambient": 0.5, "diffuse": 0.6}) \
            if name == "quiz_marker" else (f"property_{name}",)
        Shape(v_if=f"mesh_{name}", mesh=(f"mesh_{name}",), actor=(f"actor_{name}",), property=prop)


def build_story_overlay(app) -> None:
    """Over the 3D view: the space scene's age, caption and room; the quiz question and verdict."""
    with html.Div(classes="pm-story", v_show="space_scene"):
        with html.Div(classes="pm-caption", **named("scene", role="region", aria_live="polite")):
            html.Div("{{ space_title }}", classes="pm-step")
            html.Div("{{ space_age }}", classes="pm-age", **named("age_name", role="status"))
            html.Div("{{ space_caption }}", classes="pm-caption-text")
            html.Div("{{ space_note }}", v_show="space_note", classes="pm-note")
        html.Div("{{ space_room }}", v_show="space_room", classes="pm-counter pm-room",
                 **named("room_name", role="status"))
    with (
        html.Div(classes="pm-story", v_show="quiz_active && !space_scene"),
        html.Div(classes="pm-caption", **named("quiz_question", role="region", aria_live="polite")),
    ):
            html.Div("{{ ui.quiz_status.replace('{right}', quiz_score.right)"
                     ".replace('{asked}', quiz_score.asked) }}", classes="pm-step",
                     **named("score", role="status"))
            html.Div("{{ quiz_prompt }}", classes="pm-caption-text pm-quiz-prompt")
            html.Div("{{ quiz_feedback }}", v_show="quiz_feedback",
                     classes=("quiz_right ? 'pm-verdict pm-right' : 'pm-verdict pm-wrong'",),
                     **named("quiz_answer", role="status"))


def build_story_panel(app, part: str) -> None:
    if part == "top":
        _mode_switch()
        _infection_section(app)
    else:
        _successor_and_space(app)
        _timeline()
        _quiz_section(app)


def _mode_switch() -> None:
    with v3.VBtnToggle(
        v_model=("mode",),
        mandatory=True,
        divided=True,
        variant="outlined",
        density="comfortable",
        color="primary",
        classes="pm-toggle mb-2",
        **named("audience", role="group"),
    ):
        v3.VBtn(words("parent"), value="parent", **named("parent"), classes="pm-touch")
        v3.VBtn(words("student"), value="student", **named("student"), classes="pm-touch")


def _infection_section(app) -> None:
    with html.Div(classes="pm-section", **named("infection_story", role="group")):
        # the infection is chosen with the chart's "how far" buttons (viewer.chairside.ui): one control
        # The infection follows a procedure opened for it (story/logic.py), and the card steps aside while
        # one is shown that it does not call for: "nothing needs to be done" never sits beside a pulpotomy.
        with html.Div(classes="pm-indicated", v_show="!procedure || indicated.procedure === procedure",
                      **named("indicated_procedure", role="status", aria_live="polite")):
            html.Div("{{ indicated.title }}", classes="pm-indicated-title")
            # the student's precise name of the extent ("Coronal pulp inflamed, radicular pulp vital")
            html.Div("{{ indicated.label }}", v_show="mode === 'student'", classes="pm-note",
                     id="pm-extent-label")
            html.Div("{{ indicated.why }}", classes="pm-indicated-why")
            html.Div("{{ indicated.note }}", v_show="indicated.note", classes="pm-note")
            # the guideline's word when the child's age has resorbed the roots past its line (viewer.growth)
            html.Div("{{ age_advice }}", v_show="age_advice", classes="pm-indicated-why pm-advice",
                     id="pm-age-advice")
            html.Div(words("age_guideline_source"), v_show="age_advice", classes="pm-note")
        v3.VBtn(
            "{{ indicated.play }}",
            prepend_icon="mdi-play",
            v_show="!procedure && indicated.procedure !== 'none'",
            color="primary",
            block=True,
            classes="pm-touch mt-1",
            **named("play"),
            click=app.procedure.play,  # the one "Play": with no procedure chosen it plays the indicated one
        )
        html.Div("{{ teaching_line }}", classes="pm-teaching")


def _successor_and_space(app) -> None:
    with html.Div(classes="pm-section", **named("why_keep", role="group")):
        html.Div(words("why_keep_heading"), classes="pm-heading")
        with html.Div(classes="pm-layer"):
            html.Span(classes="pm-swatch", style="background: rgb(168, 201, 247)")
            touch_switch("successor_on", "successor")
        html.Div("{{ ui.successor_growing.replace('{name}', successor_name) }}",
                 v_show="successor_on", classes="pm-small")
        for scene_id in SPACE_SCENES:
            v3.VBtn(
                f"{{{{ space_titles.{scene_id} }}}}",
                **aria((f"space_titles.{scene_id}",)),
                block=True,
                variant=(f"space_scene === '{scene_id}' ? 'flat' : 'tonal'",),
                color="primary",
                classes="pm-touch pm-scene-btn mt-1",
                click=(app.story.start_space, f"['{scene_id}']"),
            )
        with html.Div(classes="pm-buttons mt-1", v_show="space_scene"):
            v3.VBtn(icon="mdi-replay", **named("play_scene_again"), classes="pm-touch", variant="tonal",
                    disabled=("space_playing",), click=app.story.space_play)
            v3.VBtn(words("back_to_tooth"), **named("back_to_tooth"), classes="pm-touch pm-scene-btn",
                    variant="tonal", click=app.story.leave_space)


def _timeline() -> None:
    with html.Div(classes="pm-section", **named("age_timeline", role="group")):
        html.Div(words("childs_age"), classes="pm-heading")
        with html.Div(classes="pm-timeline"):
            html.Div(v_for="row in timeline_rows", key="row.id", classes="pm-tl-bar",
                     style=("{ left: row.left + '%', width: row.width + '%', background: row.color }",),
                     title=("row.label + ': ' + row.ages",))
            html.Div(v_show="age_marker !== null", classes="pm-tl-now",
                     style=("{ left: age_marker + '%' }",))
            with html.Div(classes="pm-tl-axis"):
                for year in (0, 3, 6, 9, 12):
                    html.Span(f"{year}", classes="pm-tl-tick", style=f"left: {100 * year / 13:.1f}%")
        with (
            html.Div(classes="pm-tl-legend"),
            html.Div(v_for="row in timeline_rows", key="row.id", classes="pm-tl-item"),
        ):
                html.Span(classes="pm-swatch", style=("{ background: row.color }",))
                html.Span("{{ row.label }}: {{ row.ages }}")


def _quiz_section(app) -> None:
    with html.Div(classes="pm-section", v_show="mode === 'student'", **named("student", role="group")):
        html.Div(words("canal_configuration"), classes="pm-heading")
        html.Div("{{ canal_text }}", classes="pm-small", **named("canal_configuration"))
        with html.Div(classes="pm-buttons mt-2"):
            v3.VBtn(words("quiz"), v_show="!quiz_active", **named("quiz"),
                    prepend_icon="mdi-help-circle-outline",
                    color="primary", classes="pm-touch", click=app.quiz.start)
            v3.VBtn(words("next_question"), v_show="quiz_active", **named("next_question"), color="primary",
                    classes="pm-touch", click=app.quiz.next)
            v3.VBtn(words("end_quiz"), v_show="quiz_active", **named("end_quiz"), variant="tonal",
                    classes="pm-touch", click=app.quiz.stop)
