"""Shape fields: a tooth spec turned into a labelled voxel volume (0 outside, then the tissue labels).

Each part (crown, trunk, roots, pulp chamber, canals) is an approximate signed distance in millimetres,
negative inside; parts are joined with smooth unions so the cervix, the furcation and the chamber have the
rounded forms of a real tooth. Labels come from these fields and a distance transform (for even enamel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from meshes.crown import CrownProfile, Occlusal
from meshes.sdf import distance_inside, ellipse_field, outline_field, smax, smin, stadium_field
from meshes.spec import Root, ToothSpec

__all__ = ["LabelVolume", "build_label_volume", "make_well_composed", "outline_field", "smax", "smin"]

ENAMEL, DENTIN, CROWN_PULP, ROOT_PULP = 1, 2, 3, 4
LABELS = {"enamel": ENAMEL, "dentin": DENTIN, "crown_pulp": CROWN_PULP, "root_pulp": ROOT_PULP}
MIN_WALL_CHAMBER = 0.6  # mm of hard tissue always left around the chamber (estimate)
MIN_DENTIN_OVER_PULP = 0.3  # mm of dentin always left between the chamber and the enamel (estimate)
ORIFICE_FUNNEL = 0.6  # mm: the fillet where canals open into the chamber floor (estimate)
MIN_WALL_CANAL = 0.25  # mm of dentin always left around a canal (estimate)
HORN_RISE = 0.6  # mm: least rise of a pulp horn above the chamber roof (estimate)
# The dentino-enamel junction is read off the distance to the outer surface blurred over this many voxels: the
# distance transform's own voxel ripples made it the dentin's noisiest part after the canals (dentin normal
# noise p95 on 54 6.01 degrees unblurred, 5.93 blurred; 1.4 voxels gained 0.03 more; measured).
DEJ_BLUR_VOXELS = 1.0
APEX_TO_CANAL_END = 0.5  # mm: canals end short of the apex, as a file would (estimate)


@dataclass
class LabelVolume:
    labels: np.ndarray  # uint8, indexed [i, j, k] = (x, y, z)
    canal: np.ndarray  # int8, canal index of each root-pulp voxel, -1 elsewhere
    canal_names: list[str]
    origin: tuple[float, float, float]
    spacing: float
    floor_z: float  # the chamber floor: crown pulp above it, root pulp below
    horn_tips: dict[str, tuple[float, float, float]]  # designed pulp horn tips, local frame
    cusp_tips: dict[str, tuple[float, float, float]]

    def axis(self, n: int) -> np.ndarray:
        return self.origin[n] + self.spacing * np.arange(self.labels.shape[n], dtype=np.float32)


def root_centre(root: Root, a0: float, b0: float, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quadratic Bezier centreline of a root: leaves the trunk, flares to `bend`, turns in to the apex."""
    p0 = np.array([root.start[0] * a0, root.start[1] * b0])
    p1, p2 = np.array(root.bend), np.array(root.apex)
    u = 1 - t
    cx = u * u * p0[0] + 2 * t * u * p1[0] + t * t * p2[0]
    cy = u * u * p0[1] + 2 * t * u * p1[1] + t * t * p2[1]
    return cx, cy


