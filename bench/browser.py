"""Real headless Chromium (iPad Pro 11 profile, touch) against a server: first frame, bytes, animation.

First rendered frame: an init script wraps WebGL ``drawArrays``/``drawElements`` (WebGL 1 and 2) before any
page script runs and records ``performance.now()`` (ms since navigation start) of the first draw call with
at least ``MIN_VERTICES`` vertices, i.e. the first frame that puts tooth geometry on the canvas (a clear
alone is blank). A screenshot of the canvas right after confirms it is not the background.
Frames per second: a ``requestAnimationFrame`` loop counts animation frames in which at least one such draw
happened (vtk.js renders); divided by wall time of the window.
Bytes: a CDP session with ``Network.enable``: HTTP = sum of ``Network.loadingFinished.encodedDataLength``;
websocket = payload lengths of ``Network.webSocketFrameReceived/Sent`` (binary payloads are base64 in CDP:
decoded length). Chromium negotiates permessage-deflate when the server offers it; CDP reports payloads after
inflation, so the websocket figures are payload bytes, and the wire estimate is given separately.
"""

from __future__ import annotations

import base64
import io
import statistics
import time
import zlib

import msgpack
import numpy as np
from PIL import Image

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MIN_VERTICES = 3000

INSTRUMENT = """
(() => {
  const pm = window.__pm = {firstDraw: null, draws: 0, frames: 0};
  let drew = false;
  const wrap = (proto) => {
    if (!proto) return;
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const orig = proto[name];
      if (!orig) continue;
      proto[name] = function (...a) {
        const count = name.startsWith('drawArrays') ? a[2] : a[1];
        if (count >= MIN_VERTICES) {
          pm.draws++; drew = true;
          if (pm.firstDraw === null) pm.firstDraw = performance.now();
        }
        return orig.apply(this, a);
      };
    }
  };
  wrap(window.WebGL2RenderingContext && WebGL2RenderingContext.prototype);
  wrap(window.WebGLRenderingContext && WebGLRenderingContext.prototype);
  const tick = () => { if (drew) { pm.frames++; drew = false; } requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();
""".replace("MIN_VERTICES", str(MIN_VERTICES))


def launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def tablet_context(p, browser, viewport=None, own_ratio: bool = False):
    device = dict(p.devices["iPad Pro 11"])
    device.pop("default_browser_type", None)
    if not own_ratio:
        device["device_scale_factor"] = 1  # SwiftShader draws on the CPU: keep both apps at 1x
    if viewport:
        device["viewport"] = viewport
    ctx = browser.new_context(**device)
    ctx.add_init_script(INSTRUMENT)
    return ctx


class NetLog:
    """Bytes seen by one page over CDP."""

    def __init__(self, page):
        self.http = 0
        self.ws_in = 0
        self.ws_out = 0
        self.ws_in_frames = 0
        self.ws_messages: list[tuple[float, int, str]] = []  # (time, bytes, message id prefix)
        self.ws_deflate = None
        self.ws_sent: list[tuple[float, int, bytes]] = []
        self.urls: dict[str, str] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable")
        self.cdp.on("Network.requestWillBeSent",
                    lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketFrameReceived", self._received)
        self.cdp.on("Network.webSocketFrameSent", self._sent)
        self.cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)

    def _finished(self, e):
        self.http += int(e.get("encodedDataLength", 0))

    @staticmethod
    def _payload(e) -> bytes:
        r = e["response"]
        if r.get("opcode") == 2:
            return base64.b64decode(r.get("payloadData", ""))
        return r.get("payloadData", "").encode()

    def _received(self, e):
        data = self._payload(e)
        self.ws_in += len(data)
        self.ws_in_frames += 1
        self.ws_messages.append((time.perf_counter(), len(data), message_kind(data)))

    def _sent(self, e):
        data = self._payload(e)
        self.ws_out += len(data)
        self.ws_sent.append((time.perf_counter(), len(data), data))

    def _handshake(self, e):
        headers = {k.lower(): v for k, v in e["response"].get("headers", {}).items()}
        self.ws_deflate = "permessage-deflate" in headers.get("sec-websocket-extensions", "")

    def metrics(self) -> dict:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def snapshot(self) -> dict:
        return {"http": self.http, "ws_in": self.ws_in, "ws_out": self.ws_out, "frames": self.ws_in_frames,
                "messages": len(self.ws_messages)}


