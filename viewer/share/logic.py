"""Exports in a session: the procedure video (MP4 or GIF) and the offline page, made off the event loop.

A mixin of ``viewer.app.App``. VTK renders offscreen in a worker thread (``asyncio.to_thread``), one render
at a time in the process (``RENDER_LOCK``), so every session keeps animating while a video is made. The
progress callback runs in that thread: it hands each value to the loop (``call_soon_threadsafe``), which
flushes it to this session's browser. The file lands in the session's own temporary folder, is served by
``viewer.downloads`` and is deleted when the session closes. The screenshot is taken in the browser (the
vtk.js canvas: exactly what the user sees), see ``viewer.page.panel``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import time
from pathlib import Path

from viewer import downloads
from viewer.i18n import tr
from viewer.story.model import indicated
from viewer.vocabulary import PROCEDURES

RENDER_LOCK = threading.Lock()  # VTK offscreen rendering: one at a time per process
VIDEO_SIZE = (1024, 768)  # the tablet's 4:3 landscape


class Exports:
    """Video and offline page of an App (uses its state: tooth, procedure, language)."""

    def _init_exports(self) -> None:
        s = self.state
        s.export_busy = False
        s.export_progress = 0.0
        s.export_label = ""
        s.export_url = ""
        s.export_name = ""
        s.export_error = ""
        s.export_gif = False
        self._export_dir: Path | None = None
        self._export_task: asyncio.Task | None = None
        self._export_closed = threading.Event()
        self.last_export = None  # the last VideoResult / OfflineResult (tests, logs)

    def _session_dir(self) -> Path:
        if self._export_dir is None:
            self._export_dir = Path(tempfile.mkdtemp(prefix="pm3d-export-"))
        return self._export_dir

    def export_procedure(self) -> str:
        """The procedure a video shows: the chosen one, else the one the infection extent calls for."""
        s = self.state
        if s.procedure:
            return s.procedure
        p = indicated(s.infection or "none")["procedure"]
        return p if p in PROCEDURES else PROCEDURES[0]

    def export_video(self, fmt: str | None = None, start: float = 0.0, end: float | None = None,
                     fps: float | None = None, size: tuple[int, int] | None = None):
        """Start making the video of the current procedure (MP4, or GIF when the GIF switch is on)."""
        from viewer.export.video import render_procedure_video

        s = self.state
        fmt = fmt or ("gif" if s.export_gif else "mp4")
        fdi, procedure, lang = self.tooth_model().tooth.fdi, self.export_procedure(), s.lang
        name = f"tooth-{fdi}-{procedure}-{lang}.{fmt}"
        size = size or (VIDEO_SIZE if fmt == "mp4" else None)

        def work(path: Path, progress):
            return render_procedure_video(fdi, procedure, path, fmt=fmt, size=size, fps=fps,
                                          progress=progress, start=start, end=end, lang=lang)

        return self._start_export(tr(lang, "rendering"), name, work)

    def export_offline(self):
        """Start making the self-contained HTML page of the current tooth."""
        from viewer.export.offline import export_offline_html

        fdi, lang = self.tooth_model().tooth.fdi, self.state.lang

        def work(path: Path, progress):
            progress(0.1)
            return export_offline_html(fdi, path, lang=lang)

        return self._start_export(tr(self.state.lang, "export_offline"), f"tooth-{fdi}.html", work)

    def _start_export(self, label: str, name: str, work):
        s = self.state
        if self._export_task is not None and not self._export_task.done():
            return self._export_task  # one export at a time per session
        if s.export_url:
            downloads.forget(s.export_url)
        s.export_busy = True
        s.export_progress = 0.0
        s.export_label = label
        s.export_url = s.export_name = s.export_error = ""
        self._export_task = asyncio.get_event_loop().create_task(self._run_export(name, work))
        return self._export_task

    async def _run_export(self, name: str, work) -> None:
        loop = asyncio.get_running_loop()
        path = self._session_dir() / name
        last = [-1.0, 0.0]

        def on_progress(fraction: float) -> None:  # in the worker thread
            now = time.monotonic()
            if fraction < 1.0 and (fraction - last[0] < 0.01 or now - last[1] < 0.1):
                return  # at most ~10 updates a second
            last[0], last[1] = fraction, now
            loop.call_soon_threadsafe(self._export_progress, fraction)

        closed = self._export_closed

        def in_thread():
            with RENDER_LOCK:
                if closed.is_set():
                    return None
                try:
                    return work(path, on_progress)
                finally:
                    if closed.is_set():  # the session left while rendering: leave nothing behind
                        shutil.rmtree(path.parent, ignore_errors=True)

        try:
            result = await asyncio.to_thread(in_thread)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a failed export must not take the session down
            with self.state:
                self.state.export_busy = False
                self.state.export_error = f"{tr(self.state.lang, 'export_failed')} ({type(exc).__name__})"
            return
        if closed.is_set() or result is None:
            return
        self.last_export = result
        with self.state:
            self.state.export_progress = 1.0
            self.state.export_busy = False
            self.state.export_name = name
            self.state.export_url = downloads.publish(path)

    def _export_progress(self, fraction: float) -> None:
        if self._export_closed.is_set():
            return
        with self.state:
            self.state.export_progress = round(float(fraction), 3)

    def _close_exports(self) -> None:
        """The session ends: forget its download, delete its files (a render under way cleans up after)."""
        self._export_closed.set()
        if self.state.export_url:
            downloads.forget(self.state.export_url)
        if self._export_task is not None and not self._export_task.done():
            self._export_task.cancel()
        if self._export_dir is not None:
            shutil.rmtree(self._export_dir, ignore_errors=True)
