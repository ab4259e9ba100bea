"""The report a dentist, a student or a check reads: volumes, sizes and procedure figures of built teeth."""

from __future__ import annotations

from typing import Any

from meshes import measure
from meshes.age import guideline
from meshes.build import REGIONS
from meshes.model import ToothModel
from meshes.smoothness import normal_noise_p95
from meshes.surfaces import is_closed_manifold


def tooth_report(model: ToothModel) -> dict[str, Any]:
    report = _base_report(model)
    if model.variant is not None:
        report["variant"] = model.variant
    if model.age_years is not None:
        report["age_years"] = model.age_years
        report["roots"] = {
            name: {k: round(v, 3) for k, v in figures.items()} for name, figures in model.roots.items()
        }
        report["resorption"] = guideline(model.resorbed_fraction)
    return report


def _base_report(model: ToothModel) -> dict[str, Any]:
    return {
        "tooth": model.tooth.fdi,
        "universal": model.tooth.universal,
        "name": model.tooth.name,
        "regions": {
            region: {
                "volume_mm3": round(model.volumes_mm3[region], 3),
                "mesh_volume_mm3": round(model.mesh_volumes_mm3[region], 3),
                "triangles": int(model.regions[region].n_cells),
                "closed": is_closed_manifold(model.regions[region]),
                # Smoothness: the two-ring normal angle's 95th percentile, full and browser surfaces.
                "normal_noise_p95_deg": round(
                    normal_noise_p95(model.local.points[region], model.local.faces[region]), 2
                ),
                "display_triangles": int(model.display_regions[region].n_cells),
                "display_normal_noise_p95_deg": round(
                    normal_noise_p95(model.local.display_points[region], model.local.display_faces[region]), 2
                ),
            }
            for region in REGIONS
        },
        "dimensions": {k: round(v, 2) for k, v in model.dimensions_mm.items()},
        "canals": model.canal_names,
        "canal_volumes_mm3": {k: round(v, 3) for k, v in model.canal_volumes_mm3.items()},
        "canal_widths_mm": measure.canal_widths(model.local),
        "pulp_mm3": round(model.pulp_mm3, 2),
        "crown_form": measure.crown_form(model.local),
        "chamber_walls_mm": measure.chamber_walls(model.local),
        "enamel_sides_mm": measure.enamel_sides(model.local),
        "procedures": {
            name: {
                "removed_mm3": round(state.removed_mm3, 3),
                "removed_percent": round(state.removed_percent, 2),
            }
            for name, state in model.procedures().items()
        },
    }


def format_table(report: dict[str, Any]) -> str:
    variant = f", variant {report['variant']}" if "variant" in report else ""
    lines = [f"{report['tooth']} ({report['universal']}): {report['name']}{variant}"]
    lines.append(
        f"  {'region':<12}{'volume mm3':>12}{'mesh mm3':>12}{'triangles':>11}  closed"
        f"{'noise p95':>11}{'browser':>9}{'(triangles)':>13}"
    )
    for region, r in report["regions"].items():
        lines.append(
            f"  {region:<12}{r['volume_mm3']:>12.2f}{r['mesh_volume_mm3']:>12.2f}{r['triangles']:>11}"
            f"  {'yes' if r['closed'] else 'NO ':<6}{r['normal_noise_p95_deg']:>9.1f}\N{DEGREE SIGN}"
            f"{r['display_normal_noise_p95_deg']:>8.1f}\N{DEGREE SIGN}{r['display_triangles']:>12}"
        )
    d = report["dimensions"]
    lines.append(
        f"  crown {d['crown_mesiodistal_mm']:.2f} MD x {d['crown_buccolingual_mm']:.2f} BL x "
        f"{d['crown_height_mm']:.2f} high; root {d['root_length_mm']:.2f} mm"
    )
    f = report["crown_form"]
    heights = ", ".join(f"{k} {v:.2f}" for k, v in f["contour_heights_mm"].items())
    lines.append(f"  heights of contour above the CEJ (mm): {heights}")
    relief = ", ".join(f"{k} {v:.2f}" for k, v in f["cusp_relief_mm"].items())
    lines.append(f"  cusp tips above the deepest fossa (mm): {relief}; tallest {f['tallest_cusp']}")
    lines.append(
        f"  occlusal table {f['occlusal_table_bl_mm']:.2f} mm buccolingually "
        f"({100 * f['occlusal_table_share']:.0f} % of the crown)"
    )
    walls = ", ".join(f"{k} {v:.2f}" for k, v in report["chamber_walls_mm"].items())
    enamel = ", ".join(f"{k} {v:.2f}" for k, v in report["enamel_sides_mm"].items())
    lines.append(f"  chamber walls (mm): {walls}; enamel (mm): {enamel}")
    lines.append(f"  pulp {report['pulp_mm3']:.1f} mm3; canals (mm3, cervical-third width mm):")
    for name, volume in report["canal_volumes_mm3"].items():
        lines.append(f"    {name:<22}{volume:>7.2f}{report['canal_widths_mm'][name]:>7.2f}")
    for name, p in report["procedures"].items():
        lines.append(
            f"  {name:<11} removes {p['removed_mm3']:.2f} mm3 = {p['removed_percent']:.1f} % of the pulp"
        )
    if "age_years" in report:
        lines.append(f"  at {report['age_years']:g} years:")
        for name, r in report["roots"].items():
            lines.append(
                f"  {name + ' root':<18}{r['length_mm']:>6.2f} mm of {r['full_length_mm']:.2f}"
                f" ({100 * r['resorbed_fraction']:.0f} % resorbed)"
            )
        lines.append(f"  {report['resorption']['advice']}")
    return "\n".join(lines)
