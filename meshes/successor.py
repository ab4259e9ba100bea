"""The successor premolar: a crown forming in its crypt between the primary molar's roots.

The premolar crown is a small parametric crown (two cusps over a fossa, a constricted cervix) built from
``teeth/successors.toml``; its crypt is the follicle around it. It is placed in the primary molar's local
frame as close under the furcation as it fits while keeping a clearance from every root, searched on the
primary tooth's distance map. If even the roomiest place is too tight, the crown is scaled down and the
scale is reported (never hidden).
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass

import numpy as np
import pyvista as pv
from scipy.interpolate import PchipInterpolator

from meshes.fields import LabelVolume, make_well_composed, outline_field, smax
from meshes.sdf import distance_inside
from meshes.spec import TEETH_DIR, load_sources
from meshes.surfaces import display_regions, labelled_surface, split_regions

SUCCESSOR, CRYPT = 1, 2
BUD_LABELS = {"successor": SUCCESSOR, "crypt": CRYPT}
SPACING = 0.15  # mm: the bud has no thin parts; a coarser grid keeps the build and the payload small


@dataclass(frozen=True)
class SuccessorSpec:
    name: str
    length: float
    md: float
    bl: float
    erupts: tuple[float, float]
    follicle: float
    clearance: float
    stage: float


@dataclass
class Successor:
    spec: SuccessorSpec
    surfaces: dict[str, pv.PolyData]  # "successor", "crypt": local frame of the primary molar, placed
    display: dict[str, pv.PolyData]  # lighter copies for the browser (surfaces.display_regions)
    voxel_counts: dict[str, int]
    spacing: float
    offset: tuple[float, float, float]  # where the crown's cervix centre sits
    scale: float  # 1.0 unless the space between the roots forced a smaller crown
    clearance_mm: float  # measured least distance from the crypt to the primary tooth


def load_successor_spec(kind: str) -> SuccessorSpec:
    data = tomllib.loads((TEETH_DIR / "successors.toml").read_text())
    sources = load_sources()
    for table in [data["crypt"], data[kind]]:
        for key, entry in table.items():
            if isinstance(entry, dict) and entry.get("src") not in sources:
                raise ValueError(f"successors.toml: field {key!r}: unknown source {entry.get('src')!r}")
    t, c = data[kind], data[kind]["crown"]
    return SuccessorSpec(
        name=t["name"],
        length=c["length"],
        md=c["md"],
        bl=c["bl"],
        erupts=tuple(t["erupts"]["years"]),
        follicle=data["crypt"]["follicle"]["mm"],
        clearance=data["crypt"]["clearance"]["mm"],
        stage=data["crypt"]["stage"]["frac"],
    )


def bud_labels(spec: SuccessorSpec, scale: float) -> tuple[np.ndarray, tuple[float, float, float]]:
    """Label map of the crown (1) and its follicle (2) on its own grid; the cervix centre is the origin."""
    length, a_max, b_max = spec.length * scale, spec.md / 2 * scale, spec.bl / 2 * scale
    pad = spec.follicle + 0.4
    lo = np.array([-a_max - pad, -b_max - pad, -pad])
    hi = np.array([a_max + pad, b_max + pad, length + pad])
    shape = tuple(int(n) for n in np.ceil((hi - lo) / SPACING) + 1)
    x, y, z = (lo[i] + SPACING * np.arange(shape[i], dtype=np.float32) for i in range(3))
    x, y, z = x[:, None, None], y[None, :, None], z[None, None, :]
    # Premolar outline: constricted at the cervix, widest in the occlusal third, narrowing to the cusps.
    profile = PchipInterpolator([0.0, 0.4, 0.8, 1.0], [0.7, 1.0, 0.95, 0.6])(np.clip(z / length, 0, 1))
    side = outline_field(x, y, a_max * profile, b_max * profile, b_max * profile)
    fossa = length - 1.8 * scale
    cusps = [(0.0, 0.45 * b_max, length), (0.0, -0.45 * b_max, length - 0.9 * scale)]  # buccal, lingual
    height = np.full((x.shape[0], y.shape[1]), fossa, dtype=np.float32)
    for cx, cy, tip in cusps:
        r2 = ((x[:, :, 0] - cx) ** 2 + (y[:, :, 0] - cy) ** 2) / (1.7 * scale) ** 2
        height = np.maximum(height, fossa + (tip - fossa) * np.exp(-r2))
    crown = smax(smax(side, z - height[:, :, None], 0.6), length * (1 - spec.stage) - z, 0.5)
    labels = np.zeros(shape, dtype=np.uint8)
    labels[crown < spec.follicle] = CRYPT
    labels[crown < 0] = SUCCESSOR
    make_well_composed(labels)
    return labels, (float(lo[0]), float(lo[1]), float(lo[2]))


def place_successor(kind: str, tooth: LabelVolume, trunk: float, stage: float | None = None) -> Successor:
    """The premolar placed under the furcation; `stage` (fraction of its crown formed) for a given age."""
    spec = load_successor_spec(kind)
    if stage is not None:
        spec = dataclasses.replace(spec, stage=stage)
    # Distances to the primary tooth on every second voxel: precise to a voxel, a quarter of the work.
    coarse = LabelVolume(
        tooth.labels[::2, ::2, ::2], tooth.canal, [], tooth.origin, 2 * tooth.spacing, 0, {}, {}
    )
    gap = distance_inside(coarse.labels == 0, coarse.spacing)
    apex_z = tooth.origin[2] + 0.5  # the grid starts half a millimetre below the longest root
    for attempt in range(12):
        scale = 0.96**attempt
        labels, origin = bud_labels(spec, scale)
        bud = LabelVolume(labels, np.full(labels.shape, -1, np.int8), [], origin, SPACING, 0.0, {}, {})
        surface = labelled_surface(bud)
        surfaces = split_regions(*surface, BUD_LABELS)
        crypt = np.asarray(surfaces["crypt"].points)
        found = _highest_fit(crypt, gap, coarse, spec.clearance, top=-trunk, lowest=apex_z)
        if found is not None:
            offset, clearance = found
            display = display_regions(*surface, BUD_LABELS, {SUCCESSOR: 0.35, CRYPT: 0.2})
            for mesh in (*surfaces.values(), *display.values()):
                mesh.points = np.asarray(mesh.points) + np.asarray(offset, dtype=np.float32)
            counts = {"successor": int((labels == SUCCESSOR).sum()), "crypt": int((labels == CRYPT).sum())}
            return Successor(spec, surfaces, display, counts, SPACING, offset, scale, clearance)
    raise RuntimeError(f"no room for the {spec.name} between the roots, even at {scale:.2f} of its size")


def _highest_fit(crypt, gap, tooth, clearance, top, lowest):
    """The highest placement of the crypt (cervix centre) that keeps `clearance` from the primary tooth."""
    height = crypt[:, 2].max()
    # A sample screens the placements: its least gap is never below the crypt's, so the answer is the same
    # for any sample; a small one is the least work (measured: 500 points, a third of 4000's time).
    sample = crypt[:: max(1, len(crypt) // 500)]
    shifts = sorted(
        ((dx, dy) for dx in np.arange(-1.5, 1.6, 0.5) for dy in np.arange(-1.5, 1.6, 0.5)),
        key=lambda v: np.hypot(*v),
    )
    for z_top in np.arange(top - 0.2, lowest, -0.2):
        offsets = np.array([(float(dx), float(dy), float(z_top - height)) for dx, dy in shifts])
        # Every shift of one height at once on the sample; the nearest one that passes is checked in full.
        for offset in offsets[_least_gap(sample, offsets, gap, tooth) >= clearance]:
            least = float(_least_gap(crypt, offset[None], gap, tooth)[0])
            if least >= clearance:
                return tuple(float(v) for v in offset), least
    return None


def _least_gap(points, offsets, gap, tooth) -> np.ndarray:
    """Least distance from the points, moved by each offset, to the primary tooth, from its distance map."""
    ijk = np.rint((points[None] + offsets[:, None] - np.asarray(tooth.origin)) / tooth.spacing).astype(int)
    inside = np.all((ijk >= 0) & (ijk < np.asarray(gap.shape)), axis=2)
    values = gap[tuple(np.where(inside[..., None], ijk, 0).transpose(2, 0, 1))]
    return np.where(inside, values, np.inf).min(axis=1)
