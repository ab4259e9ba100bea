"""Playing a procedure in a session: start and leave it, put the scene at a time, step, scrub, play.

A composed feature: ``App`` makes one ``ProcedurePlayer(session)``; it talks to the session only through
``viewer.activity.Session`` (its change handlers registered with ``state.change``). It is the one owner of
the player's time (``t``). The frames themselves are the pure ``viewer.procedure.frames.frame``; a step's
meshes are sent for the shapes it shows only (``Session.load_meshes``): the procedure's parts go out when a
step first shows them.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field

import numpy as np

from viewer.activity import Activity, Session
from viewer.growth.model import load_stage as load_tooth
from viewer.i18n import counter_text, final_text, procedure_name, step_texts, tr
from viewer.playback import cancel, start_frames
from viewer.procedure.frames import (
    COMPARE_PREFIX,
    EXTRA_MESHES,
    PROCEDURES,
    SHAPES,
    SPEEDS,
    compare_offset,
    compare_time,
    frame,
    idle_looks,
    other,
    removal_range,
    timelines,
)
from viewer.shapes import shape_source


@dataclass
class ProcedureState:
    """The procedure player's keys in the session state, typed, with their values when no procedure runs."""

    procedure: str | None = None  # one of vocabulary.PROCEDURES
    compare: bool = False  # the other procedure beside it
    t: float = 0.0  # seconds into the timeline
    t_max: float = 1.0
    playing: bool = False
    speed: float = 1.0  # one of procedure.SPEEDS
    caption: str = ""
    note: str = ""  # the student's; empty for a parent
    step_label: str = ""
    step_index: int = 0
    final_rows: list[str] = field(default_factory=list)  # compare: what each procedure removes (student)
    removal_range: list[float] = field(default_factory=lambda: removal_range(0.0))
    cmp_removal_range: list[float] = field(default_factory=lambda: removal_range(0.0))
    counter_text: str = ""  # the student's figures; empty for a parent
    cmp_counter_text: str = ""
    procedure_label: str = ""  # which copy is which, by its side of the picture
    cmp_label: str = ""
    cmp_caption: str = ""


# Kept when the procedure ends: the user's speed, and the colour ranges the next looks set themselves.
KEPT_ON_EXIT = ("speed", "t_max", "removal_range", "cmp_removal_range")


