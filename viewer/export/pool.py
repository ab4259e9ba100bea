"""Exports (videos, offline pages) rendered in worker processes, queued fairly, bounded in every way.

A video is minutes of software rendering; in the server's own process it held the GIL and the default
thread pool (static files waited on it) and survived its session. Here each export is a job in a small
``ProcessPoolExecutor`` (spawned processes: no fork of a threaded server):

- **bounded queue**: `workers` jobs run, at most `max_queued` wait; one more is refused (`QueueFull`);
- **queue position**: ``on_position(n)`` is called with n jobs ahead (n = 0: rendering now);
- **time limit**: the worker stops itself after `time_limit_s`; a worker stuck inside one call is killed
  `grace_s` later (`ExportFailed`);
- **cancellation**: cancel the awaiting task (the session left) and a waiting job leaves the queue, a
  running one stops at its next frame;
- **crash isolation**: a worker that dies (segfault, out of memory) fails its job with `ExportFailed`;
  the pool is rebuilt and the server keeps serving.

Progress and cancellation go through two small files in a per-job folder (polled a few times a second),
so nothing but the job's options is pickled. ``python -m viewer.export`` is unaffected (it renders
in-process).

    pool = ExportPool(workers=1, max_queued=6, time_limit_s=600)
    result = await pool.run("video", {"tooth_code": "85", "procedure": "pulpotomy", "out_path": p},
                            on_progress=print, on_position=print)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

POLL_S = 0.2  # how often the loop reads a running job's progress


class QueueFull(RuntimeError):
    """Every worker is busy and the queue is full: try again later."""


class ExportFailed(RuntimeError):
    """The job did not finish: its message is "time limit", "crashed", "cancelled" or the worker's exception
    type (for the log); ``why`` is the text catalogue's key for the person who asked (never English text)."""

    @property
    def why(self) -> str:
        known = {"time limit": "time_limit", "crashed": "crashed", "cancelled": "cancelled"}
        return known.get(str(self), "error")

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Stop(Exception):
    """Raised inside the worker to stop a job (cancelled, or over its time limit)."""


# ---------------------------------------------------------------------------------------- in the worker
def _run_job(kind: str, options: dict, control: str, time_limit_s: float):
    folder = Path(control)
    deadline = time.monotonic() + time_limit_s
    cancel = folder / "cancel"
    last = [0.0]

    def progress(fraction: float) -> None:
        if cancel.exists():
            raise _Stop("cancelled")
        now = time.monotonic()
        if now > deadline:
            raise _Stop("time limit")
        if now - last[0] >= 0.1 or fraction >= 1.0:
            last[0] = now
            tmp = folder / "progress.tmp"
            tmp.write_text(f"{fraction:.4f}")
            os.replace(tmp, folder / "progress")

    if kind == "video":
        from .video import render_procedure_video

        return render_procedure_video(progress=progress, **options)
    if kind == "offline":
        from .offline import export_offline_html

        progress(0.1)
        return export_offline_html(**options)
    raise ValueError(f"unknown export kind {kind!r}")


def _ready() -> int:
    return os.getpid()


