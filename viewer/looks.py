"""How a shape is drawn: one pure function from (shape, look, palette) to its material, for every view.

The live view (``viewer.scene.region_look``, ``viewer.procedure.frames.shape_look``), the video and the
offline page (``viewer.export.stage``) all take their colours, opacities and materials from
``shape_property``, so a tissue or the steel crown looks the same in each of them. Looks: "solid",
"xray" or "hidden".
"""

from __future__ import annotations

from .colors import (
    DECAY_PRESET,
    DEFAULT_XRAY_OPACITY,
    EXTRA_COLORS,
    EXTRA_XRAY_OPACITY,
    INFECTION_COLORS,
    PARENT_COLORS,
    PULP_STATE_COLORS,
    PULP_STATE_PRESETS,
    REGION_COLORS,
    REMOVED_COLOR,
    XRAY_OPACITY,
)

LOOKS = ("solid", "xray", "hidden")

# Materials (Phong terms): enamel a little glossy, pulp soft, the stainless steel crown metallic.
MATERIALS: dict[str, dict[str, float]] = {
    "default": {"ambient": 0.15, "diffuse": 0.85, "specular": 0.1, "specularPower": 30.0},
    "enamel": {"ambient": 0.15, "diffuse": 0.85, "specular": 0.25, "specularPower": 30.0},
    "pulp": {"ambient": 0.3, "diffuse": 0.85, "specular": 0.1, "specularPower": 30.0},
    "steel": {"ambient": 0.25, "diffuse": 0.55, "specular": 0.9, "specularPower": 60.0},
}
MATERIAL_OF = {
    "enamel": "enamel",
    "enamel_opened": "enamel",
    "crown_pulp": "pulp",
    "root_pulp": "pulp",
    "crown_ssc": "steel",
}


def base_color(name: str, soft: bool = False) -> tuple[float, float, float]:
    """A shape's own colour (parents see the softer tissue palette)."""
    if name in REGION_COLORS:
        return (PARENT_COLORS if soft else REGION_COLORS)[name]
    return EXTRA_COLORS[name]


def xray_opacity(name: str) -> float:
    return XRAY_OPACITY.get(name) or EXTRA_XRAY_OPACITY.get(name, DEFAULT_XRAY_OPACITY)


def shape_property(name: str, look: str, soft: bool = False, color=None) -> dict:
    """vtk.js-style property of one shape in a look (``color`` overrides its own, e.g. a pulp state).

    >>> shape_property("crown_ssc", "solid")["specular"], shape_property("enamel", "xray")["opacity"]
    (0.9, 0.12)
    """
    opacity = xray_opacity(name) if look == "xray" else 1.0
    return {
        "color": list(color if color is not None else base_color(name, soft)),
        "opacity": opacity,
        **MATERIALS[MATERIAL_OF.get(name, "default")],
    }


def pulp_look(name: str, state: str | None, soft: bool = False, remaining: float = 1.0) -> dict:
    """How a pulp region shows a pulp state ("healthy", "inflamed", "infected", "removed") in a procedure.

    Returns its ``color``, ``opacity``, whether the removal front colours it (``scalars``) and the vtk.js
    ``preset`` of that front. A student sees the clinical palette: the kept pulp at the preset's dark low
    end, the removed pulp at its pale high end. A parent never sees blood-dark tissue, and no vtk.js preset
    runs from the story's soft apricot or terracotta to cream: the diseased pulp is drawn in the story's
    colour (``INFECTION_COLORS``) and fades as it is removed (``remaining``: its share still there, in
    tenths, so a frame changes it at most ten times).
    """
    color = base_color(name, soft)
    if state == "removed":
        return {"color": REMOVED_COLOR, "opacity": 1.0, "scalars": False, "preset": DECAY_PRESET}
    if state not in PULP_STATE_PRESETS:
        return {"color": color, "opacity": 1.0, "scalars": False, "preset": DECAY_PRESET}
    if soft:
        left = round(min(max(float(remaining), 0.0), 1.0), 1)
        return {"color": INFECTION_COLORS[state], "opacity": max(left, 0.1), "scalars": False,
                "preset": DECAY_PRESET}
    return {"color": PULP_STATE_COLORS[state], "opacity": 1.0, "scalars": True,
            "preset": PULP_STATE_PRESETS[state]}
