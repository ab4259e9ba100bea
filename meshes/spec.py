"""Tooth specifications: the data files in ``meshes/teeth`` read into typed, validated objects.

Every figure in a tooth file is a small table naming its source (a key of ``sources.toml`` or "estimate"),
so that the claim behind each dimension stays beside it.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEETH_DIR = Path(__file__).parent / "teeth"
KINDS = ("maxillary_first", "maxillary_second", "mandibular_first", "mandibular_second")
# Neighbours in the arch segment (arch.py): drawn simpler, built from the same kind of file.
NEIGHBOUR_KINDS = (
    "maxillary_canine",
    "mandibular_canine",
    "maxillary_first_permanent",
    "mandibular_first_permanent",
)


CANAL_TAPER = 0.45  # a canal's mesiodistal narrowing to its end where the spec gives none (estimate)


class SpecError(ValueError):
    """A tooth file is malformed: the message names the file and the field."""


@dataclass(frozen=True)
class Canal:
    name: str
    offset: tuple[float, float]
    width_md: float
    width_bl: float
    taper: float = CANAL_TAPER  # share of its mesiodistal width lost by the canal's end


@dataclass(frozen=True)
class Root:
    name: str
    start: tuple[float, float]
    bend: tuple[float, float]
    apex: tuple[float, float]
    length: float  # fraction of the longest root
    width_md: float
    width_bl: float
    canals: tuple[Canal, ...]


@dataclass(frozen=True)
class Cusp:
    name: str
    at: tuple[float, float]
    drop: float
    radius: float
    horn_depth: float


@dataclass(frozen=True)
class Ridge:
    """A ridge from one cusp tip through `middle` (fractions of the occlusal table's half-widths, like a
    cusp's `at`) to another: marginal ridges run along the table's edge, the oblique ridge across it. Its
    crest at the middle is `drop` mm below the mean of the two tips."""

    name: str
    ends: tuple[str, str]
    middle: tuple[float, float]
    drop: float


@dataclass(frozen=True)
class Tubercle:
    """An extra cusp on a side surface (the tubercle apical to the mesiolingual cusp): x and z in mm."""

    name: str
    at: tuple[float, float]
    radius: float


@dataclass(frozen=True)
class ToothSpec:
    kind: str
    name: str
    arch: str
    crown: dict[str, float]
    cusps: tuple[Cusp, ...]
    pulp: dict[str, float]
    form: dict[str, float]
    ridges: tuple[Ridge, ...]
    tubercles: tuple[Tubercle, ...]
    root_length: float
    trunk: float
    roots: tuple[Root, ...]
    digest: str  # of the file's bytes: part of the cache key


def load_sources() -> dict[str, str]:
    return tomllib.loads((TEETH_DIR / "sources.toml").read_text())


class _Reader:
    """Reads sourced figures out of one file's tables, naming the field in every error."""

    def __init__(self, path: Path, sources: dict[str, str]) -> None:
        self.path = path
        self.sources = sources

    def fail(self, field: str, why: str) -> SpecError:
        return SpecError(f"{self.path.name}: field {field!r}: {why}")

    def figure(self, table: dict[str, Any], key: str, field: str, *units: str) -> tuple[float, ...]:
        entry = table.get(key)
        where = f"{field}.{key}"
        if not isinstance(entry, dict):
            raise self.fail(where, 'missing, or not a table like { mm = 1.0, src = "black" }')
        src = entry.get("src")
        if src not in self.sources:
            raise self.fail(where, f"source {src!r} is not a key of sources.toml")
        values = []
        for unit in units:
            value = entry.get(unit)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise self.fail(where, f"needs a number {unit!r}")
            values.append(float(value))
        return tuple(values)

    def name(self, table: dict[str, Any], field: str) -> str:
        value = table.get("name") if isinstance(table, dict) else None
        if not isinstance(value, str) or not value:
            raise self.fail(f"{field}.name", "missing, or not a text")
        return value

    def one(self, table: dict[str, Any], key: str, field: str, unit: str = "mm") -> float:
        return self.figure(table, key, field, unit)[0]

    def xy(self, table: dict[str, Any], key: str, field: str) -> tuple[float, float]:
        x, y = self.figure(table, key, field, "x", "y")
        return (x, y)


CROWN_FIGURES = {
    "height": "mm",
    "md": "mm",
    "md_cervix": "mm",
    "bl": "mm",
    "bl_cervix": "mm",
    "buccal_ridge": "mm",
    "buccal_ridge_mesial": "frac",
    "occlusal_table_md": "frac",
    "occlusal_table_bl": "frac",
    "fossa_depth": "mm",
    "enamel": "mm",
    "enamel_cervix": "mm",
}
PULP_FIGURES = (
    "roof_depth",
    "wall_buccal",
    "wall_lingual",
    "wall_mesial",
    "wall_distal",
    "floor_above_furcation",
)
# The crown's form (fields.CrownProfile and Occlusal): heights of contour on each side above the CEJ, the
# occlusal outline's shear (rhomboid) and buccal widening (trapezoid), how steep the cusps fall and how far
# their triangular ridges reach in, enamel thicker distally, the chamber moved mesially.
FORM_FIGURES = {
    "contour_buccal": "mm",
    "contour_lingual": "mm",
    "contour_mesial": "mm",
    "contour_distal": "mm",
    "rhomboid": "frac",
    "trapezoid": "frac",
    "cusp_slope": "frac",
    "ridge_reach": "frac",
    "enamel_distal": "frac",
    "chamber_mesial": "mm",
}


def _neighbour_form(crown: dict[str, float]) -> dict[str, float]:
    """Neighbours (drawn simpler) carry no [form]: a plain bell, widest in the middle third."""
    h = crown["height"]
    return {
        "contour_buccal": 0.35 * h,
        "contour_lingual": 0.45 * h,
        "contour_mesial": 0.55 * h,
        "contour_distal": 0.5 * h,
        "rhomboid": 0.0,
        "trapezoid": 0.0,
        "cusp_slope": 0.7,
        "ridge_reach": 1.5,
        "enamel_distal": 0.0,
        "chamber_mesial": 0.0,
    }


def _arch(r: _Reader, data: dict[str, Any]) -> str:
    if data.get("arch") not in ("maxillary", "mandibular"):
        raise r.fail("arch", 'must be "maxillary" or "mandibular"')
    return data["arch"]


def load_spec(kind: str) -> ToothSpec:
    """Read and validate ``teeth/<kind>.toml``."""
    if kind not in KINDS + NEIGHBOUR_KINDS:
        raise SpecError(f"unknown tooth kind {kind!r}; expected one of {', '.join(KINDS + NEIGHBOUR_KINDS)}")
    path = TEETH_DIR / f"{kind}.toml"
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode())
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path.name}: not valid TOML: {exc}") from exc
    r = _Reader(path, load_sources())
    crown_t = data.get("crown", {})
    crown = {k: r.one(crown_t, k, "crown", unit) for k, unit in CROWN_FIGURES.items()}
    cusps = tuple(
        Cusp(
            name=r.name(c, f"cusps[{i}]"),
            at=r.xy(c, "at", f"cusps[{i}]"),
            drop=r.one(c, "drop", f"cusps[{i}]"),
            radius=r.one(c, "radius", f"cusps[{i}]"),
            horn_depth=r.one(c, "horn_depth", f"cusps[{i}]"),
        )
        for i, c in enumerate(data.get("cusps", []))
    )
    if not cusps:
        raise r.fail("cusps", "a tooth needs at least one cusp")
    pulp = {k: r.one(data.get("pulp", {}), k, "pulp") for k in PULP_FIGURES}
    if "form" in data or kind in KINDS:
        form = {k: r.one(data.get("form", {}), k, "form", unit) for k, unit in FORM_FIGURES.items()}
    else:
        form = _neighbour_form(crown)
    names = {c.name for c in cusps}
    ridges = []
    for i, rt in enumerate(data.get("ridges", [])):
        f = f"ridges[{i}]"
        ends = rt.get("between")
        if not (isinstance(ends, list) and len(ends) == 2 and set(ends) <= names):
            raise r.fail(f"{f}.between", "needs the names of two of the tooth's cusps")
        ridges.append(
            Ridge(
                name=r.name(rt, f),
                ends=(ends[0], ends[1]),
                middle=r.xy(rt, "middle", f),
                drop=r.one(rt, "drop", f),
            )
        )
    tubercles = tuple(
        Tubercle(
            name=r.name(t, f"tubercles[{i}]"),
            at=r.figure(t, "at", f"tubercles[{i}]", "x", "z"),
            radius=r.one(t, "radius", f"tubercles[{i}]"),
        )
        for i, t in enumerate(data.get("tubercles", []))
    )
    roots_t = data.get("roots", {})
    roots = []
    for i, rt in enumerate(roots_t.get("root", [])):
        f = f"roots.root[{i}]"
        canals = tuple(
            Canal(
                name=r.name(c, f"{f}.canals[{j}]"),
                offset=r.xy(c, "offset", f"{f}.canals[{j}]"),
                width_md=r.one(c, "width_md", f"{f}.canals[{j}]"),
                width_bl=r.one(c, "width_bl", f"{f}.canals[{j}]"),
                taper=r.one(c, "taper", f"{f}.canals[{j}]", "frac") if "taper" in c else CANAL_TAPER,
            )
            for j, c in enumerate(rt.get("canals", []))
        )
        if not canals:
            raise r.fail(f"{f}.canals", "every root needs a canal")
        roots.append(
            Root(
                name=r.name(rt, f),
                start=r.xy(rt, "start", f),
                bend=r.xy(rt, "bend", f),
                apex=r.xy(rt, "apex", f),
                length=r.one(rt, "length", f, "frac"),
                width_md=r.one(rt, "width_md", f),
                width_bl=r.one(rt, "width_bl", f),
                canals=canals,
            )
        )
    if not roots:
        raise r.fail("roots.root", "a tooth needs at least one root")
    return ToothSpec(
        kind=kind,
        name=r.name(data, "top"),
        arch=_arch(r, data),
        crown=crown,
        cusps=cusps,
        pulp=pulp,
        form=form,
        ridges=tuple(ridges),
        tubercles=tubercles,
        root_length=r.one(roots_t, "length", "roots"),
        trunk=r.one(roots_t, "trunk", "roots"),
        roots=tuple(roots),
        digest=hashlib.sha256(raw).hexdigest(),
    )
