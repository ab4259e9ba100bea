"""Exports in a session: the procedure video (MP4 or GIF) and the offline page, made off the event loop.

A composed feature: ``App`` makes one ``Exports(session)``; it reads the session's state and tooth through
``viewer.activity.Session`` and nothing else. VTK renders offscreen in a worker process of the shared export
pool (``viewer.export.pool``: bounded queue, time limit, crash isolation), so every session, this one
included, keeps answering while a video is made; the page shows the queue position, then the progress. The
buttons' triggers take nothing from the client (size, rate and range are the server's). The file lands in
the session's own temporary folder, is served by ``viewer.downloads`` and is deleted when the session closes
(a job still queued or rendering is cancelled). The screenshot is taken in the browser (the vtk.js canvas:
exactly what the user sees), see ``viewer.page.panel``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from pathlib import Path

from viewer import downloads
from viewer.activity import Session
from viewer.export.pool import ExportFailed, QueueFull, shared_pool
from viewer.i18n import tr
from viewer.story.model import indicated
from viewer.vocabulary import PROCEDURES

VIDEO_SIZE = (1024, 768)  # the tablet's 4:3 landscape


class Exports:
    """Video and offline page of one session: ``video``, ``offline`` (and the buttons' ``video_clicked``,
    ``offline_clicked``), the running ``task``, the ``last`` result; ``close`` when the session ends."""

    def __init__(self, session: Session):
        self.session = session
        self.state = s = session.state
        s.export_busy = False
        s.export_progress = 0.0
        s.export_label = ""
        s.export_url = ""
        s.export_name = ""
        s.export_error = ""
        s.export_gif = False
        s.export_ahead = 0  # exports queued before this one (0: rendering now)
        self._dir: Path | None = None
        self._task: asyncio.Task | None = None
        self._closed = threading.Event()
        self.last = None  # the last VideoResult / OfflineResult (tests, logs)

    @property
    def task(self) -> asyncio.Task | None:
        """The export under way (or the last one), to await."""
        return self._task

    def _session_dir(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="pm3d-export-"))
        return self._dir

    def procedure(self) -> str:
        """The procedure a video shows: the chosen one, else the one the infection extent calls for."""
        s = self.state
        if s.procedure:
            return s.procedure
        p = indicated(s.infection or "none")["procedure"]
        return p if p in PROCEDURES else PROCEDURES[0]

    def video_clicked(self, *_ignored, **_ignored_kw) -> None:
        """The Video button's trigger: whatever arguments a client sends, the server's defaults are used.

        Returns nothing (not the task): wslink awaits what a trigger returns, and the tablet that pressed
        Video would hear nothing back until the video was made.
        """
        self.video()

    def offline_clicked(self, *_ignored, **_ignored_kw) -> None:
        self.offline()

    def video(self, fmt: str | None = None, start: float = 0.0, end: float | None = None,
                     fps: float | None = None, size: tuple[int, int] | None = None):
        """Start making the video of the current procedure (MP4, or GIF when the GIF switch is on).

        The options are for Python callers (tests, scripts); the page's button passes none.
        """
        s = self.state
        fmt = fmt or ("gif" if s.export_gif else "mp4")
        fdi, procedure, lang = self.session.tooth_model().tooth.fdi, self.procedure(), s.lang
        name = f"tooth-{fdi}-{procedure}-{lang}.{fmt}"
        size = size or (VIDEO_SIZE if fmt == "mp4" else None)

        # The session's tooth key: the video draws the age and variant on screen (growth.model.tooth_key).
        options = {"tooth_code": self.session.tooth_key, "procedure": procedure, "fmt": fmt, "size": size,
                   "fps": fps, "start": start, "end": end, "lang": lang,
                   "parent": self.state.mode != "student"}
        return self._start_export(tr(lang, "rendering"), name, "video", options)

    def offline(self):
        """Start making the self-contained HTML page of the current tooth."""
        fdi, lang = self.session.tooth_model().tooth.fdi, self.state.lang
        return self._start_export(tr(lang, "export_offline"), f"tooth-{fdi}.html", "offline",
                                  {"tooth_code": self.session.tooth_key, "lang": lang})

    def _start_export(self, label: str, name: str, kind: str, options: dict):
        s = self.state
        if self._task is not None and not self._task.done():
            return self._task  # one export at a time per session
        if s.export_url:
            downloads.forget(s.export_url)
        s.export_busy = True
        s.export_progress = 0.0
        s.export_label = label
        s.export_url = s.export_name = s.export_error = ""
        s.export_ahead = 0
        self._task = asyncio.get_event_loop().create_task(self._run(name, kind, options))
        return self._task

    async def _run(self, name: str, kind: str, options: dict) -> None:
        path = self._session_dir() / name
        closed = self._closed
        try:
            result = await shared_pool().run(kind, {**options, "out_path": path},
                                             on_progress=self._progress,
                                             on_position=self._position)
        except (QueueFull, ExportFailed) as exc:  # a refused or failed export must not take the session down
            if closed.is_set():
                return
            lang = self.state.lang
            with self.state:
                self.state.export_busy = False
                self.state.export_error = (
                    tr(lang, "export_busy") if isinstance(exc, QueueFull)
                    else f"{tr(lang, 'export_failed')} {tr(lang, f'export_failed_{exc.why}')}")
            return
        if closed.is_set() or result is None:
            return
        self.last = result
        with self.state:
            self.state.export_progress = 1.0
            self.state.export_busy = False
            self.state.export_name = name
            self.state.export_url = downloads.publish(path)

    def _position(self, ahead: int) -> None:
        if self._closed.is_set():
            return
        with self.state:
            self.state.export_ahead = int(ahead)

    def _progress(self, fraction: float) -> None:
        if self._closed.is_set():
            return
        with self.state:
            self.state.export_progress = round(float(fraction), 3)

    def close(self) -> None:
        """The session ends: forget its download, delete its files (a render under way cleans up after)."""
        self._closed.set()
        if self.state.export_url:
            downloads.forget(self.state.export_url)
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
