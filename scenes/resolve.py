"""The resolver: one pure function turns a moment of a timeline into what the viewer shows.

Nothing here draws or keeps state; the viewer calls ``moment`` every frame and applies the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .timeline import Mark, Timeline
from .vocabulary import CROWN_PULP, EXTRAS, REGIONS


@dataclass(frozen=True)
class PulpVolumes:
    """A tooth's pulp volumes in mm³, as the engine measures them (``tooth.volumes_mm3``)."""

    crown_mm3: float
    root_mm3: float

    def __post_init__(self) -> None:
        for name in ("crown_mm3", "root_mm3"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"PulpVolumes.{name} must be a finite volume >= 0, got {value!r}")
        if self.crown_mm3 + self.root_mm3 <= 0:
            raise ValueError("PulpVolumes: the pulp has no volume (crown + root = 0)")

    @property
    def total_mm3(self) -> float:
        return self.crown_mm3 + self.root_mm3


@dataclass(frozen=True)
class Moment:
    """Everything the viewer needs at one instant of a timeline."""

    timeline_id: str
    t: float  # seconds from the start, after clamping to [0, total]
    step_index: int  # 0-based
    step_id: str
    step_count: int
    progress: float  # within the step, 0..1
    caption: str
    note: str
    camera: str  # occlusal | buccal | lingual | mesial | distal
    cut: str | None  # "md" | "bl" | None
    cut_position: float | None  # 0..1 across the tooth, None without a cut
    looks: dict[str, str]  # every region and every extra -> "solid" | "xray" | "hidden"
    pulp_states: dict[str, str]  # {"crown": ..., "root": ...}: healthy | inflamed | infected | removed
    removing: bool  # a removal front is moving during this step
    removed_fraction: float  # of the whole pulp, 0..1 (the front's position in the engine's removal order)
    removed_mm3: float
    removed_percent: float  # of the whole pulp
    remaining_mm3: float


def _mark_mm3(mark: Mark, pulp: PulpVolumes) -> tuple[float, float]:
    """(removed, remaining) mm³ at a mark, computed so the named ends come out exactly."""
    if mark == CROWN_PULP:
        return pulp.crown_mm3, pulp.root_mm3
    if mark == 0.0:
        return 0.0, pulp.total_mm3
    if mark == 1.0:
        return pulp.total_mm3, 0.0
    removed = mark * pulp.total_mm3
    return removed, pulp.total_mm3 - removed


def moment(timeline: Timeline, t: float, pulp: PulpVolumes) -> Moment:
    """What ``timeline`` shows ``t`` seconds from its start on a tooth with these ``pulp`` volumes.

    ``t`` is clamped to [0, total_duration]; a step boundary belongs to the step that starts there. The
    removal front moves linearly in volume over its step and stays where it stopped afterwards; at the end
    of a step the figures equal the mark's exactly (e.g. removed_mm3 == crown_mm3 after a pulpotomy).

    >>> from scenes import load_all
    >>> tl = load_all()["pulpotomy"]
    >>> m = moment(tl, tl.total_duration, PulpVolumes(crown_mm3=20.0, root_mm3=5.0))
    >>> m.removed_mm3, m.removed_percent
    (20.0, 80.0)
    """
    if math.isnan(t):
        raise ValueError("moment: t is NaN")
    total = timeline.total_duration
    t = min(max(float(t), 0.0), total)
    i = timeline.step_at(t)
    step = timeline.steps[i]
    # At the very end use exactly 1: (start + d - start) / d need not round to 1.
    progress = 1.0 if t >= total else min(max((t - timeline.step_start(i)) / step.duration_s, 0.0), 1.0)

    if step.removal is None:
        removed, remaining = _mark_mm3(timeline.mark_before(i), pulp)
    else:
        a_removed, a_remaining = _mark_mm3(step.removal.start, pulp)
        b_removed, b_remaining = _mark_mm3(step.removal.end, pulp)
        if progress >= 1.0:
            removed, remaining = b_removed, b_remaining
        elif progress <= 0.0:
            removed, remaining = a_removed, a_remaining
        else:
            # a + p*(b-a) is monotone in p; the clamps keep rounding from overshooting the end mark.
            removed = min(a_removed + progress * (b_removed - a_removed), b_removed)
            remaining = min(max(pulp.total_mm3 - removed, b_remaining), a_remaining)

    total_mm3 = pulp.total_mm3
    # 100 * x / x can round to 99.99999999999999: when everything is out, say exactly 100.
    percent = 100.0 if removed == total_mm3 else 100.0 * removed / total_mm3
    looks = {name: step.layers[name] for name in REGIONS}
    looks.update({name: step.extras.get(name, "hidden") for name in EXTRAS})
    return Moment(
        timeline_id=timeline.id,
        t=t,
        step_index=i,
        step_id=step.id,
        step_count=len(timeline.steps),
        progress=progress,
        caption=step.caption,
        note=step.note,
        camera=step.camera.view,
        cut=step.camera.cut,
        cut_position=step.camera.position,
        looks=looks,
        pulp_states=dict(step.pulp),
        removing=step.removal is not None,
        removed_fraction=removed / total_mm3,
        removed_mm3=removed,
        removed_percent=percent,
        remaining_mm3=remaining,
    )
