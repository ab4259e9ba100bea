"""In-process tests of the players' flow control (viewer.playback): a frame goes once the page drew the last.

No browser here: the page's acknowledgement is called as the ``pm_drawn`` trigger would call it.
"""

from __future__ import annotations

import asyncio

import pytest
from conftest import unique_name

from viewer.app import App
from viewer.playback import FRAME_KEY
from viewer.url_state import parse_query


def choose(app, procedure: str) -> None:
    with app.state:
        app.state.procedure = procedure


def test_the_next_frame_waits_for_the_page_to_draw_the_last(app):
    """One frame in flight: nothing more is sent until the page acks it, and the ack lets the next go at
    once; time advances by the wall clock, not by the frames sent."""
    choose(app, "pulpotomy")
    gate = app.frames
    gate.timeout = 30.0  # longer than the test: only an ack releases a frame

    async def run():
        loop = asyncio.get_running_loop()
        started = loop.time()
        app.procedure.play()
        await asyncio.sleep(0.3)
        first, t_first = app.state[FRAME_KEY], app.state.t
        assert first == gate.sent and first >= 1
        await asyncio.sleep(0.3)
        assert (app.state[FRAME_KEY], app.state.t) == (first, t_first), "no ack: no second frame"
        gate.on_drawn(first)
        acked = loop.time()
        await asyncio.sleep(0.1)
        assert app.state[FRAME_KEY] == first + 1, "the ack released exactly one frame"
        # the second frame's time is the wall clock since play (~0.6 s), not two frame periods
        assert app.state.t == pytest.approx((acked - started) * float(app.state.speed), abs=0.06)
        await asyncio.sleep(0.3)
        assert app.state[FRAME_KEY] == first + 1
        app.procedure.pause()

    asyncio.run(run())


def test_a_lost_ack_never_stalls_the_player(app):
    """A page that never acks (gone, hidden, or the ack lost) still gets a frame every timeout."""
    choose(app, "pulpectomy")
    app.frames.timeout = 0.1

    async def run():
        app.procedure.play()
        await asyncio.sleep(1.05)
        app.procedure.pause()

    asyncio.run(run())
    assert 6 <= app.state[FRAME_KEY] <= 11, app.state[FRAME_KEY]
    assert app.state.t == pytest.approx(1.0, abs=0.15), "the time is the wall clock's"


def test_a_fast_page_gets_no_more_than_the_frame_cap(app):
    """A page acking every frame at once (or a client spamming acks) is held to MIN_PERIOD."""
    choose(app, "pulpectomy")
    gate = app.frames

    async def run():
        app.procedure.play()
        for _ in range(100):
            await asyncio.sleep(0.01)
            gate.on_drawn(gate.sent)
        app.procedure.pause()

    asyncio.run(run())
    assert 15 <= gate.sent <= 1.15 * 30 + 1, gate.sent  # ~1 s at <= 30 frames a second


@pytest.mark.parametrize("bad", ["1", 1.0, True, None, [1], {"n": 1}, 0, -3, 10**9])
def test_bad_or_stale_acks_are_ignored(app, bad):
    """Only an int naming a frame sent, newer than the last acked, counts; anything else changes nothing."""
    choose(app, "pulpotomy")
    gate = app.frames
    gate.timeout = 30.0

    async def run():
        app.procedure.play()
        await asyncio.sleep(0.2)
        sent = gate.sent
        gate.on_drawn(bad)
        gate.on_drawn(bad, "extra", key="word")  # extra arguments from a client: ignored, no error
        await asyncio.sleep(0.2)
        assert (gate.sent, gate.drawn) == (sent, 0), bad
        gate.on_drawn(sent)
        gate.on_drawn(sent)  # a repeated ack releases nothing more
        await asyncio.sleep(0.2)
        assert (gate.sent, gate.drawn) == (sent + 1, sent)
        app.procedure.pause()

    asyncio.run(run())


def test_a_closed_session_waiting_for_an_ack_stops_and_spares_the_others():
    a, b = App(unique_name()), App(unique_name())
    for x in (a, b):
        x.state.ready()
        x.apply_params(parse_query("?procedure=pulpectomy"))
    a.frames.timeout = 30.0  # a's page vanished: its player waits for an ack that never comes
    b.frames.timeout = 0.02

    async def run():
        a.procedure.play()
        b.procedure.play()
        await asyncio.sleep(0.2)
        task = a.procedure._play_task
        a.close()
        await asyncio.sleep(0.05)
        assert task.done(), "closing the session ended its waiting player at once"
        n_b = b.frames.sent
        await asyncio.sleep(0.2)
        assert b.frames.sent > n_b and b.state.playing, "the other session kept playing"
        b.procedure.pause()

    asyncio.run(run())
    b.close()
