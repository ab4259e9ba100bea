"""Disk cache of built tooth kinds: a warm start loads arrays instead of rebuilding.

A cache file is keyed by the spec file, the resolution and the engine's own source code, and carries a
checksum of its arrays: a stale, truncated or tampered file is detected, rebuilt and replaced, never trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from meshes.age import load_age_data
from meshes.build import REGIONS, LocalModel, build_local
from meshes.spec import load_spec
from meshes.variants import find_variant, is_default, variants_digest

log = logging.getLogger(__name__)
FORMAT = 1


def cache_dir() -> Path:
    default = Path(__file__).resolve().parent.parent / ".cache" / "meshes"
    return Path(os.environ.get("PRIMARY_MOLAR_CACHE", default))


def _code_digest() -> str:
    code = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.read_bytes())
    return code.hexdigest()


# Taken once, at import: the key must describe the code that is running, not files edited since.
CODE_DIGEST = _code_digest()


def cache_key(kind: str, spacing: float, age: float | None = None, variant: str | None = None) -> str:
    text = f"{FORMAT}|{kind}|{spacing:.4f}|{load_spec(kind).digest}|{CODE_DIGEST}"
    if age is not None:  # an age stage: the age data is part of what was built
        text += f"|age {age:.2f}|{load_age_data().digest}"
    if variant is not None:
        text += f"|variant {variant}|{variants_digest(kind)}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cache_path(kind: str, spacing: float, age: float | None = None, variant: str | None = None) -> Path:
    key = cache_key(kind, spacing, age, variant)
    stage = (f"-age{age:g}" if age is not None else "") + (f"-{variant}" if variant is not None else "")
    return cache_dir() / f"{kind}{stage}-{key}.npz"


def _arrays(model: LocalModel) -> dict[str, np.ndarray]:
    arrays = {}
    for r in REGIONS:
        arrays[f"points_{r}"] = model.points[r]
        arrays[f"faces_{r}"] = model.faces[r]
    for r, order in model.removal_order.items():
        arrays[f"order_{r}"] = order
    arrays["canal"] = model.canal
    for r, weight in model.decay.items():
        arrays[f"decay_{r}"] = weight
    for name in model.extra_points:
        arrays[f"xpoints_{name}"] = model.extra_points[name]
        arrays[f"xfaces_{name}"] = model.extra_faces[name]
    for r in model.display_points:
        arrays[f"dpoints_{r}"] = model.display_points[r]
        arrays[f"dfaces_{r}"] = model.display_faces[r]
        arrays[f"dsource_{r}"] = model.display_source[r]
    for prefix, points, faces in (
        ("dx", model.display_extra_points, model.display_extra_faces),
        ("ds", model.display_successor_points, model.display_successor_faces),
    ):
        for name in points:
            arrays[f"{prefix}points_{name}"] = points[name]
            arrays[f"{prefix}faces_{name}"] = faces[name]
    for name in model.successor_points:
        arrays[f"spoints_{name}"] = model.successor_points[name]
        arrays[f"sfaces_{name}"] = model.successor_faces[name]
    return arrays


def _checksum(arrays: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()


def save(model: LocalModel, path: Path, key: str) -> None:
    arrays = _arrays(model)
    meta = {
        "key": key,
        "kind": model.kind,
        "spacing": model.spacing,
        "checksum": _checksum(arrays),
        "canal_names": model.canal_names,
        "canal_roots": model.canal_roots,
        "voxel_counts": model.voxel_counts,
        "canal_voxels": model.canal_voxels,
        "horn_tips": model.horn_tips,
        "cusp_tips": model.cusp_tips,
        "floor_z": model.floor_z,
        "trunk": model.trunk,
        "extra_counts": model.extra_counts,
        "successor": model.successor,
        "age_years": model.age_years,
        "variant": model.variant,
        "roots": model.roots,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed: a reader never sees half a file.
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
        np.savez(tmp, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp.name, path)


def load(path: Path, key: str) -> LocalModel:
    """Read a cache file; raises ValueError if it is stale or damaged."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name] for name in data.files if name != "meta"}
    except Exception as exc:  # any damage to the file (zip, npy header, JSON) reads as "damaged"
        raise ValueError(f"cache file {path} is damaged: {exc}") from exc
    if meta.get("key") != key:
        raise ValueError(f"cache file {path} is stale")
    if _checksum(arrays) != meta.get("checksum"):
        raise ValueError(f"cache file {path} fails its checksum")
    try:
        return _model(meta, arrays)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"cache file {path} lacks {exc}") from exc


