"""How a shape is drawn: one pure function from (shape, look, palette) to its material, for every view.

The live view (``viewer.scene.region_look``, ``viewer.procedure.frames.shape_look``), the video and the
offline page (``viewer.export.stage``) all take their colours, opacities and materials from
``shape_property``, so a tissue or the steel crown looks the same in each of them. Looks: "solid",
"xray" or "hidden".
"""

from __future__ import annotations

from .colors import (
    DEFAULT_XRAY_OPACITY,
    EXTRA_COLORS,
    EXTRA_XRAY_OPACITY,
    PARENT_COLORS,
    REGION_COLORS,
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
