"""The student quiz in a session: ask for a structure, judge the tap, keep the score, show the marker.

A composed feature: ``App`` makes one ``Quiz(session)``; it talks to the session only through
``viewer.activity.Session``. Targets and judging are the pure ``viewer.story.model.quiz_targets`` and
``judge``.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from meshes import REGIONS
from viewer.activity import Activity, Session
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
    """The quiz of one session: ``start``, ``next``, ``ask``, ``answer`` (a tap), ``stop``; ``exit`` is the
    activity's way out (the session's ``Activities`` calls it)."""

    def __init__(self, session: Session):
        self.session = session
        self.state = session.state
        self.state.update(asdict(QuizState()))
        self._target: dict | None = None
        self._answered = False
        self._order: list[int] = []
        self._rng = random.Random()

    @property
    def target(self) -> dict | None:
        """The structure asked for (``quiz_targets`` entry), or None when no question is open."""
        return self._target

    @property
    def waiting(self) -> bool:
        """A question is asked and not yet answered: the next tap answers it."""
        return self._target is not None and not self._answered

    def start(self) -> None:
        s = self.state
        self.session.enter(Activity.QUIZ)
        s.quiz_active = True
        s.quiz_score = {"right": 0, "asked": 0}
        self._order = []
        self.next()

    def next(self) -> None:
        targets = quiz_targets(self.session.tooth_model())
        if not self._order:
            self._order = list(range(len(targets)))
            self._rng.shuffle(self._order)
        self.ask(self._order.pop(0))

    def ask(self, index: int) -> None:
        """Ask for structure ``index`` of ``quiz_targets``; set up the view so it can be tapped."""
        s, session = self.state, self.session
        target = quiz_targets(session.tooth_model())[index]
        self._target = target
        self._answered = False
        needs = quiz_needs(target)
        self.retell()
        s.quiz_feedback = ""
        s.quiz_right = None
        s.pick_text = ""
        s.actor_quiz_marker = _hidden_marker()
        for r in REGIONS:
            s[layer_key(r)] = True
        s.xray = needs["xray"]
        s.cut_plane = "off"  # the whole tooth: every structure asked for is there to tap
        s.infection = "none"
        if needs["successor"]:
            s.successor_on = True
            session.ensure_successor()
        session.update_story_texts()
        session.apply_looks()
        session.sync_url()

    def retell(self) -> None:
        """The question in the session's current language."""
        if self._target is not None:
            s = self.state
            s.quiz_prompt = tr(s.lang, "quiz_tap", structure=quiz_prompt(s.lang, self._target))

    def answer(self, region: str | None, position) -> None:
        """Judge a tap on ``region`` at ``position`` (world coordinates); once per question.

        Every tap is an answer, one that met nothing (``region`` None: the background, between the roots)
        or no part of the tooth included: it is told as "you tapped nothing" and marked like any wrong
        one, so a student always sees the tap was received (it was dropped before, and the question just
        stayed there)."""
        if not self.waiting:
            return
        s = self.state
        target = self._target
        if region not in (*REGIONS, "successor"):
            region, position = None, None  # the marker or anything not the tooth: ``judge`` says "nothing"
        right, tapped = judge(self.session.tooth_model(), target, region, position, s.lang)
        self._answered = True
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

    def exit(self) -> None:
        """The quiz's exit: no question, no marker."""
        s = self.state
        self._target = None
        s.update(asdict(QuizState(**{k: s[k] for k in KEPT_ON_EXIT})))

    def stop(self) -> None:
        self.session.enter(Activity.EXPLORE)
        self.session.apply_looks()
