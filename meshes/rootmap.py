"""Which root each tooth voxel below the crown belongs to: the root of its nearest canal.

Read off the label volume, not the shape fields, so it holds whatever way fields.py draws the roots.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from meshes.fields import ROOT_PULP, LabelVolume
from meshes.spec import ToothSpec


def root_map(volume: LabelVolume, spec: ToothSpec, z_top: float) -> np.ndarray:
    """Root index (into spec.roots) of every tooth voxel below `z_top` (-1 outside), over the slab below it.

    The slab is ``labels[:, :, :k]`` with ``k = slab_top(volume, z_top)``.
    """
    k = slab_top(volume, z_top)
    canal = volume.canal[:, :, :k]
    root_of_canal = np.array([i for i, root in enumerate(spec.roots) for _ in root.canals], dtype=np.int16)
    if not (canal >= 0).any():
        return np.full(canal.shape, -1, dtype=np.int16)
    # Indices of the nearest root-pulp voxel (a zero of `canal < 0`) for every voxel of the slab.
    nearest = ndimage.distance_transform_edt(canal < 0, return_distances=False, return_indices=True)
    owner = root_of_canal[canal[tuple(nearest)]]
    return np.where(volume.labels[:, :, :k] > 0, owner, -1).astype(np.int16)


def slab_top(volume: LabelVolume, z_top: float) -> int:
    return int(np.searchsorted(volume.axis(2), z_top))


def refresh_canals(volume: LabelVolume) -> None:
    """After a label edit: canal -1 off the root pulp, and the nearest canal's index on new root pulp."""
    pulp = volume.labels == ROOT_PULP
    canal = np.where(pulp, volume.canal, -1).astype(np.int8)
    orphans = pulp & (canal < 0)
    if orphans.any() and (canal >= 0).any():
        nearest = ndimage.distance_transform_edt(canal < 0, return_distances=False, return_indices=True)
        canal[orphans] = canal[tuple(n[orphans] for n in nearest)]
    volume.canal = canal
