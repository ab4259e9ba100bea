"""Render the four primary molar kinds offscreen (pictures for the README).

    .venv/bin/python docs/render_teeth.py   # docs/img/molar-85.png, -84, -55, -54, crowns.png, overview.png

Everything is drawn in each tooth's local frame (+x mesial, +y buccal, +z occlusal; the anatomy engine's own
frame), mandibular crowns up and maxillary crowns down, as they sit in the mouth.

- ``molar-<FDI>.png``: the whole tooth from the same five views for every molar (buccal, lingual, mesial,
  distal, occlusal), then a buccolingual section through the mesial root(s) so the pulp shows;
- ``crowns.png``: the four crowns side by side, one row per molar, the same five views, close up: what tells
  the molars apart;
- ``overview.png``: the four molars cut open through their canals.

Every tissue is a closed surface clipped with ``clip_closed_surface``, so each cut face is capped in the
tissue's colour: enamel, dentin, crown pulp, root pulp.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyvista as pv

from meshes import REGIONS, load_tooth

OUT = Path(__file__).resolve().parent / "img"
TEETH = ("85", "84", "55", "54")  # one of each kind: mandibular second and first, maxillary second and first
COLOURS = {"enamel": "#f3eee0", "dentin": "#e3c48f", "crown_pulp": "#d8323f", "root_pulp": "#9c1f45"}
LABELS = {"enamel": "enamel", "dentin": "dentin", "crown_pulp": "crown pulp", "root_pulp": "root pulp"}
BACKGROUND = "#2b2f36"


def _surfaces(code: str) -> tuple[object, dict[str, pv.PolyData]]:
    model = load_tooth(code)
    surfaces = {}
    for region in REGIONS:
        mesh = model.local.mesh(region)
        if region == "root_pulp":
            mesh.point_data["canal"] = np.asarray(model.local.canal)
        surfaces[region] = mesh
    return model, surfaces


def _canal_points(model, surfaces: dict[str, pv.PolyData], names: tuple[str, ...]) -> np.ndarray:
    canal = np.asarray(surfaces["root_pulp"].point_data["canal"])
    wanted = [i for i, n in enumerate(model.canal_names) if n.replace(" canal", "") in names]
    return np.asarray(surfaces["root_pulp"].points)[np.isin(canal, wanted)]


def _vertical_plane(points: np.ndarray, fallback_normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vertical plane (normal in xy) that best fits the points: their centroid, and a unit normal."""
    centre = points.mean(axis=0)
    xy = points[:, :2] - centre[:2]
    _, _, vt = np.linalg.svd(xy, full_matrices=False)
    normal = np.array([vt[1, 0], vt[1, 1], 0.0])
    if normal @ fallback_normal < 0:
        normal = -normal
    return centre, normal / np.linalg.norm(normal)


