"""Command line: ``python -m meshes report --tooth 85 [--json] [--age 7] [--variant ID]`` (``--tooth all`` for
every molar); ``python -m meshes build [--tooth 85 --age 7 --variant ID]`` builds and caches (the four molar
kinds by default); ``python -m meshes variants --tooth 85 [--json]`` lists a molar's root and canal
configurations with their prevalence and source."""

from __future__ import annotations

import argparse
import json
import sys
import time

from meshes.age import AgeError, age_stage
from meshes.build import DEFAULT_SPACING
from meshes.cache import build_all, load_or_build
from meshes.catalog import TOOTH_NUMBERS, UnknownToothError, resolve_tooth
from meshes.model import load_tooth
from meshes.report import format_table, tooth_report
from meshes.spec import KINDS
from meshes.variants import UnknownVariantError, find_variant, variant_list


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meshes", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="volumes, dimensions and procedure figures of built teeth")
    report.add_argument("--tooth", required=True, help="FDI number (85), Universal letter (T) or 'all'")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    build = commands.add_parser("build", help="build and cache the four molars (one process per core)")
    build.add_argument("--spacing", type=float, default=DEFAULT_SPACING, help="voxel size in mm")
    build.add_argument("--tooth", help="only this molar (FDI number or Universal letter)")
    for sub in (report, build):
        sub.add_argument("--age", type=float, help="the child's age in years (built in half-year stages)")
        sub.add_argument("--variant", help="a root and canal configuration (see: variants)")
    variants = commands.add_parser("variants", help="a molar's root and canal configurations")
    variants.add_argument("--tooth", required=True, help="FDI number (85) or Universal letter (T)")
    variants.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (UnknownToothError, UnknownVariantError, AgeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "variants":
        tooth = resolve_tooth(args.tooth)
        listed = variant_list(tooth.kind)
        if args.json:
            print(json.dumps(listed, indent=2))
        else:
            for v in listed:
                mark = " (the default tooth)" if v["default"] else ""
                print(
                    f"{v['id']:<28}{v['canals']} canals, {v['roots']} roots: "
                    f"{v['prevalence_percent']:g} % of "
                    f"{v['teeth']} teeth ({v['source']}){mark}"
                )
        return 0
    age = None if args.age is None else age_stage(args.age)
    single = args.command == "build" and args.tooth is not None
    if args.variant is not None and (single or args.command == "report") and args.tooth.lower() != "all":
        find_variant(resolve_tooth(args.tooth).kind, args.variant)  # an unknown one fails before any build
    elif args.variant is not None:
        raise UnknownVariantError("--variant needs one --tooth: variants belong to one molar kind")
    if args.command == "build":
        started = time.perf_counter()
        if args.tooth is not None or age is not None:
            kinds = (resolve_tooth(args.tooth).kind,) if args.tooth is not None else KINDS
            for kind in kinds:
                load_or_build(kind, args.spacing, age, args.variant)
            built = list(kinds)
        else:
            built = build_all(KINDS, args.spacing)
        print(f"built {len(built)} of {len(KINDS)} molar kinds in {time.perf_counter() - started:.1f} s")
        return 0
    codes = TOOTH_NUMBERS if args.tooth.lower() == "all" else (resolve_tooth(args.tooth).fdi,)
    reports = [tooth_report(load_tooth(code, age=age, variant=args.variant)) for code in codes]
    if args.json:
        print(json.dumps(reports if args.tooth.lower() == "all" else reports[0], indent=2))
    else:
        print("\n\n".join(format_table(r) for r in reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