# ---------------------------------------------------------------------------------------- in the server
class ExportPool:
    def __init__(self, workers: int = 1, max_queued: int = 6, time_limit_s: float = 600.0,
                 grace_s: float = 30.0, max_tasks_per_child: int = 20):
        self.workers = max(1, workers)
        self.max_queued = max(0, max_queued)
        self.time_limit_s = time_limit_s
        self.grace_s = grace_s
        self.max_tasks_per_child = max_tasks_per_child
        self._executor: ProcessPoolExecutor | None = None
        self._running = 0
        self._waiting: deque[tuple[asyncio.Future, Callable[[int], None] | None]] = deque()
        self.completed = 0
        self.failed = 0

    # ------------------------------------------------------------------ queue
    @property
    def queued(self) -> int:
        return len(self._waiting)

    @property
    def running(self) -> int:
        return self._running

    def _notify_positions(self) -> None:
        for i, (_, on_position) in enumerate(self._waiting):
            if on_position is not None:
                on_position(i + 1)

    async def _acquire(self, on_position: Callable[[int], None] | None) -> None:
        if self._running < self.workers and not self._waiting:
            self._running += 1
            return
        if len(self._waiting) >= self.max_queued:
            raise QueueFull(f"{self._running} exports rendering and {len(self._waiting)} waiting")
        ticket = asyncio.get_running_loop().create_future()
        entry = (ticket, on_position)
        self._waiting.append(entry)
        self._notify_positions()
        try:
            await asyncio.shield(ticket)
        except asyncio.CancelledError:
            if entry in self._waiting:
                self._waiting.remove(entry)
                self._notify_positions()
            else:  # the slot was handed over just as we were cancelled: pass it on
                self._release()
            raise

    def _release(self) -> None:
        while self._waiting:
            ticket, _ = self._waiting.popleft()
            if not ticket.done():
                ticket.set_result(None)  # the slot goes to the next in line, `_running` unchanged
                self._notify_positions()
                return
        self._running -= 1

    # ------------------------------------------------------------------ processes
    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self.max_tasks_per_child)
        return self._executor

    def worker_pids(self) -> list[int]:
        procs = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in list(procs.values()) if p.is_alive()]

    def _kill(self) -> None:
        """Stop every worker now (a stuck job, or shutdown); the next job gets fresh ones."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        procs = list((getattr(executor, "_processes", None) or {}).values())
        for p in procs:
            with contextlib.suppress(Exception):
                p.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """At server stop: cancel the queue, kill the workers (a render never holds the exit up)."""
        while self._waiting:
            ticket, _ = self._waiting.popleft()
            if not ticket.done():
                ticket.cancel()
        self._kill()

    async def warm(self) -> int:
        """Start a worker ahead of the first export; returns its pid."""
        return await asyncio.wrap_future(self._pool().submit(_ready))

    # ------------------------------------------------------------------ one job
    async def run(self, kind: str, options: dict, on_progress: Callable[[float], None] | None = None,
                  on_position: Callable[[int], None] | None = None):
        """Queue a job, wait for it, return what the export function returned.

        ``options["out_path"]`` is where the file lands, and only once it is complete: the worker writes in
        the job's own folder, which is deleted whatever happens (a cancelled render leaves nothing).
        """
        await self._acquire(on_position)
        folder = Path(tempfile.mkdtemp(prefix="pm3d-job-"))
        out_path = Path(options["out_path"])
        future = None
        try:
            if on_position is not None:
                on_position(0)
            future = asyncio.wrap_future(self._pool().submit(
                _run_job, kind, {**options, "out_path": folder / out_path.name}, str(folder),
                self.time_limit_s))
            result = await self._watch(future, folder, on_progress)
            try:
                shutil.move(folder / out_path.name, out_path)
            except OSError:  # the session's folder is gone (it left): nothing to hand over
                raise ExportFailed("cancelled") from None
            self.completed += 1
            return dataclasses.replace(result, path=out_path) if dataclasses.is_dataclass(result) else result
        except asyncio.CancelledError:
            (folder / "cancel").touch()  # the worker stops at its next frame
            raise
        except ExportFailed:
            self.failed += 1
            raise
        finally:
            if future is not None and not future.done():
                asyncio.get_running_loop().create_task(self._release_after(future, folder))
            else:
                shutil.rmtree(folder, ignore_errors=True)
                self._release()

    async def _release_after(self, future: asyncio.Future, folder: Path) -> None:
        """A cancelled job keeps its slot until its worker has really stopped."""
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(asyncio.shield(future), self.grace_s)
        if not future.done():
            self._kill()
        shutil.rmtree(folder, ignore_errors=True)
        self._release()

    async def _watch(self, future: asyncio.Future, folder: Path, on_progress):
        loop = asyncio.get_running_loop()
        hard_deadline = loop.time() + self.time_limit_s + self.grace_s
        shown = -1.0
        while True:
            done, _ = await asyncio.wait({future}, timeout=POLL_S)
            if on_progress is not None:
                fraction = _read_progress(folder)
                if fraction is not None and fraction > shown:
                    shown = fraction
                    on_progress(fraction)
            if done:
                break
            if loop.time() > hard_deadline:
                self._kill()
                raise ExportFailed("time limit")
        try:
            return future.result()
        except BrokenProcessPool:
            self._kill()
            raise ExportFailed("crashed") from None
        except _Stop as exc:
            raise ExportFailed(str(exc)) from None
        except Exception as exc:  # the export function failed: its type is the reason, no traceback
            raise ExportFailed(type(exc).__name__) from None


def _read_progress(folder: Path) -> float | None:
    try:
        return float((folder / "progress").read_text())
    except (OSError, ValueError):
        return None


_shared: ExportPool | None = None


def shared_pool() -> ExportPool:
    """The process's pool (one per server process; `configure` sets its size before the first export)."""
    global _shared
    if _shared is None:
        _shared = ExportPool()
    return _shared


def configure(**options) -> ExportPool:
    """Replace the shared pool (server start-up, tests): ExportPool's keyword arguments."""
    global _shared
    if _shared is not None:
        _shared.shutdown()
    _shared = ExportPool(**options)
    return _shared


def shutdown_shared() -> None:
    if _shared is not None:
        _shared.shutdown()
