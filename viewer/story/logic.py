"""The chairside story in a session: infection extent, Parent / Student mode, the successor, and the two
space scenes with their player.

A composed feature: ``App`` makes one ``StoryPlayer(session)``; it talks to the session only through
``viewer.activity.Session`` (its change handlers registered with ``state.change``). Looks, poses and texts
are the pure functions of ``viewer.story.model``.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field

from meshes import REGIONS
from viewer.activity import Activity, Session
from viewer.i18n import tr
from viewer.playback import cancel, start_frames
from viewer.procedure.frames import COMPARE_PREFIX, PROCEDURES, idle_looks
from viewer.scene import layer_key, region_look
from viewer.story.model import (
    SIDES,
    SUCCESSOR_PARTS,
    age_marker,
    indicated,
    nb_key,
    neighbour_property,
    procedure_start_step,
    room_text,
    scene_title,
    space_duration,
    space_frame,
    successor_looks,
    treated_extent,
)
from viewer.vocabulary import INFECTIONS, MODES, SPACE_SCENES
from viewer.wire import serialized_neighbours, serialized_successor


@dataclass
class SpaceState:
    """A space scene's keys in the session state, typed, with their values when none plays."""

    space_scene: str | None = None  # one of vocabulary.SPACE_SCENES
    space_title: str = ""
    space_t: float = 0.0
    space_t_max: float = 1.0
    space_playing: bool = False
    space_age: str = ""
    space_caption: str = ""
    space_note: str = ""  # the student's
    space_room: str = ""  # the room left, at the end
    space_rise: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    age_marker: dict | None = None


