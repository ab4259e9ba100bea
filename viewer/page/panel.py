"""UI of the control panel: tooth choice, the story and procedure sections, layers, cross-section and the
student's numbers (each section's logic lives in the App and its players)."""

from __future__ import annotations

from trame.ui.html import DivLayout
from trame.widgets import client, html
from trame.widgets import vuetify3 as v3

from meshes import REGIONS
from viewer.chairside.ui import build_chart, build_search, build_sources
from viewer.colors import css_rgb
from viewer.growth.ui import build_growth_panel
from viewer.page.aria import aria, named, words
from viewer.page.controls import touch_select, touch_switch
from viewer.procedure.ui import build_procedure_controls
from viewer.scene import layer_key
from viewer.share.ui import build_export_section
from viewer.story.ui import build_story_panel

PANEL_TEMPLATE = "panel"  # trame__template_panel


def build_panel(app) -> None:
    """The collapsible control panel: its title bar shows the tooth and opens or closes it."""
    with html.Div(classes="pm-panel", **named("controls", role="region")):
        with v3.VBtn(
            block=True,
            variant="text",
            classes="pm-touch pm-panel-toggle",
            **named("show_hide_controls", aria_expanded=("panel_open ? 'true' : 'false'",)),
            click="panel_open = !panel_open",
        ):
            html.Span("{{ tooth_name }}", classes="pm-title")
            v3.VIcon("{{ panel_open ? 'mdi-chevron-down' : 'mdi-chevron-up' }}", end=True)
        # mounted after the view's first picture (static/page.js), then shown or hidden
        with html.Div(classes="pm-panel-body", v_if="panel_ready", v_show="panel_open"):
            client.ServerTemplate(name=PANEL_TEMPLATE)
        # Its own template, which the browser compiles only when the panel first mounts: as part of the
        # page's, its ~30 KB were compiled before the view's first picture (issue 16).
        with DivLayout(app.server, template_name=PANEL_TEMPLATE, connect_parent=False):
            build_chart(app)  # first: tooth, how far, play (three taps from a fresh page)
            build_story_panel(app, "top")
            build_growth_panel(app)
            build_procedure_controls(app)
            build_search(app)
            build_sources()
            touch_select("tooth", "tooth_items", "tooth", classes="pm-touch mb-2")
            touch_select(
                "lang", "language_items", "language", classes="pm-touch mb-2",
                **aria("Language"),  # always "Language" too: the way back for anyone lost in a language
                prepend_inner_icon="mdi-translate",
            )
            build_story_panel(app, "bottom")
            with html.Div(classes="pm-section", **named("layers", role="group")):
                for r in REGIONS:
                    with html.Div(classes="pm-layer"):
                        html.Span(classes="pm-swatch", style=f"background: {css_rgb(r)}")
                        touch_switch(layer_key(r), r)
                with html.Div(classes="pm-layer"):
                    html.Span(classes="pm-swatch pm-swatch-xray")
                    touch_switch("xray", "xray")
            with html.Div(classes="pm-section", **named("cross_section", role="group")):
                html.Div(words("cross_section"), classes="pm-heading")
                with v3.VBtnToggle(
                    v_model=("cut_plane",),
                    mandatory=True,
                    divided=True,
                    variant="outlined",
                    density="comfortable",
                    classes="pm-toggle",
                ):
                    v3.VBtn(words("no_cut"), value="off", **named("no_cut_name"), classes="pm-touch")
                    v3.VBtn(words("mesiodistal"), value="md", **named("mesiodistal"), classes="pm-touch")
                    v3.VBtn(words("buccolingual"), value="bl", **named("buccolingual"), classes="pm-touch")
                v3.VSlider(
                    v_model=("cut_pos",),  # every move goes to the server: it keeps only the newest
                    min=0.05,
                    max=0.95,
                    step=0.01,
                    **named("cut_position"),
                    label=("ui.position",),
                    disabled=("cut_plane === 'off'",),
                    hide_details=True,
                    thumb_size=24,
                    classes="pm-touch",
                )
                html.Div("{{ cut_text }}", v_show="cut_text", classes="pm-small",
                         **named("cut_where", role="status"))
            numbers = named("numbers", role="group")
            with html.Div(classes="pm-section", v_show="mode === 'student'", **numbers):
                html.Div(words("volumes"), classes="pm-heading")
                with (
                    html.Table(classes="pm-table"),
                    html.Tr(v_for="row in volume_rows", key="row.region"),
                ):
                    with html.Td():
                        html.Span(classes="pm-swatch", style=("{ background: row.color }",))
                        html.Span("{{ row.label }}")
                    html.Td("{{ row.value }}", classes="pm-num")
                html.Div(words("dimensions"), classes="pm-heading")
                with (
                    html.Table(classes="pm-table"),
                    html.Tr(v_for="row in dimension_rows", key="row.label"),
                ):
                    html.Td("{{ row.label }}")
                    html.Td("{{ row.value }}", classes="pm-num")
            build_export_section(app)
