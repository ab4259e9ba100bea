"""A primary molar placed in its quadrant: region meshes in world coordinates, volumes, dimensions, names.

World frame: +X patient's left, +Y anterior, +Z superior. A molar's mesial side faces +Y; its buccal side
faces away from the midline; mandibular crowns point up, maxillary crowns down. Right and left teeth of one
kind are mirror images: their local frames differ by a reflection, and the faces are flipped to stay outward.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyvista as pv
from scipy.spatial import cKDTree

from meshes.age import age_stage, resorbed_fraction
from meshes.arch import Neighbour, neighbours, space_mm
from meshes.build import DEFAULT_SPACING, REGIONS, LocalModel
from meshes.cache import load_or_build
from meshes.catalog import ToothId, resolve_tooth

PRETTY = {"enamel": "Enamel", "dentin": "Dentin", "crown_pulp": "Crown pulp", "root_pulp": "Root pulp"}


def local_to_world(tooth: ToothId) -> np.ndarray:
    """3 x 3 matrix: columns are the world directions of local mesial (+x), buccal (+y), occlusal (+z)."""
    mesial = (0.0, 1.0, 0.0)
    buccal = (-1.0, 0.0, 0.0) if tooth.side == "right" else (1.0, 0.0, 0.0)
    occlusal = (0.0, 0.0, 1.0) if tooth.arch == "mandibular" else (0.0, 0.0, -1.0)
    return np.array([mesial, buccal, occlusal]).T


@dataclass(frozen=True)
class Structure:
    """A named part of a tissue: ``Structure("crown_pulp", "horn", "mesiobuccal")``."""

    region: str
    part: str  # "horn", "chamber", "canal", "cusp", "root", "crown", "trunk", or "" (the tissue itself)
    name: str  # the part's anatomical name ("mesiobuccal"), "" where it has none

    @property
    def english(self) -> str:
        title = PRETTY[self.region]
        return f"{title} - {STRUCTURE_WORDS[self.part].format(name=self.name)}" if self.part else title


STRUCTURE_WORDS = {
    "horn": "{name} pulp horn",
    "chamber": "pulp chamber",
    "canal": "{name} canal",
    "cusp": "{name} cusp",
    "root": "{name} root",
    "crown": "crown",
    "trunk": "root trunk",
}


@dataclass(frozen=True)
class RemovalState:
    """What a removal front at `fraction` of the whole pulp has taken out."""

    fraction: float
    removed_mm3: float
    removed_percent: float
    crown_removed_mm3: float
    root_removed_mm3: float
    remaining_mm3: float


class ToothModel:
    def __init__(self, tooth: ToothId, local: LocalModel) -> None:
        self.tooth = tooth
        self.local = local
        self.matrix = local_to_world(tooth)
        mirrored = np.linalg.det(self.matrix) < 0
        self.regions: dict[str, pv.PolyData] = {}
        for region in REGIONS:
            mesh = self._place(local.points[region], local.faces[region], mirrored)
            if region in local.decay:
                mesh.point_data["decay"] = local.decay[region]
            if region in local.removal_order:
                mesh.point_data["removal_order"] = local.removal_order[region]
            if region == "root_pulp":
                mesh.point_data["canal"] = local.canal
            self.regions[region] = mesh
        # Lighter copies of the regions for the browser (surfaces.display_regions), with the same arrays.
        self.display_regions: dict[str, pv.PolyData] = {}
        for region in REGIONS:
            mesh = self._place(local.display_points[region], local.display_faces[region], mirrored)
            source = local.display_source[region]
            for name, values in self.regions[region].point_data.items():
                mesh.point_data[name] = np.asarray(values)[source]
            self.display_regions[region] = mesh
        # Procedure geometry (restorations.py): opened enamel and dentin, medicament, base, paste, crown.
        self.extras = {
            n: self._place(local.extra_points[n], local.extra_faces[n], mirrored) for n in local.extra_points
        }
        # The premolar forming between the roots, and its crypt (successor.py).
        self.successor = {
            n: self._place(local.successor_points[n], local.successor_faces[n], mirrored)
            for n in local.successor_points
        }
        self.successor_info = dict(local.successor)
        # Lighter copies for the browser, cut from the same labelled surfaces (no cracks between parts).
        self.display_extras = {
            n: self._place(local.display_extra_points[n], local.display_extra_faces[n], mirrored)
            for n in local.display_extra_points
        }
        self.display_successor = {
            n: self._place(local.display_successor_points[n], local.display_successor_faces[n], mirrored)
            for n in local.display_successor_points
        }
        self.canal_names = list(local.canal_names)
        voxel = local.spacing**3
        self.extra_volumes_mm3 = {n: count * voxel for n, count in local.extra_counts.items()}
        self.voxel_volumes_mm3 = {r: local.voxel_counts[r] * voxel for r in REGIONS}
        self.volumes_mm3 = dict(self.voxel_volumes_mm3)  # the voxel count is the reference figure
        self.canal_volumes_mm3 = {
            name: count * voxel for name, count in zip(local.canal_names, local.canal_voxels, strict=True)
        }
        self.mesh_volumes_mm3 = {r: float(self.regions[r].volume) for r in REGIONS}
        self.dimensions_mm = _measure(local)
        self.axes = {
            "mesial": tuple(self.matrix[:, 0]),
            "distal": tuple(-self.matrix[:, 0]),
            "buccal": tuple(self.matrix[:, 1]),
            "lingual": tuple(-self.matrix[:, 1]),
            "occlusal": tuple(self.matrix[:, 2]),
        }
        lo = np.min([p.min(axis=0) for p in local.points.values()], axis=0)
        hi = np.max([p.max(axis=0) for p in local.points.values()], axis=0)
        self.center = tuple(float(v) for v in self.matrix @ ((lo + hi) / 2))
        self._pulp_voxels = local.voxel_counts["crown_pulp"] + local.voxel_counts["root_pulp"]
        self.pulpotomy_fraction = local.voxel_counts["crown_pulp"] / self._pulp_voxels
        # The child's age and the configuration (None: the tooth file's tooth; meshes/age.py, variants.py).
        self.age_years = local.age_years
        self.variant = local.variant
        self.roots = {name: dict(figures) for name, figures in local.roots.items()}
        self.resorbed_fraction = resorbed_fraction(self.roots)  # 0 without an age: complete roots

    def _place(self, points: np.ndarray, faces: np.ndarray, mirrored: bool) -> pv.PolyData:
        world = (points @ self.matrix.T).astype(np.float32)
        return pv.PolyData.from_regular_faces(world, (faces[:, ::-1] if mirrored else faces).astype(np.int64))

    # --- the arch segment and the successor (the story of why the tooth is kept) ---------------------------

    @property
    def neighbours(self) -> dict[str, Neighbour]:
        """The teeth in front ("mesial") and behind ("distal"), in contact, local frame (see arch.py)."""
        if not hasattr(self, "_neighbours"):
            self._neighbours = neighbours(self.tooth.kind, self.local.points["enamel"])
        return self._neighbours

    def neighbour_mesh(self, side: str) -> pv.PolyData:
        n = self.neighbours[side]
        return self._place(n.points, n.faces, bool(np.linalg.det(self.matrix) < 0))

    def neighbour_pose(self, side: str, drift_mm: float, tip_deg: float) -> dict[str, list[float]]:
        """The neighbour's drift and tip as a vtk.js actor pose (position, origin, orientation in degrees).

        Tipping is about the buccolingual axis through its apex; in world terms that axis is world X, and a
        mirrored quadrant turns the other way.
        """
        n = self.neighbours[side]
        toward = -1.0 if side == "mesial" else 1.0
        axis = self.matrix[:, 1]  # local buccolingual (y) in world: +-X
        sign = float(np.sign(axis[0]) * np.sign(np.linalg.det(self.matrix)))
        return {
            "position": [float(v) for v in self.matrix @ np.array([toward * drift_mm, 0.0, 0.0])],
            "origin": [float(v) for v in self.matrix @ n.apex],
            "orientation": [toward * tip_deg * sign, 0.0, 0.0],
        }

    def space_between_neighbours(self, motion: dict[str, float]) -> float:
        """Room (mm) left between the neighbours' crowns after they drift and tip (scenes.story motion)."""
        m, d = self.neighbours["mesial"], self.neighbours["distal"]
        return space_mm(
            m.moved(motion.get("drift_mesial_mm", 0.0), motion.get("tip_mesial_deg", 0.0)),
            d.moved(motion.get("drift_distal_mm", 0.0), motion.get("tip_distal_deg", 0.0)),
            m.crown,
            d.crown,
        )

    @property
    def successor_width_mm(self) -> float:
        """The premolar crown's mesiodistal width, measured on its mesh: the room it needs."""
        return float(np.ptp(self.local.successor_points["successor"][:, 0]))

    def successor_pose(self, rise: float) -> dict[str, list[float]]:
        """Actor position that raises the premolar by `rise` (0: in its crypt, 1: its cusp up at the occlusal
        plane of its neighbours, as an erupted premolar stands)."""
        top = float(self.local.successor_points["successor"][:, 2].max())
        occlusal = float(np.mean([n.points[:, 2].max() for n in self.neighbours.values()]))
        return {"position": [float(v) for v in self.matrix @ np.array([0.0, 0.0, rise * (occlusal - top)])]}

    @property
    def pulp_mm3(self) -> float:
        return self.volumes_mm3["crown_pulp"] + self.volumes_mm3["root_pulp"]

    def removal_state(self, fraction: float) -> RemovalState:
        """The pulp taken out once the front has passed `fraction` (0..1) of it, in the engine's order.

        Voxels are removed whole, in order: a front at f has removed ceil(f * N) of the N pulp voxels, so
        ``pulpotomy_fraction`` removes exactly the crown pulp and 1.0 all of it.
        """
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"removal fraction must be within 0..1, got {fraction}")
        voxel = self.local.spacing**3
        removed = min(self._pulp_voxels, int(np.ceil(fraction * self._pulp_voxels - 1e-9)))
        crown = min(removed, self.local.voxel_counts["crown_pulp"])
        return RemovalState(
            fraction=fraction,
            removed_mm3=removed * voxel,
            removed_percent=100.0 * removed / self._pulp_voxels,
            crown_removed_mm3=crown * voxel,
            root_removed_mm3=(removed - crown) * voxel,
            remaining_mm3=(self._pulp_voxels - removed) * voxel,
        )

    def procedures(self) -> dict[str, RemovalState]:
        return {
            "pulpotomy": self.removal_state(self.pulpotomy_fraction),
            "pulpectomy": self.removal_state(1.0),
        }

    def structure_at(self, region: str, xyz) -> Structure:
        """What lies at a point on a region's surface: the region, the part and its anatomical name."""
        if region not in self.regions:
            raise ValueError(f"unknown region {region!r}; expected one of {', '.join(REGIONS)}")
        local = np.asarray(xyz, dtype=float) @ self.matrix  # the matrix is orthogonal: inverse = transpose
        if region == "root_pulp":
            _, i = cKDTree(self.local.points["root_pulp"]).query(local)
            return Structure(
                region, "canal", self.canal_names[int(self.local.canal[i])].removesuffix(" canal")
            )
        if region == "crown_pulp":
            name, dist = _nearest(self.local.horn_tips, local)
            return Structure(region, "horn", name) if dist < 1.2 else Structure(region, "chamber", "")
        if region == "enamel":
            name, dist = _nearest(self.local.cusp_tips, local)
            return Structure(region, "cusp", name) if dist < 1.6 else Structure(region, "", "")
        if local[2] < -self.local.trunk:
            _, i = cKDTree(self.local.points["root_pulp"]).query(local)
            return Structure(region, "root", self.local.canal_roots[int(self.local.canal[i])])
        return Structure(region, "crown" if local[2] > 0 else "trunk", "")

    def describe_point(self, region: str, xyz) -> str:
        """Name of the structure at a point on a region's surface, e.g. 'Root pulp - mesiobuccal canal'."""
        return self.structure_at(region, xyz).english


