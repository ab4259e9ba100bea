"""Many sessions against one server with raw trame/wslink clients: memory, round trips, soak, slow clients."""

from __future__ import annotations

import asyncio
import base64
import os
import random
import socket
import time

import msgpack
from wslink.chunking import generate_chunks

from .browser import percentile
from .wsclient import SECRET, TrameClient

ECHO = {"ours": "url_query", "baseline": "scene_view"}  # what the server sends back after a layer toggle


async def settle_rss(server, seconds: float = 3.0) -> float:
    """RSS after the server has had ``seconds`` of quiet (lowest of a few samples), once it has finished
    what it does on its own (our app makes the other teeth ready after the first page: ~45 MB a tooth,
    counted in the first session's figure, not spread over the sessions opened after it)."""
    from .interactions import settle

    await asyncio.sleep(seconds / 2)  # what a session sets off has started by then (the teeth: after 1 s)
    await asyncio.to_thread(settle, server.pid, 0.5)
    samples = []
    for _ in range(max(1, int(seconds / 1.0))):
        await asyncio.sleep(0.5)
        samples.append(server.rss_mb())
    return min(samples)


async def open_clients(url: str, n: int, query: str = "?tooth=85", concurrency: int = 10):
    sem = asyncio.Semaphore(concurrency)
    # one loopback address each, as n tablets would be: the server caps sessions per address (issue 12)
    clients = [TrameClient(url, local_addr=f"127.0.{1 + i // 250}.{1 + i % 250}") for i in range(n)]

    async def one(c):
        async with sem:
            return await c.connect(query)

    times = await asyncio.gather(*(one(c) for c in clients), return_exceptions=True)
    return clients, times


async def close_all(clients) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


async def memory(server, n_extra: int = 10) -> dict:
    """RSS idle, with one session, and per extra session (``n_extra`` more)."""
    idle = await settle_rss(server, 2)
    first, _ = await open_clients(server.url, 1)
    one = await settle_rss(server, 2)
    more, _ = await open_clients(server.url, n_extra)
    many = await settle_rss(server, 2)
    await close_all(first + more)
    after = await settle_rss(server, 4)
    return {"rss_idle_mb": idle, "rss_one_session_mb": one, "first_session_mb": one - idle,
            "per_extra_session_mb": (many - one) / n_extra, "rss_after_close_mb": after,
            "extra_sessions": n_extra}


async def concurrent(server, n: int = 30, toggles: int = 10) -> dict:
    """``n`` sessions at once; each flips a layer ``toggles`` times at random moments; round trips."""
    t0 = time.perf_counter()
    clients, times = await open_clients(server.url, n, concurrency=n)
    errors = [repr(t) for t in times if isinstance(t, BaseException)]
    served = [c for c, t in zip(clients, times, strict=True) if not isinstance(t, BaseException)]
    connect_s = time.perf_counter() - t0
    rss = server.rss_mb()
    rtts: list[float] = []

    async def work(c):
        for _ in range(toggles):
            await asyncio.sleep(random.uniform(0.05, 0.4))
            try:
                rtts.append(await c.toggle_round_trip("layer_enamel", ECHO[server.kind], timeout=30))
            except Exception as exc:  # noqa: BLE001 - counted as an error
                errors.append(repr(exc))

    await asyncio.gather(*(work(c) for c in served))
    for c in served:
        errors.extend(c.errors)
    await close_all(clients)
    return {"sessions": n, "served": len(served), "connect_all_s": connect_s, "rss_mb": rss,
            "rtt_p50_ms": 1000 * percentile(rtts, 50), "rtt_p95_ms": 1000 * percentile(rtts, 95),
            "rtt_max_ms": 1000 * max(rtts) if rtts else float("nan"), "round_trips": len(rtts),
            "errors": len(errors), "error_sample": errors[:3]}


