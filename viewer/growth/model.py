"""The tooth at a child's age and in a variant, as the viewer names it: one short key per built stage.

Every shared cache (meshes over the wire, cuts, procedure frames) is keyed by a *tooth key*: the FDI number
alone for the default tooth ("85"), with the age stage and the variant when asked ("85@7.5~three-canals").
Keys are made only from canonical values (``clean_age``, ``clean_variant``), so a hostile client sending many
ages builds at most one tooth per engine stage.
"""

from __future__ import annotations

import math
from functools import lru_cache

from meshes import load_tooth, resolve_tooth
from meshes.age import age_stage, guideline, load_age_data
from meshes.variants import variant_list
from viewer.i18n import number, tr


def clean_age(value) -> float | None:
    """A child's age quantised to the engine's stages and clamped to its range; None (the default tooth,
    complete roots) for nothing, junk or NaN.

    >>> clean_age("7.3"), clean_age(40), clean_age(""), clean_age("nan")
    (7.5, 11.0, None, None)
    """
    if value is None or isinstance(value, bool) or str(value).strip().lower() in ("", "none", "null"):
        return None
    try:
        x = float(str(value)[:16])
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    d = load_age_data()
    return float(age_stage(min(d.oldest, max(d.youngest, x))))


@lru_cache(maxsize=8)
def variants_of(kind: str) -> tuple[dict, ...]:
    return tuple(variant_list(kind))


def clean_variant(fdi: str, value) -> str | None:
    """A variant id of this tooth's kind; None for its default configuration (the default tooth, one cache
    entry) and for anything unknown."""
    v = str(value or "").strip().lower()[:64]
    listed = {x["id"]: x for x in variants_of(resolve_tooth(fdi).kind)}
    return v if v in listed and not listed[v]["default"] else None


def shown_variant(fdi: str, variant: str | None) -> str | None:
    """The picker's value: the variant, or the kind's default configuration's id."""
    if variant:
        return variant
    return next((x["id"] for x in variants_of(resolve_tooth(fdi).kind) if x["default"]), None)


def tooth_key(fdi: str, age: float | None, variant: str | None) -> str:
    """The cache key of a staged tooth ("85" is the default tooth, exactly as before)."""
    return fdi + (f"@{age:g}" if age is not None else "") + (f"~{variant}" if variant else "")


def parse_key(key: str) -> tuple[str, float | None, str | None]:
    rest, _, variant = key.partition("~")
    fdi, _, age = rest.partition("@")
    return fdi, (float(age) if age else None), (variant or None)


def load_stage(key: str):
    """The engine's tooth for a tooth key (the engine caches each stage on disk and in memory)."""
    fdi, age, variant = parse_key(key)
    if age is None and variant is None:
        return load_tooth(fdi)
    return load_tooth(fdi, age=age, variant=variant)


def variant_items(fdi: str, lang: str) -> list[dict]:
    """The variant picker: "4 canals: 73 % of 487 teeth" per configuration of the tooth's kind."""
    return [{"value": v["id"], "title": variant_text(v, lang)} for v in variants_of(resolve_tooth(fdi).kind)]


def variant_text(v: dict, lang: str) -> str:
    return tr(lang, "variant_prevalence", canals=v["canals"], roots=v["roots"],
              percent=number(lang, v["prevalence_percent"], 0), teeth=v["teeth"])


def age_words(tooth, age: float | None, mode: str, lang: str) -> dict:
    """What the age control says: the age, the roots' state, and the guideline's word when it applies."""
    if age is None:
        return {"age": "", "roots": "", "advice": "", "within": True}
    g = guideline(tooth.resorbed_fraction)
    percent = number(lang, 100 * tooth.resorbed_fraction, 0)
    if mode == "student":
        roots = tr(lang, "age_roots_student", percent=percent,
                   limit=number(lang, 100 * g["pulpectomy_most_resorbed"], 0))
    else:
        roots = tr(lang, "age_roots_parent" if tooth.resorbed_fraction > 0.02 else "age_roots_complete")
    return {
        "age": tr(lang, "age_years", years=number(lang, age, 1 if age % 1 else 0)),
        "roots": roots,
        "advice": "" if g["pulpectomy_within_guideline"] else tr(lang, f"age_extraction_{mode}"),
        "within": bool(g["pulpectomy_within_guideline"]),
    }
