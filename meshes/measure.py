"""Crown form, pulp walls and canals measured on the built surfaces (local frame), not read from the spec.

What a dentist checks against the published figures: heights of contour above the CEJ, cusp tips and their
relief over the deepest fossa, the occlusal table, the chamber's walls and place, enamel mesially and
distally, each canal's width in the cervical third of its root.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import Delaunay, cKDTree

if TYPE_CHECKING:
    from meshes.build import LocalModel

BAND = 0.6  # mm: half-width of the strip a side's profile is read in
SLAB = 0.15  # mm: half-thickness of a horizontal cut
TIP_REACH = 1.0  # mm: a measured cusp tip is the highest enamel point this near its designed place


def outer_enamel(local: LocalModel) -> np.ndarray:
    """Enamel vertices on the outside (not shared with the dentin)."""
    enamel = np.asarray(local.points["enamel"])
    on_dentin = cKDTree(local.points["dentin"]).query(enamel)[0] == 0
    return enamel[~on_dentin]


def junction(local: LocalModel) -> np.ndarray:
    """Enamel vertices on the dentin: the dentino-enamel junction."""
    enamel = np.asarray(local.points["enamel"])
    return enamel[cKDTree(local.points["dentin"]).query(enamel)[0] == 0]


def contour_heights(local: LocalModel) -> dict[str, float]:
    """Height above the CEJ where each side of the crown bulges furthest, across its middle."""
    surface = outer_enamel(local)
    cej = float(np.asarray(local.points["enamel"])[:, 2].min())
    mid_x = (surface[:, 0].max() + surface[:, 0].min()) / 2
    mid_y = (surface[:, 1].max() + surface[:, 1].min()) / 2
    across_x = surface[np.abs(surface[:, 0] - mid_x) < BAND]  # a buccolingual strip
    across_y = surface[np.abs(surface[:, 1] - mid_y) < BAND]  # a mesiodistal strip
    return {
        "buccal": float(across_x[np.argmax(across_x[:, 1]), 2] - cej),
        "lingual": float(across_x[np.argmin(across_x[:, 1]), 2] - cej),
        "mesial": float(across_y[np.argmax(across_y[:, 0]), 2] - cej),
        "distal": float(across_y[np.argmin(across_y[:, 0]), 2] - cej),
    }


def cusp_tips(local: LocalModel) -> dict[str, tuple[float, float, float]]:
    """Each cusp's tip on the mesh: the highest outer enamel point near where the spec put it."""
    surface = outer_enamel(local)
    tips = {}
    for name, (cx, cy, _) in local.cusp_tips.items():
        near = surface[np.hypot(surface[:, 0] - cx, surface[:, 1] - cy) < TIP_REACH]
        top = near[np.argmax(near[:, 2])]
        tips[name] = (float(top[0]), float(top[1]), float(top[2]))
    return tips


def deepest_fossa(local: LocalModel, tips: dict[str, tuple[float, float, float]]) -> float:
    """Height of the lowest point of the occlusal surface inside the outline of the cusp tips."""
    surface = outer_enamel(local)
    xy = np.array([t[:2] for t in tips.values()])
    centre = xy.mean(axis=0)
    hull = Delaunay(centre + 0.85 * (xy - centre))  # kept off the tips' outer slopes
    inside = surface[hull.find_simplex(surface[:, :2]) >= 0]
    inside = inside[inside[:, 2] > 0.5 * max(t[2] for t in tips.values())]  # the occlusal surface
    return float(inside[:, 2].min())


def crown_form(local: LocalModel) -> dict[str, object]:
    tips = cusp_tips(local)
    fossa = deepest_fossa(local, tips)
    cej = float(np.asarray(local.points["enamel"])[:, 2].min())
    ys = [t[1] for t in tips.values()]
    tooth = np.concatenate([local.points["enamel"], local.points["dentin"]])
    crown = tooth[tooth[:, 2] >= cej]
    return {
        "contour_heights_mm": {k: round(v, 2) for k, v in contour_heights(local).items()},
        "cusp_tip_heights_mm": {k: round(t[2] - cej, 2) for k, t in tips.items()},
        "cusp_relief_mm": {k: round(t[2] - fossa, 2) for k, t in tips.items()},
        "tallest_cusp": max(tips, key=lambda k: tips[k][2]),
        "occlusal_table_bl_mm": round(max(ys) - min(ys), 2),
        "occlusal_table_share": round((max(ys) - min(ys)) / float(np.ptp(crown[:, 1])), 3),
    }


def chamber_walls(local: LocalModel) -> dict[str, float]:
    """Hard tissue between the chamber and the outer surface on each side, halfway up the chamber, and
    how far the chamber sits mesially of the crown's middle (``mesial_shift``)."""
    pulp = np.asarray(local.points["crown_pulp"])
    z = (local.floor_z + np.median(pulp[:, 2])) / 2 + 0.3
    cut = pulp[np.abs(pulp[:, 2] - z) < SLAB]
    tooth = np.concatenate([outer_enamel(local), np.asarray(local.points["dentin"])])
    ring = tooth[np.abs(tooth[:, 2] - z) < SLAB]
    cx, cy = (cut[:, 0].max() + cut[:, 0].min()) / 2, (cut[:, 1].max() + cut[:, 1].min()) / 2
    bl_p, bl_t = cut[np.abs(cut[:, 0] - cx) < BAND], ring[np.abs(ring[:, 0] - cx) < BAND]
    md_p, md_t = cut[np.abs(cut[:, 1] - cy) < BAND], ring[np.abs(ring[:, 1] - cy) < BAND]
    return {
        "buccal": round(float(bl_t[:, 1].max() - bl_p[:, 1].max()), 2),
        "lingual": round(float(bl_p[:, 1].min() - bl_t[:, 1].min()), 2),
        "mesial": round(float(md_t[:, 0].max() - md_p[:, 0].max()), 2),
        "distal": round(float(md_p[:, 0].min() - md_t[:, 0].min()), 2),
        "mesial_shift": round(float(cx - (ring[:, 0].max() + ring[:, 0].min()) / 2), 2),
    }


def enamel_sides(local: LocalModel) -> dict[str, float]:
    """Enamel thickness on the mesial and distal surfaces two fifths up the crown (near the contact areas)."""
    surface, dej = outer_enamel(local), junction(local)
    h = float(surface[:, 2].max())
    out = {}
    o = surface[(np.abs(surface[:, 2] - 0.4 * h) < 2 * SLAB) & (np.abs(surface[:, 1]) < BAND)]
    j = dej[(np.abs(dej[:, 2] - 0.4 * h) < 2 * SLAB) & (np.abs(dej[:, 1]) < BAND)]
    out["mesial"] = round(float(o[:, 0].max() - j[:, 0].max()), 2)
    out["distal"] = round(float(j[:, 0].min() - o[:, 0].min()), 2)
    return out


def canal_widths(local: LocalModel, below_furcation: float = 1.5) -> dict[str, float]:
    """Each canal's widest extent across a cut `below_furcation` mm under the root trunk (cervical third)."""
    points = np.asarray(local.points["root_pulp"])
    z = -local.trunk - below_furcation
    widths = {}
    for i, name in enumerate(local.canal_names):
        cut = points[(np.asarray(local.canal) == i) & (np.abs(points[:, 2] - z) < SLAB)][:, :2]
        if len(cut) < 3:
            widths[name] = 0.0
            continue
        centred = cut - cut.mean(axis=0)
        axis = np.linalg.svd(centred, full_matrices=False)[2][0]
        widths[name] = round(float(np.ptp(centred @ axis)), 2)
    return widths