def _best_plane(points: np.ndarray, fallback_normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The plane that best fits the points in 3D (it follows a tilted root along its length)."""
    centre = points.mean(axis=0)
    _, _, vt = np.linalg.svd(points - centre, full_matrices=False)
    normal = vt[2]
    if normal @ fallback_normal < 0:
        normal = -normal
    return centre, normal / np.linalg.norm(normal)


def _sections(model, surfaces) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(caption, origin, normal) of the two cuts; the normal points at the viewer (that half is removed)."""
    if model.tooth.arch == "mandibular":
        buccal = tuple(
            n.replace(" canal", "") for n in model.canal_names if "buccal" in n or n == "distal canal"
        )
        md = _canal_points(model, surfaces, buccal)
        bl = _canal_points(model, surfaces, ("mesiobuccal", "mesiolingual"))
        bl_caption = "section along the mesial root (2 canals)"
    else:
        md = _canal_points(model, surfaces, ("mesiobuccal", "distobuccal"))
        bl = _canal_points(model, surfaces, ("mesiobuccal", "palatal"))
        bl_caption = "section through MB and palatal roots"
    o1, n1 = _vertical_plane(md, np.array([0.0, 1.0, 0.0]))
    o2, n2 = _best_plane(bl, np.array([1.0, 0.0, 0.0]))
    return [("mesiodistal section, buccal canals", o1, n1), (bl_caption, o2, n2)]


def _up(model) -> tuple[float, float, float]:
    return (0.0, 0.0, 1.0) if model.tooth.arch == "mandibular" else (0.0, 0.0, -1.0)


def _add_tissues(plotter: pv.Plotter, meshes: dict[str, pv.PolyData]) -> None:
    for region, mesh in meshes.items():
        if mesh.n_cells == 0:
            continue
        specular = 0.35 if region == "enamel" else 0.15
        # Split normals at sharp edges: the flat caps of a cut stay flat, the rounded surfaces stay smooth.
        mesh = mesh.compute_normals(split_vertices=True, feature_angle=50.0, auto_orient_normals=False)
        plotter.add_mesh(
            mesh,
            color=COLOURS[region],
            smooth_shading=True,
            specular=specular,
            specular_power=20,
            ambient=0.2,
        )


def _frame(plotter: pv.Plotter, centre: np.ndarray, direction: np.ndarray, up, distance: float) -> None:
    direction = direction / np.linalg.norm(direction)
    plotter.camera_position = [tuple(centre + distance * direction), tuple(centre), up]
    plotter.camera.view_angle = 30.0


def _centre(surfaces: dict[str, pv.PolyData]) -> np.ndarray:
    lo = np.min([np.asarray(m.bounds).reshape(3, 2)[:, 0] for m in surfaces.values()], axis=0)
    hi = np.max([np.asarray(m.bounds).reshape(3, 2)[:, 1] for m in surfaces.values()], axis=0)
    return (lo + hi) / 2, float(np.linalg.norm(hi - lo))


VIEWS = ("buccal", "lingual", "mesial", "distal", "occlusal")


def _view_direction(model, view: str) -> tuple[np.ndarray, tuple[float, float, float]]:
    """Where the camera sits (a unit direction from the tooth, local frame) and which way is up on screen."""
    if view == "occlusal":  # +z is occlusal in every tooth's local frame; buccal at the top, mesial right
        return np.array([0.0, 0.0, 1.0]), (0.0, 1.0, 0.0)
    direction = {"buccal": (0, 1, 0), "lingual": (0, -1, 0), "mesial": (1, 0, 0), "distal": (-1, 0, 0)}[view]
    return np.array(direction, dtype=float), _up(model)


def draw_views(plotter: pv.Plotter, code: str, row: int, crown_only: bool, captions: bool = True):
    """The five views of one tooth (whole, or its crown close up) in a row of subplots."""
    model, surfaces = _surfaces(code)
    centre, size = _centre(surfaces)
    if crown_only:
        enamel = np.asarray(surfaces["enamel"].points)
        centre = (enamel.min(axis=0) + enamel.max(axis=0)) / 2
        size = float(np.linalg.norm(np.ptp(enamel, axis=0)))
    for column, view in enumerate(VIEWS):
        plotter.subplot(row, column)
        _add_tissues(plotter, {r: surfaces[r] for r in ("enamel", "dentin")})
        direction, up = _view_direction(model, view)
        _frame(plotter, centre, direction, up, (2.2 if crown_only else 1.9) * size)
        if captions:
            plotter.add_text(view, position="lower_edge", font_size=8, color="#e8e8e8")
    return model


def render_tooth(code: str, path: Path) -> None:
    """Five views of the whole tooth and a section through the mesial root(s)."""
    plotter = pv.Plotter(off_screen=True, shape=(1, 6), window_size=(1680, 420), border=False)
    plotter.set_background(BACKGROUND)
    model = draw_views(plotter, code, 0, crown_only=False)
    plotter.subplot(0, 5)
    _, surfaces = _surfaces(code)
    centre, size = _centre(surfaces)
    _, origin, normal = _sections(model, surfaces)[1]
    clipped = {
        r: m.clip_closed_surface(normal=tuple(-normal), origin=tuple(origin)) for r, m in surfaces.items()
    }
    _add_tissues(plotter, clipped)
    tilt = 0.12 if model.tooth.arch == "mandibular" else -0.12
    _frame(
        plotter,
        centre + (origin - centre) * np.array([1, 1, 0]),
        normal + [0, 0, tilt],
        _up(model),
        1.9 * size,
    )
    short = "cut: mesial root" if model.tooth.arch == "mandibular" else "cut: MB, palatal"
    plotter.add_text(short, position="lower_edge", font_size=8, color="#e8e8e8")
    plotter.subplot(0, 0)
    plotter.add_text(
        f"{code} ({model.tooth.universal}) {model.tooth.name}",
        position="upper_left",
        font_size=9,
        color="white",
    )
    plotter.subplot(0, 5)
    plotter.add_legend(
        [(LABELS[r], COLOURS[r]) for r in REGIONS],
        bcolor=BACKGROUND,
        border=False,
        size=(0.45, 0.22),
        loc="upper left",
        face="rectangle",
    )
    plotter.screenshot(str(path))
    plotter.close()


def render_crowns(path: Path) -> None:
    """The four crowns close up, one row each, the same five views."""
    plotter = pv.Plotter(off_screen=True, shape=(len(TEETH), 5), window_size=(1500, 1200), border=False)
    plotter.set_background(BACKGROUND)
    for row, code in enumerate(TEETH):
        model = draw_views(plotter, code, row, crown_only=True, captions=row == len(TEETH) - 1)
        plotter.subplot(row, 0)
        jaw = "upper" if model.tooth.arch == "maxillary" else "lower"
        plotter.add_text(
            f"{code}: {jaw} {model.tooth.order} molar", position="upper_left", font_size=9, color="white"
        )
    plotter.screenshot(str(path))
    plotter.close()


def render_overview(path: Path) -> None:
    """All four molars side by side, cut open through their canals."""
    plotter = pv.Plotter(off_screen=True, shape=(1, 4), window_size=(1400, 500), border=False)
    plotter.set_background(BACKGROUND)
    for column, code in enumerate(TEETH):
        plotter.subplot(0, column)
        model, surfaces = _surfaces(code)
        centre, size = _centre(surfaces)
        # Mandibular: mesiodistal through the buccal canals; maxillary: through the MB and palatal roots (a
        # mesiodistal cut through the buccal roots misses most of a maxillary molar's chamber).
        title, origin, normal = _sections(model, surfaces)[0 if model.tooth.arch == "mandibular" else 1]
        clipped = {
            r: m.clip_closed_surface(normal=tuple(-normal), origin=tuple(origin)) for r, m in surfaces.items()
        }
        _add_tissues(plotter, clipped)
        tilt = 0.12 if model.tooth.arch == "mandibular" else -0.12
        _frame(
            plotter,
            centre + (origin - centre) * np.array([1, 1, 0]),
            normal + [0, 0, tilt],
            _up(model),
            2.6 * size,  # room for the flaring roots in a narrow panel
        )
        jaw = "upper" if model.tooth.arch == "maxillary" else "lower"
        plotter.add_text(
            f"{code}: {jaw} {model.tooth.order} molar", position="upper_edge", font_size=10, color="white"
        )
    plotter.subplot(0, 0)
    plotter.add_legend(
        [(LABELS[r], COLOURS[r]) for r in REGIONS],
        bcolor=BACKGROUND,
        border=False,
        size=(0.34, 0.2),
        loc="lower left",
        face="rectangle",
    )
    plotter.screenshot(str(path))
    plotter.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--teeth", nargs="*", default=list(TEETH), help="FDI numbers (default: 85 84 55 54)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for code in args.teeth:
        path = args.out / f"molar-{code}.png"
        render_tooth(code, path)
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    path = args.out / "crowns.png"
    render_crowns(path)
    print(f"{path} ({path.stat().st_size // 1024} KB)")
    path = args.out / "overview.png"
    render_overview(path)
    print(f"{path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
