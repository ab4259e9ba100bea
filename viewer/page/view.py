"""UI of the page: the layout with its client hooks (URL, camera), and the 3D view with its overlays and
camera buttons; the panel is ``viewer.page.panel``."""

from __future__ import annotations

from trame.ui.vuetify3 import VAppLayout
from trame.widgets import client, html
from trame.widgets import vuetify3 as v3

from viewer.chairside.ui import PREFS_JS, build_explode_labels, build_present_bar, keys_js
from viewer.colors import BACKGROUND
from viewer.page import style
from viewer.page.aria import aria, named, words
from viewer.page.panel import build_panel
from viewer.page.view3d import Shape, View3D
from viewer.procedure.frames import COMPARE_PREFIX, SHAPES
from viewer.procedure.ui import build_procedure_overlay
from viewer.story.ui import build_story_overlay, build_story_representations
from viewer.url_state import CAMERA_PRESETS

MODEL_NAME = ("ui.model_of_tooth.replace('{tooth}', tooth_name)",)
ROOT_CLASSES = ("['pm-root', panel_open ? '' : 'pm-collapsed', present ? 'pm-present' : '',"
                " theme === 'dark' ? 'pm-dark' : '']")
INTERACTOR_SETTINGS = [
    {"button": 1, "action": "Rotate"},
    {"button": 2, "action": "Pan"},
    {"button": 3, "action": "Zoom", "scrollEnabled": True},
    {"button": 1, "action": "Pan", "shift": True},
    {"button": 1, "action": "Zoom", "control": True},
]


def build_ui(app) -> None:
    """Build the whole page once, on ``app.ui``."""
    with VAppLayout(app.server, full_height=True) as layout:
        app.ui = layout
        client.Style(style.CSS)
        client.ClientTriggers(mounted=(app.on_client_url, "[window.location.search]"))
        client.ClientTriggers(mounted=(app.chairside.on_client_prefs, PREFS_JS))  # theme, reduced motion
        client.ClientTriggers(mounted="window.pm3dPanelAfterFirstPicture()")  # static/page.js
        client.ClientStateChange(value="mesh_src", trigger_on_create=True,  # static/meshes.js
                                 change="window.pm3dShowMeshes(mesh_src)")
        client.ClientTriggers(mounted="window.pm3dListenForTaps()")  # a tap names a part, a drag nothing
        client.ClientTriggers(mounted=keys_js())  # keyboard shortcuts (scenes/data/search/keys.toml)
        client.ClientStateChange(
            value="url_query",
            change="url_query && window.history.replaceState(null, '', url_query)",
        )
        # <html lang> follows the session's language (screen readers, hyphenation, translate offers)
        client.ClientStateChange(value="lang", trigger_on_create=True,
                                 change="window.document.documentElement.lang = lang")
        # Camera moves run after the meshes of the same update are in place (then reset fits them); the
        # first comes with the page's first state (App.preload) and is drawn with its meshes.
        client.ClientStateChange(value="camera_request", trigger_on_create=True,
                                 change="window.pm3dApplyCamera(camera_request)")
        with (
            v3.VThemeProvider(theme=("theme",), with_background=True),
            html.Div(classes=(ROOT_CLASSES,), style=("`--pm-scale: ${text_scale}`",)),
        ):
            build_view(app)
            build_panel(app)


def build_view(app) -> None:
    """The 3D view (both tooth copies, the story's meshes), its overlays and the camera buttons."""
    with html.Div(classes="pm-view-wrap"):
        with (
            # focusable, its keys listed: the view is turned from the keyboard too (viewer.chairside)
            html.Div(classes="pm-view", tabindex="0",
                     **aria(MODEL_NAME, role="img", aria_keyshortcuts="1 2 3 4 5 0 ArrowUp ArrowDown")),
            # vtk.js reads the background once, when the view is made: a theme remakes the view (key); the
            # meshes stay in the browser's state, so nothing is sent again but the camera
            # taps are cast on the server (static/page.js)
            View3D(
                ref="view",
                key="String(view_background)",
                background=("view_background", list(BACKGROUND)),
                interactor_settings=("interactor_settings", INTERACTOR_SETTINGS),
            ),
        ):
            for prefix in ("", COMPARE_PREFIX):
                for r in SHAPES:
                    if r in ("crown_pulp", "root_pulp"):
                        color_range = f"{prefix}removal_range"
                    else:
                        color_range = "decay_range"
                    Shape(
                        v_if=f"mesh_{r}" + (" && compare" if prefix else ""),
                        mesh=(f"mesh_{r}",),  # one mesh state per shape, shared by both copies: sent once
                        actor=(f"actor_{prefix}{r}",),
                        property=(f"property_{prefix}{r}",),
                        mapper=(f"mapper_{prefix}{r}",),
                        color_map_preset=(f"preset_{prefix}{r}",),
                        color_data_range=(color_range,),
                    )
            build_story_representations()
        build_present_bar(app)
        build_explode_labels()
        with html.Div(classes="pm-words"):  # beside or below the tooth when presenting
            with html.Div(v_show="pick_text", classes="pm-pick",
                          **named("picked", role="status", aria_live="polite")):
                html.Div("{{ pick_text }}")
                html.Div("{{ pick_source }}", v_show="pick_source", classes="pm-source",
                         **named("provenance"))
            with html.Div(classes="pm-foot"):  # one stack at the foot of the view: nothing overlaps
                build_story_overlay(app)
                build_procedure_overlay()
                html.Div(
                    "{{ tooth_error }}",
                    v_show="tooth_error",
                    classes="pm-error",
                    **named("tooth_error", role="alert"),
                )
                build_cameras(app)


def build_cameras(app) -> None:
    """The camera presets: look at the tooth from one side, or back to the three-quarter view."""
    with html.Div(classes="pm-cameras", **named("camera", role="toolbar")):
        for name in CAMERA_PRESETS:
            v3.VBtn(
                words(name),
                **named(name),
                classes="pm-touch",
                variant="tonal",
                click=(app.camera_preset, f"['{name}']"),
            )
        v3.VBtn(words("reset"), **named("reset"), classes="pm-touch", variant="tonal",
                click=(app.camera_preset, "['reset']"))

