"""The classroom's one-process-per-session deployment, run for real: Kitware's launcher (wslink.launcher)
with deploy/classroom/launcher.json (ports and folders moved to free ones). Two clients ask for a session
and get two app processes; one process is killed; the other client keeps working, and the launcher hands
out a new session."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port

from bench.wsclient import TrameClient


def _free_range(n: int) -> tuple[int, int]:
    """`n` consecutive free ports."""
    for _ in range(50):
        base = free_port()
        if base + n >= 65535:
            continue
        ok = True
        for p in range(base, base + n):
            with socket.socket() as s:
                try:
                    s.bind(("0.0.0.0", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base, base + n - 1
    raise RuntimeError("no free port range")


def _pid_on_port(port: int) -> int:
    """The app process the launcher started for `port` (its command line names the port)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"app.py" in b" ".join(args) and str(port).encode() in args:
            return int(proc.name)
    raise LookupError(port)


def _launch(url: str) -> dict:
    req = urllib.request.Request(url, data=json.dumps({"application": "pm3d"}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


@pytest.fixture
def launcher(tmp_path):
    cfg = json.loads((ROOT / "deploy" / "classroom" / "launcher.json").read_text())
    port = free_port()
    lo, hi = _free_range(3)
    cfg["configuration"].update(port=port, host="127.0.0.1", log_dir=str(tmp_path / "logs"),
                                proxy_file=str(tmp_path / "proxy.txt"))
    cfg["resources"][0]["port_range"] = [lo, hi]
    cfg["properties"]["python"] = sys.executable
    (tmp_path / "logs").mkdir()
    (tmp_path / "proxy.txt").touch()
    path = tmp_path / "launcher.json"
    path.write_text(json.dumps(cfg))
    proc = subprocess.Popen([sys.executable, "-m", "wslink.launcher", str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "launcher did not start"
            time.sleep(0.2)
    started: list[int] = []
    yield f"http://127.0.0.1:{port}/launcher/", started  # wslink adds the trailing slash
    proc.terminate()
    proc.wait(20)
    for pid in started:  # the launcher's children, if it left any
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def test_two_sessions_two_processes_one_killed_the_other_keeps_working(launcher):
    url, started = launcher
    a, b = _launch(url), _launch(url)
    assert a["sessionURL"].endswith("/ws") and a["port"] != b["port"]
    pid_a, pid_b = _pid_on_port(int(a["port"])), _pid_on_port(int(b["port"]))
    started += [pid_a, pid_b]
    assert pid_a != pid_b

    async def scenario():
        ca = TrameClient(f"http://127.0.0.1:{a['port']}/")
        cb = TrameClient(f"http://127.0.0.1:{b['port']}/")
        await ca.connect("?tooth=85")
        await cb.connect("?tooth=55")
        assert ca.state["tooth"] == "85" and cb.state["tooth"] == "55"  # two sessions, own state
        await ca.toggle_round_trip("layer_enamel", "url_query")
        os.kill(pid_a, signal.SIGKILL)  # one student's process crashes
        for _ in range(5):  # the other student's keeps answering
            assert await cb.toggle_round_trip("layer_enamel", "url_query", timeout=30) < 5
        assert cb.state["tooth"] == "55" and not cb.errors
        await ca.close()
        await cb.close()

    asyncio.run(scenario())
    c = _launch(url)  # and the launcher starts a new one (the dead one's port comes back to the pool)
    started.append(_pid_on_port(int(c["port"])))
    assert started[-1] not in (pid_a, pid_b)


@pytest.mark.browser
def test_two_browsers_two_processes(launcher, browser, playwright_instance):
    """The same in real Chromium: each tab draws its own process's tooth; one process dies, the other tab
    still loads and draws."""
    from bench import browser as bb

    url, started = launcher
    a, b = _launch(url), _launch(url)
    started += [_pid_on_port(int(a["port"])), _pid_on_port(int(b["port"]))]
    contexts = [bb.tablet_context(playwright_instance, browser) for _ in range(2)]
    try:
        pages = [ctx.new_page() for ctx in contexts]
        for page, s in zip(pages, (a, b), strict=True):
            bb.first_frame(page, f"http://127.0.0.1:{s['port']}/?tooth=85")
        os.kill(started[0], signal.SIGKILL)
        time.sleep(1.0)
        r = bb.first_frame(pages[1], f"http://127.0.0.1:{b['port']}/?tooth=55")  # a fresh load, process b
        assert r["first_frame_s"] < 30
        pages[1].wait_for_timeout(1000)
        assert bb.canvas_not_blank(pages[1]) > 0.03
    finally:
        for ctx in contexts:
            ctx.close()
