"""The viewer's words in the session's language: everything on screen comes from ``scenes.text``.

``ui_words(lang)`` is the small dict the page binds to (``{{ ui.enamel }}``); the other functions build the
texts that carry figures or come from the scene files (captions, notes, labels), by their keys.
"""

from __future__ import annotations

from functools import lru_cache

from meshes import resolve_tooth
from scenes.text import DEFAULT_LANGUAGE, languages, text, texts

from .vocabulary import LANGUAGES, PROCEDURES


def norm_lang(code: str | None) -> str:
    code = (code or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def ui_words(lang: str) -> dict[str, str]:
    """``ui.*`` texts by their short name, placeholders left in (for the page's static words)."""
    return {k[3:]: v for k, v in texts(lang).items() if k.startswith("ui.")}


def language_items() -> list[dict]:
    return [{"value": code, "title": name} for code, name in languages().items()]


def tr(lang: str, key: str, **values) -> str:
    """One ``ui.`` text (or any full key containing a dot after its first part)."""
    return text(lang, key if key.split(".")[0] in ("ui", "teeth", "timeline", "infection", "space")
                else f"ui.{key}", **values)


def tooth_title(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """"85 (T) – lower right second molar"; in another language from the ``teeth.*`` words."""
    t = resolve_tooth(code)
    jaw = "upper" if t.arch == "maxillary" else "lower"
    kind = str(t.kind).split("_")[-1]
    if lang == DEFAULT_LANGUAGE:
        return f"{t.fdi} ({t.universal}) – {jaw} {t.side} {kind} molar"
    arch = "maxillary" if t.arch == "maxillary" else "mandibular"
    return f"{t.fdi} ({t.universal}) – {text(lang, f'teeth.{arch}_{kind}')} {text(lang, f'teeth.{t.side}')}"


def premolar_name(name: str, lang: str) -> str:
    """"mandibular second premolar" (the successor's English name in the tooth data) in ``lang``."""
    key = f"teeth.{name.strip().replace(' ', '_')}"
    return texts(lang).get(key, name) if lang != DEFAULT_LANGUAGE else name


def procedure_name(procedure: str | None, lang: str) -> str:
    if procedure in PROCEDURES:
        return text(lang, f"ui.{procedure}")
    return text(lang, "ui.nothing_yet")


def step_texts(procedure: str, step_id: str, lang: str) -> tuple[str, str]:
    """(caption, note) of a procedure step."""
    base = f"timeline.{procedure}.steps.{step_id}"
    return text(lang, f"{base}.caption"), text(lang, f"{base}.note")


def number(lang: str, value: float, digits: int | None = 1) -> str:
    """A figure with the language's decimal separator: 8.1 in English, 8,1 in Spanish (``digits=None``:
    as short as it is, 2.5 or 10)."""
    shown = f"{float(value):g}" if digits is None else f"{float(value):.{digits}f}"
    return shown.replace(".", text(lang, "ui.decimal_separator"))


def counter_text(lang: str, removed_mm3: float, removed_percent: float, remaining_mm3: float) -> str:
    return text(lang, "ui.removed", removed=number(lang, removed_mm3), percent=number(lang, removed_percent),
                remaining=number(lang, remaining_mm3))


def final_text(tooth, procedure: str, lang: str) -> str:
    r = tooth.procedures()[procedure]
    return text(lang, "ui.final_row", procedure=procedure_name(procedure, lang),
                removed=number(lang, r.removed_mm3), percent=number(lang, r.removed_percent),
                remaining=number(lang, r.remaining_mm3))


def age_text(age_months: float, lang: str) -> str:
    years, months = divmod(int(round(age_months)), 12)
    age = text(lang, "ui.years", years=years) if months == 0 else \
        text(lang, "ui.years_months", years=years, months=months)
    return text(lang, "ui.age", age=age)


def years_text(lo: float, hi: float, lang: str) -> str:
    """"23-31 months", "10-12 years", "6 months-1 years" (timeline bars)."""
    def one(y: float) -> str:
        if y < 3 and abs(y * 12 - round(y * 12)) < 1e-6 and y != int(y):
            return text(lang, "ui.months", months=round(y * 12))
        return number(lang, y, None)

    if lo < 3 and hi < 3:
        return text(lang, "ui.months", months=f"{round(lo * 12)}-{round(hi * 12)}")
    return text(lang, "ui.years", years=f"{one(lo)}-{one(hi)}")


def timeline_label(event_id: str, english: str, kind: str, successor: str, lang: str) -> str:
    """An age-timeline bar's label: the scene data's English, or the ``ui.<event>`` text of ``lang``."""
    if lang == DEFAULT_LANGUAGE:
        return english
    tooth = text(lang, f"teeth.{kind}") if f"teeth.{kind}" in texts(lang) else kind
    key = {"successor": "ui.successor_erupts"}.get(event_id, f"ui.{event_id}")
    return text(lang, key, tooth=tooth, premolar=premolar_name(successor, lang))


def structure_text(lang: str, structure) -> str:
    """A tapped structure (``meshes.Structure``) in words: "Pulpa coronal - cuerno pulpar mesiovestibular"."""
    region = text(lang, f"ui.{structure.region}")
    if not structure.part:
        return region
    name = texts(lang).get(f"anatomy.{structure.name}", structure.name)
    return text(lang, f"ui.part_{structure.part}", region=region, name=name)


def part_volume_text(lang: str, tooth, structure) -> str:
    """A tapped structure with the volume that is its own: a canal's, else its whole tissue's, named so.

    The engine measures each canal (``tooth.canal_volumes_mm3``); a horn, a cusp or a root has no figure
    of its own, so the tissue's volume is shown as the tissue's, never as the part's."""
    name = structure_text(lang, structure)
    canal = f"{structure.name} canal"
    if structure.part == "canal" and canal in tooth.canal_volumes_mm3:
        return text(lang, "ui.part_volume", structure=name,
                    volume=number(lang, tooth.canal_volumes_mm3[canal]))
    return text(lang, "ui.tissue_volume", structure=name, tissue=text(lang, f"ui.{structure.region}"),
                volume=number(lang, tooth.volumes_mm3[structure.region]))


def canal_name(lang: str, english: str) -> str:
    """"mesiobuccal canal" (the engine's name) in ``lang``: "conducto mesiovestibular"."""
    side = english.removesuffix(" canal").strip()
    return text(lang, "ui.canal_named", name=texts(lang).get(f"anatomy.{side}", side))


def quiz_prompt(lang: str, target: dict) -> str:
    """What the quiz asks for ("the mesiobuccal pulp horn"), from a target of ``story.quiz_targets``."""
    name = texts(lang).get(f"anatomy.{target['name']}", target["name"])
    return text(lang, f"ui.quiz_target_{target['kind']}", name=name)
