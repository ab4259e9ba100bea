"""Command line: ``python -m meshes report --tooth 85 [--json]`` (``--tooth all`` for every molar);
``python -m meshes build`` builds and caches the four molar kinds."""

from __future__ import annotations

import argparse
import json
import sys
import time

from meshes.build import DEFAULT_SPACING
from meshes.cache import build_all
from meshes.catalog import TOOTH_NUMBERS, UnknownToothError, resolve_tooth
from meshes.model import load_tooth
from meshes.report import format_table, tooth_report
from meshes.spec import KINDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meshes", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="volumes, dimensions and procedure figures of built teeth")
    report.add_argument("--tooth", required=True, help="FDI number (85), Universal letter (T) or 'all'")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    build = commands.add_parser("build", help="build and cache the four molars (one process per core)")
    build.add_argument("--spacing", type=float, default=DEFAULT_SPACING, help="voxel size in mm")
    args = parser.parse_args(argv)
    if args.command == "build":
        started = time.perf_counter()
        built = build_all(KINDS, args.spacing)
        print(f"built {len(built)} of {len(KINDS)} molar kinds in {time.perf_counter() - started:.1f} s")
        return 0
    try:
        codes = TOOTH_NUMBERS if args.tooth.lower() == "all" else (resolve_tooth(args.tooth).fdi,)
    except UnknownToothError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    reports = [tooth_report(load_tooth(code)) for code in codes]
    if args.json:
        print(json.dumps(reports if args.tooth.lower() == "all" else reports[0], indent=2))
    else:
        print("\n\n".join(format_table(r) for r in reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
