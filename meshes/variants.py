"""Root and canal configurations of each molar kind, as data (``teeth/variants/<kind>.toml``).

A variant is a tooth file with some roots reshaped, added, given other canals or fused (README.md there).
The variant named as the tooth file is named (same roots, same canals) is the tooth file itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import ConvexHull, Delaunay, QhullError

from meshes.fields import DENTIN, LabelVolume, make_well_composed
from meshes.rootmap import refresh_canals, root_map, slab_top
from meshes.spec import TEETH_DIR, Root, SpecError, ToothSpec, _Reader, load_sources, load_spec

VARIANTS_DIR = TEETH_DIR / "variants"
ROOT_POINTS = ("start", "bend", "apex")
ROOT_WIDTHS = ("width_md", "width_bl")


class UnknownVariantError(ValueError):
    """Not a variant of that tooth: the message lists its variants."""


@dataclass(frozen=True)
class Variant:
    id: str
    label: str
    prevalence_percent: float
    teeth: int  # how many teeth the prevalence was counted on
    source: str  # a key of sources.toml
    roots: tuple[dict[str, Any], ...]  # the raw root tables (validated at load)
    fuse: tuple[str, ...]
    fused_length: float


def _path(kind: str):
    return VARIANTS_DIR / f"{kind}.toml"


def variants_digest(kind: str) -> str:
    path = _path(kind)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def load_variants(kind: str) -> list[Variant]:
    path = _path(kind)
    if not path.exists():
        return []
    r = _Reader(path, load_sources())
    out = []
    for i, v in enumerate(tomllib.loads(path.read_text()).get("variants", [])):
        f = f"variants[{i}]"
        if not isinstance(v.get("id"), str) or not isinstance(v.get("label"), str):
            raise r.fail(f, "needs an id and a label")
        percent, teeth = r.figure(v, "prevalence", f, "percent", "teeth")
        src = v["prevalence"]["src"]
        for j, root in enumerate(v.get("roots", [])):
            _check_root(r, root, f"{f}.roots[{j}]")
        fuse = tuple(v.get("fuse", ()))
        fused = r.one(v, "fused_length", f, "frac") if fuse else 0.0
        out.append(
            Variant(v["id"], v["label"], percent, int(teeth), src, tuple(v.get("roots", [])), fuse, fused)
        )
    return out


def _check_root(r: _Reader, table: dict[str, Any], field: str) -> None:
    r.name(table, field)
    for key in ROOT_POINTS:
        if key in table:
            r.xy(table, key, field)
    for key in (*ROOT_WIDTHS, "length"):
        if key in table:
            r.one(table, key, field, "frac" if key == "length" else "mm")
    for j, c in enumerate(table.get("canals", [])):
        r.name(c, f"{field}.canals[{j}]")
        r.xy(c, "offset", f"{field}.canals[{j}]")
        r.one(c, "width_md", f"{field}.canals[{j}]")
        r.one(c, "width_bl", f"{field}.canals[{j}]")


def find_variant(kind: str, variant_id: str) -> Variant:
    variants = load_variants(kind)
    for v in variants:
        if v.id == variant_id:
            return v
    names = ", ".join(v.id for v in variants) or "none"
    raise UnknownVariantError(
        f"unknown variant {variant_id!r} of the {kind.replace('_', ' ')} molar: {names}"
    )


def configuration(spec: ToothSpec) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The roots and their canals, by name: what tells one configuration from another."""
    return tuple((root.name, tuple(c.name for c in root.canals)) for root in spec.roots)


def apply_variant(spec: ToothSpec, variant: Variant) -> ToothSpec:
    """The spec with the variant's roots; the file's own spec if the variant is the file's configuration."""
    roots = list(spec.roots)
    for table in variant.roots:
        base_name = table.get("from", table["name"])
        base = next((root for root in spec.roots if root.name == base_name), None)
        if base is None:
            raise SpecError(f"variant {variant.id!r}: {spec.kind} has no root {base_name!r}")
        root = _changed_root(base, table)
        if "from" in table:
            roots.append(root)
        else:
            roots[roots.index(base)] = root
    changed = dataclasses.replace(spec, roots=tuple(roots))
    if configuration(changed) == configuration(spec) and not variant.fuse:
        return spec  # the tooth file draws this configuration itself
    return changed


