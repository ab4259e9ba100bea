"""Command line: ``python -m viewer.export video|offline|screenshot ...`` (see --help)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1024x768, got {text!r}") from None
    if w < 64 or h < 64:
        raise argparse.ArgumentTypeError("size must be at least 64x64")
    return w, h


_last = [-1]


def _bar(fraction: float) -> None:
    if int(100 * fraction) == _last[0]:
        return
    _last[0] = int(100 * fraction)
    done = int(40 * fraction)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (40 - done)}] {100 * fraction:5.1f} %")
    if fraction >= 1.0:
        sys.stderr.write("\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m viewer.export", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("video", help="render a procedure on one tooth to MP4 (or GIF)")
    v.add_argument("--tooth", default="85", help="FDI number or Universal letter (default 85)")
    v.add_argument("--procedure", default="pulpotomy", help="timeline id: pulpotomy | pulpectomy")
    v.add_argument("--out", type=Path, required=True)
    v.add_argument("--gif", action="store_true", help="GIF for messaging (smaller, lower fps)")
    v.add_argument("--fps", type=float, default=None, help="frames per second (default 10 MP4, 5 GIF)")
    v.add_argument("--size", type=_size, default=None, help="WxH (default 1024x768; GIF half)")
    v.add_argument("--start", type=float, default=0.0, help="seconds into the timeline to start")
    v.add_argument("--end", type=float, default=None, help="seconds into the timeline to stop")

    o = sub.add_parser("offline", help="one self-contained HTML page of a tooth (no server needed)")
    o.add_argument("--tooth", default="85")
    o.add_argument("--out", type=Path, required=True)
    o.add_argument("--keep", type=float, default=None, help="fraction of enamel/dentin triangles kept")

    s = sub.add_parser("screenshot", help="PNG of a tooth (three-quarter view, all layers)")
    s.add_argument("--tooth", default="85")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--view", default=None, help="occlusal | buccal | lingual | mesial | distal")
    s.add_argument("--xray", action="store_true")
    s.add_argument("--size", type=_size, default=(1024, 768))

    args = parser.parse_args(argv)
    if args.command == "video":
        from .video import render_procedure_video

        r = render_procedure_video(
            args.tooth, args.procedure, args.out, fmt="gif" if args.gif else "mp4", size=args.size,
            fps=args.fps, progress=_bar, start=args.start, end=args.end,
        )
        print(
            f"{r.path}: {r.frames} frames at {r.fps:g} fps, {r.size[0]}x{r.size[1]}, {r.bytes / 1e6:.2f} MB; "
            f"{r.seconds_per_frame:.3f} s render per frame, {r.total_seconds:.1f} s in all"
        )
    elif args.command == "offline":
        from .offline import DEFAULT_KEEP, export_offline_html

        r = export_offline_html(args.tooth, args.out, keep=DEFAULT_KEEP if args.keep is None else args.keep)
        print(f"{r.path}: {r.bytes / 1e6:.2f} MB, {r.triangles} triangles ({', '.join(r.layers)})")
    else:
        from .screenshot import screenshot_png

        looks = {r: ("xray" if args.xray and r in ("enamel", "dentin") else "solid")
                 for r in ("enamel", "dentin", "crown_pulp", "root_pulp")}
        args.out.write_bytes(screenshot_png(args.tooth, looks, view=args.view, size=args.size))
        print(f"{args.out}: {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
