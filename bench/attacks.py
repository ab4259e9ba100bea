"""Hostile clients against one server, each while a well-behaved session keeps flipping a layer (issue 12).

Every attack is a raw client (sockets, aiohttp's websocket client) doing what a student's laptop could:
``under_attack(server, attack)`` runs it with a probe session beside it and reports the probe's round
trips, the server's memory against its level before the attack, and what the attack itself saw. Attackers
connect from 127.0.0.2 where they can (another loopback address: a different client to the server), so
per-address limits are seen to spare everyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import msgpack
from wslink.chunking import generate_chunks

from .browser import percentile
from .load import ECHO, settle_rss
from .wsclient import SECRET, TrameClient

ATTACKER = "127.0.0.2"  # a second loopback address: another client as far as the server can tell


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def get(url: str, timeout: float = 30) -> tuple[int, float, bytes]:
    """(status, seconds, body) of one GET (status 0 when it failed)."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, time.perf_counter() - t0, r.read()
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t0, e.read()
    except OSError:
        return 0, time.perf_counter() - t0, b""


# ---------------------------------------------------------------------------------------- raw websocket
def chunk_header(msg_id: int, offset: int, total: int) -> bytes:
    return struct.pack("<III", msg_id, offset, total)


def packed_rpc(msg_id: str, method: str, args: list) -> list[bytes]:
    packed = msgpack.packb({"wslink": "1.0", "id": msg_id, "method": method, "args": args, "kwargs": {}})
    return list(generate_chunks(packed, 4 << 20))


async def hello_socket(session: aiohttp.ClientSession, url: str, **kwargs):
    """A websocket past wslink's (public) hello: from here the un-chunker trusts declared sizes."""
    ws = await session.ws_connect(url.rstrip("/").replace("http", "ws") + "/ws", max_msg_size=0, **kwargs)
    for c in packed_rpc("system:c0:0", "wslink.hello", [{"secret": SECRET}]):
        await ws.send_bytes(c)
    await ws.receive(timeout=30)
    return ws


