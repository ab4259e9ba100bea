"""UI of the exports in the panel: Video (MP4, or GIF), Offline page, Screenshot; the progress bar and the
download link (logic in ``viewer.share.logic``)."""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from viewer.page.aria import aria, named, words
from viewer.page.controls import touch_switch

# The screenshot is what the user sees: the vtk.js canvas itself, captured in the browser and saved as PNG.
# A statement list, not an arrow function: Vue would call a leading "(() => ...)" once at render time.
SCREENSHOT_JS = (
    "const name = `tooth-${tooth}.png`;"
    " const canvas = window.document.querySelector('.pm-view canvas');"
    " if (canvas) { const a = window.document.createElement('a'); a.href = canvas.toDataURL('image/png');"
    " a.download = name; window.document.body.appendChild(a); a.click(); a.remove(); }"
)


def build_export_section(app) -> None:
    with html.Div(classes="pm-section", **named("export", role="group")):
        html.Div(words("export"), classes="pm-heading")
        with html.Div(classes="pm-buttons"):
            v3.VBtn(words("export_video"), prepend_icon="mdi-movie-open-outline", **named("export_video"),
                    classes="pm-touch", variant="tonal", disabled=("export_busy",),
                    click=app.exports.video_clicked)
            touch_switch("export_gif", "gif", classes="pm-touch pm-gif")
        with html.Div(classes="pm-buttons mt-1"):
            v3.VBtn(words("export_offline"), prepend_icon="mdi-web", **named("export_offline"),
                    classes="pm-touch", variant="tonal", disabled=("export_busy",),
                    click=app.exports.offline_clicked)
            v3.VBtn(words("screenshot"), prepend_icon="mdi-camera", **named("screenshot"),
                    classes="pm-touch", variant="tonal", click=SCREENSHOT_JS)
        with html.Div(v_show="export_busy", classes="mt-1"):
            html.Div("{{ export_ahead > 0 ? ui.export_queued.replace('{ahead}', export_ahead)"
                     " : export_label + ' ' + Math.round(100 * export_progress) + ' %' }}",
                     classes="pm-small")
            v3.VProgressLinear(
                model_value=("100 * export_progress",),
                color="primary",
                height=8,
                rounded=True,
                **aria(("ui.export_progress",), role="progressbar",
                       aria_valuenow=("Math.round(100 * export_progress)",),
                       aria_valuemin="0", aria_valuemax="100"),
            )
        html.A(
            "{{ ui.download.replace('{name}', export_name) }}",
            v_show="export_url",
            href=("export_url",),
            download=("export_name",),
            classes="pm-download pm-touch",
        )
        html.Div("{{ export_error }}", v_show="export_error", classes="pm-small pm-wrong",
                 role="alert")
