"""Pictures of one molar at two ages and in two variants (issue 14), rendered offscreen for the README.

    .venv/bin/python docs/render_age.py     # docs/img/age-85.png and docs/img/variants-85.png

Age: 85 cut mesiodistally through its buccal canals at 4 and at 8 years, the successor premolar in its crypt
below. Variants: 85 with three and with four canals, seen from distal through translucent enamel and dentin.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyvista as pv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_teeth import BACKGROUND, OUT, _add_tissues, _centre, _frame, _sections  # noqa: E402

from meshes import REGIONS, load_tooth  # noqa: E402

SUCCESSOR_COLOUR = "#9fc5e8"


def _surfaces(model) -> dict[str, pv.PolyData]:
    surfaces = {}
    for region in REGIONS:
        mesh = model.local.mesh(region)
        if region == "root_pulp":
            mesh.point_data["canal"] = np.asarray(model.local.canal)
        surfaces[region] = mesh
    return surfaces


def render_ages(path: Path, code: str = "85", ages: tuple[float, ...] = (4.0, 8.0)) -> None:
    plotter = pv.Plotter(off_screen=True, shape=(1, len(ages)), window_size=(1000, 560), border=False)
    plotter.set_background(BACKGROUND)
    reference = _surfaces(load_tooth(code))
    centre, size = _centre(reference)
    _, origin, normal = _sections(load_tooth(code), reference)[0]
    for column, age in enumerate(ages):
        plotter.subplot(0, column)
        model = load_tooth(code, age=age)
        surfaces = _surfaces(model)
        clipped = {
            r: m.clip_closed_surface(normal=tuple(-normal), origin=tuple(origin)) for r, m in surfaces.items()
        }
        _add_tissues(plotter, clipped)
        bud = model.local.successor_points["successor"], model.local.successor_faces["successor"]
        premolar = pv.PolyData.from_regular_faces(bud[0], bud[1].astype(np.int64))
        plotter.add_mesh(premolar, color=SUCCESSOR_COLOUR, opacity=0.55, smooth_shading=True)
        _frame(
            plotter,
            centre + (origin - centre) * np.array([1, 1, 0]) - [0, 0, 3.0],
            normal,
            (0, 0, 1),
            2.9 * size,
        )
        r = model.roots
        plotter.add_text(
            f"{code} at {age:g} years\nmesial root {r['mesial']['length_mm']:.1f} mm, "
            f"distal {r['distal']['length_mm']:.1f} mm\n{100 * model.resorbed_fraction:.0f} % resorbed",
            position="upper_edge",
            font_size=9,
            color="white",
        )
    plotter.screenshot(str(path))
    plotter.close()


def render_variants(
    path: Path, code: str = "85", variants: tuple[str, ...] = ("three-canals", "four-canals")
) -> None:
    from meshes.variants import variant_list

    listed = {v["id"]: v for v in variant_list(load_tooth(code).tooth.kind)}
    plotter = pv.Plotter(off_screen=True, shape=(1, len(variants)), window_size=(1000, 560), border=False)
    plotter.set_background(BACKGROUND)
    for column, vid in enumerate(variants):
        plotter.subplot(0, column)
        model = load_tooth(code, variant=vid)
        surfaces = _surfaces(model)
        centre, size = _centre(surfaces)
        for region in ("enamel", "dentin"):
            plotter.add_mesh(surfaces[region], color="#e3c48f", opacity=0.18, smooth_shading=True)
        _add_tissues(plotter, {r: surfaces[r] for r in ("crown_pulp", "root_pulp")})
        _frame(plotter, centre, np.array([-1.0, 0.25, 0.15]), (0, 0, 1), 2.0 * size)
        v = listed[vid]
        plotter.add_text(
            f"{v['canals']} canals: {v['prevalence_percent']:g} % of {v['teeth']} teeth",
            position="upper_edge",
            font_size=10,
            color="white",
        )
    plotter.screenshot(str(path))
    plotter.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, render in (("age-85.png", render_ages), ("variants-85.png", render_variants)):
        render(OUT / name)
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
