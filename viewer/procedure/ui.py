"""UI of the procedure player: the procedure choice, scrubber, buttons and compare switch in the panel, and
the caption and pulp counters over the 3D view (logic in ``viewer.procedure.logic``)."""

from __future__ import annotations

from trame.widgets import client, html
from trame.widgets import vuetify3 as v3

from viewer.page.aria import named, words
from viewer.page.controls import touch_switch
from viewer.playback import ACK_JS, FRAME_KEY
from viewer.procedure.frames import PROCEDURES


def build_procedure_overlay() -> None:
    """Over the 3D view: the step, its caption and note, and the pulp removed (beside it when comparing)."""
    client.ClientStateChange(value=FRAME_KEY, change=ACK_JS)  # every player's frame acked once drawn
    with html.Div(classes="pm-story", v_show="procedure"):
        with html.Div(classes="pm-caption", **named("caption", role="region", aria_live="polite")):
            html.Div("{{ step_label }}", classes="pm-step")
            html.Div("{{ procedure_label }}{{ cmp_caption === caption ? ' · ' + cmp_label : '' }}",
                     v_show="compare", classes="pm-copy-label")
            html.Div("{{ caption }}", classes="pm-caption-text")
            html.Div("{{ note }}", classes="pm-note", **named("student_note"))
        html.Div(
            "{{ compare ? procedure_label + ' · ' : '' }}{{ counter_text }}",
            v_show="counter_text",
            classes="pm-counter",
            **named("pulp_removed", role="status"),
        )
        with html.Div(v_show="compare && cmp_caption !== caption", classes="pm-caption pm-caption-cmp",
                      **named("caption_beside", role="region", aria_live="polite")):
            html.Div("{{ cmp_label }}", classes="pm-copy-label")
            html.Div("{{ cmp_caption }}", classes="pm-caption-text")
        html.Div(
            "{{ cmp_label }} · {{ cmp_counter_text }}",
            v_show="compare && cmp_counter_text",
            classes="pm-counter pm-counter-cmp",
            **named("pulp_removed_beside", role="status"),
        )


def build_procedure_controls(app) -> None:
    """In the panel: pick a procedure, then scrub, step, play, change speed and compare both."""
    with html.Div(classes="pm-section", **named("procedure", role="group")):
        html.Div(words("procedure"), classes="pm-heading")
        with v3.VBtnToggle(
            v_model=("procedure",),
            divided=True,
            variant="outlined",
            density="comfortable",
            color="primary",
            classes="pm-toggle",
        ):
            for p in PROCEDURES:
                v3.VBtn(words(p), value=p, **named(p), classes="pm-touch")
        with html.Div(classes="pm-player", v_show="procedure"):
            v3.VSlider(
                v_model=("t",),
                min=0,
                max=("t_max",),
                step=0.1,
                **named("scrub"),
                hide_details=True,
                thumb_size=24,
                classes="pm-touch",
            )
            with html.Div(classes="pm-buttons"):
                v3.VBtn(icon="mdi-skip-previous", **named("previous_step"), classes="pm-touch",
                        variant="tonal", click=app.procedure.previous_step)
                v3.VBtn(icon="mdi-play", v_show="!playing", **named("play"), classes="pm-touch",
                        color="primary", click=app.procedure.play)
                v3.VBtn(icon="mdi-pause", v_show="playing", **named("pause"), classes="pm-touch",
                        color="primary", click=app.procedure.pause)
                v3.VBtn(icon="mdi-skip-next", **named("next_step"), classes="pm-touch",
                        variant="tonal", click=app.procedure.next_step)
                v3.VBtn("{{ speed }}×", **named("speed"), classes="pm-touch pm-speed",
                        variant="tonal", click=app.procedure.cycle_speed)
            touch_switch("compare", "compare_both", "compare")
            with html.Div(v_show="compare", classes="pm-finals", **named("final_figures", role="group")):
                html.Div("{{ row }}", v_for="row in final_rows", key="row", classes="pm-final")
