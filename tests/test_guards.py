"""The pieces that bound what a client can cost (issue 12), one by one: passes, forwarded addresses, the
websocket un-chunker, log quoting, connection admission, the export trigger and the export pool."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import struct

import msgpack
import pytest
from wslink.chunking import generate_chunks

from viewer.access import Passes, client_address, parse_proxies, resolve_code
from viewer.admission import Admission
from viewer.logsafe import quote
from viewer.wsguard import BoundedUnChunker, MessageRefused


def test_empty_access_code_flag_is_refused_not_open():
    for empty in ("", "   "):
        with pytest.raises(ValueError, match="empty|at least"):
            resolve_code(empty, {})
    assert resolve_code(None, {"PM3D_ACCESS_CODE": ""}) is None  # an empty variable is no variable


def test_passes_expire_and_are_revoked():
    p = Passes(ttl_s=100)
    a = p.issue(now=0.0)
    assert p.valid(a, now=50.0) and not p.valid(a, now=100.0)  # expired
    b, c = p.issue(now=200.0), p.issue(now=200.0)
    assert p.valid(b, now=201.0) and p.revoke_all() == 2
    assert not p.valid(b, now=201.0) and not p.valid(c, now=201.0)
    assert not p.valid(None) and not p.valid("forged")


def test_passes_are_bounded():
    p = Passes(ttl_s=1e9, limit=10)
    tokens = [p.issue(now=float(i)) for i in range(25)]
    assert len(p._expires) == 10 and p.valid(tokens[-1], now=30.0) and not p.valid(tokens[0], now=30.0)


def test_forwarded_address_believed_only_from_a_configured_proxy():
    proxies = parse_proxies(["127.0.0.1", "10.1.0.0/16"])
    # no proxy configured, or a peer that is not one: the header is the client's own words, ignored
    assert client_address("192.168.1.7", "1.2.3.4", ()) == "192.168.1.7"
    assert client_address("192.168.1.7", "1.2.3.4", proxies) == "192.168.1.7"
    # our proxy: the address it saw (rightmost not ours); what the student wrote on the left is skipped
    assert client_address("127.0.0.1", "6.6.6.6, 192.168.1.8", proxies) == "192.168.1.8"
    assert client_address("127.0.0.1", "192.168.1.9, 10.1.2.3", proxies) == "192.168.1.9"
    assert client_address("127.0.0.1", "not-an-address", proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"
    with pytest.raises(ValueError, match="--trusted-proxy"):
        parse_proxies(["nginx"])


def _chunks(obj) -> list[bytes]:
    return list(generate_chunks(msgpack.packb(obj), 64))


def test_unchunker_refuses_giant_declared_sizes_even_after_hello():
    u = BoundedUnChunker(max_message=1 << 20, max_pending=2)
    u.set_max_message_size(4 << 30)  # what wslink does after the hello
    assert u.max_message_size == 1 << 20
    with pytest.raises(MessageRefused) as exc:
        u.process_chunk(struct.pack("<III", 1, 0, (4 << 30) - 1) + b"x")
    assert exc.value.close_code == 1009 and not u.pending_messages
    with pytest.raises(MessageRefused):
        u.process_chunk(b"short")
    with pytest.raises(MessageRefused):  # content beyond the declared end
        u.process_chunk(struct.pack("<III", 2, 0, 4) + b"12345678")


def test_unchunker_bounds_half_sent_messages_and_still_reassembles():
    u = BoundedUnChunker(max_message=1 << 20, max_pending=2)
    u.set_max_message_size(4 << 30)  # after the hello
    assert u.process_chunk(struct.pack("<III", 1, 0, 1000) + b"x") is None
    assert u.process_chunk(struct.pack("<III", 2, 0, 1000) + b"x") is None
    with pytest.raises(MessageRefused, match="half-sent"):
        u.process_chunk(struct.pack("<III", 3, 0, 1000) + b"x")
    u.release_pending_messages()
    message = {"id": "rpc:1", "args": ["x" * 500]}
    parts = _chunks(message)
    assert len(parts) > 1
    results = [u.process_chunk(c) for c in parts]
    assert results[-1] == message and all(r is None for r in results[:-1])


def test_log_quotes_are_brief_and_one_line():
    forged = "ok\n2026-12-01 WARNING viewer.serve: wrong access code from 10.0.0.1"
    q = quote(forged)
    assert "\n" not in q and "\\n" in q and q.startswith('"')
    long = quote("y" * 8_000_000)
    assert len(long) < 200 and "8000000 chars" in long
    assert "\x1b" not in quote("\x1b[31mred")


def test_admission_caps_per_peer_and_in_all():
    a = Admission(total=5, per_peer=3)
    assert [a.admit("1.1.1.1") for _ in range(4)] == [True, True, True, False]
    assert a.admit("2.2.2.2") and a.admit("2.2.2.2") and not a.admit("3.3.3.3")  # 5 in all
    a.release("1.1.1.1")
    assert a.admit("3.3.3.3") and a.refused == 2


def test_export_buttons_take_nothing_from_the_client(app, monkeypatch):
    """The Video trigger ignores a client's size/fps/range and returns at once (wslink awaits it)."""
    from bench.wsclient import triggers_by_label
    from viewer.share import logic as exports  # the export buttons live in viewer/share

    seen = []

    class FakePool:
        async def run(self, kind, options, on_progress=None, on_position=None):
            seen.append((kind, options))
            return None

    monkeypatch.setattr(exports, "shared_pool", lambda: FakePool())
    template = str(app.state["trame__template_panel"])  # the panel's own template (viewer/page/panel.py)
    name = triggers_by_label(template, app.state.ui)["Video"]
    fn = app.server.controller.trigger_fn(name)

    async def press():
        result = fn("mp4", 0, 3300, 100, [12000, 9000], size=[12000, 9000], fps=100)
        assert result is None and not inspect.isawaitable(result)
        await app.exports.task

    asyncio.run(press())
    kind, options = seen[0]
    assert kind == "video"
    assert options["size"] == exports.VIDEO_SIZE and options["fps"] is None
    assert options["start"] == 0.0 and options["end"] is None