def build_label_volume(spec: ToothSpec, spacing: float) -> LabelVolume:
    profile = CrownProfile(spec)
    occlusal = Occlusal(spec, profile)
    c = spec.crown
    a0, b0 = c["md_cervix"] / 2, c["bl_cervix"] / 2
    margin = 0.5
    sheared = spec.form["rhomboid"] * c["bl"] / 2  # a rhomboid outline's corners reach further
    xs = [-c["md"] / 2 - sheared, c["md"] / 2 + sheared]
    xs += [v for r in spec.roots for v in (r.bend[0], r.apex[0])]
    ys = [-c["bl"] / 2 - c["buccal_ridge"], c["bl"] / 2 + c["buccal_ridge"]]
    ys += [v for r in spec.roots for v in (r.bend[1], r.apex[1])]
    wide = max(max(r.width_bl, r.width_md) for r in spec.roots) / 2
    lo = np.array([min(xs) - wide - margin, min(ys) - wide - margin, -spec.root_length - margin])
    hi = np.array([max(xs) + wide + margin, max(ys) + wide + margin, c["height"] + margin])
    shape = tuple(int(n) for n in np.ceil((hi - lo) / spacing) + 1)
    x = (lo[0] + spacing * np.arange(shape[0], dtype=np.float32))[:, None, None]
    y = (lo[1] + spacing * np.arange(shape[1], dtype=np.float32))[None, :, None]
    z = (lo[2] + spacing * np.arange(shape[2], dtype=np.float32))[None, None, :]
    grid_x, grid_y, grid_z = x, y, z

    def box(lo_xyz, hi_xyz) -> tuple[slice, slice, slice]:
        """Index slices of the grid covering [lo_xyz, hi_xyz]: parts are evaluated in their own box."""
        i0 = np.clip(np.floor((np.asarray(lo_xyz) - lo) / spacing).astype(int), 0, np.array(shape))
        i1 = np.clip(np.ceil((np.asarray(hi_xyz) - lo) / spacing).astype(int) + 1, 0, np.array(shape))
        return tuple(slice(int(a), int(b)) for a, b in zip(i0, i1, strict=True))

    # Crown and root trunk (nothing of them lies below the trunk's fillet).
    tooth = np.full(shape, 10.0, dtype=np.float32)
    sb = box([lo[0], lo[1], -spec.trunk - 1.2], hi)
    xb, yb, zb = x[sb[0]], y[:, sb[1]], z[:, :, sb[2]]
    side = profile.side(xb, yb, zb)
    top = zb - occlusal(xb[:, :, 0], yb[:, :, 0])[:, :, None]
    crown = smax(side, top, 0.4)
    del side, top
    for tubercle in spec.tubercles:
        crown = smin(crown, _tubercle_field(profile, tubercle, xb, yb, zb), 0.4)
    tooth[sb] = smax(crown, (-spec.trunk - zb), 1.0)
    del crown

    # Roots, and the canals inside them, each in the box around its centreline.
    floor_z = -spec.trunk + spec.pulp["floor_above_furcation"]
    z_start = -spec.trunk + 0.8
    canal_min = np.full(shape, np.inf, dtype=np.float32)
    nearest_canal = np.full(shape, -1, dtype=np.int8)
    canal_names: list[str] = []
    for root in spec.roots:
        z_apex = -spec.root_length * root.length
        line = np.column_stack(root_centre(root, a0, b0, np.linspace(0, 1, 50)))
        line = np.vstack([line, 0.55 * line[:1]])  # canals bend in towards the chamber above the root
        reach = np.array([root.width_md, root.width_bl]) / 2 + 1.3  # the fillet reaches ~1.1 mm out
        sr = box([*(line.min(axis=0) - reach), z_apex - 0.3], [*(line.max(axis=0) + reach), z_start + 1.3])
        xr, yr, zr = x[sr[0]], y[:, sr[1]], z[:, :, sr[2]]
        t = np.clip((z_start - zr) / (z_start - z_apex), 0.0, 1.0)
        cx, cy = root_centre(root, a0, b0, t)
        rounding = np.sqrt(np.clip((1 - t) / 0.06, 0.0, 1.0))
        taper = (1 - 0.55 * t) * rounding
        f = ellipse_field(xr, yr, cx, cy, root.width_md / 2 * taper, root.width_bl / 2 * taper)
        f = np.maximum(f, np.maximum(zr - z_start, z_apex - zr))
        tooth[sr] = smin(tooth[sr], f, 1.1)
        z_end = z_apex + APEX_TO_CANAL_END
        x, y, z = xr, yr, zr  # the canal formulas below read the root's box
        for canal in root.canals:
            tc = np.clip((z_start - z) / (z_start - z_end), 0.0, 1.0)
            ccx, ccy = root_centre(root, a0, b0, tc)
            # Above the root the canal bends in to its orifice on the chamber floor.
            inward = 1 - 0.45 * np.clip((z - z_start) / 0.6, 0.0, 1.0)
            ccx, ccy = ccx * inward, ccy * inward
            shrink = 1 - 0.3 * tc
            end_round = np.sqrt(np.clip((1 - tc) / 0.05, 0.0, 1.0))
            rx = np.maximum(canal.width_md / 2 * (1 - canal.taper * tc), 0.15) * end_round
            ry = np.maximum(canal.width_bl / 2 * (1 - 0.6 * tc), 0.15) * end_round
            fc = stadium_field(x, y, ccx + canal.offset[0] * shrink, ccy + canal.offset[1] * shrink, rx, ry)
            fc = np.maximum(fc, np.maximum(z - (floor_z + 0.6), z_end - z))
            closer = fc < canal_min[sr]
            canal_min[sr] = np.where(closer, fc, canal_min[sr])
            nearest_canal[sr] = np.where(closer, len(canal_names), nearest_canal[sr])
            canal_names.append(canal.name)
        x, y, z = grid_x, grid_y, grid_z
    inside = tooth < 0
    depth = distance_inside(inside, spacing)

    thickness = c["enamel_cervix"] + (c["enamel"] - c["enamel_cervix"]) * _smoothstep(
        z / (0.45 * c["height"])
    )
    # Thicker distally than mesially (Arangannal et al. 2013): the spec's share more at the distal surface.
    thickness = thickness * (1.0 - spec.form["enamel_distal"] * np.clip(x / (c["md"] / 2), -1.0, 1.0))
    # Pulp chamber: the crown outline drawn in by the wall, a roof with horns under the cusps, a flat floor.
    p = spec.pulp
    walls = (p["wall_mesial"], p["wall_distal"], p["wall_buccal"], p["wall_lingual"])
    horn_tips: dict[str, tuple[float, float, float]] = {}
    _deepest.clear()
    cusp_tips: dict[str, tuple[float, float, float]] = {}
    for cusp, (cx, cy, tip, _radius) in zip(spec.cusps, occlusal.cusps, strict=True):
        # A horn tip lies on the way from its cusp tip down and inwards, at the first point whose
        # nearest outer surface is `horn_depth` away (the deepest point of that way if none is).
        path = np.linspace([cx, cy, tip], [0.45 * cx, 0.45 * cy, floor_z], 200)
        ijk = np.clip(np.rint((path - lo) / spacing).astype(int), 0, np.array(shape) - 1)
        along = depth[tuple(ijk.T)]
        reached = np.flatnonzero(along >= cusp.horn_depth)
        _deepest[cusp.name] = float(along.max())
        hx, hy, hz = (float(v) for v in path[reached[0] if reached.size else int(np.argmax(along))])
        horn_tips[cusp.name] = (hx, hy, hz)
        cusp_tips[cusp.name] = (cx, cy, tip)
    # The mesiobuccal horn is the highest (ANATOMY.md, micro-CT studies): a horn the geometry put higher is
    # lowered just below it.
    if "mesiobuccal" in horn_tips:
        top = horn_tips["mesiobuccal"][2]
        for name, (hx, hy, hz) in horn_tips.items():
            if name != "mesiobuccal" and hz > top - 0.1:
                horn_tips[name] = (hx, hy, top - 0.1)
    # The roof between the horns: its spec depth, but always low enough for every horn to rise from it.
    lowest_horn = min(h[2] for h in horn_tips.values())
    roof_base = min(occlusal.fossa - spec.pulp["roof_depth"], lowest_horn - HORN_RISE)
    roof_base = max(roof_base, floor_z + 0.3)
    roof = np.full((x.shape[0], y.shape[1]), roof_base, dtype=np.float32)
    for hx, hy, hz in horn_tips.values():
        r2 = ((x[:, :, 0] - hx) ** 2 + (y[:, :, 0] - hy) ** 2) / 0.8**2
        roof = np.maximum(roof, roof_base + max(hz - roof_base, 0.0) * np.exp(-r2))
    # The chamber, in the box above its floor.
    sc = box([lo[0], lo[1], floor_z - 0.2], hi)
    zc = z[:, :, sc[2]]
    chamber_side = profile.side(x, y, zc, walls, spec.form["chamber_mesial"])
    chamber = smax(smax(chamber_side, zc - roof[:, :, None], 0.5), floor_z - zc, 0.4)
    # Canals open into the chamber through funnels: a smooth union above the floor, not a cylinder stuck
    # into a plane. Below the floor (the root pulp) the canal keeps its own width: the orifice is the funnel's
    # narrow end, where the root pulp begins.
    pulp_field = canal_min.copy()
    above_floor = np.broadcast_to(zc >= floor_z, chamber.shape)
    pulp_field[sc] = np.where(above_floor, smin(chamber, canal_min[sc], ORIFICE_FUNNEL), canal_min[sc])
    del chamber, chamber_side
    # Walls: thin ones (the spec's are enamel and dentin together) never let the chamber reach the enamel.
    least = np.full(shape, MIN_WALL_CANAL, dtype=np.float32)
    above = above_floor
    chamber_least = np.maximum(MIN_WALL_CHAMBER, np.broadcast_to(thickness, shape)[sc] + MIN_DENTIN_OVER_PULP)
    least[sc] = np.where(above, chamber_least, MIN_WALL_CANAL)
    pulp = (pulp_field < 0) & (depth > least)
    del pulp_field, least
    zz = np.broadcast_to(z, pulp.shape)
    crown_pulp = _largest_component(pulp & (zz >= floor_z))
    root_pulp = pulp & (zz < floor_z)
    root_pulp = _touching(root_pulp, crown_pulp)

    # Enamel: the crown's voxels within its thickness of the surface (distance blurred: DEJ_BLUR_VOXELS).
    se = box([lo[0], lo[1], 0.0], hi)
    blurred = ndimage.gaussian_filter(depth[se], sigma=DEJ_BLUR_VOXELS)
    enamel = np.zeros(shape, dtype=bool)
    zs = np.broadcast_to(z, shape)[se]
    enamel[se] = inside[se] & (zs > 0) & (blurred < np.broadcast_to(thickness, shape)[se])

    labels = np.zeros(shape, dtype=np.uint8)
    labels[_largest_component(inside)] = DENTIN
    labels[enamel & (labels > 0)] = ENAMEL
    labels[crown_pulp] = CROWN_PULP
    labels[root_pulp] = ROOT_PULP
    make_well_composed(labels)
    canal = np.where(labels == ROOT_PULP, nearest_canal, -1).astype(np.int8)
    return LabelVolume(
        labels=labels,
        canal=canal,
        canal_names=canal_names,
        origin=(float(lo[0]), float(lo[1]), float(lo[2])),
        spacing=spacing,
        floor_z=floor_z,
        horn_tips=horn_tips,
        cusp_tips=cusp_tips,
    )


