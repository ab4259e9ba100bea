"""One activity at a time: explore, a procedure, the two procedures compared, a space scene, or the quiz.

The session is always in exactly one activity (state key ``activity``). ``Activities.enter`` is the one
way in: it leaves the current activity first, through the exit its feature registered, so starting one
never depends on remembering to stop the others. Procedure and compare share one player: moving between
them keeps it running.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol


class Activity(StrEnum):
    EXPLORE = "explore"
    PROCEDURE = "procedure"
    COMPARE = "compare"
    SPACE = "space"
    QUIZ = "quiz"


# The feature that owns each activity (its exit stops its player and clears its keys).
OWNER: dict[Activity, str | None] = {
    Activity.EXPLORE: None,
    Activity.PROCEDURE: "procedure",
    Activity.COMPARE: "procedure",
    Activity.SPACE: "space",
    Activity.QUIZ: "quiz",
}


class Activities:
    """The session's current activity, kept in ``state.activity``."""

    def __init__(self, state, exits: dict[str, Callable[[], None]]):
        self.state = state
        self.exits = exits  # feature -> its exit (no looks applied: the caller applies them once)
        state.activity = Activity.EXPLORE.value

    @property
    def current(self) -> Activity:
        return Activity(self.state.activity)

    def enter(self, activity: Activity) -> None:
        """Leave the current activity (unless the new one has the same owner); make ``activity`` current."""
        activity = Activity(activity)
        old = OWNER[self.current]
        if old is not None and old != OWNER[activity]:
            self.exits[old]()
        self.state.activity = activity.value

    def leave_all(self) -> None:
        """Stop every feature's player (the session ends)."""
        for stop in self.exits.values():
            stop()
        self.state.activity = Activity.EXPLORE.value


class Session(Protocol):
    """What a composed feature (``viewer.quiz``, ``viewer.share``) may ask of its session (the App):
    nothing else of it, and nothing of another feature."""

    state: Any
    activities: Activities

    def tooth_model(self): ...  # the engine's model of the session's tooth (at its age, in its variant)

    @property
    def tooth_key(self) -> str: ...  # that tooth's cache key, "85@7.5~three-canals" (growth.model.tooth_key)

    def enter(self, activity: Activity) -> None: ...  # the one way into an activity

    def apply_looks(self) -> None: ...  # every shape drawn as the state says

    def sync_url(self) -> None: ...  # the URL follows the state

    def update_story_texts(self) -> None: ...  # the story's words follow the state

    def ensure_successor(self) -> None: ...  # the premolar's meshes sent (once per tooth)
