"""Search: a tooth by FDI, Universal letter, words or synonym; a structure by part and name.

Pure: the words are data (``scenes/data/search.toml``, anatomical names from the text catalogue), matched in
the session's language; what a query leaves out is taken from the tooth on screen.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from meshes import TOOTH_NUMBERS, UnknownToothError, resolve_tooth
from scenes.text import DEFAULT_LANGUAGE, texts
from viewer.chairside.chart import LOWER, UPPER, quadrant

SEARCH_FILE = Path(__file__).resolve().parents[2] / "scenes" / "data" / "search" / "words.toml"
PARTS = ("horn", "canal", "cusp")
GROUPS = ("upper", "lower", "right", "left", "first", "second", *PARTS, "ignore")


@dataclass(frozen=True)
class Found:
    """What a query names: a molar (``fdi``), maybe a part of it (``part``, ``name``: "horn", "mesiobuccal"),
    or ``fdi`` None with ``other`` set when it names a tooth that has no model."""

    fdi: str | None
    part: str = ""
    name: str = ""
    other: str = ""


def _fold(word: str) -> str:
    """Lower case without accents: "cúspide" and "cuspide" match."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=4)
def _words(lang: str) -> dict[str, tuple[str, ...]]:
    data = tomllib.loads(SEARCH_FILE.read_text())
    table = data.get(lang, data[DEFAULT_LANGUAGE])
    words = {g: tuple(_fold(w) for w in table.get(g, ())) for g in GROUPS}
    # anatomical names ("mesiobuccal", "mesiovestibular") and their English keys, so both are understood
    anatomy = {k.split(".", 1)[1]: v for k, v in texts(lang).items() if k.startswith("anatomy.")}
    words["names"] = tuple(sorted({_fold(n) for n in anatomy} | {_fold(v) for v in anatomy.values()}))
    return words


def _anatomy_key(lang: str, word: str) -> str:
    for key, value in texts(lang).items():
        if key.startswith("anatomy.") and _fold(value) == word:
            return key.split(".", 1)[1]
    return word


def find(query: str, lang: str, current: str) -> Found | None:
    """The tooth (and part) ``query`` names, or None if it names nothing we know."""
    raw = " ".join(_fold(query).replace(",", " ").split())
    if not raw:
        return None
    try:
        return Found(resolve_tooth(raw).fdi)  # "75", "k"
    except UnknownToothError:
        pass
    if raw in UPPER + LOWER:
        return Found(None, other=raw)  # a real primary tooth with no model (an incisor or canine)
    w = _words(lang)
    found: dict[str, str] = {}
    for phrase in sorted((p for g in GROUPS for p in w[g]), key=len, reverse=True):  # "root canal" first
        padded = f" {raw} "
        if f" {phrase} " in padded:
            group = next(g for g in GROUPS if phrase in w[g])
            found.setdefault(group, phrase)
            raw = padded.replace(f" {phrase} ", " ").strip()
    name = ""
    for token in raw.split():
        if token in w["names"]:
            name = _anatomy_key(lang, token)
        else:
            return None  # a word we do not know: say so rather than guess
    if not found.keys() - {"ignore"} and not name:
        return None
    here = resolve_tooth(current)
    upper = "upper" in found or ("lower" not in found and here.arch == "maxillary")
    right = "right" in found or ("left" not in found and here.side == "right")
    second = "second" in found or ("first" not in found and here.order == "second")
    fdi = f"{quadrant(upper, right)}{5 if second else 4}"
    part = next((p for p in PARTS if p in found), "")
    if name and not part:
        part = "canal" if name in ("palatal", "distal", "mesial") else "horn"
    return Found(fdi if fdi in TOOTH_NUMBERS else None, part, name)