class ProcedurePlayer:
    """The procedure player of one session: ``start``, ``show``/``redraw``, ``next_step``, ``previous_step``,
    ``play``, ``pause``, ``tick``, ``cycle_speed``, ``moment``; ``t``, ``counters``; ``exit``
    is the activity's way out (the session's ``Activities`` calls it)."""

    def __init__(self, session: Session):
        self.session = session
        self.state = s = session.state
        for name in EXTRA_MESHES:
            s[f"mesh_{name}"] = None
        s.update(asdict(ProcedureState()))
        self._cmp_step = None
        self._cmp_side: str | None = None  # where the compare copy shows, from the last camera preset
        self._t = 0.0
        # the engine's figures of each copy ("" and "cmp_") at the current moment: removed_mm3,
        # removed_percent, remaining_mm3 (the page is sent only their words, counter_text)
        self.counters: dict[str, dict | None] = {"": None, COMPARE_PREFIX: None}
        self._step = None
        self._active: str | None = None  # the procedure started (the state's may be the browser's new one)
        self._play_task: asyncio.Task | None = None
        self.frames_sent = 0
        s.change("procedure")(self._on_procedure)
        s.change("compare")(self._on_compare)
        s.change("t")(self._on_t)

    @property
    def t(self) -> float:
        """Seconds into the chosen procedure's timeline, as last shown."""
        return self._t

    def start(self, procedure: str, step: int = 0) -> None:
        """Enter the procedure (or compare) activity and show ``procedure`` at the start of ``step``."""
        s = self.state
        self._stop_playing()
        self.session.enter(Activity.COMPARE if s.compare else Activity.PROCEDURE)
        self._active = procedure
        s.procedure = procedure
        if s.cut_plane != "off":  # the removal front is coloured on the whole pulp surface
            self.session.uncut()
        tl = timelines()[procedure]
        s.t_max = float(tl.total_duration)
        step = min(max(int(step), 0), len(tl.steps) - 1)
        tooth = self.session.tooth_model()
        self.words(tooth)
        self._step = None
        self.show(tl.step_start(step), force=True)
        self._prepare_steps(procedure)

    def _prepare_steps(self, procedure: str) -> None:
        """Every step's meshes made off the event loop while the first is read (cached for every session):
        a step's own section, and the parts it first shows, cost up to ~130 ms of CPU the first time."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the in-process tests: each step makes its own when shown
            return
        fdi, tl, wanted = self.session.tooth_key, timelines()[procedure], []
        for i in range(len(tl.steps)):
            m, _, updates = frame(fdi, procedure, tl.step_start(i))
            key = self.session.section_key(m.cut, m.cut_position)
            wanted += [(key, n) for n in SHAPES if updates[f"actor_{n}"]["visibility"]]
        loop.run_in_executor(None, lambda: [shape_source(key, n) for key, n in wanted])

    def words(self, tooth=None) -> None:
        """The texts of the chosen procedure that change only with the tooth or the language."""
        s = self.state
        tooth = tooth or self.session.tooth_model()
        s.final_rows = [final_text(tooth, p, s.lang) for p in PROCEDURES] if s.mode == "student" else []
        here, beside = ("here", "beside") if self._cmp_side is None else (
            ("copy_left", "copy_right") if self._cmp_side == "right" else ("copy_right", "copy_left"))
        s.cmp_label = tr(s.lang, beside, procedure=procedure_name(other(s.procedure), s.lang))
        s.procedure_label = tr(s.lang, here, procedure=procedure_name(s.procedure, s.lang))

    def compare_side(self, position, focal, up) -> None:
        """Which side of the picture the compare copy stands on, seen from this camera: the labels say it."""
        forward = np.subtract(focal, position)
        right = np.cross(forward, up)
        side = "right" if float(np.dot(compare_offset(self.session.tooth_model()), right)) > 0 else "left"
        if side != self._cmp_side:
            self._cmp_side = side
            if self.state.procedure:
                self.words()

    def _leave(self) -> None:
        """Back to exploring the tooth."""
        self.session.enter(Activity.EXPLORE)
        self.session.apply_looks()

    def exit(self) -> None:
        """The procedure's exit: its player stopped and its keys cleared (the activity's owner calls it)."""
        s = self.state
        self._stop_playing()
        self._active = None
        self._step = self._cmp_step = None
        self._t = 0.0
        s.update(asdict(ProcedureState(**{k: s[k] for k in KEPT_ON_EXIT})))

    def redraw(self) -> None:
        """The scene at the current moment again, every key sent (the language, mode or stage changed)."""
        self.show(self._t, force=True)

    def show(self, t: float, force: bool = False) -> None:
        """Put the scene at ``t`` seconds of the chosen procedure: a few small state keys per frame."""
        s, session = self.state, self.session
        procedure = s.procedure
        if not procedure:
            return
        fdi = session.tooth_key  # the staged tooth's key (age, variant)
        tl = timelines()[procedure]
        t = min(max(float(t), 0.0), tl.total_duration)
        self._t = t
        soft = s.mode != "student"  # a parent's palette: no blood-dark pulp (viewer.looks.pulp_look)
        m, _, updates = frame(fdi, procedure, t, soft=soft)
        if s.compare:
            tl_b = timelines()[other(procedure)]
            t_b = compare_time(tl, tl_b, t)  # the same stage, step for step
            m_b, _, more = frame(fdi, other(procedure), t_b, COMPARE_PREFIX, compare_offset(load_tooth(fdi)),
                                  soft)
            updates.update(more)
            if m_b.step_index != self._cmp_step or force:
                self._cmp_step = m_b.step_index
                step_b = tl_b.steps[m_b.step_index].id
                updates["cmp_caption"] = step_texts(other(procedure), step_b, s.lang)[0]
        else:
            updates.update(idle_looks(COMPARE_PREFIX))
            updates[f"{COMPARE_PREFIX}counter_text"] = ""
            updates["cmp_caption"] = ""
            self._cmp_step = None
        updates["t"] = round(t, 3)
        lang = s.lang
        student = s.mode == "student"  # a parent sees captions only: no notes, no mm³
        for prefix in ("", COMPARE_PREFIX):  # counters in the session's language, figures from the engine
            c = updates.pop(f"{prefix}counter", None)  # the figures stay here: the page shows only words
            self.counters[prefix] = c
            if not student:
                updates[f"{prefix}counter_text"] = ""
            elif updates.get(f"{prefix}counter_text") and c:
                updates[f"{prefix}counter_text"] = counter_text(
                    lang, c["removed_mm3"], c["removed_percent"], c["remaining_mm3"])
        step_changed = m.step_index != self._step
        if step_changed or force:
            key = session.section_key(m.cut, m.cut_position)  # the step's own section (the video's too)
            # only what this step shows (either copy): a hidden layer's mesh follows when it is shown
            session.load_meshes(key, [n for n in SHAPES if any(
                (updates.get(f"actor_{p}{n}") or {}).get("visibility") for p in ("", COMPARE_PREFIX))])
            caption, note = step_texts(procedure, tl.steps[m.step_index].id, lang)
            updates.update(
                caption=caption,
                note=note if student else "",
                step_index=m.step_index,
                step_label=tr(lang, "step_of", n=m.step_index + 1, total=m.step_count),
            )
        for k, v in updates.items():
            s[k] = v  # unchanged values are not sent again
        self.frames_sent += 1
        if step_changed or force:
            self._step = m.step_index
            session.camera_preset(m.camera)
            session.sync_url()

    def moment(self):
        """The current moment of the chosen procedure (for tests and the UI)."""
        from scenes import moment as resolve
        from viewer.procedure.frames import pulp_volumes

        tooth = self.session.tooth_model()
        return resolve(timelines()[self.state.procedure], self._t, pulp_volumes(tooth))

    def _on_procedure(self, procedure, **_):
        if not self.state.scene_ready or procedure == self._active:
            return
        if procedure in PROCEDURES:
            self.start(procedure)
        else:
            self._leave()  # the explorer's camera comes back with exploring (App.enter)
        self.session.sync_url()

    def _on_compare(self, compare, **_):
        if not self.state.scene_ready or not self.state.procedure:
            return
        self.session.enter(Activity.COMPARE if compare else Activity.PROCEDURE)  # same player: keeps running
        self.show(self._t, force=True)

    def _on_t(self, t, **_):
        """The scrub slider (a user's move differs from the time the player last set).

        The player writes ``t`` rounded to the millisecond (``show``); compared with the unrounded time,
        every frame's own write came back here as a "move" and sent a second state update per frame."""
        if self.state.procedure and t is not None and abs(float(t) - round(self._t, 3)) > 1e-6:
            self.show(float(t))

    def next_step(self) -> None:
        tl = timelines()[self.state.procedure]
        self.pause()
        i = tl.step_at(self._t)
        self.show(tl.step_start(i + 1) if i + 1 < len(tl.steps) else tl.total_duration)

    def previous_step(self) -> None:
        tl = timelines()[self.state.procedure]
        self.pause()
        i = tl.step_at(self._t)
        if self._t >= tl.total_duration:
            i = len(tl.steps) - 1
        elif self._t - tl.step_start(i) < 0.25 and i > 0:
            i -= 1
        self.show(tl.step_start(i))

    def cycle_speed(self) -> None:
        i = SPEEDS.index(self.state.speed) if self.state.speed in SPEEDS else 0
        self.state.speed = SPEEDS[(i + 1) % len(SPEEDS)]

    def tick(self, dt: float) -> bool:
        """Advance playback by ``dt`` seconds of wall time; True once the end is reached."""
        tl = timelines()[self.state.procedure]
        self.show(min(tl.total_duration, self._t + dt * float(self.state.speed)))
        return self._t >= tl.total_duration

    def play(self) -> None:
        s = self.state
        if not s.procedure:
            # No procedure chosen: "Play" plays the one the infection extent calls for (story/logic.py).
            self.session.story.play_indicated()
            return
        if self._play_task and not self._play_task.done():
            return
        if s.reduced_motion:  # prefers-reduced-motion: no animation; "play" jumps to the next step
            self.next_step()
            return
        if self._t >= timelines()[s.procedure].total_duration:
            self.show(0.0)
        self._play_task = start_frames(self.session, self.tick, "playing")

    def _stop_playing(self) -> None:
        task, self._play_task = self._play_task, None
        cancel(task)

    def pause(self) -> None:
        self._stop_playing()
        self.state.playing = False