_deepest: dict[str, float] = {}  # debugging: the deepest point on each horn's path


def _tubercle_field(profile: CrownProfile, tubercle, x, y, z) -> np.ndarray:
    """An ellipsoid half sunk in the lingual surface at (x, z): a supplemental cusp (Carabelli-like)."""
    tx, tz = tubercle.at
    r = tubercle.radius
    lingual = float(profile.half_widths(np.array([tz]))[3][0])
    ty = -(lingual - 0.1 * r)
    rho = np.sqrt(((x - tx) / r) ** 2 + ((y - ty) / (0.75 * r)) ** 2 + ((z - tz) / (1.3 * r)) ** 2)
    return (rho - 1.0) * (0.75 * r)


def _smoothstep(v: np.ndarray) -> np.ndarray:
    v = np.clip(v, 0.0, 1.0)
    return v * v * (3 - 2 * v)


def _largest_component(mask: np.ndarray) -> np.ndarray:
    box = _bounds(mask)
    lab, n = ndimage.label(mask[box])
    if n <= 1:
        return mask
    sizes = ndimage.sum_labels(mask[box], lab, index=np.arange(1, n + 1))
    out = np.zeros_like(mask)
    out[box] = lab == (1 + int(np.argmax(sizes)))
    return out


def _touching(mask: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The components of `mask` that touch `other` (canals cut off from the chamber are dropped)."""
    box = _bounds(mask, margin=1)
    lab, n = ndimage.label(mask[box], structure=np.ones((3, 3, 3)))
    if n == 0:
        return mask
    touched = np.unique(lab[ndimage.binary_dilation(other[box]) & mask[box]])
    out = np.zeros_like(mask)
    out[box] = np.isin(lab, touched[touched > 0])
    return out


def _bounds(mask: np.ndarray, margin: int = 0) -> tuple[slice, ...]:
    """The box around a mask's True voxels (and `margin` more): labelling only there is the same, and less
    work for the small pulp masks."""
    box = []
    for axis in range(3):
        hit = np.flatnonzero(mask.any(axis=tuple(a for a in range(3) if a != axis)))
        lo, hi = (hit[0], hit[-1] + 1) if hit.size else (0, 0)
        box.append(slice(max(lo - margin, 0), min(hi + margin, mask.shape[axis])))
    return tuple(box)


def make_well_composed(labels: np.ndarray, max_rounds: int = 60) -> int:
    """Remove voxel configurations where a label touches itself only along an edge or at a corner.

    SurfaceNets splits such junctions into sheets with open edges. A pinch is first bridged (the label grows
    by one voxel across it); where bridging keeps making new pinches, later rounds cut it instead (the voxel
    goes to its neighbour's label), which always ends. Returns the voxels changed.
    """
    changed = 0
    for round_ in range(max_rounds):
        # Only around the labelled voxels (a view: the fixes land in `labels`): a pinch needs two labels, and
        # the background is most of the grid (the labelled box is 36-46 % of a molar's, measured).
        box = labels[_bounds(labels > 0, margin=2)]
        n = _fix_edge_pinches(box, bridge=round_ < 8) + _fix_corner_pinches(box)
        changed += n
        if n == 0:
            return changed
    raise RuntimeError("label volume did not become well-composed")


def _fix_edge_pinches(labels: np.ndarray, bridge: bool = True) -> int:
    changed = 0
    for ax_a, ax_b in ((0, 1), (0, 2), (1, 2)):

        def view(da: int, db: int, ax_a=ax_a, ax_b=ax_b) -> np.ndarray:
            index = [slice(None)] * 3
            index[ax_a] = slice(da, labels.shape[ax_a] - 1 + da)
            index[ax_b] = slice(db, labels.shape[ax_b] - 1 + db)
            return labels[tuple(index)]

        a, b, c, d = view(0, 0), view(1, 0), view(0, 1), view(1, 1)
        pinch = (a == d) & (b != a) & (c != a)
        changed += int(pinch.sum())
        if bridge:
            b[pinch] = a[pinch]
        else:
            a[pinch] = b[pinch]
        pinch = (b == c) & (a != b) & (d != b)
        changed += int(pinch.sum())
        if bridge:
            a[pinch] = b[pinch]
        else:
            b[pinch] = a[pinch]
    return changed


def _fix_corner_pinches(labels: np.ndarray) -> int:
    """A label on two opposite corners of a 2x2x2 cube with none of the six voxels between them."""
    nx, ny, nz = labels.shape
    changed = 0
    corners = [(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)]
    for p in corners[:4]:
        q = tuple(1 - v for v in p)

        def view(o: tuple[int, ...]) -> np.ndarray:
            return labels[o[0] : nx - 1 + o[0], o[1] : ny - 1 + o[1], o[2] : nz - 1 + o[2]]

        lp, lq = view(p), view(q)
        pinch = lp == lq
        for o in corners:
            if o not in (p, q):
                pinch &= view(o) != lp
        if pinch.any():
            changed += int(pinch.sum())
            # Growing across a corner creeps along diagonal chains; taking the corner voxel away ends them.
            lp[pinch] = view((q[0], p[1], p[2]))[pinch]
    return changed
