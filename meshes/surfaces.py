"""Region surfaces from a label volume with SurfaceNets: one closed surface per tissue, shared boundaries.

SurfaceNets gives every face once, with the labels on its two sides. A region's closed surface is every face
that has the region on either side; where the region is the second label the face points into it and is
flipped, so each region is consistently oriented outwards and neighbours share the very same vertices.
"""

from __future__ import annotations

import numpy as np
import pyfqmr
import pyvista as pv

from meshes.fields import LABELS, LabelVolume
from meshes.smoothness import vertex_normals

# SurfaceNets' own smoothing shrinks thin canals (root pulp -6 % at 0.3 voxel, measured); a windowed-sinc
# (Taubin) pass over the staircase flattens the voxel terraces. At 30 iterations and a pass band of 0.07 they
# still showed (normal noise p95 9-14 degrees): enough for the procedure parts and the successor.
SMOOTHING_ITERATIONS = 30
SMOOTHING_PASS_BAND = 0.07
# The tissues get a firmer pass: 60 and 0.01 bring the crown to 3-6 degrees (measured; 100 or 150 iterations
# gain under a degree), but thin canals shrink (root pulp -12 %): restore_volume pushes them back out.
FIRM_ITERATIONS = 60
FIRM_PASS_BAND = 0.01
# The pulp's walls start from SurfaceNets' own constrained smoothing (NETS_ROUNDS rounds, no vertex moving
# more than NETS_DISTANCE voxels), which relaxes the voxel staircase of canals three to four voxels across
# where it is built, and get INNER_ITERATIONS. Normal noise p95 on 54 / 55 / 84 / 85, degrees (measured):
# root pulp 11.7 / 11.5 / 10.2 / 10.0 with the plain pass, 9.8 / 9.8 / 8.1 / 9.3 so; crown pulp 6.5 / 4.1 /
# 5.6 / 6.4, then 5.9 / 3.0 / 4.4 / 5.1. 16 rounds or 0.5 voxel left 54's root pulp over 10, 0.7 voxel made
# 84's and 85's noisier, 60 or 70 iterations left 54's crown pulp over 6. The crown keeps the plain pass:
# relaxed, 85's small distal cusp stood 0.03 mm lower (tests/test_crown_form.py counts it).
INNER_ITERATIONS = 80
NETS_ROUNDS = 8
NETS_DISTANCE = 0.6
VOLUME_ROUNDS = 3  # offset passes that give a smoothed region back its voxel volume
TAPER_RINGS = 6  # edges over which that offset fades in from a junction
# The browser's copies: the rims between interfaces are thinned before each interface is decimated with its
# rim pinned (thin_rims): a rim whose interfaces keep `share` of their faces gets log(1 / share) /
# log(RIM_STEP) rounds, at most RIM_ROUNDS (more take almost nothing: their collapses would fold). Measured
# on the browser copies (normal noise p95, unthinned -> thinned): enamel 17.7 -> 11.8 degrees on 85, crown
# pulp 13.4 -> 12.2 on 54; a step of 1.3 or 2.2 did no better.
RIM_ROUNDS = 4
RIM_STEP = 1.6


def label_image(volume: LabelVolume, labels: np.ndarray | None = None) -> pv.ImageData:
    labels = volume.labels if labels is None else labels
    image = pv.ImageData(dimensions=labels.shape, spacing=(volume.spacing,) * 3, origin=volume.origin)
    image.point_data["labels"] = labels.ravel(order="F")
    return image


def region_surfaces(
    volume: LabelVolume, labels: np.ndarray | None = None, names: dict[str, int] = LABELS
) -> dict[str, pv.PolyData]:
    """Closed, outward-oriented triangle surfaces of every labelled region, keyed by region name.

    `labels` and `names` default to the tissues of `volume`; the procedures pass their own label map.
    """
    return split_regions(*labelled_surface(volume, labels), names)