def message_kind(data: bytes) -> str:
    """The wslink message id prefix of a single-chunk frame ("publish:trame.state.topic", "rpc", ...)."""
    try:
        msg = msgpack.unpackb(data[12:])
        return ":".join(str(msg.get("id", "")).split(":")[:2])
    except Exception:  # noqa: BLE001 - a chunk of a larger message
        return "chunk"


def describe(data: bytes) -> str:
    try:
        msg = msgpack.unpackb(data[12:])
        return f"{msg.get('method')} {str(msg.get('args'))[:120]}"
    except Exception:  # noqa: BLE001
        return f"{len(data)} bytes"


def first_frame(page, url: str, timeout_ms: int = 60000) -> dict:
    """Navigate and wait for the first geometry draw; returns timings and whether the canvas shows it."""
    net = NetLog(page)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function("window.__pm && window.__pm.firstDraw !== null", timeout=timeout_ms, polling=20)
    wall = time.perf_counter() - t0
    snap = net.snapshot()
    first_ms = page.evaluate("window.__pm.firstDraw")
    nav = page.evaluate("performance.getEntriesByType('navigation')[0]?.responseEnd || 0")
    return {"first_frame_s": first_ms / 1000, "wall_s": wall, "doc_response_s": nav / 1000,
            "http_bytes": snap["http"], "ws_bytes": snap["ws_in"] + snap["ws_out"],
            "ws_deflate": net.ws_deflate, "net": net}


def shown_share(page, box) -> float:
    """What the screen shows in `box` (CSS px): share off its most common colour, from a page screenshot
    (no waiting for the element to settle, as a locator's would), every 4th pixel."""
    x, y, w, h = box
    png = page.screenshot(clip={"x": x, "y": y, "width": w, "height": h}, scale="css", animations="allow")
    return _off_background(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)[::4, ::4])


def canvas_not_blank(page) -> float:
    """Share of canvas pixels that differ from its most common colour (the background)."""
    png = page.locator("canvas").first.screenshot()
    return _off_background(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int))


def _off_background(img) -> float:
    flat = img.reshape(-1, 3)
    values, counts = np.unique(flat, axis=0, return_counts=True)
    bg = values[counts.argmax()]
    return float((np.abs(flat - bg).sum(-1) > 40).mean())


def cold_loads(p, browser, url: str, n: int) -> dict:
    """``n`` navigations, each in a fresh context (empty cache); median / p95 of the first frame."""
    runs, urls = [], []
    for i in range(n):
        ctx = tablet_context(p, browser)
        try:
            page = ctx.new_page()
            r = first_frame(page, url)
            net = r.pop("net")
            if i == 0:
                time.sleep(1.5)
                r["visible_share"] = canvas_not_blank(page)
                urls = [u for u in net.urls.values() if u.startswith("http")]
            runs.append(r)
        finally:
            ctx.close()
    times = sorted(r["first_frame_s"] for r in runs)
    return {
        "first_frame_median_s": statistics.median(times),
        "first_frame_p95_s": percentile(times, 95),
        "first_frame_runs_s": [round(t, 3) for t in times],
        "wall_median_s": statistics.median(r["wall_s"] for r in runs),
        "http_bytes": statistics.median(r["http_bytes"] for r in runs),
        "ws_bytes": statistics.median(r["ws_bytes"] for r in runs),
        "ws_deflate_negotiated": runs[0]["ws_deflate"],
        "canvas_visible_share": runs[0].get("visible_share"),
        "http_urls": urls,
    }


def screenshot_loads(p, browser, url: str, n: int, share: float = 0.05) -> dict:
    """``n`` cold loads at the tablet's own pixel ratio (iPad Pro 11: 2): seconds from navigation until a
    screenshot of the page first shows geometry (``share`` of its pixels off the background colour).
    Independent of the draw-call hook; coarse by one screenshot's time, the same for both apps."""
    times = []
    for _ in range(n):
        ctx = tablet_context(p, browser, own_ratio=True)
        try:
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url, wait_until="commit")
            deadline = t0 + 60
            while time.perf_counter() < deadline:
                box = page.evaluate("(() => { const c = document.querySelector('canvas');"
                                    " if (!c) return null; const r = c.getBoundingClientRect();"
                                    " return r.width > 0 ? [r.x, r.y, r.width, r.height] : null; })()")
                if box and shown_share(page, box) >= share:
                    break
            times.append(time.perf_counter() - t0)
        finally:
            ctx.close()
    times.sort()
    return {"median_s": statistics.median(times), "runs_s": [round(t, 3) for t in times],
            "pixel_ratio": p.devices["iPad Pro 11"]["device_scale_factor"]}


