"""Removal order over the pulp: the sequence in which a pulpotomy or pulpectomy takes the pulp out.

Every pulp voxel gets a rank: all crown pulp first (a pulpotomy stops at the canal orifices), each part in
order of its geodesic distance through the pulp from the access opening (a moving front that follows the
chamber and then runs down every canal). ``rank / N`` is the fraction of the pulp already removed when the
front reaches that voxel, so "remove fraction f" means "every voxel whose order is below f".
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from meshes.fields import CROWN_PULP, ROOT_PULP, LabelVolume

ACCESS_RADIUS = 1.5  # mm around the crown's axis: where the bur opens the chamber roof (estimate)


def removal_order(volume: LabelVolume) -> tuple[np.ndarray, np.ndarray]:
    """The pulp voxels' grid indices (N x 3) and each one's removal order in [0, 1)."""
    labels = volume.labels
    pulp = (labels == CROWN_PULP) | (labels == ROOT_PULP)
    ijk = np.argwhere(pulp)
    node = np.full(labels.shape, -1, dtype=np.int64)
    node[tuple(ijk.T)] = np.arange(len(ijk))
    lo, hi = ijk.min(axis=0), ijk.max(axis=0) + 1  # the graph in the pulp's box: a fraction of the grid
    graph = _voxel_graph(node[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]], volume.spacing)
    distance = dijkstra(graph, directed=False, indices=_access_voxels(volume, ijk), min_only=True)
    # A canal cut off from the access (it cannot happen with the fields' connectivity check) comes last.
    distance[~np.isfinite(distance)] = distance[np.isfinite(distance)].max() + 1.0
    is_root = labels[tuple(ijk.T)] == ROOT_PULP
    rank = np.empty(len(ijk), dtype=np.int64)
    rank[np.lexsort((distance, is_root))] = np.arange(len(ijk))
    return ijk, (rank / len(ijk)).astype(np.float64)


def _access_voxels(volume: LabelVolume, ijk: np.ndarray) -> np.ndarray:
    """The roof of the chamber under the access opening: the top crown-pulp voxel of each central column."""
    xyz = np.asarray(volume.origin) + volume.spacing * ijk
    crown = volume.labels[tuple(ijk.T)] == CROWN_PULP
    central = crown & (np.hypot(xyz[:, 0], xyz[:, 1]) <= ACCESS_RADIUS)
    candidates = np.flatnonzero(central if central.any() else crown)
    columns = ijk[candidates, 0] * volume.labels.shape[1] + ijk[candidates, 1]
    top = {}
    for n, col in zip(candidates, columns, strict=True):
        if col not in top or ijk[n, 2] > ijk[top[col], 2]:
            top[col] = n
    return np.fromiter(top.values(), dtype=np.int64)


def _voxel_graph(node: np.ndarray, spacing: float) -> sparse.csr_matrix:
    """26-connected graph of the pulp voxels, edges weighted by the distance between voxel centres."""
    rows, cols, weights = [], [], []
    offsets = [(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1) if (i, j, k) > (0, 0, 0)]
    nx, ny, nz = node.shape
    for di, dj, dk in offsets:
        a = node[max(0, -di) : nx - max(0, di), max(0, -dj) : ny - max(0, dj), max(0, -dk) : nz - max(0, dk)]
        b = node[max(0, di) : nx - max(0, -di), max(0, dj) : ny - max(0, -dj), max(0, dk) : nz - max(0, -dk)]
        both = (a >= 0) & (b >= 0)
        rows.append(a[both])
        cols.append(b[both])
        weights.append(np.full(int(both.sum()), spacing * np.sqrt(di * di + dj * dj + dk * dk)))
    n = int(node.max()) + 1
    return sparse.coo_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsr()
