"""The student quiz in a session: ask for a structure, judge the tap, keep the score, show the marker.

A mixin of ``viewer.app.App``; targets and judging are the pure ``viewer.story.model.quiz_targets`` and
``judge``.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from meshes import REGIONS
from viewer.activity import Activity
from viewer.i18n import quiz_prompt, tr
from viewer.scene import layer_key
from viewer.story.model import judge, quiz_needs, quiz_targets
from viewer.wire import serialized_marker


def _hidden_marker() -> dict:
    return {"visibility": False, "pickable": False}


@dataclass
class QuizState:
    """The quiz's keys in the session state, typed, with their values when no quiz runs."""

    mesh_quiz_marker: dict | None = None  # sent once, on the first answer
    actor_quiz_marker: dict = field(default_factory=_hidden_marker)
    quiz_active: bool = False
    quiz_prompt: str = ""
    quiz_feedback: str = ""
    quiz_right: bool | None = None
    quiz_score: dict = field(default_factory=lambda: {"right": 0, "asked": 0})  # this session only


KEPT_ON_EXIT = ("mesh_quiz_marker", "quiz_score")  # the marker's mesh stays sent; the score stays shown


class Quiz:
    """The quiz of an App (uses its state, looks, players and URL sync; ``on_pick`` routes taps here)."""

    def _init_quiz(self) -> None:
        self.state.update(asdict(QuizState()))
        self._quiz_target: dict | None = None
        self._quiz_answered = False
        self._quiz_order: list[int] = []
        self._quiz_rng = random.Random()

    def quiz_start(self) -> None:
        s = self.state
        self.enter(Activity.QUIZ)
        s.quiz_active = True
        s.quiz_score = {"right": 0, "asked": 0}
        self._quiz_order = []
        self.quiz_next()

    def quiz_next(self) -> None:
        targets = quiz_targets(self.tooth_model())
        if not self._quiz_order:
            self._quiz_order = list(range(len(targets)))
            self._quiz_rng.shuffle(self._quiz_order)
        self.quiz_ask(self._quiz_order.pop(0))

    def quiz_ask(self, index: int) -> None:
        """Ask for structure ``index`` of ``quiz_targets``; set up the view so it can be tapped."""
        s = self.state
        target = quiz_targets(self.tooth_model())[index]
        self._quiz_target = target
        self._quiz_answered = False
        needs = quiz_needs(target)
        s.quiz_prompt = tr(s.lang, "quiz_tap", structure=quiz_prompt(s.lang, target))
        s.quiz_feedback = ""
        s.quiz_right = None
        s.pick_text = ""
        s.actor_quiz_marker = {"visibility": False, "pickable": False}
        for r in REGIONS:
            s[layer_key(r)] = True
        s.xray = needs["xray"]
        s.cut_plane = "off"  # the whole tooth: every structure asked for is there to tap
        s.infection = "none"
        if needs["successor"]:
            s.successor_on = True
            self._ensure_successor()
        self._update_story_texts()
        self._apply_looks()
        self._sync_url()

    def _quiz_judge(self, region, position) -> None:
        s = self.state
        tooth = self.tooth_model()
        target = self._quiz_target
        right, tapped = judge(tooth, target, region, position, s.lang)
        self._quiz_answered = True
        score = dict(s.quiz_score)
        score["asked"] += 1
        score["right"] += int(right)
        s.quiz_score = score
        s.quiz_right = right
        what = quiz_prompt(s.lang, target)
        s.quiz_feedback = (tr(s.lang, "quiz_right", structure=what) if right
                           else tr(s.lang, "quiz_wrong", picked=tapped, structure=what))
        if s.mesh_quiz_marker is None:
            s.mesh_quiz_marker = serialized_marker()
        s.actor_quiz_marker = {"visibility": True, "pickable": False, "position": list(target["at"])}

    def _clear_quiz(self) -> None:
        """The quiz's exit: no question, no marker (the activity's owner calls it)."""
        s = self.state
        self._quiz_target = None
        s.update(asdict(QuizState(**{k: s[k] for k in KEPT_ON_EXIT})))

    def quiz_stop(self) -> None:
        self.enter(Activity.EXPLORE)
        self._apply_looks()
