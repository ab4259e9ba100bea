"""What the procedures add to and take from a tooth, as labelled geometry with volumes.

From the tissue label map: the access cavity (the chamber roof and everything above it, as a bur unroofs
the chamber), a medicament layer over the canal orifices, a base filling the rest of the chamber and the
access, a resorbable paste filling the canals, and a stainless steel crown shell over the crown. They are
labelled in one map together with the opened enamel and dentin, so every part shares its boundaries exactly.
A carious lesion is not geometry of its own: it is a per-point weight on the intact enamel and dentin, so it
can be drawn on the tooth without two coincident surfaces fighting.
"""

from __future__ import annotations

import numpy as np

from meshes.fields import CROWN_PULP, DENTIN, ENAMEL, ROOT_PULP, LabelVolume, make_well_composed
from meshes.sdf import distance_inside

MEDICAMENT_THICKNESS = 1.0  # mm over the orifices (MTA is placed 1-3 mm thick; estimate)
CROWN_SHELL = (
    0.3  # mm: stainless steel crowns are about 0.1-0.2 mm sheet; thickened to stay visible (estimate)
)
DECAY_RADIUS = 1.1  # mm: width of the lesion drawn from the central fossa to the mesiobuccal horn (estimate)
EXTRA_LABELS = {
    "enamel_opened": ENAMEL,
    "dentin_opened": DENTIN,
    "medicament": 5,
    "base": 6,
    "canal_paste": 7,
    "crown_ssc": 8,
}


def restoration_labels(volume: LabelVolume) -> np.ndarray:
    """The tooth after treatment: opened enamel and dentin, medicament, base, paste and crown."""
    labels = volume.labels
    z = volume.axis(2)[None, None, :]
    crown_pulp, root_pulp = labels == CROWN_PULP, labels == ROOT_PULP
    # Unroofing: every hard-tissue voxel above the chamber in a column that holds crown pulp.
    has_pulp = crown_pulp.any(axis=2)
    top = np.where(has_pulp, labels.shape[2] - 1 - np.argmax(crown_pulp[:, :, ::-1], axis=2), labels.shape[2])
    above = np.arange(labels.shape[2])[None, None, :] > top[:, :, None]
    access = above & ((labels == ENAMEL) | (labels == DENTIN))
    out = labels.copy()
    out[root_pulp] = EXTRA_LABELS["canal_paste"]
    medicament = crown_pulp & (z < volume.floor_z + MEDICAMENT_THICKNESS)
    out[crown_pulp] = EXTRA_LABELS["base"]
    out[medicament] = EXTRA_LABELS["medicament"]
    out[access] = EXTRA_LABELS["base"]
    # The shell only covers the crown: the distance transform runs on the slab from just below the CEJ up.
    k0 = max(0, int(np.searchsorted(volume.axis(2), -2 * CROWN_SHELL)))
    tooth = labels[:, :, k0:] > 0
    gap = distance_inside(~tooth, volume.spacing)
    shell = (~tooth) & (gap <= CROWN_SHELL) & (z[:, :, k0:] >= 0.0)
    out[:, :, k0:][shell] = EXTRA_LABELS["crown_ssc"]
    make_well_composed(out)
    return out


def decay_weight(volume: LabelVolume, points: np.ndarray) -> np.ndarray:
    """1 inside a carious lesion running from the central fossa down to the mesiobuccal pulp horn, else 0."""
    horn = np.asarray(volume.horn_tips.get("mesiobuccal", next(iter(volume.horn_tips.values()))))
    cusp = np.asarray(volume.cusp_tips.get("mesiobuccal", next(iter(volume.cusp_tips.values()))))
    start = np.array([0.5 * cusp[0], 0.5 * cusp[1], cusp[2] + 1.0])  # above the pits next to the cusp
    seg = horn - start
    t = np.clip((points - start) @ seg / (seg @ seg), 0.0, 1.0)
    dist = np.linalg.norm(points - (start + t[:, None] * seg), axis=1)
    radius = DECAY_RADIUS * (1.0 - 0.4 * t)  # wide at the surface, narrowing towards the pulp
    return np.clip((radius - dist) / 0.2 + 0.5, 0.0, 1.0).astype(np.float32)
