"""Render a procedure timeline offscreen to an MP4 (H.264) or a GIF, captions burned in.

One plotter and one set of actors for the whole clip; each frame asks `scenes.moment` what to show at its
time and only restyles the stage. Software rendering (no GPU on the server): keep fps modest.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scenes import PulpVolumes, load_all, moment

from .stage import Stage

DEFAULT_SIZE = (1024, 768)  # the tablet's 4:3 (landscape); (768, 1024) for portrait
DEFAULT_FPS = {"mp4": 10, "gif": 5}
GIF_SCALE = 0.5  # a GIF is for messaging: half the linear size of the MP4
# x264's "medium" default spent the CPU the renderer needs (two cores share both); the stage's flat colours
# and slow motion compress well at a faster preset.
X264_PRESET = "veryfast"


@dataclass(frozen=True)
class VideoResult:
    path: Path
    frames: int
    fps: float
    size: tuple[int, int]
    seconds_per_frame: float  # render only (VTK), mean
    total_seconds: float  # render + encode
    bytes: int


def _even(n: float, multiple: int) -> int:
    return max(multiple, math.ceil(n / multiple) * multiple)


def removal_counter(m, lang: str = "en", parent: bool = False) -> str:
    """The on-screen counter while the pulp is being removed, else '' (and always '' for a parent:
    the live view shows a parent no mm³ either)."""
    if parent or not m.removing:
        return ""
    from scenes.text import text

    return text(lang, "ui.removed_short", removed=f"{m.removed_mm3:.1f}", percent=f"{m.removed_percent:.0f}")


def render_procedure_video(
    tooth_code: str,
    procedure: str,
    out_path: str | Path,
    fmt: str = "mp4",
    size: tuple[int, int] | None = None,
    fps: float | None = None,
    progress: Callable[[float], None] | None = None,
    start: float = 0.0,
    end: float | None = None,
    lang: str = "en",
    parent: bool = False,
) -> VideoResult:
    """Write the procedure's animation on one tooth to ``out_path`` and return what was written.

    ``tooth_code`` is a tooth key ("85", or "85@7.5~three-canals": the session's age and variant).
    ``size`` defaults to 1024 x 768 for MP4 and half that for GIF; MP4 sizes are rounded up to multiples of 16
    (H.264 macroblocks). ``fps`` defaults to 10 (MP4) / 5 (GIF). ``start``/``end`` (seconds) render part of
    the timeline (default: all of it, so the clip lasts as long as the timeline). ``progress`` gets 0..1.
    ``lang`` is the language of the burned-in title, captions and counter (``scenes.text``). ``parent``
    draws what parent mode shows live: the soft palette, the story's pulp colours, no mm³ counter.
    """
    import imageio.v2 as imageio  # optional dependency: only the export needs it

    from scenes.text import text

    fmt = fmt.lower()
    if fmt not in ("mp4", "gif"):
        raise ValueError(f"unknown video format {fmt!r}; expected 'mp4' or 'gif'")
    timelines = load_all()
    if procedure not in timelines:
        raise ValueError(f"unknown procedure {procedure!r}; expected one of {', '.join(sorted(timelines))}")
    timeline = timelines[procedure]
    fps = float(fps or DEFAULT_FPS[fmt])
    if fps <= 0:
        raise ValueError("fps must be > 0")
    if size is None:
        size = DEFAULT_SIZE if fmt == "mp4" else tuple(int(s * GIF_SCALE) for s in DEFAULT_SIZE)
    w, h = (_even(size[0], 16), _even(size[1], 16)) if fmt == "mp4" else (int(size[0]), int(size[1]))
    end = timeline.total_duration if end is None else min(float(end), timeline.total_duration)
    start = max(0.0, float(start))
    if end <= start:
        raise ValueError(f"empty time range {start}..{end}")
    n_frames = max(1, int(math.floor((end - start) * fps + 1e-9)))

    # No multisampling: a clip must be made in less time than it lasts, and H.264 softens edges anyway.
    stage = Stage(tooth_code, (w, h), smooth_edges=False)
    tooth = stage.tooth
    pulp = PulpVolumes(crown_mm3=tooth.volumes_mm3["crown_pulp"], root_mm3=tooth.volumes_mm3["root_pulp"])
    stage.set_text(stage.title, f"{text(lang, f'timeline.{procedure}.title')} · "
                                f"{text(lang, 'ui.tooth')} {tooth.tooth.fdi}")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "mp4":
        writer = imageio.get_writer(
            out_path, format="FFMPEG", mode="I", fps=fps, codec="libx264", quality=7,
            pixelformat="yuv420p", macro_block_size=16, ffmpeg_log_level="error",
            output_params=["-preset", X264_PRESET],
        )
    else:
        writer = imageio.get_writer(out_path, format="GIF", mode="I", duration=1000.0 / fps, loop=0)
    t0 = time.perf_counter()
    render_s = 0.0
    width = stage.caption_width()
    try:
        for i in range(n_frames):
            t = start + i / fps
            m = moment(timeline, t, pulp)
            r0 = time.perf_counter()
            stage.show(m.looks, m.pulp_states, m.removed_fraction, m.camera, m.cut, m.cut_position or 0.5,
                       soft=parent)
            step_id = timeline.steps[m.step_index].id
            stage.set_text(stage.caption, text(lang, f"timeline.{procedure}.steps.{step_id}.caption"), width)
            stage.set_text(stage.counter, removal_counter(m, lang, parent))
            frame = stage.image()
            render_s += time.perf_counter() - r0
            writer.append_data(frame)
            if progress:
                progress(min(0.999, (i + 1) / n_frames))
    finally:
        writer.close()
        stage.close()
    if progress:
        progress(1.0)
    return VideoResult(
        path=out_path, frames=n_frames, fps=fps, size=(w, h), seconds_per_frame=render_s / n_frames,
        total_seconds=time.perf_counter() - t0, bytes=out_path.stat().st_size,
    )
