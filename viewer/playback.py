"""The frame loop both players share (procedure and space scene): one asyncio task per playing session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# The page's pictures per second while an animation plays: animation frames in which WebGL drew (the draw
# calls counted on the context's prototype), every half second, with 15 % more as headroom so the rate can
# climb back, written to ``client_fps``; the server sends that many frames a second (``pace``): about one
# state update per picture, not several the page cannot draw. Vue templates see only ``window``'s globals.
FPS_JS = (
    "(window.__pmFps || (window.__pmFps = {on: false, drew: false}), !window.__pmFps.on && (playing"
    " || space_playing || exploding) && (() => { const f = window.__pmFps, w = window; f.on = true;"
    " if (!f.hooked) { f.hooked = true;"
    " for (const C of [w.WebGL2RenderingContext, w.WebGLRenderingContext]) { if (!C) continue;"
    " for (const m of ['drawArrays', 'drawElements']) { const p = C.prototype, d = p[m];"
    " p[m] = function (...a) { f.drew = true; return d.apply(this, a); }; } } }"
    " let n = 0, t0 = w.performance.now(); const tick = (now) => { const s = w.trame.state;"
    " if (!s.get('playing') && !s.get('space_playing') && !s.get('exploding')) { f.on = false; return; }"
    " if (f.drew) { n++; f.drew = false; }"
    " if (now - t0 >= 500) { n && s.set('client_fps', Math.round(11.5 * n * 1000 / (now - t0)) / 10);"
    " n = 0; t0 = now; } w.requestAnimationFrame(tick); }; w.requestAnimationFrame(tick); })())"
)
FPS_RANGE = (2.0, 30.0)  # frames per second the players send: never a slideshow, never more than 30


def pace(fps) -> float | None:
    """The frame period for the page's reported frame rate (None: not a rate, ignored)."""
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        return None
    if fps != fps:  # NaN
        return None
    return 1.0 / min(max(fps, FPS_RANGE[0]), FPS_RANGE[1])


def start_frames(app, tick: Callable[[float], bool], playing_key: str) -> asyncio.Task:
    """Set ``playing_key``; call ``tick(wall seconds since the last frame)`` each frame until it is done.

    ``app`` is the session (its state, and its ``frame_interval``: the page's pace, read every frame)."""
    app.state[playing_key] = True
    return asyncio.get_event_loop().create_task(_frames(app, tick, playing_key))


async def _frames(app, tick: Callable[[float], bool], playing_key: str) -> None:
    last = time.monotonic()
    while True:
        await asyncio.sleep(app.frame_interval)
        now = time.monotonic()
        with app.state:  # flushes this frame's few changed keys to the browser
            done = tick(now - last)
            if done:
                app.state[playing_key] = False
        last = now
        if done:
            return


def cancel(task: asyncio.Task | None) -> None:
    """Stop a player's task (a finished or absent one needs nothing)."""
    if task is not None and not task.done():
        task.cancel()