async def closed_code(ws, timeout: float = 20) -> int | None:
    """The close code the server sent, or None if it kept the socket open for `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            break
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            return ws.close_code if ws.close_code is not None else int(msg.data or 0)
    return None


# ---------------------------------------------------------------------------------------- the attacks
async def huge_chunks(server, frames: int = 3, declared: int = (4 << 30) - 1) -> dict:
    """Item 1: after the hello, 13-byte frames each declaring a message of `declared` bytes."""
    codes = []
    async with aiohttp.ClientSession() as session:
        for i in range(frames):
            ws = await hello_socket(session, server.url)
            await ws.send_bytes(chunk_header(1000 + i, 0, declared) + b"x")
            codes.append(await closed_code(ws))
            await ws.close()
    return {"close_codes": codes}


async def many_pending(server, messages: int = 50, declared: int = 1 << 20) -> dict:
    """Many half-sent messages on one socket, each under the size limit."""
    async with aiohttp.ClientSession() as session:
        ws = await hello_socket(session, server.url)
        sent = 0
        for i in range(messages):
            try:
                await ws.send_bytes(chunk_header(2000 + i, 0, declared) + b"x")
                sent += 1
            except ConnectionError:
                break
        code = await closed_code(ws)
        await ws.close()
    return {"sent": sent, "close_code": code}


async def text_flood(server, size: int = 3 << 20) -> dict:
    """Item 7: one text frame of `size` bytes (wslink logged all of it) and forged log lines.

    3 MB: under the frame limit, so the frame reaches the session (8 MB is refused by aiohttp itself).
    """
    before = server.log_bytes
    async with aiohttp.ClientSession() as session:
        ws = await hello_socket(session, server.url)
        forged = "x\nWARNING viewer.serve: wrong access code from 10.9.9.9"
        for c in packed_rpc("rpc:c0:1", "trame.error.client", [forged]):
            await ws.send_bytes(c)
        await asyncio.sleep(0.5)
        with contextlib.suppress(ConnectionError):
            await ws.send_str("y" * size)
        code = await closed_code(ws)
        await ws.close()
    await asyncio.sleep(1.0)
    return {"close_code": code, "log_growth_bytes": server.log_bytes - before}


def _half_open(port: int, n: int, source: str) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        try:
            s.bind((source, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
            socks.append(s)
        except OSError:
            s.close()
    return socks


def _still_open(socks: list[socket.socket]) -> int:
    """How many of `socks` the server has not closed (a closed one reads EOF or a reset)."""
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += s.recv(1) != b""
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive


async def half_open(server, n: int = 1100, hold_s: float = 4.0, wait_close_s: float = 20.0) -> dict:
    """Item 4: `n` requests whose headers never end, from one address; the page meanwhile."""
    log_before = server.log_bytes
    socks = await asyncio.to_thread(_half_open, server.port, n, ATTACKER)
    admitted, settled = -1, time.monotonic() + 10
    while time.monotonic() < settled:  # until the server has dealt with every accepted connection
        await asyncio.sleep(0.5)
        now_open = _still_open(socks)
        if now_open == admitted:
            break
        admitted = now_open
    fds = fd_count(server.pid)
    status, page_s, _ = await asyncio.to_thread(get, server.url + "index.html")
    await asyncio.sleep(hold_s)
    deadline = time.monotonic() + wait_close_s
    left = _still_open(socks)
    while left and time.monotonic() < deadline:  # the header timeout closes what was admitted
        await asyncio.sleep(1.0)
        left = _still_open(socks)
    for s in socks:
        s.close()
    return {"opened": len(socks), "admitted": admitted, "server_fds": fds, "page_status": status,
            "page_s": page_s, "left_open_after_timeout": left,
            "log_growth_bytes": server.log_bytes - log_before}


async def plain_ws_gets(server, n: int = 300, concurrency: int = 4) -> dict:
    """Item 7: `n` GET /ws without the upgrade, `concurrency` at a time (each used to build a whole App)."""
    statuses: set[int] = set()
    body = ""
    t0 = time.perf_counter()
    connector = aiohttp.TCPConnector(local_addr=(ATTACKER, 0), force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one_by_one(count: int) -> None:
            nonlocal body
            for _ in range(count):
                async with session.get(server.url + "ws") as r:
                    statuses.add(r.status)
                    body = body or (await r.text())[:60]

        await asyncio.gather(*(one_by_one(n // concurrency) for _ in range(concurrency)))
    return {"requests": n // concurrency * concurrency, "seconds": time.perf_counter() - t0,
            "statuses": sorted(statuses), "body": body}


async def session_flood(server, n: int = 20) -> dict:
    """Item 8: `n` websocket sessions from one address."""
    opened, refused = [], 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(ATTACKER, 0))) as session:
        for _ in range(n):
            try:
                opened.append(await hello_socket(session, server.url))
            except aiohttp.WSServerHandshakeError as e:
                refused += e.status == 429
        for ws in opened:
            await ws.close()
    return {"opened": len(opened), "refused_429": refused}


async def video_setup(server, n: int = 8, **_) -> dict:
    """`n` ordinary tablets open the pulpotomy (not the attack: what the class does anyway)."""
    clients = [TrameClient(server.url, local_addr=ATTACKER) for _ in range(n)]
    await asyncio.gather(*(c.connect("?tooth=85&procedure=pulpotomy") for c in clients))
    return {"clients": clients}


async def video_pressers(server, n: int = 8, hostile_args: list | None = None, hold_s: float = 3.0,
                         clients: list | None = None) -> dict:
    """Items 2, 5, 6: `n` sessions press Video at once (with the client's own args); the page meanwhile."""
    if clients is None:
        clients = (await video_setup(server, n))["clients"]
    args = hostile_args if hostile_args is not None else []
    t0 = time.perf_counter()
    answers = await asyncio.gather(*(c.trigger("Video", args, timeout=60) for c in clients),
                                   return_exceptions=True)
    trigger_s = time.perf_counter() - t0
    await asyncio.sleep(hold_s)
    status, page_s, _ = await asyncio.to_thread(get, server.url + "index.html")
    own_rtt = await clients[0].toggle_round_trip("layer_enamel", ECHO["ours"], timeout=60)
    states = [(c.state.get("export_busy"), c.state.get("export_ahead"), c.state.get("export_error", ""))
              for c in clients]
    for c in clients:
        await c.close()
    return {"pressed": len(clients), "trigger_answer_s": trigger_s,
            "trigger_errors": sum(isinstance(a, Exception) for a in answers),
            "page_status": status, "page_s": page_s, "presser_rtt_ms": 1000 * own_rtt,
            "running": sum(1 for b, a, _ in states if b and a == 0),
            "queued_positions": sorted(a for b, a, _ in states if b and a),
            "refused": sum(1 for b, _, e in states if not b and e)}


SETUPS: dict[str, Callable[..., Awaitable[dict]]] = {"video_pressers": video_setup}
ATTACKS: dict[str, Callable[..., Awaitable[dict]]] = {
    "huge_chunks": huge_chunks,
    "many_pending": many_pending,
    "text_flood": text_flood,
    "half_open": half_open,
    "plain_ws_gets": plain_ws_gets,
    "session_flood": session_flood,
    "video_pressers": video_pressers,
}


# ---------------------------------------------------------------------------------------- the probe
async def under_attack(server, attack: Callable[..., Awaitable[dict]], **kwargs) -> dict:
    """Run `attack` while a well-behaved session flips a layer every 50 ms; memory against its level.

    An attack with a setup (``SETUPS``: e.g. the tablets that will press Video opening their page) has it
    run first, outside the measured window: it is what an ordinary class does.
    """
    setup = SETUPS.get(attack.__name__)
    if setup is not None:
        kwargs = {**kwargs, **await setup(server, **kwargs)}
    probe = TrameClient(server.url)
    await probe.connect("?tooth=85")
    level = await settle_rss(server, 2)
    peak = [level]
    rtts: list[float] = []
    errors: list[str] = []
    stop = asyncio.Event()

    async def probing():
        while not stop.is_set():
            try:
                rtts.append(await probe.toggle_round_trip("layer_enamel", ECHO["ours"], timeout=30))
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(repr(exc)[:200])
            peak[0] = max(peak[0], server.rss_mb())
            await asyncio.sleep(0.05)

    task = asyncio.create_task(probing())
    t0 = time.perf_counter()
    try:
        result = await attack(server, **kwargs)
    finally:
        stop.set()
        await task
    fresh = TrameClient(server.url)
    connect_s = await fresh.connect("?tooth=85")
    await fresh.close()
    await probe.close()
    return {**result, "attack_s": time.perf_counter() - t0, "probe_round_trips": len(rtts),
            "probe_rtt_p50_ms": 1000 * percentile(rtts, 50), "probe_rtt_p95_ms": 1000 * percentile(rtts, 95),
            "probe_rtt_max_ms": 1000 * max(rtts) if rtts else float("nan"), "probe_errors": len(errors),
            "probe_error_sample": errors[:2], "rss_level_mb": level, "rss_peak_mb": peak[0],
            "rss_growth_mb": peak[0] - level, "fresh_connect_s": connect_s,
            "server_alive": server.proc.poll() is None}


def run_all(names: tuple[str, ...] = tuple(ATTACKS), args: tuple[str, ...] = ()) -> dict:
    """Every attack against one fresh server (``python -m bench --attacks``)."""
    from . import servers

    srv = servers.start("ours", args=args)
    out = {}
    try:
        for name in names:
            print(f"attack: {name} ...", flush=True)
            try:
                out[name] = asyncio.run(under_attack(srv, ATTACKS[name]))
            except Exception as exc:  # noqa: BLE001 - reported in the table, the other attacks still run
                out[name] = {"failed": repr(exc)[:200]}
    finally:
        srv.stop()
    return out


def table(results: dict) -> str:
    lines = ["| attack | probe p95 (ms) | probe max (ms) | round trips | RSS growth (MB) | what it saw |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    skip = {"probe_error_sample", "rss_level_mb", "rss_peak_mb"}
    for name, r in results.items():
        if "failed" in r:
            lines.append(f"| {name} | - | - | - | - | failed: {r['failed']} |")
            continue
        seen = ", ".join(f"{k}={_short(v)}" for k, v in r.items() if not k.startswith(("probe_", "rss_"))
                         and k not in skip)
        lines.append(f"| {name} | {r['probe_rtt_p95_ms']:.1f} | {r['probe_rtt_max_ms']:.1f} | "
                     f"{r['probe_round_trips']} | {r['rss_growth_mb']:.0f} | {seen} |")
    return "\n".join(lines)


def _short(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


if __name__ == "__main__":  # python -m bench.attacks [name ...]: just the attacks
    import json
    import sys

    res = run_all(tuple(sys.argv[1:]) or tuple(ATTACKS))
    print(table(res))
    Path("/tmp/pm3d-attacks.json").write_text(json.dumps(res, indent=1, default=str))

