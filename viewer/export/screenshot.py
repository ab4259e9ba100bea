"""A PNG of a view state, rendered offscreen on the server (the UI's "Screenshot" button calls this)."""

from __future__ import annotations

import io

from PIL import Image

from .stage import Stage


def screenshot_png(
    tooth_code: str,
    looks: dict[str, str] | None = None,
    *,
    pulp_states: dict[str, str] | None = None,
    removed_fraction: float = 0.0,
    view: str | None = None,
    camera: dict | None = None,
    cut: str | None = None,
    cut_position: float = 0.5,
    caption: str = "",
    size: tuple[int, int] = (1024, 768),
) -> bytes:
    """PNG bytes of the tooth as the view state shows it.

    ``looks`` maps regions and extras to "solid" | "xray" | "hidden" (default: every region solid). A live
    view's layer toggles and x-ray switch become looks: ``{"enamel": "xray" if xray else "solid", ...}``, a
    hidden layer "hidden". ``camera`` is the vtk.js camera dict (position, focalPoint, viewUp) and wins over
    the ``view`` preset name; a Moment maps as ``looks=m.looks, pulp_states=m.pulp_states,
    removed_fraction=m.removed_fraction, view=m.camera, cut=m.cut, cut_position=m.cut_position``.
    """
    looks = looks or {r: "solid" for r in ("enamel", "dentin", "crown_pulp", "root_pulp")}
    stage = Stage(tooth_code, size)
    try:
        stage.show(looks, pulp_states, removed_fraction, view, cut, cut_position, camera)
        if caption:
            stage.set_text(stage.caption, caption, stage.caption_width())
        image = stage.image()
    finally:
        stage.close()
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG", optimize=True)
    return buf.getvalue()
