"""How smooth a surface is: the angle between each vertex normal and the mean normal of its two-ring.

On a smooth surface the normals around a vertex turn evenly, so their mean points the vertex's own way and the
angle is near zero; voxel terraces and folds make it jump. The 95th percentile over a region is the figure the
report gives (``normal_noise_p95_deg``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def vertex_normals(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals of a triangle mesh."""
    p = np.asarray(points, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    face_n = np.cross(p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]])  # length = twice the area
    normals = np.zeros_like(p)
    for corner in range(3):
        for axis in range(3):
            normals[:, axis] += np.bincount(f[:, corner], weights=face_n[:, axis], minlength=len(p))
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return normals / np.where(length > 0, length, 1.0)


def normal_noise_deg(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Per vertex: degrees between its normal and the mean normal of the vertices within two edges."""
    f = np.asarray(faces, dtype=np.int64)
    n = len(points)
    rows = np.concatenate([f[:, 0], f[:, 1], f[:, 2], f[:, 1], f[:, 2], f[:, 0]])
    cols = np.concatenate([f[:, 1], f[:, 2], f[:, 0], f[:, 0], f[:, 1], f[:, 2]])
    one_ring = sparse.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n)).tocsr()
    one_ring = one_ring + sparse.identity(n, dtype=np.float32, format="csr")
    one_ring.data[:] = 1.0
    two_ring = one_ring @ one_ring
    two_ring.data[:] = 1.0  # each vertex of the two-ring once, however many paths lead to it
    normals = vertex_normals(points, f)
    mean = two_ring @ normals
    mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
    cosine = np.clip(np.einsum("ij,ij->i", normals, mean), -1.0, 1.0)
    used = np.zeros(n, dtype=bool)
    used[f.ravel()] = True
    return np.degrees(np.arccos(cosine))[used]


def normal_noise_p95(points: np.ndarray, faces: np.ndarray) -> float:
    return float(np.percentile(normal_noise_deg(points, faces), 95)) if len(faces) else 0.0
