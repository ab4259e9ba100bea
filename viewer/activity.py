"""One activity at a time: explore, a procedure, the two procedures compared, a space scene, or the quiz.

The session is always in exactly one activity (state key ``activity``). ``Activities.enter`` is the one
way in: it leaves the current activity first, through the exit its feature registered, so starting one
never depends on remembering to stop the others. Procedure and compare share one player: moving between
them keeps it running.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the features' types only: none of them is imported at run time from here
    from viewer.chairside.logic import Chairside
    from viewer.growth.logic import Growth
    from viewer.playback import FrameGate
    from viewer.procedure.logic import ProcedurePlayer
    from viewer.story.logic import StoryPlayer


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
    """What a composed feature (``viewer.procedure``, ``viewer.story``, ``viewer.growth``,
    ``viewer.chairside``, ``viewer.quiz``, ``viewer.share``) may ask of its session (the App): nothing
    else of it, and of another feature only its public surface, through the session."""

    state: Any
    server: Any  # the session's own trame server (a feature registers its triggers there)
    activities: Activities
    fdi: str  # the canonical tooth number shown
    frames: FrameGate  # every player's flow control (viewer.playback): a frame once the page drew the last
    procedure: ProcedurePlayer
    story: StoryPlayer
    growth: Growth
    chairside: Chairside

    @property
    def tooth_key(self) -> str: ...  # the tooth's cache key, "85@7.5~three-canals" (growth.model.tooth_key)

    @property
    def loaded(self) -> tuple | None: ...  # the section key (tooth key, plane, position) the browser has

    def tooth_model(self): ...  # the engine's model of the session's tooth (at its age, in its variant)

    def enter(self, activity: Activity) -> None: ...  # the one way into an activity

    def apply_looks(self) -> None: ...  # every shape drawn as the state says

    def sync_url(self) -> None: ...  # the URL follows the state

    def update_story_texts(self) -> None: ...  # the story's words follow the state

    def ensure_successor(self) -> None: ...  # the premolar's meshes sent (once per tooth)

    def camera_preset(self, name: str) -> None: ...  # look at the tooth from one side

    def section_key(self, plane: str | None, position: float | None) -> tuple: ...  # a mesh cache's key

    def load_meshes(self, key: tuple, shown: Iterable[str] | None = None) -> None: ...  # show a section

    def load_scene(self) -> None: ...  # the tooth's meshes (the user's section) and texts

    def uncut(self) -> None: ...  # the whole tooth, no cut

    def cut_words(self) -> None: ...  # the cut's words follow the mode and language

    def choose_tooth(self, fdi: str) -> None: ...  # show another tooth, as the chart would
