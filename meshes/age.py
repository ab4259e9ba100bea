"""The molar at the child's age: roots resorbed in the published order and amounts, the successor's crown
formed as far as it is at that age (figures in ``teeth/age.toml``, each with its source).

A root resorbs from its apex and, more, from its inner (interradicular) side, where the successor lies: its
end is cut by a plane sloping up inwards; the canal stops short of the cut by the same margin a file keeps
from an apex. Ages are built in stages (``age_stage``) so that each stage is built once and cached.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import ndimage

from meshes.fields import APEX_TO_CANAL_END, CROWN_PULP, DENTIN, ROOT_PULP, LabelVolume, make_well_composed
from meshes.rootmap import refresh_canals, root_map
from meshes.spec import TEETH_DIR, ToothSpec, load_sources

AGE_FILE = TEETH_DIR / "age.toml"


class AgeError(ValueError):
    """An age outside the model's range, or not a number: the message gives the range."""


@dataclass(frozen=True)
class KindAges:
    resorption: tuple[tuple[float, float], ...]  # (years, fraction of the root resorbed)
    lag: dict[str, float]  # root name -> years behind the first root
    successor: tuple[tuple[float, float], ...]  # (years, fraction of the premolar crown formed)


@dataclass(frozen=True)
class AgeData:
    youngest: float
    oldest: float
    step: float
    most_resorbed: float
    stub: float
    inner_slope: float
    pulpectomy_most_resorbed: float
    kinds: dict[str, KindAges]
    digest: str


@lru_cache(maxsize=1)
def load_age_data() -> AgeData:
    raw = AGE_FILE.read_bytes()
    data = tomllib.loads(raw.decode())
    sources = load_sources()

    def figure(entry: Any, unit: str, where: str) -> float:
        if not isinstance(entry, dict) or entry.get("src") not in sources:
            raise ValueError(f"age.toml: {where}: needs a figure with a known src")
        value = entry.get(unit)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"age.toml: {where}: needs a number {unit!r}")
        return float(value)

    def anchors(rows: list, where: str) -> tuple[tuple[float, float], ...]:
        out = tuple((figure(r, "years", where), figure(r, "frac", where)) for r in rows)
        if len(out) < 2 or any(b[0] <= a[0] or b[1] < a[1] for a, b in zip(out, out[1:], strict=False)):
            raise ValueError(f"age.toml: {where}: anchors must rise with age")
        return out

    kinds = {}
    for kind, table in data.items():
        if kind in ("ages", "guideline"):
            continue
        lag = dict(table["lag"])
        if lag.pop("src", None) not in sources:
            raise ValueError(f"age.toml: {kind}.lag: needs a known src")
        kinds[kind] = KindAges(
            anchors(table["resorption"], f"{kind}.resorption"),
            {k: float(v) for k, v in lag.items()},
            anchors(table["successor"], f"{kind}.successor"),
        )
    a = data["ages"]
    return AgeData(
        youngest=figure(a["youngest"], "years", "ages.youngest"),
        oldest=figure(a["oldest"], "years", "ages.oldest"),
        step=figure(a["step"], "years", "ages.step"),
        most_resorbed=figure(a["most_resorbed"], "frac", "ages.most_resorbed"),
        stub=figure(a["stub"], "mm", "ages.stub"),
        inner_slope=figure(a["inner_slope"], "frac", "ages.inner_slope"),
        pulpectomy_most_resorbed=figure(
            data["guideline"]["pulpectomy_most_resorbed"], "frac", "guideline.pulpectomy_most_resorbed"
        ),
        kinds=kinds,
        digest=hashlib.sha256(raw).hexdigest(),
    )


def age_stage(age: float) -> float:
    """The built stage for an age: rounded to the data's step, within the model's range (else AgeError)."""
    d = load_age_data()
    try:
        value = float(age)
    except (TypeError, ValueError) as exc:
        raise AgeError(f"age must be a number of years, got {age!r}") from exc
    if not math.isfinite(value) or not d.youngest <= value <= d.oldest:
        raise AgeError(f"age {age!r} is outside the model's range, {d.youngest:g} to {d.oldest:g} years")
    return round(value / d.step) * d.step


def planned_fraction(kind: str, root: str, age: float) -> float:
    """Fraction of a root's length resorbed at `age`, from the anchors (capped: a stub stays)."""
    d = load_age_data()
    k = d.kinds[kind]
    years, fracs = zip(*k.resorption, strict=True)
    f = float(np.interp(age - k.lag.get(root, 0.0), years, fracs))
    return min(f, d.most_resorbed)


def successor_stage(kind: str, age: float) -> float:
    """Fraction of the premolar crown formed at `age` (at least a little: the cusp tips)."""
    years, fracs = zip(*load_age_data().kinds[kind].successor, strict=True)
    return float(np.clip(np.interp(age, years, fracs), 0.15, 1.0))


