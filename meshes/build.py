"""One tooth kind built from its spec, in its local frame: region surfaces, volumes, removal order.

The result is plain arrays (``LocalModel``) so that it can be cached on disk and mirrored into any quadrant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyvista as pv
from scipy.spatial import cKDTree

from meshes import age as ages
from meshes.fields import CROWN_PULP, DENTIN, ENAMEL, LABELS, ROOT_PULP, build_label_volume
from meshes.removal import removal_order
from meshes.restorations import EXTRA_LABELS, decay_weight, restoration_labels
from meshes.spec import load_spec
from meshes.successor import place_successor
from meshes.surfaces import display_regions, labelled_surface, split_regions
from meshes.variants import apply_variant, find_variant, fuse_roots

REGIONS = ("enamel", "dentin", "crown_pulp", "root_pulp")
DEFAULT_SPACING = 0.1  # mm per voxel: canals stay 3+ voxels across; four molars build in ~6 s (measured)
# Share of faces the browser's meshes keep, per tissue touched (surfaces.display_regions): smooth enamel and
# dentin lose most, the pulp keeps more, so the thin canals stay round.
DISPLAY_KEEP = {ENAMEL: 0.135, DENTIN: 0.135, CROWN_PULP: 0.4, ROOT_PULP: 0.55}
# Regions given back their voxel volume after smoothing (surfaces.restore_volume): the thin ones it shrinks.
RESTORED = (ROOT_PULP, CROWN_PULP)
# The same for the procedure parts (restorations.EXTRA_LABELS: 5 medicament, 6 base, 7 paste, 8 crown).
EXTRA_DISPLAY_KEEP = {ENAMEL: 0.3, DENTIN: 0.3, 5: 0.6, 6: 0.4, 7: 0.7, 8: 0.25}


@dataclass
class LocalModel:
    kind: str
    spacing: float
    points: dict[str, np.ndarray]  # region -> (n, 3) float32, local frame
    faces: dict[str, np.ndarray]  # region -> (m, 3) int32, outward
    removal_order: dict[str, np.ndarray]  # crown_pulp / root_pulp -> per point, float32
    canal: np.ndarray  # root_pulp: per point canal index
    canal_names: list[str]
    canal_roots: list[str]
    voxel_counts: dict[str, int]
    canal_voxels: list[int]  # root-pulp voxels of each canal, in canal_names order
    horn_tips: dict[str, list[float]]
    cusp_tips: dict[str, list[float]]
    floor_z: float
    trunk: float
    decay: dict[str, np.ndarray] = field(default_factory=dict)  # enamel / dentin: per point lesion weight
    extra_points: dict[str, np.ndarray] = field(default_factory=dict)  # procedure geometry, see restorations
    extra_faces: dict[str, np.ndarray] = field(default_factory=dict)
    extra_counts: dict[str, int] = field(default_factory=dict)  # voxels of each procedure part
    successor_points: dict[str, np.ndarray] = field(default_factory=dict)  # "successor", "crypt"
    successor_faces: dict[str, np.ndarray] = field(default_factory=dict)
    successor: dict = field(default_factory=dict)  # name, erupts, volumes, offset, scale, clearance
    display_points: dict[str, np.ndarray] = field(default_factory=dict)  # lighter regions for the browser
    display_faces: dict[str, np.ndarray] = field(default_factory=dict)
    display_source: dict[str, np.ndarray] = field(default_factory=dict)  # nearest full-surface point
    display_extra_points: dict[str, np.ndarray] = field(default_factory=dict)
    display_extra_faces: dict[str, np.ndarray] = field(default_factory=dict)
    display_successor_points: dict[str, np.ndarray] = field(default_factory=dict)
    display_successor_faces: dict[str, np.ndarray] = field(default_factory=dict)
    age_years: float | None = None  # None: the tooth file's tooth, complete roots (meshes/age.py)
    variant: str | None = None  # None: the tooth file's configuration (meshes/variants.py)
    roots: dict[str, dict[str, float]] = field(default_factory=dict)  # at an age: lengths, resorbed fraction

    def mesh(self, region: str) -> pv.PolyData:
        return pv.PolyData.from_regular_faces(self.points[region], self.faces[region].astype(np.int64))


def build_local(
    kind: str, spacing: float = DEFAULT_SPACING, age: float | None = None, variant: str | None = None
) -> LocalModel:
    """The kind built from its file; at an age stage (roots resorbed, successor formed) and in a variant."""
    spec = load_spec(kind)
    chosen = find_variant(kind, variant) if variant is not None else None
    if chosen is not None:
        spec = apply_variant(spec, chosen)
    volume = build_label_volume(spec, spacing)
    if chosen is not None:
        fuse_roots(volume, spec, chosen)
    roots = ages.resorb(volume, spec, age) if age is not None else {}
    surface = labelled_surface(volume, restore=RESTORED, firm=True)
    surfaces = split_regions(*surface, LABELS)
    display = display_regions(*surface, LABELS, DISPLAY_KEEP)
    ijk, order = removal_order(volume)
    centres = np.asarray(volume.origin) + spacing * ijk
    voxel_label = volume.labels[tuple(ijk.T)]
    orders: dict[str, np.ndarray] = {}
    canal = np.zeros(0, dtype=np.int32)
    for region, label in (("crown_pulp", CROWN_PULP), ("root_pulp", ROOT_PULP)):
        mine = voxel_label == label
        # Each surface point takes the order of the nearest voxel of its own region, so the crown pulp's
        # surface is all gone exactly when the front reaches the orifices.
        _, nearest = cKDTree(centres[mine]).query(np.asarray(surfaces[region].points))
        orders[region] = order[mine][nearest].astype(np.float32)
        if region == "root_pulp":
            canal = volume.canal[tuple(ijk[mine][nearest].T)].astype(np.int32)
    canal_roots = [root.name for root in spec.roots for _ in root.canals]
    treated = restoration_labels(volume)
    treated_surface = labelled_surface(volume, treated)
    extras = split_regions(*treated_surface, EXTRA_LABELS)
    extras_display = display_regions(*treated_surface, EXTRA_LABELS, EXTRA_DISPLAY_KEEP)
    stage = ages.successor_stage(kind, age) if age is not None else None
    bud = place_successor(kind, volume, spec.trunk, stage)
    return LocalModel(
        kind=kind,
        spacing=spacing,
        points={r: np.asarray(surfaces[r].points, dtype=np.float32) for r in REGIONS},
        faces={r: surfaces[r].regular_faces.astype(np.int32) for r in REGIONS},
        removal_order=orders,
        canal=canal,
        canal_names=[f"{name} canal" for name in volume.canal_names],
        canal_roots=canal_roots,
        voxel_counts={r: int((volume.labels == LABELS[r]).sum()) for r in REGIONS},
        canal_voxels=np.bincount(volume.canal[volume.canal >= 0], minlength=len(volume.canal_names)).tolist(),
        horn_tips={k: list(v) for k, v in volume.horn_tips.items()},
        cusp_tips={k: list(v) for k, v in volume.cusp_tips.items()},
        floor_z=volume.floor_z,
        trunk=spec.trunk,
        decay={r: decay_weight(volume, np.asarray(surfaces[r].points)) for r in ("enamel", "dentin")},
        extra_points={n: np.asarray(m.points, dtype=np.float32) for n, m in extras.items()},
        extra_faces={n: m.regular_faces.astype(np.int32) for n, m in extras.items()},
        extra_counts={n: int((treated == label).sum()) for n, label in EXTRA_LABELS.items()},
        display_points={r: np.asarray(display[r].points, dtype=np.float32) for r in REGIONS},
        display_faces={r: display[r].regular_faces.astype(np.int32) for r in REGIONS},
        display_source={
            r: cKDTree(surfaces[r].points).query(display[r].points)[1].astype(np.int32) for r in REGIONS
        },
        display_extra_points={n: np.asarray(m.points, dtype=np.float32) for n, m in extras_display.items()},
        display_extra_faces={n: m.regular_faces.astype(np.int32) for n, m in extras_display.items()},
        display_successor_points={n: np.asarray(m.points, dtype=np.float32) for n, m in bud.display.items()},
        display_successor_faces={n: m.regular_faces.astype(np.int32) for n, m in bud.display.items()},
        successor_points={n: np.asarray(m.points, dtype=np.float32) for n, m in bud.surfaces.items()},
        successor_faces={n: m.regular_faces.astype(np.int32) for n, m in bud.surfaces.items()},
        successor={
            "name": bud.spec.name,
            "erupts_years": list(bud.spec.erupts),
            "volumes_mm3": {n: c * bud.spacing**3 for n, c in bud.voxel_counts.items()},
            "offset": list(bud.offset),
            "scale": bud.scale,
            "clearance_mm": bud.clearance_mm,
            "stage": bud.spec.stage,
        },
        age_years=age,
        variant=variant,
        roots=roots,
    )
