"""Tissue colours, display labels and the x-ray look: one place, so every view agrees."""

# RGB in [0, 1]. Pulp reds differ in hue and lightness so crown and root pulp stay distinguishable.
REGION_COLORS: dict[str, tuple[float, float, float]] = {
    "enamel": (0.97, 0.95, 0.88),  # ivory white
    "dentin": (0.93, 0.80, 0.50),  # warm cream-yellow
    "crown_pulp": (0.86, 0.10, 0.12),  # bright red
    "root_pulp": (0.62, 0.05, 0.30),  # darker, pinker red
}

# Parent mode: the same tissues in softer, lighter colours (a rose pulp rather than a bright red one):
# clear, never raw. Student mode keeps the precise, saturated colours above.
PARENT_COLORS: dict[str, tuple[float, float, float]] = {
    "enamel": (0.98, 0.97, 0.93),
    "dentin": (0.96, 0.87, 0.66),
    "crown_pulp": (0.92, 0.24, 0.27),
    "root_pulp": (0.78, 0.18, 0.36),
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

# ---------------------------------------------------------------- procedures
# Procedure geometry (meshes ToothModel.extras): RGB, x-ray opacity, specular. The steel crown is metallic.
EXTRA_COLORS: dict[str, tuple[float, float, float]] = {
    "enamel_opened": REGION_COLORS["enamel"],
    "dentin_opened": REGION_COLORS["dentin"],
    "medicament": (0.96, 0.96, 0.93),  # MTA: off-white
    "base": (0.64, 0.62, 0.58),  # zinc oxide-eugenol base: warm grey, darker than dentin
    "canal_paste": (0.98, 0.84, 0.18),  # resorbable iodoform paste: yellow
    "crown_ssc": (0.62, 0.65, 0.70),  # stainless steel: a cool grey, glossy (looks.MATERIALS["steel"])
}
EXTRA_LABELS: dict[str, str] = {
    "enamel_opened": "Enamel (opened)",
    "dentin_opened": "Dentin (opened)",
    "medicament": "Medicament (MTA)",
    "base": "Base",
    "canal_paste": "Canal filling paste",
    "crown_ssc": "Steel crown",
}
EXTRA_XRAY_OPACITY: dict[str, float] = {
    "enamel_opened": XRAY_OPACITY["enamel"],
    "dentin_opened": XRAY_OPACITY["dentin"],
    "crown_ssc": 0.28,
}
DEFAULT_XRAY_OPACITY = 0.35

# Pulp state colours when no removal front colours the pulp (healthy is the region colour itself).
REMOVED_COLOR = (1.0, 0.97, 0.93)  # pale cream: the emptied chamber, never a raw wound
PULP_STATE_COLORS: dict[str, tuple[float, float, float] | None] = {
    "healthy": None,  # the region's own red
    "inflamed": (0.50, 0.0, 0.0),  # the low end of PULP_STATE_PRESETS["inflamed"]
    "infected": (0.50, 0.15, 0.02),  # the low end of PULP_STATE_PRESETS["infected"]
    "removed": REMOVED_COLOR,
}
# vtk.js colour presets used as two-colour lookup tables over the pulp's "keep" array (1 - removal order):
# kept pulp (below the range) takes the low end (its state colour), removed pulp the high end (pale cream).
PULP_STATE_PRESETS: dict[str, str] = {"inflamed": "RdOr", "infected": "Oranges"}
# Decay: enamel and dentin coloured over "sound" (1 - decay): sound tissue pale ivory, the lesion brown.
DECAY_PRESET = "BrOrYl"
DECAY_RANGE = (0.35, 0.75)

# ---------------------------------------------------------------- the chairside story
# Diseased pulp at an infection extent: vtk.js presets whose high end is the diseased colour (the part of the
# removal order below the extent's fraction maps above the colour range). Soft, never blood-dark:
# inflamed = apricot (nic_CubicL's high end), infected = muted terracotta (CIELab_blue2red's high end).
INFECTION_PRESETS: dict[str, str] = {
    "healthy": DECAY_PRESET,
    "inflamed": "nic_CubicL",
    "infected": "CIELab_blue2red",
}
INFECTION_COLORS: dict[str, tuple[float, float, float]] = {
    "inflamed": (0.98, 0.60, 0.37),
    "infected": (0.77, 0.47, 0.34),
}
# Enamel and dentin while an infection extent is shown without x-ray: translucent enough to see the pulp,
# opaque enough to see the decay.
STORY_OPACITY: dict[str, float] = {"enamel": 0.2, "dentin": 0.24}
SUCCESSOR_COLORS: dict[str, tuple[float, float, float]] = {
    "successor": (0.66, 0.79, 0.97),  # soft ivory-blue: the new tooth
    "crypt": (0.80, 0.88, 0.96),  # its follicle, drawn faint
}
NEIGHBOUR_COLOR = (0.90, 0.89, 0.85)  # the neighbouring teeth: ivory, a little greyer than the molar
QUIZ_MARKER_COLOR = (1.0, 0.84, 0.25)

# The 3D view's background per theme: the light theme keeps the slate the tooth was tuned against (ivory
# enamel reads best on it); the dark theme goes near-black for a dim surgery.
VIEW_BACKGROUNDS: dict[str, tuple[float, float, float]] = {"light": BACKGROUND, "dark": (0.02, 0.025, 0.03)}
