"""Approximate signed distance fields (mm, negative inside) and the smooth ways to join them."""

from __future__ import annotations

import edt
import numpy as np

SUPERELLIPSE = 2.6  # crown outline exponent: between an ellipse (2) and a rounded box (estimate)


def smax(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Smooth intersection of two distance fields (rounds the edge where they meet over about k mm)."""
    h = np.subtract(a, b)  # in place from here on: these arrays are millions of voxels
    np.abs(h, out=h)
    np.subtract(k, h, out=h)
    np.clip(h, 0.0, None, out=h)
    h *= h
    h *= 0.25 / k
    h += np.maximum(a, b)
    return h


def smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Smooth union of two distance fields (a fillet of about k mm)."""
    return -smax(-a, -b, k)


def outline_field(x, y, a, bb, bl, a_distal=None) -> np.ndarray:
    """Distance-like field of a superellipse outline with its own half-width on each side.

    `a` is the mesial (+x) half-width, `a_distal` the distal one (default: `a`); `bb` buccal (+y), `bl`
    lingual.
    """
    ax = a if a_distal is None else np.where(x > 0, a, a_distal)
    b = np.where(y > 0, bb, bl)
    rho = (np.abs(x / ax) ** SUPERELLIPSE + np.abs(y / b) ** SUPERELLIPSE) ** (1 / SUPERELLIPSE)
    return (rho - 1.0) * np.minimum(ax, b)


def ellipse_field(x, y, cx, cy, rx, ry) -> np.ndarray:
    rx = np.maximum(rx, 1e-3)
    ry = np.maximum(ry, 1e-3)
    return (np.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2) - 1.0) * np.minimum(rx, ry)


def stadium_field(x, y, cx, cy, rx, ry) -> np.ndarray:
    """Signed distance to a rounded slot of half-widths rx, ry: ends rounded with the smaller half-width.

    A ribbon canal in cross-section (e.g. 2.8 by 0.3 mm): an ellipse of that size ends in a knife edge the
    mesh cannot follow (root pulp noise p95 13-15 degrees, measured); the slot's ends are half circles.
    """
    r = np.maximum(np.minimum(rx, ry), 1e-3)
    qx = np.maximum(np.abs(x - cx) - (rx - r), 0.0)
    qy = np.maximum(np.abs(y - cy) - (ry - r), 0.0)
    return np.sqrt(qx * qx + qy * qy) - r


def distance_inside(mask: np.ndarray, spacing: float) -> np.ndarray:
    """Euclidean distance (mm, float32) of every True voxel to the nearest False one (0 on False voxels).

    The array's border is not a boundary, as in scipy's distance_transform_edt; the edt package gives the
    same distances about five times faster (measured: 0.12 against 0.6 s on a second molar's grid).
    """
    return edt.edt(mask, anisotropy=(spacing,) * 3, black_border=False, parallel=1)