def _changed_root(base: Root, table: dict[str, Any]) -> Root:
    changes: dict[str, Any] = {"name": table.get("becomes", table["name"])}
    for key in ROOT_POINTS:
        if key in table:
            changes[key] = (float(table[key]["x"]), float(table[key]["y"]))
    for key in ROOT_WIDTHS:
        if key in table:
            changes[key] = float(table[key]["mm"])
    if "length" in table:
        changes["length"] = float(table["length"]["frac"])
    if "canals" in table:
        template = base.canals[0]  # any figure a canal has beyond these comes from the root's first canal
        changes["canals"] = tuple(
            dataclasses.replace(
                template,
                name=c["name"],
                offset=(float(c["offset"]["x"]), float(c["offset"]["y"])),
                width_md=float(c["width_md"]["mm"]),
                width_bl=float(c["width_bl"]["mm"]),
            )
            for c in table["canals"]
        )
    return dataclasses.replace(base, **changes)


def is_default(spec: ToothSpec, variant: Variant) -> bool:
    return apply_variant(spec, variant) is spec


def default_variant(spec: ToothSpec) -> Variant | None:
    return next((v for v in load_variants(spec.kind) if is_default(spec, v)), None)


def fuse_roots(volume: LabelVolume, spec: ToothSpec, variant: Variant) -> None:
    """Join two roots with dentin (in place): each slice's convex hull of the two, below the trunk."""
    if not variant.fuse:
        return
    names = [root.name for root in spec.roots]
    if len(variant.fuse) != 2 or not set(variant.fuse) <= set(names):
        raise SpecError(f"variant {variant.id!r}: fuse needs two of the roots {', '.join(names)}")
    a, b = (names.index(n) for n in variant.fuse)
    owner = root_map(volume, spec, -spec.trunk)
    z = volume.axis(2)[: owner.shape[2]]
    lowest = [float(z[np.flatnonzero((owner == i).any(axis=(0, 1)))[0]]) for i in (a, b)]
    z_end = -spec.trunk + variant.fused_length * (max(lowest) + spec.trunk)  # lowest are negative
    xs, ys = volume.axis(0), volume.axis(1)
    for k in range(slab_top(volume, z_end), owner.shape[2]):
        both = (owner[:, :, k] == a) | (owner[:, :, k] == b)
        if not ((owner[:, :, k] == a).any() and (owner[:, :, k] == b).any()):
            continue
        ij = np.argwhere(both)
        lo, hi = ij.min(axis=0), ij.max(axis=0) + 1
        box = np.argwhere(np.ones(hi - lo, dtype=bool)) + lo
        points = np.column_stack([xs[ij[:, 0]], ys[ij[:, 1]]])
        try:
            hull = Delaunay(points[ConvexHull(points).vertices])
        except QhullError:  # a degenerate slice: nothing to join
            continue
        inside = hull.find_simplex(np.column_stack([xs[box[:, 0]], ys[box[:, 1]]])) >= 0
        fill = box[inside]
        empty = volume.labels[fill[:, 0], fill[:, 1], k] == 0
        volume.labels[fill[empty, 0], fill[empty, 1], k] = DENTIN
    make_well_composed(volume.labels)
    refresh_canals(volume)


def variant_list(kind: str) -> list[dict[str, Any]]:
    """What ``python -m meshes variants`` prints: each configuration, its counts, prevalence and source."""
    spec = load_spec(kind)
    sources = load_sources()
    out = []
    for v in load_variants(kind):
        changed = apply_variant(spec, v)
        out.append(
            {
                "id": v.id,
                "label": v.label,
                "canals": sum(len(root.canals) for root in changed.roots),
                "roots": len(changed.roots) - (1 if v.fuse else 0),
                "prevalence_percent": v.prevalence_percent,
                "teeth": v.teeth,
                "source": v.source,
                "citation": sources[v.source],
                "default": changed is spec,
                "canal_names": [c.name for root in changed.roots for c in root.canals],
                "root_names": [root.name for root in changed.roots],
            }
        )
    return out
