"""The crown's form from its spec: side outlines by height (heights of contour, occlusal convergence) and
the occlusal surface (pointed cusps with triangular ridges, marginal and oblique ridges, grooves, fossae).

Local frame: +x mesial, +y buccal, +z occlusal, the CEJ at z = 0. Everything here is a field or a height in
millimetres; fields.py cuts the labels from them.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import PchipInterpolator

from meshes.sdf import outline_field, smax
from meshes.spec import ToothSpec

TOP_PAD = 1.05  # the side outline at the tip level passes just outside the cusp tips (estimate)
# Share of the convergence from the height of contour to the table done halfway up: a steady curve in, not
# the vertical walls and sudden shoulder of a bare monotone spline (the "tub" of issue 13).
CONVERGE_HALFWAY = 0.4
GROOVE_ROUND = 0.35  # mm: how round the grooves between cusp slopes are (smooth maximum; estimate)
FOSSA_ROUND = 0.5  # mm: the same where the slopes meet the fossa floor (estimate)


class CrownProfile:
    """Half-widths of the crown and root trunk on each side as functions of height.

    Each side is a bell through the cervix (0), its height of contour (widest, the spec's `contour_*`) and the
    occlusal table at the tip level: PCHIP keeps it monotone between, so the widest point is where the spec
    puts it and the walls converge from there to the narrow occlusal table of primary molars.
    """

    def __init__(self, spec: ToothSpec) -> None:
        c, f = spec.crown, spec.form
        h, t = c["height"], spec.trunk
        ridge = c["buccal_ridge"]
        self.height, self.z_range = h, (-t, h)
        self.table_md = c["occlusal_table_md"] * c["md"] / 2  # half-widths of the cusp tips' outline
        self.table_bl = c["occlusal_table_bl"] * c["bl"] / 2
        a0, amax, b0 = c["md_cervix"] / 2, c["md"] / 2, c["bl_cervix"] / 2

        def bell(cervix: float, widest: float, at: float, top: float) -> PchipInterpolator:
            at = float(np.clip(at, 0.12 * h, 0.85 * h))
            halfway = widest - CONVERGE_HALFWAY * (widest - top)
            return PchipInterpolator(
                [-t, 0.0, at, (at + h) / 2, h], [0.93 * cervix, cervix, widest, halfway, top]
            )

        self.mesial = bell(a0, amax, f["contour_mesial"], TOP_PAD * self.table_md)
        self.distal = bell(a0, amax, f["contour_distal"], TOP_PAD * self.table_md)
        self.buccal = bell(b0, c["bl"] / 2 + ridge / 2, f["contour_buccal"], TOP_PAD * self.table_bl)
        self.lingual = bell(b0, c["bl"] / 2 - ridge / 2, f["contour_lingual"], TOP_PAD * self.table_bl)
        self.rhomboid, self.trapezoid = f["rhomboid"], f["trapezoid"]
        # The buccal cervical ridge drawn out at the mesiobuccal (Wheeler's form for the first molars).
        self.ridge, self.ridge_mesial = ridge, c["buccal_ridge_mesial"]

    def half_widths(self, z: np.ndarray) -> tuple[np.ndarray, ...]:
        """Mesial, distal, buccal and lingual half-widths at heights z."""
        zc = np.clip(z, *self.z_range)
        return tuple(f(zc).astype(np.float32) for f in (self.mesial, self.distal, self.buccal, self.lingual))

    def shear(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """x of the unsheared outline: a rhomboid draws out the mesiobuccal and distolingual corners."""
        return x - self.rhomboid * y

    def side(self, x, y, z, inset: tuple[float, float, float, float] = (0, 0, 0, 0), shift: float = 0.0):
        """Field of the crown's sides (or, drawn in by `inset` mm per side and moved `shift` mm mesially, of
        the pulp chamber's)."""
        am, ad, bb, bl = self.half_widths(z[0, 0])
        am, ad, bb, bl = (v[None, None, :] for v in (am, ad, bb, bl))
        bb = bb + self.cervical_ridge(x, z, am)
        widen = 1.0 + self.trapezoid * np.clip(y / bb, -1.0, 1.0)  # a buccal part wider than the lingual
        xs = self.shear(x, y) - shift
        m, d, b, li = inset
        return outline_field(xs, y, (am - m) * widen, bb - b, bl - li, (ad - d) * widen)

    def cervical_ridge(self, x: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Extra buccal bulge of a mesially placed cervical ridge (zero where the spec places none)."""
        along = np.clip(self.ridge_mesial * x / a, 0.0, 1.0)
        near_cervix = np.exp(-(((z - 0.2 * self.height) / (0.18 * self.height)) ** 2))
        return self.ridge * along * near_cervix


class Occlusal:
    """Height of the occlusal surface above (x, y): the smooth maximum of the cusps' cones and the ridges,
    over the fossa floor. A cusp falls `cusp_slope` mm per mm from a tip rounded over its `radius`, more
    gently towards the centre (its triangular ridge reaches `ridge_reach` times as far); grooves are where two
    slopes meet, fossae where they meet the floor."""

    def __init__(self, spec: ToothSpec, profile: CrownProfile) -> None:
        c, f = spec.crown, spec.form
        self.height = c["height"]
        self.fossa = c["height"] - c["fossa_depth"]
        tips = {}
        for cu in spec.cusps:
            x, y = cu.at[0] * profile.table_md, cu.at[1] * profile.table_bl
            tips[cu.name] = (x + profile.rhomboid * y, y, c["height"] - cu.drop)
        self.cusps = [(*tips[cu.name], cu.radius) for cu in spec.cusps]
        self.slope, self.reach = f["cusp_slope"], f["ridge_reach"]
        self.ridges = []  # straight crests (start, end) with their heights, two per ridge
        for r in spec.ridges:
            (px, py, ptip), (qx, qy, qtip) = tips[r.ends[0]], tips[r.ends[1]]
            my = r.middle[1] * profile.table_bl
            mid = (r.middle[0] * profile.table_md + profile.rhomboid * my, my, (ptip + qtip) / 2 - r.drop)
            self.ridges += [((px, py, ptip), mid), (mid, (qx, qy, qtip))]
        self.centre = np.mean([t[:2] for t in tips.values()], axis=0)

    def _fall(self, d: np.ndarray, round_: float) -> np.ndarray:
        return self.slope * (np.sqrt(d * d + round_ * round_) - round_)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = np.broadcast_arrays(x, y)
        h = np.full(x.shape, self.fossa, dtype=np.float32)
        slopes = []
        for cx, cy, tip, radius in self.cusps:
            inward = self.centre - (cx, cy)
            inward = inward / max(float(np.hypot(*inward)), 1e-6)
            u = (x - cx) * inward[0] + (y - cy) * inward[1]
            v = -(x - cx) * inward[1] + (y - cy) * inward[0]
            u = np.where(u > 0, u / self.reach, u)
            slopes.append(tip - self._fall(np.hypot(u, v), radius))
        for (px, py, ptip), (qx, qy, qtip) in self.ridges:
            seg = np.array([qx - px, qy - py])
            t = np.clip(((x - px) * seg[0] + (y - py) * seg[1]) / max(float(seg @ seg), 1e-6), 0.0, 1.0)
            d = np.hypot(x - (px + t * seg[0]), y - (py + t * seg[1]))
            slopes.append(ptip + (qtip - ptip) * t - self._fall(d, 0.4))
        top = slopes[0]
        for s in slopes[1:]:
            top = smax(top, s, GROOVE_ROUND)
        return smax(top, h, FOSSA_ROUND).astype(np.float32)
