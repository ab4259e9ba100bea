"""Where a structure's figures come from: the ``src`` marks of ``meshes/teeth/<kind>.toml``.

Pure and read-only: the engine's tooth files and ``sources.toml`` are read through ``meshes.spec`` (kept out
of ``meshes/`` so the mesh cache, keyed by the engine's code, is not rebuilt for a reader). A structure is
**sourced** when every figure that shapes it cites a source, **estimated** when none does, and **derived**
when it is built from cited figures and model estimates together.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from meshes.spec import TEETH_DIR, load_sources

ESTIMATE = "estimate"


@dataclass(frozen=True)
class Provenance:
    status: str  # "sourced", "derived" or "estimated"
    sourced: int  # figures citing a source
    total: int  # figures that shape the structure
    sources: tuple[str, ...]  # keys of sources.toml, in first-use order (no "estimate")

    def citations(self) -> tuple[str, ...]:
        table = load_sources()
        return tuple(str(table[k]) for k in self.sources)


@lru_cache(maxsize=8)
def _tooth(kind: str) -> dict:
    return tomllib.loads((TEETH_DIR / f"{kind}.toml").read_text())


def _marks(table: dict, only: tuple[str, ...] | None = None) -> list[str]:
    """The ``src`` of every figure in a table (one level of figures, like ``{ mm = 5.5, src = "black" }``)."""
    return [v["src"] for k, v in table.items()
            if isinstance(v, dict) and "src" in v and (only is None or k in only)]


def _named(items: list[dict], name: str) -> dict | None:
    return next((i for i in items if i.get("name") == name), None)


def figure_marks(kind: str, region: str, part: str = "", name: str = "") -> list[str]:
    """The ``src`` marks of the figures that shape a structure of a tooth kind ("mandibular_second")."""
    data = _tooth(kind)
    crown, pulp, roots = data.get("crown", {}), data.get("pulp", {}), data.get("roots", {})
    all_roots = roots.get("root", [])
    if part == "cusp" and (cusp := _named(data.get("cusps", []), name)):
        return _marks(cusp, ("at", "drop", "radius")) + _marks(crown, ("enamel",))
    if part == "horn" and (cusp := _named(data.get("cusps", []), name)):
        return _marks(cusp, ("at", "horn_depth")) + _marks(pulp, ("roof_depth",))
    if part == "canal":
        for root in all_roots:
            if canal := _named(root.get("canals", []), name):
                return _marks(canal) + _marks(root, ("length",)) + _marks(roots, ("length",))
    if part == "root" and (root := _named(all_roots, name)):
        return _marks(root) + _marks(roots, ("length", "trunk"))
    if region == "enamel":
        return _marks(crown)
    if region == "dentin":
        return _marks(crown, ("height", "md", "bl", "enamel")) + _marks(roots)
    if region == "crown_pulp":
        return _marks(pulp)
    if region == "root_pulp":
        return [m for root in all_roots for c in root.get("canals", []) for m in _marks(c)]
    return []


def provenance(kind: str, region: str, part: str = "", name: str = "") -> Provenance | None:
    """How well founded a structure's figures are, or None when the tooth file has none for it."""
    marks = figure_marks(kind, region, part, name)
    if not marks:
        return None
    cited = [m for m in marks if m != ESTIMATE]
    status = "sourced" if len(cited) == len(marks) else "estimated" if not cited else "derived"
    return Provenance(status, len(cited), len(marks), tuple(dict.fromkeys(cited)))
