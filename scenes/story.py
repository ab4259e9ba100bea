"""The chairside story as data: infection extents, the two space scenes and the child's age timeline.

Files live in ``data/story/``. Like the timelines, a malformed file is refused at load with a ``SceneError``
naming the file, the entry and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenes.errors import SceneError

STORY_DIR = Path(__file__).parent / "data" / "story"
PROCEDURES = ("none", "pulpotomy", "pulpectomy")
AFFECTED = ("none", "crown_pulp", "all")
STATES = ("healthy", "inflamed", "infected")
ORDERS = ("first", "second")
MOTION = ("drift_mesial_mm", "drift_distal_mm", "tip_mesial_deg", "tip_distal_deg", "successor_rise")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SceneError(path.name, f"cannot be read: {exc}") from exc


def _text(path: Path, table: dict, key: str, i: int, entry_id: str | None = None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SceneError(path.name, "missing, or not a text", step_index=i, step_id=entry_id, field=key)
    return value


def _choice(path: Path, table: dict, key: str, allowed: tuple[str, ...], i: int, entry_id: str | None) -> str:
    value = table.get(key)
    if value not in allowed:
        problem = f"{value!r} is not one of {', '.join(allowed)}"
        raise SceneError(path.name, problem, step_index=i, step_id=entry_id, field=key)
    return value


# --- infection extents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extent:
    id: str
    label: str
    label_student: str
    decay: bool
    affected: str  # how much pulp is diseased, as a removal mark: none, crown_pulp, all
    state: str  # the colour of the diseased pulp: healthy, inflamed, infected
    procedure: str  # what this extent calls for: none, pulpotomy, pulpectomy
    why: str  # one plain sentence for a parent
    note: str  # for a student


def load_extents(path: Path = STORY_DIR / "infection.toml") -> dict[str, Extent]:
    """The infection extents in the order of the control."""
    data = _read(path)
    entries = data.get("extents")
    if not isinstance(entries, list) or not entries:
        raise SceneError(path.name, "needs a non-empty [[extents]] list")
    extents: dict[str, Extent] = {}
    for i, e in enumerate(entries):
        entry_id = _text(path, e, "id", i)
        if entry_id in extents:
            raise SceneError(path.name, "repeats an id", step_index=i, step_id=entry_id, field="id")
        if not isinstance(e.get("decay"), bool):
            raise SceneError(
                path.name, "must be true or false", step_index=i, step_id=entry_id, field="decay"
            )
        extents[entry_id] = Extent(
            id=entry_id,
            label=_text(path, e, "label", i, entry_id),
            label_student=_text(path, e, "label_student", i, entry_id),
            decay=e["decay"],
            affected=_choice(path, e, "affected", AFFECTED, i, entry_id),
            state=_choice(path, e, "state", STATES, i, entry_id),
            procedure=_choice(path, e, "procedure", PROCEDURES, i, entry_id),
            why=_text(path, e, "why", i, entry_id),
            note=_text(path, e, "note", i, entry_id),
        )
    return extents


# --- the two space scenes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyframe:
    age_months: float
    duration_s: float
    tooth_present: bool
    caption: str
    note: str
    motion: dict[str, float]  # MOTION -> value


@dataclass(frozen=True)
class SpaceScene:
    id: str
    title: str
    title_student: str
    keyframes: dict[str, tuple[Keyframe, ...]]  # "first" / "second" molar -> keyframes

    def duration(self, order: str) -> float:
        return sum(k.duration_s for k in self.keyframes[order][:-1])


@dataclass(frozen=True)
class SpaceMoment:
    t: float
    age_months: float
    keyframe: int
    tooth_present: bool
    caption: str
    note: str
    motion: dict[str, float]

    @property
    def age_label(self) -> str:
        years, months = divmod(int(round(self.age_months)), 12)
        return f"{years} years" if months == 0 else f"{years} years {months} months"


def load_space_scene(scene_id: str, directory: Path = STORY_DIR) -> SpaceScene:
    path = directory / f"{scene_id}.toml"
    data = _read(path)
    if data.get("id") != path.stem:
        raise SceneError(path.name, f"must be {path.stem!r}, the file's name", field="id")
    frames: dict[str, tuple[Keyframe, ...]] = {}
    for order in ORDERS:
        entries = data.get(order)
        if not isinstance(entries, list) or len(entries) < 2:
            raise SceneError(path.name, f"needs at least two [[{order}]] keyframes", field=order)
        out: list[Keyframe] = []
        for i, k in enumerate(entries):
            where = {"step_index": i, "step_id": order}
            age, duration = k.get("age_months"), k.get("duration_s")
            for key, value in (("age_months", age), ("duration_s", duration)):
                if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                    raise SceneError(path.name, "must be a number above 0", field=key, **where)
            if out and age <= out[-1].age_months:
                raise SceneError(
                    path.name, "must grow from keyframe to keyframe", field="age_months", **where
                )
            motion = {}
            for key in MOTION:
                value = k.get(key, 0.0)
                if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                    raise SceneError(path.name, "must be a number 0 or above", field=key, **where)
                if key == "successor_rise" and value > 1:
                    raise SceneError(path.name, "is a fraction of the way up: 0..1", field=key, **where)
                motion[key] = float(value)
            unknown = set(k) - set(MOTION) - {"age_months", "duration_s", "tooth", "caption", "note"}
            if unknown:
                raise SceneError(path.name, "is not a keyframe field", field=sorted(unknown)[0], **where)
            tooth = _choice(path, k, "tooth", ("present", "gone"), i, order)
            out.append(
                Keyframe(
                    age_months=float(age),
                    duration_s=float(duration),
                    tooth_present=tooth == "present",
                    caption=_text(path, k, "caption", i, order),
                    note=_text(path, k, "note", i, order),
                    motion=motion,
                )
            )
        frames[order] = tuple(out)
    return SpaceScene(
        id=data["id"],
        title=_text(path, data, "title", 0),
        title_student=_text(path, data, "title_student", 0),
        keyframes=frames,
    )


def space_moment(scene: SpaceScene, order: str, t: float) -> SpaceMoment:
    """Where the scene stands after `t` seconds: motion interpolated between keyframes, the age with it."""
    frames = scene.keyframes[order]
    t = min(max(float(t), 0.0), scene.duration(order))
    start = 0.0
    for i, (a, b) in enumerate(zip(frames, frames[1:], strict=False)):
        if t < start + a.duration_s or i == len(frames) - 2:
            u = min(max((t - start) / a.duration_s, 0.0), 1.0)
            current = b if u >= 1.0 else a
            return SpaceMoment(
                t=t,
                age_months=a.age_months + u * (b.age_months - a.age_months),
                keyframe=i + 1 if u >= 1.0 else i,
                tooth_present=current.tooth_present,
                caption=current.caption,
                note=current.note,
                motion={k: a.motion[k] + u * (b.motion[k] - a.motion[k]) for k in MOTION},
            )
        start += a.duration_s
    raise AssertionError("unreachable: a scene has at least two keyframes")


# --- the child's age timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeEvent:
    id: str
    label: str
    from_years: float
    to_years: float


def age_timeline(kind: str, path: Path = STORY_DIR / "timing.toml") -> tuple[AgeEvent, ...]:
    """Eruption, the usual age of treatment, shedding and the premolar's eruption for one molar kind."""
    data = _read(path)
    if kind not in data:
        raise SceneError(path.name, f"has no table for {kind!r}", field=kind)
    t, name = data[kind], kind.replace("_", " ") + " primary molar"
    try:
        events = (
            AgeEvent(
                "erupts", f"The {name} comes in", t["erupts_months"][0] / 12, t["erupts_months"][1] / 12
            ),
            AgeEvent("treatment", "Pulp treatment is usually done", *data["treatment"]["years"]),
            AgeEvent("shed", f"The {name} falls out", *t["shed_years"]),
            AgeEvent("successor", f"The {t['successor']} comes in", *t["successor_erupts_years"]),
        )
    except (KeyError, TypeError, IndexError) as exc:
        raise SceneError(path.name, f"lacks {exc}", field=kind) from exc
    return events
