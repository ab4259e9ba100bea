"""Tap to a name without a GPU pick: the ray under the finger, cast on the server through the shapes the
browser draws.

vtk.js picks by rendering the whole scene again in several selection passes; in software WebGL (and on a
tired tablet) that took over a second per tap. The browser sends only where the tap was and its camera;
the ray meets the same meshes here (the server made them), each with a cell locator built once.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from vtkmodules.vtkCommonCore import reference
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator

_LOCATORS: OrderedDict[int, tuple[object, vtkStaticCellLocator]] = OrderedDict()
MAX_LOCATORS = 96  # meshes are shared and cached elsewhere; their locators are bounded here


def _vector(value, n: int = 3) -> np.ndarray | None:
    try:
        v = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None
    return v[:n] if v.size >= n and np.isfinite(v[:n]).all() else None


def tap_ray(tap) -> tuple[np.ndarray, np.ndarray] | None:
    """(origin, unit direction) of the ray under a tap, or None for anything malformed.

    ``tap``: ``x``, ``y`` in CSS pixels from the canvas' top left, its ``width`` and ``height``, and the
    browser's ``camera`` (vtk.js: position, focalPoint, viewUp, viewAngle in degrees, vertical).
    """
    if not isinstance(tap, dict) or not isinstance(tap.get("camera"), dict):
        return None
    xy = _vector([tap.get("x"), tap.get("y"), tap.get("width"), tap.get("height")], 4)
    cam = tap["camera"]
    p, f, up = (_vector(cam.get(k)) for k in ("position", "focalPoint", "viewUp"))
    if xy is None or p is None or f is None or up is None or xy[2] < 1 or xy[3] < 1:
        return None
    forward = f - p
    right = np.cross(forward, up)
    if np.linalg.norm(forward) < 1e-9 or np.linalg.norm(right) < 1e-9:
        return None
    forward, right = forward / np.linalg.norm(forward), right / np.linalg.norm(right)
    true_up = np.cross(right, forward)
    x, y, w, h = xy
    nx, ny = 2.0 * x / w - 1.0, 1.0 - 2.0 * y / h  # -1..1 across the picture, y up
    if cam.get("parallelProjection"):
        scale = _vector([cam.get("parallelScale")], 1)
        if scale is None:
            return None
        return p + ny * scale[0] * true_up + nx * scale[0] * (w / h) * right, forward
    angle = _vector([cam.get("viewAngle", 30.0)], 1)
    if angle is None or not 0.0 < angle[0] < 180.0:
        return None
    half = math.tan(math.radians(angle[0]) / 2.0)
    direction = forward + nx * half * (w / h) * right + ny * half * true_up
    return p, direction / np.linalg.norm(direction)


def _locator(mesh) -> vtkStaticCellLocator:
    key = id(mesh)
    hit = _LOCATORS.get(key)
    if hit is not None and hit[0] is mesh:
        _LOCATORS.move_to_end(key)
        return hit[1]
    loc = vtkStaticCellLocator()
    loc.SetDataSet(mesh)
    loc.BuildLocator()
    _LOCATORS[key] = (mesh, loc)  # the mesh kept with it: its id is not reused while cached
    while len(_LOCATORS) > MAX_LOCATORS:
        _LOCATORS.popitem(last=False)
    return loc


def clear_locators() -> None:
    """Let every locator go, and the meshes they keep alive (the teeth let go: ``viewer.shapes.release``)."""
    _LOCATORS.clear()


def first_hit(shapes: Iterable[tuple[str, object, dict | None]], origin, direction,
              reach: float = 1000.0) -> tuple[str, list[float]] | None:
    """The shape the ray meets first and the world point where: ``shapes`` are (id, mesh, actor state);
    only visible, pickable actors count (as in vtk.js), each moved by its actor's position."""
    best: tuple[float, str, list[float]] | None = None
    for name, mesh, actor in shapes:
        actor = actor or {}
        if mesh is None or not mesh.n_cells or not actor.get("visibility", True) \
                or not actor.get("pickable", True):
            continue
        shift = _vector(actor.get("position", (0.0, 0.0, 0.0)))
        shift = np.zeros(3) if shift is None else shift
        a, b = origin - shift, origin - shift + reach * direction
        t, x, pc = reference(0.0), [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
        sub, cell = reference(0), reference(0)
        if _locator(mesh).IntersectWithLine(list(a), list(b), 1e-6, t, x, pc, sub, cell):
            d = float(t) * reach
            if best is None or d < best[0]:
                best = (d, name, [float(c) for c in np.asarray(x) + shift])
    return None if best is None else (best[1], best[2])