# ---------------------------------------------------------------------------------------- export pool
def _video(tmp_path, name: str, end: float = 1.0, fps: int = 2) -> dict:
    return {"tooth_code": "85", "procedure": "pulpotomy", "out_path": tmp_path / name, "fmt": "gif",
            "size": (64, 48), "fps": fps, "start": 0.0, "end": end}


def test_pool_queue_positions_refusal_cancellation_and_crash(tmp_path):
    from viewer.export.pool import ExportFailed, ExportPool, QueueFull

    async def scenario():
        pool = ExportPool(workers=1, max_queued=1, time_limit_s=120)
        try:
            await pool.warm()
            positions = {"a": [], "b": []}
            progress = []
            a = asyncio.create_task(pool.run("video", _video(tmp_path, "a.gif", end=600.0), progress.append,
                                             positions["a"].append))
            await asyncio.sleep(0.3)
            b = asyncio.create_task(pool.run("video", _video(tmp_path, "b.gif"), None, positions["b"].append))
            await asyncio.sleep(0.3)
            with pytest.raises(QueueFull):
                await pool.run("video", _video(tmp_path, "c.gif"))
            assert positions == {"a": [0], "b": [1]} and pool.queued == 1
            b.cancel()  # its session left while waiting: out of the queue
            with pytest.raises(asyncio.CancelledError):
                await b
            assert pool.queued == 0
            while not progress:
                await asyncio.sleep(0.1)
            [pid] = pool.worker_pids()
            os.kill(pid, signal.SIGKILL)  # the worker dies mid-render (think: out of memory)
            with pytest.raises(ExportFailed, match="crashed"):
                await a
            assert not (tmp_path / "a.gif").exists()
            r = await pool.run("video", _video(tmp_path, "d.gif"))  # a fresh worker serves the next one
            assert r.path == tmp_path / "d.gif" and r.frames == 2 and r.path.stat().st_size > 100
            assert pool.running == 0 and pool.failed == 1
        finally:
            pool.shutdown()

    asyncio.run(scenario())


def test_pool_time_limit_and_cancel_while_rendering(tmp_path):
    from viewer.export.pool import ExportFailed, ExportPool

    async def scenario():
        pool = ExportPool(workers=1, max_queued=2, time_limit_s=3.0, grace_s=20)
        try:
            await pool.warm()
            with pytest.raises(ExportFailed, match="time limit"):
                # the whole procedure at 30 fps (~1,500 frames): far over 3 s however fast the renders
                # get (at 2 fps it once finished inside the limit on a quiet machine)
                await pool.run("video", _video(tmp_path, "long.gif", end=600.0, fps=30))
            progress = []
            job = asyncio.create_task(pool.run("video", _video(tmp_path, "left.gif", end=600.0),
                                               progress.append))
            while not progress:
                await asyncio.sleep(0.1)
            job.cancel()  # the session left while rendering
            with pytest.raises(asyncio.CancelledError):
                await job
            for _ in range(200):  # the worker stops at its next frame and the slot comes back
                if pool.running == 0:
                    break
                await asyncio.sleep(0.1)
            assert pool.running == 0 and not (tmp_path / "left.gif").exists()
        finally:
            pool.shutdown()

    asyncio.run(scenario())
