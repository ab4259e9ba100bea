"""Start our app and the baseline on free ports, time their start-up, read their memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Serve the app from another checkout (e.g. ``git archive HEAD`` while the work tree is mid-edit).
APP_ROOT = Path(os.environ.get("BENCH_APP_ROOT", ROOT))
READY_LINE = "App running at"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(kind: str, port: int, tooth: str = "85", args: tuple[str, ...] = ()) -> list[str]:
    if kind == "ours":
        return [sys.executable, str(APP_ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                "--tooth", tooth, *args]
    if kind == "baseline":
        return [sys.executable, "-m", "bench.baseline_app", "--host", "127.0.0.1", "--port", str(port),
                "--tooth", tooth]
    raise ValueError(kind)


@dataclass
class Server:
    kind: str
    port: int
    proc: subprocess.Popen
    startup_s: float
    output: list[str] = field(default_factory=list)
    log_bytes: int = 0  # everything it printed (the output list keeps the first lines, cut short)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def cpu_s(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start(kind: str, tooth: str = "85", timeout: float = 120, env: dict | None = None,
          args: tuple[str, ...] = ()) -> Server:
    """Start a server (``args``: more app.py options); ``startup_s`` is process start -> "App running at"."""
    port = free_port()
    t0 = time.perf_counter()
    paths = os.pathsep.join(dict.fromkeys([str(APP_ROOT), str(ROOT)]))
    env = {"PYTHONPATH": paths, **(env or {})}
    proc = subprocess.Popen(command(kind, port, tooth, args), cwd=APP_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **env})
    lines = []
    deadline = t0 + timeout
    while True:
        line = proc.stdout.readline()
        if line:
            lines.append(line.rstrip())
            if READY_LINE in line:
                break
        elif proc.poll() is not None:
            raise RuntimeError(f"{kind} server exited early:\n" + "\n".join(lines))
        if time.perf_counter() > deadline:
            proc.kill()
            raise RuntimeError(f"{kind} server did not start within {timeout} s")
    startup = time.perf_counter() - t0
    # keep draining its output so a chatty server never blocks on a full pipe
    import threading

    server = Server(kind, port, proc, startup, lines)

    def drain():
        for ln in proc.stdout:
            server.log_bytes += len(ln)
            if len(lines) < 2000:
                lines.append(ln.rstrip()[:2000])

    threading.Thread(target=drain, daemon=True).start()
    return server


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def machine() -> dict:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d %H:%M %Z")}
