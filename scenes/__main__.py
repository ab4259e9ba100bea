"""``python -m scenes check [FILE ...]``: validate timeline files, one summary line each; exit 1 on error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import SceneError
from .loader import DATA_DIR, load_timeline, show_mark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate timeline files (default: every scenes/data/*.toml)")
    check.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)

    files = args.files or sorted(DATA_DIR.glob("*.toml"))
    if not files:
        print(f"scenes: no timeline files in {DATA_DIR}", file=sys.stderr)
        return 1
    for path in files:
        try:
            tl = load_timeline(path)
        except SceneError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        removals = [
            f"{s.id} {show_mark(s.removal.start)}->{show_mark(s.removal.end)}" for s in tl.steps if s.removal
        ]
        print(
            f"{path.name}: ok, {tl.id}: {len(tl.steps)} steps, {tl.total_duration:g} s; "
            f"removal: {', '.join(removals) or 'none'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
