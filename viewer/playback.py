"""The frame loop every player shares (procedure, space scene, exploded view): one asyncio task per playing
session, with flow control so the page gets at most one state update per picture it draws.

Each frame carries a number (``frame_no``); the page acknowledges a frame once it has drawn it (``ACK_JS``:
the first animation frame after WebGL drew, through the ``pm_drawn`` trigger), and the next frame is sent
only then: no update the page cannot draw, whatever the device's speed, without measuring a rate. Time
advances by the wall clock between frames, so a slow page shows fewer samples of the same procedure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

FRAME_KEY = "frame_no"
ACK_TRIGGER = "pm_drawn"
MIN_PERIOD = 1 / 30  # s: never more than 30 frames a second, however fast the page draws
ACK_TIMEOUT = 1.0  # s: an unacked frame (a lost ack, a hidden tab, a page gone) holds the next no longer
IDLE_FRAMES = 3  # animation frames without a draw after which the page acks anyway (the update drew nothing)

# On each new ``frame_no`` the page waits for the animation frame after WebGL drew, then triggers
# ``pm_drawn`` with that number; a frame that draws nothing is acked after IDLE_FRAMES animation frames
# (viewer/page/static/page.js).
ACK_JS = f"window.pm3dAckWhenDrawn({FRAME_KEY}, {IDLE_FRAMES}, '{ACK_TRIGGER}')"


class FrameGate:
    """One session's frame flow control: numbers the frames sent, and lets a player wait until the page
    has drawn one (or ``timeout`` passed). Bad or stale acknowledgements are ignored."""

    def __init__(self, state, server=None):
        self.state = state
        self.period = MIN_PERIOD
        self.timeout = ACK_TIMEOUT
        self.sent = 0  # the last frame number sent
        self.drawn = 0  # the last frame number the page said it drew
        self._waiters: set[asyncio.Future] = set()  # players waiting for an ack (futures: bound to no loop)
        state[FRAME_KEY] = 0
        if server is not None:
            server.trigger(ACK_TRIGGER)(self.on_drawn)

    def send(self) -> int:
        """Number the frame being written into the state (call inside its ``with state:``)."""
        self.sent += 1
        self.state[FRAME_KEY] = self.sent
        return self.sent

    def on_drawn(self, n=None, *_, **__) -> None:
        """The page drew frame ``n`` (any frame sent so far; a newer ack covers older ones)."""
        if type(n) is int and self.drawn < n <= self.sent:
            self.drawn = n
            for waiter in self._waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def wait_drawn(self, n: int) -> bool:
        """Until the page has drawn frame ``n`` or later (True), or ``timeout`` seconds went by (False)."""
        deadline = time.monotonic() + self.timeout
        while self.drawn < n:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait_for(waiter, left)
            except TimeoutError:
                return False
            finally:
                self._waiters.discard(waiter)
        return True


def start_frames(app, tick: Callable[[float], bool], playing_key: str) -> asyncio.Task:
    """Set ``playing_key``; call ``tick(wall seconds since the last frame)`` each frame until it is done.

    ``app`` is the session (its state, and its ``frames``: the gate every player of the session shares)."""
    app.state[playing_key] = True
    return asyncio.get_event_loop().create_task(_frames(app, tick, playing_key))


async def _frames(app, tick: Callable[[float], bool], playing_key: str) -> None:
    gate: FrameGate = app.frames
    last = time.monotonic()
    n, sent_at = 0, last
    while True:
        if n:
            await gate.wait_drawn(n)  # the page drew the last frame (or the ack timed out)
        await asyncio.sleep(max(0.0, sent_at + gate.period - time.monotonic()))
        now = time.monotonic()
        with app.state:  # flushes this frame's few changed keys to the browser
            done = tick(now - last)
            n = gate.send()
            if done:
                app.state[playing_key] = False
        last = sent_at = now
        if done:
            return


def cancel(task: asyncio.Task | None) -> None:
    """Stop a player's task (a finished or absent one needs nothing)."""
    if task is not None and not task.done():
        task.cancel()