def _model(meta: dict, arrays: dict[str, np.ndarray]) -> LocalModel:
    return LocalModel(
        kind=meta["kind"],
        spacing=meta["spacing"],
        points={r: arrays[f"points_{r}"] for r in REGIONS},
        faces={r: arrays[f"faces_{r}"] for r in REGIONS},
        removal_order={r: arrays[f"order_{r}"] for r in ("crown_pulp", "root_pulp")},
        canal=arrays["canal"],
        canal_names=meta["canal_names"],
        canal_roots=meta["canal_roots"],
        voxel_counts=meta["voxel_counts"],
        canal_voxels=meta["canal_voxels"],
        horn_tips=meta["horn_tips"],
        cusp_tips=meta["cusp_tips"],
        floor_z=meta["floor_z"],
        trunk=meta["trunk"],
        decay={r: arrays[f"decay_{r}"] for r in ("enamel", "dentin")},
        extra_points={n[8:]: a for n, a in arrays.items() if n.startswith("xpoints_")},
        extra_faces={n[7:]: a for n, a in arrays.items() if n.startswith("xfaces_")},
        extra_counts=meta["extra_counts"],
        successor_points={n[8:]: a for n, a in arrays.items() if n.startswith("spoints_")},
        successor_faces={n[7:]: a for n, a in arrays.items() if n.startswith("sfaces_")},
        successor=meta["successor"],
        display_points={r: arrays[f"dpoints_{r}"] for r in REGIONS},
        display_faces={r: arrays[f"dfaces_{r}"] for r in REGIONS},
        display_source={r: arrays[f"dsource_{r}"] for r in REGIONS},
        display_extra_points=_named(arrays, "dxpoints_"),
        display_extra_faces=_named(arrays, "dxfaces_"),
        display_successor_points=_named(arrays, "dspoints_"),
        display_successor_faces=_named(arrays, "dsfaces_"),
        age_years=meta.get("age_years"),
        variant=meta.get("variant"),
        roots=meta.get("roots", {}),
    )


def _named(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {n[len(prefix) :]: a for n, a in arrays.items() if n.startswith(prefix)}


def missing_kinds(kinds: tuple[str, ...], spacing: float) -> list[str]:
    """The kinds with no valid-looking cache file (a damaged one is caught again when it is loaded)."""
    return [k for k in kinds if not cache_path(k, spacing).exists()]


def build_all(kinds: tuple[str, ...], spacing: float, workers: int | None = None) -> list[str]:
    """Build and cache every kind that has no cache file yet, one process per core. Returns those built.

    Building is CPU-bound NumPy/VTK work that holds the GIL for long stretches: processes, not threads.
    """
    todo = sorted(missing_kinds(kinds, spacing), key=_build_size, reverse=True)  # biggest first: even finish
    workers = min(len(todo), workers or os.cpu_count() or 1)
    if workers <= 1:
        for kind in todo:
            load_or_build(kind, spacing)
        return todo
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_build_one, todo, [spacing] * len(todo)))
    return todo


def _build_size(kind: str) -> float:
    """How much work a kind is, roughly: the volume of its crown's box down to its apex."""
    spec = load_spec(kind)
    return spec.crown["md"] * spec.crown["bl"] * (spec.crown["height"] + spec.root_length)


def _build_one(kind: str, spacing: float) -> None:
    load_or_build(kind, spacing)


def load_or_build(
    kind: str, spacing: float, age: float | None = None, variant: str | None = None
) -> LocalModel:
    """The kind from the cache or built: at an age stage (``age.age_stage``) and in a variant, if given.

    A variant that is the tooth file's own configuration is the default tooth (one cache file for both).
    """
    if variant is not None and is_default(load_spec(kind), find_variant(kind, variant)):
        return dataclasses.replace(load_or_build(kind, spacing, age), variant=variant)
    key = cache_key(kind, spacing, age, variant)
    path = cache_path(kind, spacing, age, variant)
    if path.exists():
        try:
            return load(path, key)
        except ValueError as exc:
            log.warning("%s; rebuilding", exc)
    if age is None and variant is None:
        model = build_local(kind, spacing)
    else:
        model = build_local(kind, spacing, age=age, variant=variant)
    try:
        save(model, path, key)
    except OSError as exc:  # a read-only disk costs a rebuild next time, nothing more
        log.warning("could not write the mesh cache %s: %s", path, exc)
    return model
