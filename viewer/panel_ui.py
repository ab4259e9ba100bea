"""UI of the control panel: tooth choice, the story and procedure sections, layers, cross-section and the
student's numbers (each section's logic lives in the App and its players)."""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from meshes import REGIONS

from .aria import aria
from .colors import REGION_LABELS, css_rgb
from .procedure_ui import build_procedure_controls
from .scene import layer_key
from .story_ui import build_story_panel


def build_panel(app) -> None:
    """The collapsible control panel: its title bar shows the tooth and opens or closes it."""
    with html.Div(classes="pm-panel", **aria("Controls", role="region")):
        with v3.VBtn(
            block=True,
            variant="text",
            classes="pm-touch pm-panel-toggle",
            **aria("Show or hide controls", aria_expanded=("panel_open ? 'true' : 'false'",)),
            click="panel_open = !panel_open",
        ):
            html.Span("{{ tooth_name }}", classes="pm-title")
            v3.VIcon("{{ panel_open ? 'mdi-chevron-down' : 'mdi-chevron-up' }}", end=True)
        with html.Div(classes="pm-panel-body", v_show="panel_open"):
            v3.VSelect(
                v_model=("tooth",),
                items=("tooth_items",),
                label="Tooth",
                **aria("Tooth"),
                density="comfortable",
                hide_details=True,
                variant="outlined",
                classes="pm-touch mb-2",
            )
            build_story_panel(app, "top")
            build_procedure_controls(app)
            build_story_panel(app, "bottom")
            with html.Div(classes="pm-section", **aria("Layers", role="group")):
                for r in REGIONS:
                    with html.Div(classes="pm-layer"):
                        html.Span(classes="pm-swatch", style=f"background: {css_rgb(r)}")
                        v3.VSwitch(
                            v_model=(layer_key(r),),
                            label=REGION_LABELS[r],
                            **aria(REGION_LABELS[r]),
                            hide_details=True,
                            density="compact",
                            color="primary",
                            classes="pm-touch",
                        )
                with html.Div(classes="pm-layer"):
                    html.Span(classes="pm-swatch pm-swatch-xray")
                    v3.VSwitch(
                        v_model=("xray",),
                        label="X-ray",
                        **aria("X-ray"),
                        hide_details=True,
                        density="compact",
                        color="primary",
                        classes="pm-touch",
                    )
            with html.Div(classes="pm-section", **aria("Cross-section", role="group")):
                html.Div("Cross-section", classes="pm-heading")
                with v3.VBtnToggle(
                    v_model=("cut_plane",),
                    mandatory=True,
                    divided=True,
                    variant="outlined",
                    density="comfortable",
                    classes="pm-toggle",
                ):
                    v3.VBtn("Off", value="off", **aria("No cut"), classes="pm-touch")
                    v3.VBtn("Mesiodistal", value="md", **aria("Mesiodistal"), classes="pm-touch")
                    v3.VBtn("Buccolingual", value="bl", **aria("Buccolingual"), classes="pm-touch")
                v3.VSlider(
                    v_model=("cut_pos_ui",),
                    min=0.05,
                    max=0.95,
                    step=0.01,
                    **aria("Cut position"),
                    label="Position",
                    disabled=("cut_plane === 'off'",),
                    hide_details=True,
                    thumb_size=24,
                    classes="pm-touch",
                    end="cut_pos = $event",
                    keyup="cut_pos = cut_pos_ui",
                )
            numbers = aria("Numbers", role="group")
            with html.Div(classes="pm-section", v_show="mode === 'student'", **numbers):
                html.Div("Volumes", classes="pm-heading")
                with (
                    html.Table(classes="pm-table"),
                    html.Tr(v_for="row in volume_rows", key="row.region"),
                ):
                    with html.Td():
                        html.Span(classes="pm-swatch", style=("{ background: row.color }",))
                        html.Span("{{ row.label }}")
                    html.Td("{{ row.value }}", classes="pm-num")
                html.Div("Dimensions", classes="pm-heading")
                with (
                    html.Table(classes="pm-table"),
                    html.Tr(v_for="row in dimension_rows", key="row.label"),
                ):
                    html.Td("{{ row.label }}")
                    html.Td("{{ row.value }}", classes="pm-num")