class StoryPlayer:
    """The story of one session: ``texts``, ``ensure_successor`` (and ``successor_for``), ``play_indicated``;
    the space scenes' ``start_space``, ``redraw_space``, ``space_tick``, ``space_play``, ``space_pause``,
    ``leave_space``; ``exit_space`` is that activity's way out (the session's ``Activities`` calls it)."""

    def __init__(self, session: Session):
        self.session = session
        self.state = s = session.state
        s.mode = "parent"
        s.infection = "none"
        s.space_titles = {k: scene_title(k, "parent", s.lang) for k in SPACE_SCENES}
        s.teaching_line = tr(s.lang, "teaching_not_diagnosis")
        s.indicated = indicated("none")
        s.successor_on = False
        s.successor_name = ""
        self._successor_for = None
        self._neighbours_for = None
        for part in SUCCESSOR_PARTS:
            s[f"mesh_{part}"] = None
        for side in SIDES:
            s[f"mesh_{nb_key(side)}"] = None
            s[f"property_{nb_key(side)}"] = neighbour_property()
        s.update(asdict(SpaceState()))
        s.timeline_rows = []
        s.age_marker = None
        s.canal_text = ""
        self._space_t = 0.0
        self._space_present = None
        self._space_task: asyncio.Task | None = None
        self.frames_sent = 0
        s.change("infection")(self._on_infection)
        s.change("procedure")(self._on_procedure)
        s.change("mode")(self._on_mode)
        s.change("successor_on")(self._on_successor)

    @property
    def successor_for(self) -> str | None:
        """The tooth key whose premolar meshes the browser has (None: not sent yet)."""
        return self._successor_for

    def texts(self) -> None:
        s = self.state
        s.indicated = indicated(s.infection or "none", s.mode, s.lang)
        s.teaching_line = tr(s.lang, "teaching_not_diagnosis")
        s.space_titles = {k: scene_title(k, s.mode, s.lang) for k in SPACE_SCENES}
        if s.space_scene:
            s.space_title = scene_title(s.space_scene, s.mode, s.lang)
        self.session.growth.texts()  # the age's word on the indicated procedure (viewer.growth)

    def ensure_successor(self) -> None:
        fdi = self.session.tooth_key
        if self._successor_for != fdi:
            for part, m in serialized_successor(fdi).items():
                self.state[f"mesh_{part}"] = m
            self._successor_for = fdi

    def _ensure_neighbours(self) -> None:
        fdi = self.session.tooth_key
        if self._neighbours_for != fdi:
            for side, m in serialized_neighbours(fdi).items():
                self.state[f"mesh_{nb_key(side)}"] = m
            self._neighbours_for = fdi

    def _on_procedure(self, procedure, **_):
        """A procedure shown for an infection that does not call for it (a link, the procedure buttons on a
        healthy tooth): the "how far" buttons move to the least extent it treats, so they never say
        "Healthy" beside a pulpotomy."""
        s = self.state
        if procedure in PROCEDURES and indicated(s.infection or "none")["procedure"] != procedure:
            s.infection = treated_extent(procedure) or s.infection

    def _on_infection(self, infection, **_):
        if not self.state.scene_ready:
            return
        s, session = self.state, self.session
        if infection not in INFECTIONS:
            s.infection = "none"
        if not (s.procedure in PROCEDURES and indicated(s.infection)["procedure"] == s.procedure):
            session.enter(Activity.EXPLORE)  # another infection: nothing running, the tooth as it now is
        self.texts()
        session.apply_looks()
        session.sync_url()

    def _on_mode(self, mode, **_):
        session = self.session
        if mode not in MODES:
            self.state.mode = "parent"
        if not self.state.scene_ready:
            return
        self.texts()
        session.cut_words()
        if self.state.procedure:
            session.procedure.words()  # the figures are the student's
        session.apply_looks()  # the palette, the notes and the counters follow the mode
        if self.state.mode != "student" and session.activities.current == Activity.QUIZ:
            session.enter(Activity.EXPLORE)  # the quiz is the student's
            session.apply_looks()
        self.state.pick_text = ""
        session.sync_url()

    def _on_successor(self, successor_on, **_):
        if not self.state.scene_ready:
            return
        if successor_on:
            self.ensure_successor()
        self.session.apply_looks()
        self.session.sync_url()

    def play_indicated(self) -> None:
        """Play the procedure the infection extent calls for, from the step that shows the same pulp."""
        s = self.state
        procedure = indicated(s.infection or "none")["procedure"]
        if procedure not in PROCEDURES:
            return
        player = self.session.procedure
        player.start(procedure, procedure_start_step(procedure, s.infection))
        self.session.sync_url()
        player.play()

    # --- space scenes
    def start_space(self, scene_id: str) -> None:
        s = self.state
        if scene_id not in SPACE_SCENES:
            return
        self._stop_space()
        self.session.enter(Activity.SPACE)
        tooth = self.session.tooth_model()
        self._ensure_neighbours()
        self.ensure_successor()
        s.space_scene = scene_id
        s.space_title = scene_title(scene_id, s.mode, s.lang)
        s.space_t_max = space_duration(tooth, scene_id)
        s.space_room = ""
        self._space_present = None
        self._space_show(0.0, force=True)
        self.session.camera_preset("buccal")
        self.space_play()

    def redraw_space(self) -> None:
        """The space scene at its current moment again, every key sent (the language or looks changed)."""
        self._space_show(self._space_t, force=True)

    def _space_show(self, t: float, force: bool = False) -> None:
        """Put the space scene at ``t`` seconds: neighbour and premolar poses, age, caption (small keys)."""
        s = self.state
        tooth = self.session.tooth_model()
        t = min(max(float(t), 0.0), float(s.space_t_max))
        self._space_t = t
        m, updates = space_frame(tooth, s.space_scene, t, s.mode, s.lang)
        rise = updates.pop("space_rise")
        updates.update(successor_looks(True, bool(s.xray), rise, pickable=False))
        updates["space_t"] = round(t, 3)
        updates["age_marker"] = age_marker(m.age_months)
        if force or m.tooth_present != self._space_present:
            self._space_present = m.tooth_present
            if force:
                updates.update(idle_looks())
                updates.update(idle_looks(COMPARE_PREFIX))
            soft = s.mode != "student"
            for r in REGIONS:
                look = region_look(r, bool(s[layer_key(r)]) and m.tooth_present, bool(s.xray), soft)
                updates[f"actor_{r}"] = look["actor"]
                updates[f"property_{r}"] = look["property"]
        done = t >= float(s.space_t_max) - 1e-9
        updates["space_room"] = room_text(tooth, m.motion, s.lang) if done else ""
        for k, v in updates.items():
            s[k] = v
        self.frames_sent += 1

    def space_tick(self, dt: float) -> bool:
        self._space_show(min(float(self.state.space_t_max), self._space_t + dt))
        return self._space_t >= float(self.state.space_t_max)

    def space_play(self) -> None:
        s = self.state
        if not s.space_scene or (self._space_task and not self._space_task.done()):
            return
        if s.reduced_motion:  # prefers-reduced-motion: no animation; the scene shows its end at once
            self._space_show(float(s.space_t_max))
            return
        if self._space_t >= float(s.space_t_max):
            self._space_show(0.0)
        self._space_task = start_frames(self.session, self.space_tick, "space_playing")

    def space_pause(self) -> None:
        """Hold the space scene where it is (``space_play`` goes on from there)."""
        self._stop_space()

    def _stop_space(self) -> None:
        task, self._space_task = self._space_task, None
        cancel(task)
        self.state.space_playing = False

    def exit_space(self) -> None:
        """The space scene's exit: its player stopped and its keys cleared (the activity's owner calls it)."""
        self._stop_space()
        self.state.update(asdict(SpaceState()))
        self._space_t = 0.0
        self.session.growth.show_age_now()  # the timeline's "now" back at the child's age

    def leave_space(self) -> None:
        """Back to exploring the tooth, from the camera it had."""
        if self.session.activities.current != Activity.SPACE:
            return
        self.session.enter(Activity.EXPLORE)  # the explorer's camera comes back with exploring (App.enter)
        self.session.apply_looks()