def resorb(volume: LabelVolume, spec: ToothSpec, age: float) -> dict[str, dict[str, float]]:
    """Resorb the roots of `volume` (in place) for `age`; each root's measured lengths and fraction.

    Lengths are from the CEJ (z = 0) to the root's lowest voxel, before and after.
    """
    d = load_age_data()
    owner = root_map(volume, spec, -spec.trunk)
    k = owner.shape[2]
    labels = volume.labels[:, :, :k]  # a view: edits go into the volume
    x, y, z = volume.axis(0)[:, None, None], volume.axis(1)[None, :, None], volume.axis(2)[None, None, :k]
    full: dict[str, float] = {}
    for i, root in enumerate(spec.roots):
        mine = owner == i
        if not mine.any():
            continue
        lowest = float(z[0, 0, np.flatnonzero(mine.any(axis=(0, 1)))[0]])
        full[root.name] = -lowest
        f = planned_fraction(spec.kind, root.name, age)
        if f <= 0:
            continue
        # Outwards: from the tooth's axis to the root; inner surfaces face the successor. Measured from
        # the root's own centre at each height, so that a flaring root is bevelled across its own width.
        ii, jj, _ = np.nonzero(mine)
        u = np.array([x[ii, 0, 0].mean(), y[0, jj, 0].mean()])
        u = u / (np.linalg.norm(u) or 1.0)
        s = np.where(mine, x * u[0] + y * u[1], 0.0).astype(np.float32)
        count = mine.sum(axis=(0, 1))
        layers = np.flatnonzero(count)
        centre = np.interp(np.arange(k), layers, s.sum(axis=(0, 1))[layers] / count[layers])
        s -= centre.astype(np.float32)[None, None, :]
        z_end = min(lowest * (1 - f), -spec.trunk - d.stub)
        near = mine & (np.abs(z - z_end) <= 0.51 * volume.spacing)  # the root's layer at the new end
        s_out = float(s[near if near.any() else mine].max())
        # Never into the trunk: the inner side of a stub stays just below the furcation.
        cut_z = np.minimum(z_end + d.inner_slope * (s_out - s), -spec.trunk - 0.2)
        labels[mine & (z < cut_z)] = 0
        seal = mine & (labels == ROOT_PULP) & (z < cut_z + APEX_TO_CANAL_END)
        labels[seal] = DENTIN
    _tidy(volume)
    out = {}
    for i, root in enumerate(spec.roots):
        if root.name not in full:
            continue
        left = (owner == i) & (labels > 0)
        length = -float(z[0, 0, np.flatnonzero(left.any(axis=(0, 1)))[0]]) if left.any() else 0.0
        out[root.name] = {
            "full_length_mm": full[root.name],
            "length_mm": length,
            "resorbed_fraction": 1.0 - length / full[root.name],
        }
    return out


def _tidy(volume: LabelVolume) -> None:
    """Drop tooth pieces the cuts left loose and canal ends cut off from the chamber; well-composed again."""
    labels = volume.labels
    lab, n = ndimage.label(labels > 0)
    if n > 1:
        sizes = ndimage.sum_labels(labels > 0, lab, index=np.arange(1, n + 1))
        labels[(lab > 0) & (lab != 1 + int(np.argmax(sizes)))] = 0
    pulp = labels == ROOT_PULP
    lab, n = ndimage.label(pulp, structure=np.ones((3, 3, 3)))
    if n:
        touched = np.unique(lab[ndimage.binary_dilation(labels == CROWN_PULP) & pulp])
        labels[pulp & ~np.isin(lab, touched[touched > 0])] = DENTIN
    make_well_composed(labels)
    refresh_canals(volume)


def resorbed_fraction(roots: dict[str, dict[str, float]]) -> float:
    """The tooth's figure: its most resorbed root (what a radiograph is judged by)."""
    return max((r["resorbed_fraction"] for r in roots.values()), default=0.0)


def guideline(fraction: float) -> dict[str, Any]:
    """Whether a pulpectomy is within what the AAPD guideline accepts for roots this resorbed."""
    limit = load_age_data().pulpectomy_most_resorbed
    within = fraction <= limit
    return {
        "resorbed_fraction": round(fraction, 3),
        "pulpectomy_most_resorbed": limit,
        "pulpectomy_within_guideline": within,
        "advice": (
            "roots not significantly resorbed: a pulpectomy is still an option"
            if within
            else "roots past what the guideline accepts for a pulpectomy: a dentist would consider "
            "extraction and a space maintainer"
        ),
        "source": load_sources()["aapd_pulp"],
        "limit_source": "estimate: the usual one-third line; the guideline itself gives no number",
    }
