"""UI of the chairside habits: the tooth chart and "how far" buttons (top of the panel), search, and the
presentation bar over the view (present, larger text, theme). Logic in ``viewer.chairside.logic``."""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from viewer.chairside.chart import chart_rows
from viewer.chairside.logic import key_actions
from viewer.colors import css_rgb
from viewer.page.aria import aria, named, words
from viewer.vocabulary import INFECTIONS

# Top to bottom once apart (viewer.chairside.explode.SPREAD): the cap, the dentin, the pulp.
EXPLODE_LABELS = (("enamel", css_rgb("enamel")), ("dentin", css_rgb("dentin")),
                  ("pulp", css_rgb("crown_pulp")))
# Prefs once mounted: the theme and the motion the system asks for.
PREFS_JS = ("[window.matchMedia('(prefers-color-scheme: dark)').matches,"
            " window.matchMedia('(prefers-reduced-motion: reduce)').matches]")


def keys_js() -> str:
    """A page-wide listener that sends a shortcut's key name (viewer/page/static/page.js)."""
    return f"window.pm3dListenForKeys({list(key_actions())!r}, 'pm_key')"


def build_chart(app) -> None:
    """The child's arches, as the dentist faces them; the eight molars can be chosen, the rest cannot."""
    with html.Div(classes="pm-chart-card", **named("tooth_chart", role="group")):
        html.Div(words("chart_heading"), classes="pm-heading")
        for row, arch in zip(chart_rows(), ("upper", "lower"), strict=True):
            with html.Div(classes="pm-arch", **named(f"arch_{arch}", role="group")):
                for i, t in enumerate(row):
                    side = " pm-mid" if i == 5 else ""
                    if not t.molar:
                        with html.Div(classes=f"pm-chart-tooth pm-chart-off{side}",
                                      **aria((f"ui.chart_no_model.replace('{{fdi}}', '{t.fdi}')"
                                              f".replace('{{universal}}', '{t.universal}')",),
                                             role="img")):
                            html.Span(t.fdi, classes="pm-fdi")
                            html.Span(t.universal, classes="pm-uni")
                        continue
                    with v3.VBtn(
                        classes=(f"tooth === '{t.fdi}' ? 'pm-chart-tooth pm-chart-on{side}'"
                                 f" : 'pm-chart-tooth{side}'",),
                        variant=(f"tooth === '{t.fdi}' ? 'flat' : 'tonal'",),
                        color=(f"tooth === '{t.fdi}' ? 'primary' : undefined",),
                        click=f"tooth = '{t.fdi}'",
                        **aria((f"(tooth_items.find(i => i.value === '{t.fdi}') || {{}}).title",),
                               aria_pressed=(f"tooth === '{t.fdi}' ? 'true' : 'false'",)),
                    ), html.Span(classes="pm-chart-label"):
                        html.Span(t.fdi, classes="pm-fdi")
                        html.Span(t.universal, classes="pm-uni")
        html.Div(words("reach_heading"), classes="pm-heading")
        with html.Div(classes="pm-reach", **named("reach", role="group")):
            for extent in INFECTIONS:
                v3.VBtn(
                    words(f"reach_{extent}"),
                    variant=(f"infection === '{extent}' ? 'flat' : 'outlined'",),
                    color=(f"infection === '{extent}' ? 'primary' : undefined",),
                    click=f"infection = '{extent}'",
                    classes="pm-touch pm-reach-btn",
                    **named(f"reach_{extent}",
                            aria_pressed=(f"infection === '{extent}' ? 'true' : 'false'",)),
                )


def build_search(app) -> None:
    with html.Div(classes="pm-section", **named("search", role="search")):
        v3.VTextField(
            v_model=("search_text",),
            label=("ui.search",),
            placeholder=("ui.search_hint",),
            prepend_inner_icon="mdi-magnify",
            **named("search"),
            density="comfortable",
            hide_details=True,
            variant="outlined",
            clearable=True,
            classes="pm-touch",
            keydown="$event.key === 'Enter' && trigger('pm_search', [$event.target.value])",
        )
        html.Div("{{ search_result }}", v_show="search_result", classes="pm-small mt-1",
                 **named("search_found", role="status", aria_live="polite"))


def build_sources() -> None:
    """The details of a tapped structure: the studies its figures come from."""
    with html.Div(classes="pm-section", v_show="pick_citations.length",
                  **named("sources", role="group")):
        html.Div(words("sources"), classes="pm-heading")
        html.Div("{{ pick_source }}", classes="pm-small")
        html.Div("{{ c }}", v_for="c in pick_citations", key="c", classes="pm-citation")


def build_present_bar(app) -> None:
    """Over the view's top right corner: presentation layout, larger text, light or dark."""
    with html.Div(classes="pm-present-bar", **named("presentation", role="toolbar")):
        v3.VBtn(
            icon=("present ? 'mdi-fullscreen-exit' : 'mdi-presentation'",),
            **named("present", aria_pressed=("present ? 'true' : 'false'",)),
            classes="pm-touch", variant="tonal", click=app.chairside.toggle_present,
        )
        v3.VBtn(
            icon="mdi-arrow-split-horizontal",
            **named("exploded_view", aria_pressed=("exploded ? 'true' : 'false'",)),
            classes="pm-touch", variant=("exploded ? 'flat' : 'tonal'",),
            color=("exploded ? 'primary' : undefined",), click=app.chairside.toggle_explode,
        )
        v3.VBtn(
            "A+", **named("larger_text"), classes="pm-touch pm-aa", variant="tonal",
            click=(app.chairside.text_size, "[1]"),
        )
        v3.VBtn(
            icon=("theme === 'dark' ? 'mdi-weather-sunny' : 'mdi-weather-night'",),
            **named("theme_switch", aria_pressed=("theme === 'dark' ? 'true' : 'false'",)),
            classes="pm-touch", variant="tonal", click=app.chairside.toggle_theme,
        )


def build_explode_labels() -> None:
    """The exploded layers named, top to bottom as they are drawn apart (vtk.js draws no labels)."""
    with html.Div(classes="pm-explode-labels", v_if="explode > 0.98 && activity === 'explore'",
                  **named("exploded_view", role="list")):
        for key, color in EXPLODE_LABELS:
            with html.Div(classes="pm-explode-label", role="listitem"):
                html.Span(classes="pm-swatch", style=f"background: {color}")
                html.Span(words(key))
