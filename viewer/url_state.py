"""The user's place in the URL: ``?tooth=75&layers=enamel,dentin&xray=1&cut=md:0.40&view=buccal``.

Parsing is forgiving (a bad value falls back to its default, so an old or edited link still opens);
serializing is canonical (FDI tooth number, layers in anatomical order, positions with two decimals).
"""

import contextlib
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from meshes import REGIONS, UnknownToothError, resolve_tooth
from meshes.section import CUT_MAX, CUT_MIN, CUT_PLANES
from scenes.text import DEFAULT_LANGUAGE

from .growth.model import clean_age, clean_variant
from .vocabulary import CAMERA_VIEWS as CAMERA_PRESETS
from .vocabulary import INFECTIONS, LANGUAGES, MODES, PROCEDURES

# Keys the trame client itself reads from the URL; they are kept as they are.
PASSTHROUGH_KEYS = ("reconnect", "ui")


@dataclass(frozen=True)
class ViewParams:
    tooth: str = "85"
    layers: tuple[str, ...] = REGIONS
    xray: bool = False
    cut: str | None = None  # one of CUT_PLANES, or None for no cut
    cut_pos: float = 0.5
    view: str | None = None  # last camera preset, one of CAMERA_PRESETS
    procedure: str | None = None  # one of PROCEDURES
    step: int | None = None  # 0-based step of the procedure (its start)
    compare: bool = False  # both procedures side by side
    infection: str = "none"  # how far the infection reaches, one of INFECTIONS
    successor: bool = False  # the premolar in its crypt shown
    mode: str = "parent"  # one of MODES
    lang: str = DEFAULT_LANGUAGE  # one of LANGUAGES
    age: float | None = None  # the child's age, an engine stage (None: the default tooth, complete roots)
    variant: str | None = None  # a root/canal variant of the tooth's kind (None: its commonest)
    unknown_tooth: str = ""  # a ?tooth= that names no primary molar (shown as an error, never silently)
    extra: dict = field(default_factory=dict)


def _clamp_pos(value: float) -> float:
    return round(min(CUT_MAX, max(CUT_MIN, value)), 2)


def parse_query(query: str, default_tooth: str = "85") -> ViewParams:
    """Read view parameters from a URL query string (with or without the leading ``?``).

    >>> parse_query("?tooth=k&layers=crown_pulp&cut=bl:0.3").tooth
    '75'
    """
    q = {k: v[-1] for k, v in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    p = ViewParams(tooth=resolve_tooth(default_tooth).fdi)
    if "tooth" in q:
        try:
            p = replace(p, tooth=resolve_tooth(q["tooth"]).fdi)
        except UnknownToothError:
            p = replace(p, unknown_tooth=q["tooth"][:40])
    if "layers" in q:
        wanted = {s.strip().lower() for s in q["layers"].split(",")}
        p = replace(p, layers=tuple(r for r in REGIONS if r in wanted))
    if "xray" in q:
        p = replace(p, xray=q["xray"].strip().lower() in ("1", "true", "yes", "on"))
    if "cut" in q:
        plane, _, pos = q["cut"].partition(":")
        plane = plane.strip().lower()
        if plane in CUT_PLANES:
            try:
                value = float(pos) if pos else 0.5
            except ValueError:
                value = 0.5
            if value != value:  # NaN
                value = 0.5
            p = replace(p, cut=plane, cut_pos=_clamp_pos(value))
    if q.get("view", "").lower() in CAMERA_PRESETS:
        p = replace(p, view=q["view"].lower())
    if q.get("procedure", "").strip().lower() in PROCEDURES:
        p = replace(p, procedure=q["procedure"].strip().lower(), step=0)
        with contextlib.suppress(ValueError):
            p = replace(p, step=max(0, int(q.get("step", "0"))))
        p = replace(p, compare=q.get("compare", "").strip().lower() in ("1", "true", "yes", "on"))
    if q.get("infection", "").strip().lower() in INFECTIONS:
        p = replace(p, infection=q["infection"].strip().lower())
    if "successor" in q:
        p = replace(p, successor=q["successor"].strip().lower() in ("1", "true", "yes", "on"))
    if q.get("mode", "").strip().lower() in MODES:
        p = replace(p, mode=q["mode"].strip().lower())
    if q.get("lang", "").strip().lower() in LANGUAGES:
        p = replace(p, lang=q["lang"].strip().lower())
    if "age" in q:
        p = replace(p, age=clean_age(q["age"]))
    if "variant" in q:
        p = replace(p, variant=clean_variant(p.tooth, q["variant"]))
    extra = {k: q[k] for k in PASSTHROUGH_KEYS if k in q}
    return replace(p, extra=extra)


def to_query(p: ViewParams) -> str:
    """Canonical query string (leading ``?``) for view parameters.

    >>> to_query(ViewParams(tooth="75", layers=("crown_pulp",), cut="md", cut_pos=0.4))
    '?tooth=75&layers=crown_pulp&cut=md%3A0.40'
    """
    items = [("tooth", p.tooth)]
    if tuple(p.layers) != REGIONS:
        items.append(("layers", ",".join(r for r in REGIONS if r in p.layers)))
    if p.xray:
        items.append(("xray", "1"))
    if p.cut in CUT_PLANES:
        items.append(("cut", f"{p.cut}:{_clamp_pos(p.cut_pos):.2f}"))
    if p.view in CAMERA_PRESETS:
        items.append(("view", p.view))
    if p.procedure in PROCEDURES:
        items.append(("procedure", p.procedure))
        items.append(("step", str(p.step or 0)))
        if p.compare:
            items.append(("compare", "1"))
    if p.infection in INFECTIONS and p.infection != "none":
        items.append(("infection", p.infection))
    if p.successor:
        items.append(("successor", "1"))
    if p.mode == "student":
        items.append(("mode", "student"))
    if p.lang in LANGUAGES and p.lang != DEFAULT_LANGUAGE:
        items.append(("lang", p.lang))
    if p.age is not None:
        items.append(("age", f"{p.age:g}"))
    if p.variant:
        items.append(("variant", p.variant))
    items.extend((k, p.extra[k]) for k in PASSTHROUGH_KEYS if k in p.extra)
    return "?" + urlencode(items)