def second_visits(p, browser, url: str, n: int) -> dict:
    """A visit, then ``n`` more in the same browser profile: first frame and what came from the cache."""
    ctx = tablet_context(p, browser)
    try:
        first = ctx.new_page()
        first_frame(first, url)
        first.close()
        runs = []
        for _ in range(n):
            time.sleep(4)  # a visit later on (not a reload at once): the server is idle again
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            responses: list[dict] = []
            cdp.on("Network.responseReceived", lambda e, rs=responses: rs.append(e["response"]))
            r = first_frame(page, url)
            r.pop("net")
            cached = [x for x in responses if x.get("fromDiskCache") or x.get("fromMemoryCache")]
            r["responses"], r["from_cache"] = len(responses), len(cached)
            runs.append(r)
            page.close()
    finally:
        ctx.close()
    return {"first_frame_median_s": statistics.median(r["first_frame_s"] for r in runs),
            "first_frame_runs_s": sorted(round(r["first_frame_s"], 3) for r in runs),
            "http_bytes": statistics.median(r["http_bytes"] for r in runs),
            "ws_bytes": statistics.median(r["ws_bytes"] for r in runs),
            "responses": runs[-1]["responses"], "from_cache": runs[-1]["from_cache"]}


def wire_bytes(p, browser, port: int, path: str) -> dict:
    """One cold load through a counting TCP relay: the bytes the network carries up to the first frame."""
    from .wire import WireCounter

    with WireCounter(port) as wire:
        ctx = tablet_context(p, browser)
        try:
            first_frame(ctx.new_page(), wire.url(path or "/"))
            return {"down": wire.down, "up": wire.up}
        finally:
            ctx.close()


def percentile(values, q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return float(np.percentile(values, q, method="linear"))


def animation(p, browser, server, url: str, window_s: float = 5.0, settle_s: float = 3.0) -> dict:
    """Play at 800 x 600: browser fps, websocket bytes per frame, server CPU and client script per frame."""
    ctx = tablet_context(p, browser, viewport={"width": 800, "height": 600})
    try:
        page = ctx.new_page()
        r = first_frame(page, url)
        net = r["net"]
        time.sleep(settle_s)
        page.get_by_role("button", name="Play", exact=True).click()
        page.get_by_role("button", name="Pause", exact=True).wait_for(state="visible", timeout=15000)
        time.sleep(0.5)
        m0, s0, f0, c0 = net.metrics(), net.snapshot(), page.evaluate("window.__pm.frames"), server.cpu_s()
        t0 = time.perf_counter()
        time.sleep(window_s)
        m1, s1, f1, c1 = net.metrics(), net.snapshot(), page.evaluate("window.__pm.frames"), server.cpu_s()
        t1 = time.perf_counter()
        still_playing = page.get_by_role("button", name="Pause", exact=True).is_visible()
        kinds = [k for (ts, _, k) in net.ws_messages if t0 <= ts <= t1]
        sent = [d for (ts, _, d) in net.ws_sent if t0 <= ts <= t1]
        state_msgs = sum(k == "publish:trame.state.topic" for k in kinds)
        ws_bytes = (s1["ws_in"] - s0["ws_in"]) + (s1["ws_out"] - s0["ws_out"])
        rendered = f1 - f0
        script = m1.get("ScriptDuration", 0) - m0.get("ScriptDuration", 0)
        return {
            "window_s": round(t1 - t0, 2),
            "still_playing": still_playing,
            "server_frames": state_msgs,
            "server_frames_per_s": state_msgs / (t1 - t0),
            "ws_messages": len(kinds),
            "client_messages_sent": len(sent),
            "client_sent_sample": [describe(d) for d in sent[:3]],
            "ws_bytes_per_frame": ws_bytes / max(state_msgs, 1),
            "browser_fps": rendered / (t1 - t0),
            "server_cpu_ms_per_frame": 1000 * (c1 - c0) / max(state_msgs, 1),
            "client_script_ms_per_frame": 1000 * script / max(rendered, 1),
            "client_script_ms_per_s": 1000 * script / (t1 - t0),
            "ws_deflate_negotiated": net.ws_deflate,
        }
    finally:
        ctx.close()


def compress_ratio(data: bytes) -> float:
    return len(zlib.compress(data, 6)) / max(len(data), 1)
