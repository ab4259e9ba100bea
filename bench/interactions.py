"""Interactions in real headless Chromium (iPad Pro 11 profile, touch, software WebGL): tooth switch, tap to a
name, cut move, next step. For each: the server's CPU time and the time until the new picture is on screen.

    python -m bench.interactions [--repeats 4]

Time on screen: from the user's input event (its ``timeStamp``: the tap or press the browser saw) until the
first paint after the server's answer reached the page's trame state: the first geometry draw call for a
change of the 3D picture, the next animation frame for words (a tapped part's name). Server time: CPU of the
server process (all its threads, ``/proc/<pid>/task/*/schedstat``, nanoseconds) from just before the input
until the picture is on screen. Each input waits for the server to be quiet first (``settle``: under 10 % of
a core for a quarter second), so work it does on its own (the other teeth made ready after the first page,
``viewer.shapes.warm_soon``; what an earlier input left) is not counted as the next input's. A cut is dragged
too: how many new sections arrive while the thumb is held.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

from . import servers

DRAWS = """
(() => {
  const times = window.__pmDrawTimes = [];
  const wrap = (proto) => {
    if (!proto) return;
    for (const name of ['drawArrays', 'drawElements']) {
      const orig = proto[name];
      proto[name] = function (...a) {
        if ((name === 'drawArrays' ? a[2] : a[1]) >= MIN_VERTICES) {
          if (times.length > 5000) times.splice(0, 2500);
          times.push(performance.now());
        }
        return orig.apply(this, a);
      };
    }
  };
  wrap(window.WebGL2RenderingContext && WebGL2RenderingContext.prototype);
  wrap(window.WebGLRenderingContext && WebGLRenderingContext.prototype);
  window.__pmBig = [];  // arrival times of meshes: large websocket messages, or fetches of mesh/*.json
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (e.name.includes('/mesh/')) window.__pmBig.push(e.responseEnd);
  }).observe({type: 'resource', buffered: false});
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) {
    if (!this.__pmHooked) {
      this.__pmHooked = true;
      this.addEventListener('message', e => {
        const n = e.data.size || e.data.byteLength || e.data.length || 0;
        if (n > 200000) window.__pmBig.push(performance.now());
      });
    }
    return send.call(this, d);
  };
  window.__pmInput = 0;  // timeStamp of the last input that acts (a click, or a press on a slider)
  window.addEventListener('click', e => { window.__pmInput = e.timeStamp; }, true);
  window.addEventListener('pointerdown', e => { window.__pmDown = e.timeStamp; }, true);
})();
"""

# Arm before the input: resolve once ``keys`` change in the trame state, with the times since the input.
ARM = """
([keys, draw]) => {
  window.__pmResult = null;
  let first = true;
  const stop = trame.state.watch(keys, () => {
    if (first) { first = false; return; }  // watch() calls back once at once
    const arrived = performance.now();
    stop();
    const done = () => {
      const painted = draw ? window.__pmDrawTimes.find(t => t >= arrived) : performance.now();
      if (painted === undefined) { requestAnimationFrame(done); return; }
      window.__pmResult = {arrived, painted};
    };
    requestAnimationFrame(done);
  });
}
"""


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of a process so far (nanoseconds)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile
            total += int((task / "schedstat").read_text().split()[0])
    return total


def settle(pid: int, window_s: float = 0.25, busy: float = 0.1, timeout_s: float = 20.0) -> float:
    """Wait until the process used under ``busy`` of one core over a window; the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        c0 = cpu_ns(pid)
        time.sleep(window_s)
        if (cpu_ns(pid) - c0) / 1e9 < busy * window_s:
            break
    return time.perf_counter() - t0


class Probe:
    def __init__(self, page, server):
        self.page, self.server = page, server

    def measure(self, keys: list[str], act, draw: bool = True, start: str = "__pmInput",
                timeout_s: float = 30.0) -> dict:
        """Arm, act, wait for the picture; the times from the input event (``start``) in ms."""
        page = self.page
        settle(self.server.pid)
        page.evaluate(ARM, [keys, draw])
        c0 = cpu_ns(self.server.pid)
        act()
        page.wait_for_function("window.__pmResult !== null", timeout=timeout_s * 1000, polling=10)
        c1 = cpu_ns(self.server.pid)
        r = page.evaluate(f"({{...window.__pmResult, input: window.{start}}})")
        return {"screen_ms": r["painted"] - r["input"], "state_ms": r["arrived"] - r["input"],
                "server_cpu_ms": (c1 - c0) / 1e6}


def canvas_centre(page) -> tuple[float, float]:
    box = page.locator(".pm-view canvas").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def tooth_switch(probe: Probe, repeats: int) -> list[dict]:
    page, out = probe.page, []
    for fdi in ("84", "85", "75", "74", "55", "54")[: max(repeats, 2)]:
        button = page.get_by_role("button", name=f"{fdi} (", exact=False).first
        out.append(probe.measure(["mesh_enamel"], button.tap))
    return out


def tap_to_name(probe: Probe, repeats: int) -> list[dict]:
    page, out = probe.page, []
    x, y = canvas_centre(page)
    box = page.locator(".pm-view canvas").bounding_box()
    for _ in range(repeats):
        out.append(probe.measure(["pick_text"], lambda: page.touchscreen.tap(x, y), draw=False))
        corner = (box["x"] + 8, box["y"] + box["height"] - 8)  # the background: the name goes away
        probe.measure(["pick_text"], lambda c=corner: page.touchscreen.tap(*c), draw=False)
    return out