async def soak(server, n: int = 100, wave: int = 5, play_share: float = 0.3, seed: int = 1) -> dict:
    """Connect and disconnect ``n`` sessions in waves; some leave in the middle of a pulpotomy."""
    rng = random.Random(seed)
    warm, _ = await open_clients(server.url, 3)  # fills the shared mesh caches: that is the level
    await close_all(warm)
    level = await settle_rss(server, 3)
    errors: list[str] = []
    played = 0
    peak = level
    for start in range(0, n, wave):
        size = min(wave, n - start)
        plays = [rng.random() < play_share for _ in range(size)]
        query = ["?tooth=85&procedure=pulpotomy&step=3" if p else "?tooth=85" for p in plays]
        clients = [TrameClient(server.url) for _ in range(size)]
        res = await asyncio.gather(*(c.connect(q) for c, q in zip(clients, query, strict=True)),
                                   return_exceptions=True)
        errors += [repr(r) for r in res if isinstance(r, BaseException)]
        for c, p, r in zip(clients, plays, res, strict=True):
            if p and not isinstance(r, BaseException):
                try:
                    started = c.wait_for(lambda ch: ch.get("playing") is True)
                    await c.trigger("Play")
                    await asyncio.wait_for(started, 10)
                    played += 1
                except Exception as exc:  # noqa: BLE001
                    errors.append(repr(exc))
        await asyncio.sleep(rng.uniform(0.2, 0.6))  # mid-animation
        peak = max(peak, server.rss_mb())
        for c in clients:
            errors.extend(c.errors)
        await close_all(clients)
    after = await settle_rss(server, 6)
    fresh = TrameClient(server.url)
    connect_s = await fresh.connect("?tooth=85")
    rtts = [await fresh.toggle_round_trip("layer_enamel", ECHO[server.kind]) for _ in range(10)]
    await fresh.close()
    return {"sessions": n, "played_then_left": played, "rss_level_mb": level, "rss_peak_mb": peak,
            "rss_after_mb": after, "growth_mb": after - level, "errors": len(errors),
            "error_sample": errors[:3], "fresh_connect_s": connect_s,
            "fresh_rtt_p95_ms": 1000 * percentile(rtts, 95)}


# ---------------------------------------------------------------------- a client that stops reading
def _frame(payload: bytes) -> bytes:
    """One masked binary websocket frame (client to server)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = bytes([0x82, 0x80 | n])
    elif n < 65536:
        head = bytes([0x82, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x82, 0x80 | 127]) + n.to_bytes(8, "big")
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


def _rpc(msg_id: str, method: str, args: list) -> bytes:
    packed = msgpack.packb({"wslink": "1.0", "id": msg_id, "method": method, "args": args, "kwargs": {}})
    return b"".join(_frame(c) for c in generate_chunks(packed, 4 << 20))


def stalled_client(port: int, mounted_trigger: str, play_trigger: str | None = None,
                   query: str = "?tooth=85&procedure=pulpotomy&step=3") -> socket.socket:
    """A websocket client that asks for a scene (and playback) and then never reads: a frozen tablet.

    Its receive buffer is tiny, so the server's sends to it stall once the kernel buffers are full.
    """
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head
    s.sendall(_rpc("system:c0:0", "wslink.hello", [{"secret": SECRET}]))
    time.sleep(0.3)
    s.sendall(_rpc("rpc:stalled:1", "trame.state.get", []))
    s.sendall(_rpc("rpc:stalled:2", "trame.trigger", [mounted_trigger, [query], {}]))
    if play_trigger:
        time.sleep(0.5)
        s.sendall(_rpc("rpc:stalled:3", "trame.trigger", [play_trigger, [], {}]))
    return s


async def slow_client(server, rounds: int = 30) -> dict:
    """Round trips of a healthy session before and while another session has stopped reading."""
    good = TrameClient(server.url)
    await good.connect("?tooth=84")
    before = [await good.toggle_round_trip("layer_enamel", ECHO[server.kind]) for _ in range(rounds)]
    stalled = await asyncio.to_thread(stalled_client, server.port, good.triggers.get("mounted", ""),
                                      good.triggers.get("Play"))
    await asyncio.sleep(2.0)  # the server is now trying to push meshes and frames into a full socket
    during = [await good.toggle_round_trip("layer_enamel", ECHO[server.kind]) for _ in range(rounds)]
    # a second session opened while one is stalled is served too
    other = TrameClient(server.url)
    other_connect = await other.connect("?tooth=85")
    stalled.close()  # vanishes without a close frame
    await asyncio.sleep(1.0)
    after = [await good.toggle_round_trip("layer_enamel", ECHO[server.kind]) for _ in range(rounds)]
    await other.close()
    await good.close()
    return {"rtt_p95_before_ms": 1000 * percentile(before, 95),
            "rtt_p95_during_ms": 1000 * percentile(during, 95),
            "rtt_max_during_ms": 1000 * max(during),
            "rtt_p95_after_ms": 1000 * percentile(after, 95),
            "other_connect_while_stalled_s": other_connect, "errors": len(good.errors + other.errors)}
