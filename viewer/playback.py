"""The frame loop both players share (procedure and space scene): one asyncio task per playing session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


def start_frames(app, tick: Callable[[float], bool], playing_key: str) -> asyncio.Task:
    """Set ``playing_key``; call ``tick(wall seconds since the last frame)`` each frame until it is done."""
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
