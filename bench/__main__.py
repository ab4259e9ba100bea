"""``python -m bench``: our app beside the plain baseline, one run, one table (and JSON).

    python -m bench [--quick] [--sessions 30] [--loads 10] [--soak 100] [--json bench/results.json]
    python -m bench --attacks   # only the hostile clients (issue 12): a probe session's round trips
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import servers

KINDS = ("mandibular_first", "mandibular_second", "maxillary_first", "maxillary_second")
# What app.py does before serving: build the kinds the cache lacks, one process per core (meshes.cache).
BUILD_SNIPPET = (
    "import time; t=time.perf_counter(); from meshes.cache import build_all; "
    "from meshes.build import DEFAULT_SPACING; "
    f"build_all({KINDS!r}, DEFAULT_SPACING); print(time.perf_counter()-t)"
)


def build_from_nothing() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", BUILD_SNIPPET], cwd=servers.APP_ROOT, check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "PRIMARY_MOLAR_CACHE": tmp,
                                  "PYTHONPATH": str(servers.APP_ROOT)})
        wall = time.perf_counter() - t0
    return {"build_s": float(out.stdout.strip().splitlines()[-1]), "build_process_s": wall}


# Issue 16: the MP4 of the longest procedure, made in a process of its own as the export pool's worker does
# (the tooth loaded first: the build is the figure above).
VIDEO_SNIPPET = (
    "import sys, time; from meshes import load_tooth; from scenes import load_all; "
    "from viewer.export.video import render_procedure_video; load_tooth('85'); t=time.perf_counter(); "
    "r=render_procedure_video('85', 'pulpectomy', sys.argv[1]); "
    "print(time.perf_counter()-t, load_all()['pulpectomy'].total_duration, r.frames)"
)


def video_time() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", VIDEO_SNIPPET, str(Path(tmp) / "clip.mp4")],
                             cwd=servers.APP_ROOT, check=True, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(servers.APP_ROOT)})
    made_s, lasts_s, frames = out.stdout.strip().splitlines()[-1].split()
    return {"made_s": float(made_s), "lasts_s": float(lasts_s), "frames": int(frames)}


def startup(kind: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        s = servers.start(kind)
        times.append(s.startup_s)
        s.stop()
    return sorted(times)[len(times) // 2]


def measure(kind: str, args, results: dict) -> None:
    from playwright.sync_api import sync_playwright

    from . import browser, load

    r = results[kind] = {}
    r["startup_s"] = startup(kind, 1 if args.quick else 3)
    srv = servers.start(kind)  # memory on a fresh server: nothing loaded by earlier sessions
    try:
        r["memory"] = asyncio.run(load.memory(srv, 5 if args.quick else 10))
    finally:
        srv.stop()
    srv = servers.start(kind)
    try:
        first_url = srv.url + ("?tooth=85" if kind == "ours" else "")
        play_url = srv.url + ("?tooth=85&procedure=pulpotomy&step=3" if kind == "ours" else "")
        with sync_playwright() as p:
            b = browser.launch(p)
            try:
                r["load"] = browser.cold_loads(p, b, first_url, args.loads)
                r["screenshot"] = browser.screenshot_loads(p, b, first_url, max(3, args.loads // 2))
                r["second_visit"] = browser.second_visits(p, b, first_url, 3 if args.quick else 5)
                r["wire"] = browser.wire_bytes(p, b, srv.port, first_url.removeprefix(srv.url.rstrip("/")))
                r["animation"] = browser.animation(p, b, srv, play_url, window_s=3 if args.quick else 6)
            finally:
                b.close()
        r["concurrent"] = asyncio.run(load.concurrent(srv, args.sessions, 5 if args.quick else 10))
        if kind == "ours":
            r["slow_client"] = asyncio.run(load.slow_client(srv, 20))
            if args.soak:
                r["soak"] = asyncio.run(load.soak(srv, args.soak))
    finally:
        srv.stop()


def rows(res: dict) -> list[tuple[str, object, object, str]]:
    o, b = res["ours"], res["baseline"]

    def g(d, *path):
        for k in path:
            d = d.get(k) if isinstance(d, dict) else None
        return d

    def both(*path):
        return g(o, *path), g(b, *path)

    mb = 1e6
    out = [
        ("build four molars from nothing (s)", res["build"]["build_s"], res["build"]["build_s"], "<= 10"),
        (f"MP4 of the {fmt(res['video']['lasts_s'])} s pulpectomy made in (s)", res["video"]["made_s"],
         res["video"]["made_s"], f"< {fmt(res['video']['lasts_s'])}"),
        ("warm start-up to 'App running' (s)", *both("startup_s"), "<= 2"),
        ("first frame, median (s)", *both("load", "first_frame_median_s"), "<= 1.0 and <= 0.5 x baseline"),
        ("first frame, p95 (s)", *both("load", "first_frame_p95_s"), ""),
        ("first frame by screenshot at 2x, median (s)", *both("screenshot", "median_s"), "<= 0.5 x baseline"),
        ("second visit: first frame, median (s)", *both("second_visit", "first_frame_median_s"), "<= 0.5"),
        ("second visit: HTTP bytes over the network (MB)",
         *[x / mb for x in both("second_visit", "http_bytes")], ""),
        ("second visit: responses from the browser cache", *[f"{g(d, 'second_visit', 'from_cache')} of "
                                                              f"{g(d, 'second_visit', 'responses')}"
                                                              for d in (o, b)], "scripts, fonts"),
        ("bytes to first frame: HTTP (MB)", *[x / mb for x in both("load", "http_bytes")], ""),
        ("bytes to first frame: websocket payload (MB)", *[x / mb for x in both("load", "ws_bytes")], ""),
        ("bytes to first frame: total payload (MB)",
         *[(g(d, "load", "http_bytes") + g(d, "load", "ws_bytes")) / mb for d in (o, b)], ""),
        ("bytes to first frame on the wire, both ways (MB)",
         *[(g(d, "wire", "down") + g(d, "wire", "up")) / mb for d in (o, b)], "<= 1.2"),
        ("animation: browser fps at 800x600 (SwiftShader)", *both("animation", "browser_fps"), "report"),
        ("animation: server frames per s", *both("animation", "server_frames_per_s"), ""),
        ("animation: websocket bytes per frame", *both("animation", "ws_bytes_per_frame"), "<= 1000"),
        ("animation: server CPU per frame (ms)", *both("animation", "server_cpu_ms_per_frame"), "<= 10"),
        ("animation: client script per rendered frame (ms)",
         *both("animation", "client_script_ms_per_frame"), "<= 10"),
        ("server RSS idle (MB)", *both("memory", "rss_idle_mb"), ""),
        ("server RSS, first session (MB)", *both("memory", "first_session_mb"), ""),
        ("server RSS per extra session (MB)", *both("memory", "per_extra_session_mb"), "<= 60"),
        ("server RSS after all closed (MB)", *both("memory", "rss_after_close_mb"), "back to idle"),
        (f"{g(o, 'concurrent', 'sessions')} sessions: served", *both("concurrent", "served"), "all"),
        ("  state round trip p50 (ms)", *both("concurrent", "rtt_p50_ms"), ""),
        ("  state round trip p95 (ms)", *both("concurrent", "rtt_p95_ms"), "<= 100"),
        ("  errors", *both("concurrent", "errors"), "0"),
    ]
    return out


def fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def table(res: dict) -> str:
    lines = ["| figure | ours | baseline | ratio | target |", "| --- | ---: | ---: | ---: | --- |"]
    for name, a, b, target in rows(res):
        ratio = "-"
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
            ratio = f"{a / b:.2f}"
        lines.append(f"| {name} | {fmt(a)} | {fmt(b)} | {ratio} | {target} |")
    return "\n".join(lines)


def run_attacks(out: Path) -> int:
    from . import attacks

    res = {"machine": servers.machine(), "attacks": attacks.run_all()}
    m = res["machine"]
    print(f"# {m['date']} · {m['nproc']} CPUs · {m['cpu']} · {m['ram_gb']} GB RAM · Python {m['python']}")
    print(attacks.table(res["attacks"]))
    ok = all(r.get("probe_rtt_p95_ms", 1e9) < 100 and r.get("rss_growth_mb", 1e9) < 300
             and r.get("probe_errors", 1) == 0 for r in res["attacks"].values())
    print(f"\nevery attack: probe p95 < 100 ms, RSS within 300 MB, no probe errors: {'yes' if ok else 'NO'}")
    out.write_text(json.dumps(res, indent=1, default=str))
    print(f"written: {out}")
    return 0 if ok else 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--loads", type=int, default=10, help="cold loads per app (>= 10 for the README)")
    p.add_argument("--soak", type=int, default=0, help="also connect/disconnect N sessions (e.g. 100)")
    p.add_argument("--attacks", action="store_true",
                   help="only the attacks: round trips of a well-behaved session and memory during each")
    p.add_argument("--json", default=str(Path(__file__).parent / "results.json"))
    args = p.parse_args(argv)
    if args.attacks:
        return run_attacks(Path(args.json).with_name("attacks.json"))
    if args.quick:
        args.loads = min(args.loads, 3)
        args.sessions = min(args.sessions, 10)

    from . import payload

    res: dict = {"machine": servers.machine()}
    m = res["machine"]
    print(f"# {m['date']} · {m['nproc']} CPUs · {m['cpu']} · {m['ram_gb']} GB RAM · Python {m['python']}")
    print("building the four molars from nothing ...", flush=True)
    res["build"] = build_from_nothing()
    print("making the MP4 of a procedure ...", flush=True)
    res["video"] = video_time()
    for kind in ("ours", "baseline"):
        print(f"measuring {kind} ...", flush=True)
        measure(kind, args, res)
    from . import interactions  # tooth switch, tap, cut move, next step (issue 16)

    print("measuring interactions ...", flush=True)
    res["interactions"] = interactions.measure(2 if args.quick else 4)
    urls = res["ours"]["load"].pop("http_urls", [])
    res["baseline"]["load"].pop("http_urls", None)
    srv = servers.start("ours")
    try:
        here = [u.replace(u.split("/")[2], f"127.0.0.1:{srv.port}") for u in urls]
        res["savings"] = {"http": payload.http_compression(here)}
    finally:
        srv.stop()
    res["savings"]["mesh"] = payload.mesh_payload("85")
    print()
    print(table(res))
    print(interactions.table(res["interactions"], res["ours"].get("animation")))
    t = res["savings"]["mesh"]["total"]
    h = res["savings"]["http"]
    print(f"\nmesh of tooth 85: {t['triangles']} triangles, {t['bytes'] / 1e6:.2f} MB msgpack, "
          f"deflate {t['deflate_ratio']:.2f}, "
          f"enamel+dentin decimated by half -> {t['decimated_bytes'] / 1e6:.2f} MB")
    print(f"HTTP assets: {h['http_raw_bytes'] / 1e6:.2f} MB raw -> {h['http_gzip_bytes'] / 1e6:.2f} MB gzip")
    for extra in ("slow_client", "soak"):
        if extra in res["ours"]:
            print(f"{extra}: {json.dumps(res['ours'][extra])}")
    Path(args.json).write_text(json.dumps(res, indent=1, default=str))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
