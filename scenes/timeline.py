"""What a procedure timeline is, once loaded and validated (see loader.py for how it is read)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from .vocabulary import Look

# A removal mark: a fraction of the whole pulp volume in [0, 1], or the tooth-dependent crown-pulp share.
Mark = float | Literal["crown_pulp"]


@dataclass(frozen=True)
class Camera:
    view: str  # one of vocabulary.CAMERA_VIEWS
    cut: str | None = None  # "md" | "bl" | None (no cross-section)
    # Where the section plane lies across the tooth along its normal, 0..1 (0 = lingual for "md",
    # distal for "bl"; 1 = buccal / mesial). None when there is no cut.
    position: float | None = None


@dataclass(frozen=True)
class Removal:
    """The removal front moves linearly from ``start`` to ``end`` over its step."""

    start: Mark  # "from" in the file (a Python keyword)
    end: Mark  # "to" in the file


@dataclass(frozen=True)
class Step:
    id: str
    caption: str  # plain words for a parent
    note: str  # precise, for a dental student
    camera: Camera
    duration_s: float
    layers: dict[str, Look]  # every region in vocabulary.REGIONS
    extras: dict[str, Look]  # only the extras the file names; others are hidden
    pulp: dict[str, str]  # {"crown": state, "root": state}
    removal: Removal | None = None


@dataclass(frozen=True)
class Timeline:
    id: str
    title: str  # for a parent
    title_student: str
    steps: tuple[Step, ...]
    source: str = ""  # file name it came from, for messages
    _starts: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _total: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a timeline needs at least one step")
        starts, t = [], 0.0
        for step in self.steps:
            starts.append(t)
            t += step.duration_s
        object.__setattr__(self, "_starts", tuple(starts))
        object.__setattr__(self, "_total", t)

    @property
    def total_duration(self) -> float:
        """Seconds from the start of the first step to the end of the last."""
        return self._total

    def step_start(self, i: int) -> float:
        """Seconds from the start of the timeline to the start of step ``i`` (0-based)."""
        if not 0 <= i < len(self.steps):
            raise IndexError(f"step {i} out of range 0..{len(self.steps) - 1}")
        return self._starts[i]

    def step_at(self, t: float) -> int:
        """Index of the step playing at ``t`` seconds (a boundary belongs to the step that starts there)."""
        return min(max(bisect_right(self._starts, t) - 1, 0), len(self.steps) - 1)

    def step_index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(f"{self.id}: no step {step_id!r}")

    def mark_before(self, i: int) -> Mark:
        """Where the removal front stands at the start of step ``i``: removal persists after its step."""
        reached: Mark = 0.0
        for step in self.steps[:i]:
            if step.removal is not None:
                reached = step.removal.end
        return reached
