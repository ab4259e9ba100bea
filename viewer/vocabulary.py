"""Every list the viewer works with, defined once: the rest of the viewer imports them from here.

Most come from the layers below (the engine's regions and section planes, the scene files' views, story
ids and languages); the viewer adds only its own modes and the session's activities (``viewer.activity``).
"""

from __future__ import annotations

from typing import Final

from meshes.section import CUT_MAX, CUT_MIN, CUT_PLANES, KEPT_SIDE, REMOVED_SIDE
from scenes.story import PROCEDURES as INDICATIONS
from scenes.text import DEFAULT_LANGUAGE, SPACE_SCENES, languages
from scenes.vocabulary import CAMERA_VIEWS, EXTRAS, LOOKS, REGIONS

PROCEDURES: Final = tuple(p for p in INDICATIONS if p != "none")  # ("pulpotomy", "pulpectomy")
INFECTIONS: Final = ("none", "dentin", "crown", "roots")  # scenes/data/story/infection.toml ids
MODES: Final = ("parent", "student")
LANGUAGES: Final = tuple(languages())  # one per scenes/data/text/<code>.toml: ("en", "es")
# Where the camera looks from to face a cut: the removed half's side.
CUT_VIEWS: Final = dict(REMOVED_SIDE)

__all__ = [
    "CAMERA_VIEWS", "CUT_MAX", "CUT_MIN", "CUT_PLANES", "CUT_VIEWS", "DEFAULT_LANGUAGE", "EXTRAS",
    "INFECTIONS", "KEPT_SIDE", "LANGUAGES", "LOOKS", "MODES", "PROCEDURES", "REGIONS", "REMOVED_SIDE",
    "SPACE_SCENES",
]