def cut_track(page):
    """The cut slider's track (the role "slider" is its thumb), scrolled into the panel's view."""
    track = page.get_by_role("slider", name="Cut position").locator(
        "xpath=ancestor::div[contains(@class, 'v-slider__container')]")
    track.scroll_into_view_if_needed()
    return track.bounding_box()


def slider_point(page, fraction: float) -> tuple[float, float]:
    box = cut_track(page)
    return box["x"] + fraction * box["width"], box["y"] + box["height"] / 2


def cut_move(probe: Probe, repeats: int) -> list[dict]:
    """Taps on the slider's track at new positions (each a new section, not cached before)."""
    page, out = probe.page, []
    for i in range(repeats):
        x, y = slider_point(page, 0.2 + 0.6 * i / max(repeats - 1, 1))
        out.append(probe.measure(["mesh_dentin"], lambda x=x, y=y: page.mouse.click(x, y), start="__pmDown"))
    return out


def cut_drag(page, steps: int = 12, hold_s: float = 0.25) -> dict:
    """Drag the thumb across the track: new sections that arrive while it is still held (large messages)."""
    x0, y = slider_point(page, 0.75)
    width = cut_track(page)["width"]
    page.mouse.move(x0, y)
    page.mouse.down()
    down = page.evaluate("performance.now()")
    for k in range(1, steps + 1):
        page.mouse.move(x0 - k * (0.5 / steps) * width, y)
        time.sleep(hold_s)
    up = page.evaluate("performance.now()")
    page.mouse.up()
    # a section is one websocket message, or one fetch per region (bursts within 50 ms counted once)
    held = sorted(t for t in page.evaluate("window.__pmBig") if down <= t <= up)
    sections = sum(1 for i, t in enumerate(held) if i == 0 or t - held[i - 1] > 50)
    return {"moves": steps, "held_s": round((up - down) / 1000, 2), "sections_while_held": sections}


def next_step(probe: Probe, repeats: int) -> list[dict]:
    page, out = probe.page, []
    button = page.get_by_role("button", name="Next step", exact=True)
    for _ in range(repeats):
        out.append(probe.measure(["step_index"], button.tap))
    return out


def summary(runs: list[dict]) -> dict:
    def med(k):
        return statistics.median(r[k] for r in runs)

    return {"n": len(runs), "server_cpu_ms": med("server_cpu_ms"), "server_cpu_ms_max":
            max(r["server_cpu_ms"] for r in runs), "screen_ms": med("screen_ms"),
            "screen_ms_max": max(r["screen_ms"] for r in runs), "state_ms": med("state_ms")}


def measure(repeats: int = 4, server=None) -> dict:
    """Every interaction on one fresh server (or ``server``), each ``repeats`` times; medians and maxima."""
    from playwright.sync_api import sync_playwright

    from . import browser

    own = server is None
    server = server or servers.start("ours")
    try:
        with sync_playwright() as p:
            b = browser.launch(p)
            try:
                ctx = browser.tablet_context(p, b)
                ctx.add_init_script(DRAWS.replace("MIN_VERTICES", str(browser.MIN_VERTICES)))
                page = ctx.new_page()
                probe = Probe(page, server)
                res: dict = {}
                browser.first_frame(page, server.url + "?tooth=85")
                time.sleep(2.0)
                print("  tooth_switch ...", file=sys.stderr, flush=True)
                res["tooth_switch"] = summary(tooth_switch(probe, repeats))
                page.get_by_role("button", name="85 (", exact=False).first.tap()
                time.sleep(1.5)
                print("  tap_to_name ...", file=sys.stderr, flush=True)
                res["tap_to_name"] = summary(tap_to_name(probe, repeats))
                page.get_by_role("button", name="Mesiodistal", exact=True).click()
                page.wait_for_url("**cut=md**", timeout=15000)
                time.sleep(1.5)
                print("  cut_move ...", file=sys.stderr, flush=True)
                res["cut_move"] = summary(cut_move(probe, repeats))
                res["cut_drag"] = cut_drag(page)
                browser.first_frame(page, server.url + "?tooth=85&procedure=pulpotomy&step=0")
                time.sleep(2.0)
                print("  next_step ...", file=sys.stderr, flush=True)
                res["next_step"] = summary(next_step(probe, repeats))
                ctx.close()
            finally:
                b.close()
    finally:
        if own:
            server.stop()
    return res


NAMES = {"tooth_switch": "tooth switch", "tap_to_name": "tap to a name", "cut_move": "cut move",
         "next_step": "next step"}


def table(res: dict, animation: dict | None = None) -> str:
    lines = ["| interaction | server CPU median (ms) | max | on screen median (ms) | max | target |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for key, name in NAMES.items():
        r = res[key]
        lines.append(f"| {name} (n={r['n']}) | {r['server_cpu_ms']:.1f} | {r['server_cpu_ms_max']:.1f} | "
                     f"{r['screen_ms']:.0f} | {r['screen_ms_max']:.0f} | <= 50 ms server, <= 300 ms screen |")
    d = res["cut_drag"]
    lines.append(f"\ncut drag: {d['sections_while_held']} new sections arrived while the thumb was held "
                 f"({d['moves']} moves in {d['held_s']} s; target: > 0, the cut follows the drag)")
    if animation:
        per = animation["server_frames"] / max(animation["browser_fps"] * animation["window_s"], 1e-9)
        lines.append(f"animation: {per:.2f} state updates per drawn frame (target <= 1), client script "
                     f"{animation['client_script_ms_per_frame']:.1f} ms per drawn frame (target <= 10)")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.interactions", description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=4)
    args = p.parse_args(argv)
    print(table(measure(args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