def _nearest(points: dict[str, list[float]], xyz: np.ndarray) -> tuple[str, float]:
    name = min(points, key=lambda k: float(np.linalg.norm(np.asarray(points[k]) - xyz)))
    return name, float(np.linalg.norm(np.asarray(points[name]) - xyz))


def _measure(local: LocalModel) -> dict[str, float]:
    """Crown and root dimensions measured on the built surfaces (local frame), not copied from the spec."""
    enamel = local.points["enamel"]
    tooth = np.concatenate([enamel, local.points["dentin"]])
    cej = float(enamel[:, 2].min())  # the enamel's cervical margin
    crown = tooth[tooth[:, 2] >= cej]
    return {
        "crown_mesiodistal_mm": float(np.ptp(crown[:, 0])),
        "crown_buccolingual_mm": float(np.ptp(crown[:, 1])),
        "crown_height_mm": float(enamel[:, 2].max() - cej),
        "root_length_mm": float(cej - tooth[:, 2].min()),
    }


def load_tooth(
    code: str, spacing: float = DEFAULT_SPACING, age: float | None = None, variant: str | None = None
) -> ToothModel:
    """The molar with FDI number or Universal letter `code`, built or loaded from the disk cache; at the
    child's `age` in years (built at the nearest stage, ``age.age_stage``) and in a `variant` if given.

    >>> load_tooth("85").tooth.name
    'mandibular right second primary molar'
    """
    return _load_tooth(code, spacing, None if age is None else age_stage(age), variant)


@lru_cache(maxsize=16)
def _load_tooth(code: str, spacing: float, age: float | None, variant: str | None) -> ToothModel:
    tooth = resolve_tooth(code)
    return ToothModel(tooth, load_or_build(tooth.kind, spacing, age, variant))
