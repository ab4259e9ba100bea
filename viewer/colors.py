"""Tissue colours, display labels and the x-ray look: one place, so every view agrees."""

# RGB in [0, 1]. Pulp reds differ in hue and lightness so crown and root pulp stay distinguishable.
REGION_COLORS: dict[str, tuple[float, float, float]] = {
    "enamel": (0.97, 0.95, 0.88),  # ivory white
    "dentin": (0.93, 0.80, 0.50),  # warm cream-yellow
    "crown_pulp": (0.86, 0.10, 0.12),  # bright red
    "root_pulp": (0.62, 0.05, 0.30),  # darker, pinker red
}

REGION_LABELS: dict[str, str] = {
    "enamel": "Enamel",
    "dentin": "Dentin",
    "crown_pulp": "Crown pulp",
    "root_pulp": "Root pulp",
}

# Opacity of the hard tissues in x-ray mode; the pulp always stays opaque.
XRAY_OPACITY: dict[str, float] = {"enamel": 0.12, "dentin": 0.22}

BACKGROUND = (0.11, 0.13, 0.16)


def css_rgb(region: str) -> str:
    """CSS ``rgb()`` string of a region colour (used for the legend swatches)."""
    r, g, b = (round(255 * c) for c in REGION_COLORS[region])
    return f"rgb({r}, {g}, {b})"
