"""Words on screen in every language: English is the reference, other languages are files beside it.

English comes from ``data/text/en.toml`` (interface words) and from the scene files themselves (captions,
notes, titles). A language is one file ``data/text/<code>.toml`` holding the same keys; whatever it lacks
is shown in English, and ``missing(code)`` lists it. Keys are dotted paths, e.g. ``ui.enamel``,
``timeline.pulpotomy.steps.access.caption``, ``infection.crown.why``, ``space.space_lost.second.2.caption``.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from scenes.errors import SceneError
from scenes.loader import load_all
from scenes.story import ORDERS, load_extents, load_space_scene

TEXT_DIR = Path(__file__).parent / "data" / "text"
DEFAULT_LANGUAGE = "en"
SPACE_SCENES = ("space_lost", "space_kept")


def languages() -> dict[str, str]:
    """Language code -> its own name, for every file in data/text ("en": "English", "es": "Español")."""
    return {
        path.stem: _catalogue_file(path.stem).get("language", path.stem)
        for path in sorted(TEXT_DIR.glob("*.toml"))
    }


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, path + "."))
        elif isinstance(value, str) and key != "language":
            out[path] = value
    return out


@lru_cache(maxsize=8)
def _catalogue_file(code: str) -> dict[str, Any]:
    path = TEXT_DIR / f"{code}.toml"
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise SceneError(path.name, f"no such language; known: {', '.join(sorted(languages()))}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SceneError(path.name, f"not valid TOML: {exc}") from exc


@lru_cache(maxsize=1)
def english() -> dict[str, str]:
    """Every text the app shows, in English, by key."""
    texts = _flatten(_catalogue_file(DEFAULT_LANGUAGE))
    for tl in load_all().values():
        texts[f"timeline.{tl.id}.title"] = tl.title
        texts[f"timeline.{tl.id}.title_student"] = tl.title_student
        for step in tl.steps:
            texts[f"timeline.{tl.id}.steps.{step.id}.caption"] = step.caption
            texts[f"timeline.{tl.id}.steps.{step.id}.note"] = step.note
    for extent in load_extents().values():
        for field in ("label", "label_student", "why", "note"):
            texts[f"infection.{extent.id}.{field}"] = getattr(extent, field)
    for scene_id in SPACE_SCENES:
        scene = load_space_scene(scene_id)
        texts[f"space.{scene_id}.title"] = scene.title
        texts[f"space.{scene_id}.title_student"] = scene.title_student
        for order in ORDERS:
            for i, frame in enumerate(scene.keyframes[order]):
                texts[f"space.{scene_id}.{order}.{i}.caption"] = frame.caption
                texts[f"space.{scene_id}.{order}.{i}.note"] = frame.note
    return texts


@lru_cache(maxsize=8)
def texts(code: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every text in language `code`, English where the language has none."""
    base = dict(english())
    if code != DEFAULT_LANGUAGE:
        own = _flatten(_catalogue_file(code))
        base.update({k: v for k, v in own.items() if k in base})
    return base


def text(code: str, key: str, **values: object) -> str:
    """One text, its {placeholders} filled: ``text("es", "ui.removed", removed="1.0", ...)``."""
    return texts(code).get(key, key).format(**values)


def missing(code: str) -> list[str]:
    """The keys a language file lacks (they show in English)."""
    own = _flatten(_catalogue_file(code))
    return sorted(k for k in english() if k not in own)


def unknown(code: str) -> list[str]:
    """Keys a language file has that nothing uses (a typo, or a text since removed)."""
    return sorted(k for k in _flatten(_catalogue_file(code)) if k not in english())
