"""The report a dentist, a student or a check reads: volumes, sizes and procedure figures of built teeth."""

from __future__ import annotations

from typing import Any

from meshes.age import guideline
from meshes.build import REGIONS
from meshes.model import ToothModel
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
            }
            for region in REGIONS
        },
        "dimensions": {k: round(v, 2) for k, v in model.dimensions_mm.items()},
        "canals": model.canal_names,
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
    lines.append(f"  {'region':<12}{'volume mm3':>12}{'mesh mm3':>12}{'triangles':>11}  closed")
    for region, r in report["regions"].items():
        lines.append(
            f"  {region:<12}{r['volume_mm3']:>12.2f}{r['mesh_volume_mm3']:>12.2f}{r['triangles']:>11}"
            f"  {'yes' if r['closed'] else 'NO'}"
        )
    d = report["dimensions"]
    lines.append(
        f"  crown {d['crown_mesiodistal_mm']:.2f} MD x {d['crown_buccolingual_mm']:.2f} BL x "
        f"{d['crown_height_mm']:.2f} high; root {d['root_length_mm']:.2f} mm"
    )
    lines.append(f"  canals: {', '.join(report['canals'])}")
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
