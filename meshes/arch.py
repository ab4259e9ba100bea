"""A short arch segment around a primary molar: its neighbours in front and behind, and the space between.

The neighbours (primary canine or first primary molar in front; second primary molar or first permanent
molar behind) are built by the same engine from their own files, on a coarser grid and as one outer surface:
simpler, still recognisable. They stand in contact with the molar along its mesiodistal axis (the arch's
curve is ignored over three teeth). `space_mm` measures, on the geometry, the room left between them once
they have drifted: what the premolar needs is its crown's mesiodistal width.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyvista as pv

from meshes.fields import build_label_volume
from meshes.spec import load_spec
from meshes.surfaces import region_surfaces

NEIGHBOUR_SPACING = 0.25  # mm: outer surface only, ~15-25 k triangles a tooth
NEIGHBOUR_KEEP = 0.45  # share of the outer surface's faces kept
ROOT_DRAW_IN = 0.35  # how much a neighbour's root spread is narrowed (schematic, see _outer)
NEIGHBOURS = {  # kind -> (mesial neighbour, distal neighbour)
    "maxillary_first": ("maxillary_canine", "maxillary_second"),
    "maxillary_second": ("maxillary_first", "maxillary_first_permanent"),
    "mandibular_first": ("mandibular_canine", "mandibular_second"),
    "mandibular_second": ("mandibular_first", "mandibular_first_permanent"),
}


@dataclass(frozen=True)
class Neighbour:
    side: str  # "mesial" or "distal"
    kind: str
    name: str
    points: np.ndarray  # local frame of the molar, in contact with it
    faces: np.ndarray
    crown: np.ndarray  # bool per point: above its own CEJ
    apex: np.ndarray  # the point it tips about (its root apex)

    def moved(self, drift_mm: float, tip_deg: float = 0.0) -> np.ndarray:
        """Points after drifting `drift_mm` towards the molar's place and tipping its crown that way."""
        toward = -1.0 if self.side == "mesial" else 1.0
        angle = np.radians(tip_deg) * toward
        rel = self.points - self.apex
        # Tipping about the buccolingual axis through the apex: the crown swings along x.
        x = rel[:, 0] * np.cos(angle) + rel[:, 2] * np.sin(angle)
        z = -rel[:, 0] * np.sin(angle) + rel[:, 2] * np.cos(angle)
        out = np.column_stack([x, rel[:, 1], z]) + self.apex
        out[:, 0] += toward * drift_mm
        return out


@lru_cache(maxsize=8)
def _outer(kind: str) -> tuple[np.ndarray, np.ndarray, str]:
    spec = load_spec(kind)
    volume = build_label_volume(spec, NEIGHBOUR_SPACING)
    solid = (volume.labels > 0).astype(np.uint8)
    # Drawn simpler: one outer surface, thinned for the browser (it has no neighbour to crack against).
    mesh = region_surfaces(volume, solid, {"tooth": 1})["tooth"].decimate_pro(
        1.0 - NEIGHBOUR_KEEP, preserve_topology=True
    )
    points = np.asarray(mesh.points, dtype=np.float32)
    # Flaring roots of side-by-side teeth would cross; in a real arch they spread buccolingually and around
    # the crypts. Drawn simpler: the neighbour's roots are drawn in towards its axis.
    below = np.clip(-points[:, 2] / 3.0, 0.0, 1.0)
    points[:, 0] *= 1.0 - ROOT_DRAW_IN * below
    return points, mesh.regular_faces.astype(np.int32), spec.name


def neighbours(kind: str, molar_points: np.ndarray) -> dict[str, Neighbour]:
    """The two neighbours of a molar kind, placed in contact with its crown (`molar_points`, local)."""
    crown = molar_points[molar_points[:, 2] > 0]
    out = {}
    for side, other in zip(("mesial", "distal"), NEIGHBOURS[kind], strict=True):
        points, faces, name = _outer(other)
        points = points.copy()
        own_crown = points[:, 2] > 0
        if side == "mesial":
            points[:, 0] += crown[:, 0].max() - points[own_crown, 0].min()
        else:
            points[:, 0] += crown[:, 0].min() - points[own_crown, 0].max()
        apex = points[np.argmin(points[:, 2])]
        out[side] = Neighbour(side, other, name, points, faces, own_crown, apex)
    return out


def space_mm(
    mesial: np.ndarray, distal: np.ndarray, crown_mesial: np.ndarray, crown_distal: np.ndarray
) -> float:
    """Room along the arch between two neighbours' crowns (negative when they would overlap)."""
    return float(mesial[crown_mesial, 0].min() - distal[crown_distal, 0].max())


def as_mesh(points: np.ndarray, faces: np.ndarray) -> pv.PolyData:
    return pv.PolyData.from_regular_faces(points, faces.astype(np.int64))