def labelled_surface(
    volume: LabelVolume, labels: np.ndarray | None = None, restore: tuple[int, ...] = (), firm: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every boundary face once (points, faces, the two labels on its sides), smoothed (`firm`: the
    tissues' firmer pass); the regions in `restore` are given back their voxel volume (restore_volume).

    With `firm`, the walls of the regions in `restore` (the pulp: enclosed by the dentin, so they share no
    vertex with the crown's and roots' surfaces) are made from SurfaceNets' relaxed surface and get the
    longer pass (INNER_ITERATIONS); the rest keeps the plain one, so the crown's shape does not change.
    """
    image = label_image(volume, labels)
    nets = image.contour_labels("all", output_mesh_type="triangles", smoothing=False)
    points, faces = np.asarray(nets.points, dtype=np.float64), nets.regular_faces
    sides = np.asarray(nets.cell_data["boundary_labels"]).astype(int)
    iterations, pass_band = (
        (FIRM_ITERATIONS, FIRM_PASS_BAND) if firm else (SMOOTHING_ITERATIONS, SMOOTHING_PASS_BAND)
    )
    inner = np.isin(sides, restore).any(axis=1)
    if firm and inner.any() and not np.intersect1d(faces[inner], faces[~inner]).size:
        # Two groups with no vertex in common: each smoothed on its own, they stay glued within.
        relaxed = image.contour_labels(
            "all",
            output_mesh_type="triangles",
            smoothing_iterations=NETS_ROUNDS,
            smoothing_distance=NETS_DISTANCE * volume.spacing,
        )
        relaxed_sides = np.asarray(relaxed.cell_data["boundary_labels"]).astype(int)
        walls = np.isin(relaxed_sides, restore).any(axis=1)
        outer_points, outer_faces = _compact_arrays(points, faces[~inner])
        inner_points, inner_faces = _compact_arrays(
            np.asarray(relaxed.points, np.float64), relaxed.regular_faces[walls]
        )
        points = np.concatenate(
            [
                _taubin(outer_points, outer_faces, iterations, pass_band),
                _taubin(inner_points, inner_faces, INNER_ITERATIONS, pass_band),
            ]
        )
        faces = np.concatenate([outer_faces, inner_faces + len(outer_points)])
        sides = np.concatenate([sides[~inner], relaxed_sides[walls]])
    else:
        # One pass over all regions at once moves each shared vertex once: neighbours stay glued together.
        points = _taubin(points, faces, iterations, pass_band)
    grid = volume.labels if labels is None else labels
    for label in restore:
        target = int((grid == label).sum()) * volume.spacing**3
        points = restore_volume(points, faces, sides, label, target)
    return points.astype(np.float32), faces, sides


def _taubin(points: np.ndarray, faces: np.ndarray, iterations: int, pass_band: float) -> np.ndarray:
    """Windowed-sinc smoothing of a labelled surface, junctions (edges of three or more faces) included."""
    mesh = pv.PolyData.from_regular_faces(points, faces.astype(np.int64))
    smooth = mesh.smooth_taubin(
        n_iter=iterations, pass_band=pass_band, non_manifold_smoothing=True, normalize_coordinates=True
    )
    return np.asarray(smooth.points, dtype=np.float64)


def _compact_arrays(points: np.ndarray, tri: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    used, inverse = np.unique(tri, return_inverse=True)
    return points[used], inverse.reshape(-1, 3)


def restore_volume(
    points: np.ndarray, faces: np.ndarray, sides: np.ndarray, label: int, target_mm3: float
) -> np.ndarray:
    """Push the walls of region `label` along their normals until it encloses `target_mm3` again.

    Only vertices on no other interface than the region's own walls move: junctions (its rim on other
    regions) stay put, so the offset never tears a shared boundary. The offset fades in over the first
    TAPER_RINGS rings from a junction: a full step next to a pinned rim is a crease (measured: it kept the
    pulp's normal noise up where the chamber floor meets the walls).
    """
    own = np.any(sides == label, axis=1)
    moving = np.ones(len(points), dtype=bool)
    moving[faces[~own].ravel()] = False
    moving[np.setdiff1d(np.arange(len(points)), faces[own].ravel())] = False
    tri = np.concatenate([faces[own & (sides[:, 0] == label)], faces[own & (sides[:, 1] == label)][:, ::-1]])
    weight = _fade_from(~moving, tri, TAPER_RINGS)
    points = points.copy()
    for _ in range(VOLUME_ROUNDS):
        p0, p1, p2 = points[tri[:, 0]], points[tri[:, 1]], points[tri[:, 2]]
        cross = np.cross(p1 - p0, p2 - p0)
        volume = float(np.einsum("ij,ij->", p0, cross)) / 6.0  # divergence theorem, signed
        # The volume one millimetre of offset adds: each face's area times its corners' mean weight.
        area = 0.5 * float(np.linalg.norm(cross, axis=1) @ weight[tri].mean(axis=1))
        if area == 0:
            break
        sign = 1.0 if volume > 0 else -1.0
        normals = sign * vertex_normals(points, tri)
        points += ((target_mm3 - abs(volume)) / area) * weight[:, None] * normals
    return points


def _fade_from(fixed: np.ndarray, tri: np.ndarray, rings: int) -> np.ndarray:
    """Per vertex: 0 on `fixed`, rising smoothly to 1 at `rings` edges away from it (1 beyond)."""
    weight = np.ones(len(fixed))
    reached = fixed.copy()
    weight[fixed] = 0.0
    for ring in range(1, rings):
        front = np.zeros(len(fixed), dtype=bool)
        front[tri[reached[tri].any(axis=1)].ravel()] = True
        front &= ~reached
        weight[front] = ring / rings
        reached |= front
    return weight * weight * (3 - 2 * weight)


def split_regions(
    points: np.ndarray, faces: np.ndarray, sides: np.ndarray, names: dict[str, int]
) -> dict[str, pv.PolyData]:
    regions = {}
    for name, label in names.items():
        first, second = sides[:, 0] == label, sides[:, 1] == label
        tri = np.concatenate([faces[first], faces[second][:, ::-1]])
        regions[name] = _compact(points, tri)
    # SurfaceNets orients faces from the first label to the second; make every region point outwards.
    for name, mesh in regions.items():
        if mesh.n_cells and mesh.volume < 0:
            regions[name] = _compact(np.asarray(mesh.points), mesh.regular_faces[:, ::-1])
    return regions


def display_regions(
    points: np.ndarray, faces: np.ndarray, sides: np.ndarray, names: dict[str, int], keep: dict[int, float]
) -> dict[str, pv.PolyData]:
    """Lighter region surfaces for the browser, still without cracks between neighbours.

    Each interface (the faces between one pair of labels) is decimated on its own with its rim pinned, so
    the neighbours that share it keep sharing its border exactly; `keep` is the fraction of faces an
    interface touching a label keeps (the largest wins: the canals' walls keep more). A decimated
    interface may fold a few edges: fine to draw, so volumes and closedness always come from the full
    surfaces.
    """
    faces, sides = thin_rims(points, faces, sides, keep)
    parts_points, parts_faces, parts_sides, offset = [], [], [], 0
    # The faces grouped by their label pair, in their own order (one sort of integer codes: a sort of the
    # pairs as rows cost as much as the decimation, measured).
    code = sides[:, 0].astype(np.int64) * 256 + sides[:, 1]
    order = np.argsort(code, kind="stable")
    _, starts = np.unique(code[order], return_index=True)
    for group in np.split(order, starts[1:]):
        pair = sides[group[0]]
        patch = _compact(points, faces[group])
        fraction = max((keep[int(label)] for label in pair if int(label) in keep), default=1.0)
        patch_points, tri = np.asarray(patch.points, dtype=np.float32), patch.regular_faces
        if fraction < 1.0 and len(tri) > 500:
            patch_points, tri = decimate(patch_points, tri, fraction)
        parts_points.append(patch_points)
        parts_faces.append(tri + offset)
        parts_sides.append(np.repeat(pair[None], len(tri), axis=0))
        offset += len(patch_points)
    # Pinned rims keep their exact coordinates: merging equal points stitches the interfaces together again.
    merged, inverse = np.unique(np.concatenate(parts_points), axis=0, return_inverse=True)
    faces_all = inverse.ravel()[np.concatenate(parts_faces)]
    return split_regions(merged, faces_all, np.concatenate(parts_sides), names)


def thin_rims(
    points: np.ndarray, faces: np.ndarray, sides: np.ndarray, keep: dict[int, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Fewer vertices on the rims where interfaces meet: each round collapses some rim vertices onto a
    neighbour along the rim, in every interface at once, so neighbours still share the rim exactly.

    The decimation pins each interface's rim, so an unthinned rim keeps the full surface's vertex spacing
    next to triangles three times as long: a band of slivers whose normals turn sharply (the enamel's
    cervical edge held its normal noise p95 at 17-18 degrees in the browser, measured). A rim vertex goes
    when its (fixed, pseudo-random) priority is below both its rim neighbours' (so no two neighbours go in
    one round); one whose collapse would fold a triangle stays. Returns the faces and their label pairs.
    """
    faces = faces.astype(np.int64)
    n = len(points)
    pair = sides[:, 0].astype(np.int64) * 256 + sides[:, 1]
    # Only the faces at the rims change: the vertices on faces of more than one label pair, and their faces.
    lo, hi = np.full(n, np.iinfo(np.int64).max), np.full(n, -1)
    np.minimum.at(lo, faces.ravel(), np.repeat(pair, 3))
    np.maximum.at(hi, faces.ravel(), np.repeat(pair, 3))
    near = np.flatnonzero(lo[faces].min(axis=1) != hi[faces].max(axis=1))
    # Rounds per rim vertex from the share of faces its interfaces keep (the largest, as display_regions
    # decimates): a rim as dense as the decimated triangles beside it, no denser and no coarser.
    share = np.ones(n)
    for label, fraction in keep.items():
        touching = faces[(sides == label).any(axis=1)].ravel()
        share[touching] = np.where(share[touching] == 1.0, fraction, np.maximum(share[touching], fraction))
    rounds = np.clip(np.rint(-np.log(share) / np.log(RIM_STEP)), 0, RIM_ROUNDS).astype(int)
    local = faces[near]
    # Rim edges: edges of those faces with faces of two label pairs on them.
    edges = np.concatenate([local[:, [0, 1]], local[:, [1, 2]], local[:, [2, 0]]])
    key = edges.min(axis=1) * n + edges.max(axis=1)
    order = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[order], return_index=True)
    pairs = np.tile(pair[near], 3)[order]
    rim = keys[np.minimum.reduceat(pairs, starts) != np.maximum.reduceat(pairs, starts)]
    a, b = rim // n, rim % n
    priority = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
    target = np.arange(n)
    for round_ in range(RIM_ROUNDS):
        degree = np.bincount(np.concatenate([a, b]), minlength=n)
        lowest = np.full(n, np.iinfo(np.uint64).max, dtype=np.uint64)
        np.minimum.at(lowest, a, priority[b])
        np.minimum.at(lowest, b, priority[a])
        step = np.arange(n)
        step[b] = a
        step[a] = b  # any rim neighbour will do: none of them goes this round
        drop = (degree == 2) & (priority < lowest) & (rounds > round_)
        step = np.where(drop, step, np.arange(n))
        moved = step[local]
        # A collapse that turns a remaining triangle by more than 60 degrees is a fold: that vertex stays.
        before, after = _face_normals(points, local), _face_normals(points, moved)
        turned = np.einsum("ij,ij->i", before, after) < 0.5 * np.linalg.norm(before, axis=1) * np.linalg.norm(
            after, axis=1
        )
        fold = np.any(moved != local, axis=1) & ~_degenerate(moved) & turned
        stay = local[fold].ravel()
        step[stay] = stay
        moved = step[local]
        local = moved[~_degenerate(moved)]
        a, b = step[a], step[b]
        a, b = a[a != b], b[a != b]
        target = step[target]
    new = target[faces]
    kept = ~_degenerate(new)
    return new[kept], sides[kept]


def _degenerate(tri: np.ndarray) -> np.ndarray:
    return (tri[:, 0] == tri[:, 1]) | (tri[:, 1] == tri[:, 2]) | (tri[:, 2] == tri[:, 0])


def _face_normals(points: np.ndarray, tri: np.ndarray) -> np.ndarray:
    p0 = points[tri[:, 0]].astype(np.float64)
    return np.cross(points[tri[:, 1]] - p0, points[tri[:, 2]] - p0)


def decimate(points: np.ndarray, tri: np.ndarray, keep: float) -> tuple[np.ndarray, np.ndarray]:
    """`keep` of the faces by quadric edge collapse, the open border untouched (its points exactly kept).

    pyfqmr's fast quadric simplification: the same face count as VTK's decimate_pro in a third of its time
    (measured on a second molar's interfaces), and no worse a surface (tests/test_crown_form.py).
    """
    simplifier = pyfqmr.Simplify()
    simplifier.setMesh(points.astype(np.float64), tri.astype(np.int32))
    simplifier.simplify_mesh(
        target_count=int(keep * len(tri)), aggressiveness=7, preserve_border=True, verbose=False
    )
    kept_points, kept_tri, _ = simplifier.getMesh()
    return kept_points.astype(np.float32), kept_tri.astype(np.int64)


def _compact(points: np.ndarray, tri: np.ndarray) -> pv.PolyData:
    used, inverse = np.unique(tri, return_inverse=True)
    return pv.PolyData.from_regular_faces(points[used], inverse.reshape(-1, 3).astype(np.int64))


def is_closed_manifold(mesh: pv.PolyData) -> bool:
    """Every edge is shared by exactly two faces, in opposite directions (closed, manifold, oriented)."""
    tri = mesh.regular_faces
    edges = np.concatenate([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]])
    directed, counts = np.unique(edges, axis=0, return_counts=True)
    if np.any(counts != 1):
        return False
    undirected, ucounts = np.unique(np.sort(edges, axis=1), axis=0, return_counts=True)
    return bool(np.all(ucounts == 2)) and len(directed) == 2 * len(undirected)
