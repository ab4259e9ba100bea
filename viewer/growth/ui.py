"""The age control (everyone) and the variant picker (students); logic in ``viewer.growth.logic``."""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from viewer.page.aria import aria, named, words
from viewer.page.controls import touch_select


def build_growth_panel(app) -> None:
    with html.Div(classes="pm-section pm-age", **named("age_label", role="group")):
        html.Div(words("age_label"), classes="pm-heading")
        v3.VSlider(
            v_model=("age",),
            min=("age_range[0]",),
            max=("age_range[1]",),
            step=("age_range[2]",),
            **named("age_label"),
            hide_details=True,
            density="compact",
            color="primary",
            classes="pm-touch",
        )
        html.Div("{{ age === null ? ui.age_none : age_text }}", classes="pm-small", id="pm-age-text",
                 **aria(role="status", aria_live="polite"))
        v3.VBtn(words("age_none"), v_show="age !== null", variant="tonal", size="small",
                classes="pm-touch mt-1", click="age = null")
        html.Div(words("age_preparing"), v_show="age_preparing", classes="pm-small pm-preparing",
                 id="pm-age-preparing")
        html.Div("{{ age_roots }}", v_show="age_roots", classes="pm-small", id="pm-age-roots")
    with html.Div(classes="pm-section", v_show="mode === 'student'", **named("variant_label", role="group")):
        touch_select("variant", "variant_items", "variant_label")
        html.Div("{{ variant_text }}", classes="pm-small", id="pm-variant-text")
