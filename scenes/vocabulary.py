"""The words a timeline file may use. The viewer and the engine rely on exactly these names."""

from __future__ import annotations

from typing import Final, Literal

# Anatomical regions the engine builds for every tooth (labels of the volume).
REGIONS: Final = ("enamel", "dentin", "crown_pulp", "root_pulp")

# Extra geometry the engine provides beside the regions. enamel_opened / dentin_opened are enamel and dentin
# with the access cavity cut out: a step shows them *instead of* enamel / dentin.
EXTRAS: Final = ("decay", "enamel_opened", "dentin_opened", "medicament", "base", "canal_paste", "crown_ssc")

# An opened layer replaces its intact twin; showing both at once would draw two overlapping shells.
OPENED_TWIN: Final = {"enamel_opened": "enamel", "dentin_opened": "dentin"}

Look = Literal["solid", "xray", "hidden"]
LOOKS: Final = ("solid", "xray", "hidden")

CAMERA_VIEWS: Final = ("occlusal", "buccal", "lingual", "mesial", "distal")
# "md": a mesiodistal section (plane along the mesiodistal axis and the long axis, normal buccolingual);
# "bl": a buccolingual section (normal mesiodistal).
CUTS: Final = ("md", "bl")
DEFAULT_CUT_POSITION: Final = 0.5

PULP_STATES: Final = ("healthy", "inflamed", "infected", "removed")

# Named removal marks. A mark is a fraction of the whole pulp volume; "crown_pulp" is tooth dependent
# (crown / (crown + root)), which is why it is kept symbolic until a tooth's volumes are known.
CROWN_PULP: Final = "crown_pulp"
NAMED_MARKS: Final = {"none": 0.0, "all": 1.0}
