"""The chairside story in the viewer: pure functions turning story state into looks, poses and texts.

Nothing here computes anatomy: colour ranges come from the engine's removal order and
``tooth.pulpotomy_fraction``, poses from ``tooth.neighbour_pose`` / ``tooth.successor_pose``, room from
``tooth.space_between_neighbours``; the story itself (extents, scenes, ages) is ``scenes.story`` data.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from scenes.story import age_timeline, load_extents, load_space_scene, space_moment
from viewer.colors import (
    DECAY_PRESET,
    INFECTION_PRESETS,
    NEIGHBOUR_COLOR,
    STORY_OPACITY,
    SUCCESSOR_COLORS,
    XRAY_OPACITY,
)
from viewer.i18n import (
    age_text,
    number,
    premolar_name,
    procedure_name,
    quiz_prompt,
    structure_text,
    timeline_label,
    tr,
    years_text,
)
from viewer.procedure.frames import timelines

SIDES = ("mesial", "distal")
SUCCESSOR_PARTS = ("successor", "crypt")
TIMELINE_YEARS = 13.0  # the age bar runs from birth to 13 years


@lru_cache(maxsize=1)
def extents() -> dict:
    return load_extents()


@lru_cache(maxsize=2)
def space_scene(scene_id: str):
    return load_space_scene(scene_id)


def nb_key(side: str) -> str:
    return f"nb_{side}"


# ------------------------------------------------------------------ infection
def affected_fraction(tooth, extent_id: str) -> float:
    """How far along the engine's removal order the pulp is diseased (0, the crown pulp, or all)."""
    affected = extents()[extent_id].affected
    return {"none": 0.0, "crown_pulp": float(tooth.pulpotomy_fraction), "all": 1.0}[affected]


def disease_range(fraction: float) -> list[float]:
    """Colour range over the pulp's ``keep`` array ending exactly at 1 - fraction: points the disease has
    reached (order below the fraction) lie above it, and the band is too thin to show the preset's middle
    colours (the removal front of a procedure is wider, on purpose)."""
    hi = round(1.0 - float(fraction), 5)
    return [round(hi - 1e-4, 5), hi]


def infection_looks(tooth, extent_id: str, xray: bool, looks: dict[str, dict]) -> dict:
    """State updates drawing a tooth at one infection extent (no procedure playing).

    ``looks`` are the regions' plain looks (``viewer.scene.region_look``). The diseased pulp is the part of
    the engine's removal order below the extent's fraction: a colour range over the pulp's ``keep`` array
    (1 - order) puts it at the preset's high end, its own colour. A region none of whose points is reached
    keeps its own colour (scalars off). Decay shows on enamel and dentin when the extent has it; at any
    extent but "none" the hard tissues turn translucent so the pulp is seen.
    """
    e = extents()[extent_id]
    fraction = affected_fraction(tooth, extent_id)
    out: dict = {"removal_range": disease_range(fraction)}
    reaches = {"crown_pulp": fraction > 0.0, "root_pulp": fraction > tooth.pulpotomy_fraction}
    for r, on in reaches.items():
        out[f"mapper_{r}"] = {"scalarVisibility": on, "interpolateScalarsBeforeMapping": True}
        out[f"preset_{r}"] = INFECTION_PRESETS[e.state] if on else DECAY_PRESET
    for r in ("enamel", "dentin"):
        out[f"mapper_{r}"] = {"scalarVisibility": bool(e.decay), "interpolateScalarsBeforeMapping": True}
        out[f"preset_{r}"] = DECAY_PRESET
    for r, look in looks.items():
        actor, prop = dict(look["actor"]), dict(look["property"])
        if extent_id != "none" and r in STORY_OPACITY:
            prop["opacity"] = XRAY_OPACITY[r] if xray else STORY_OPACITY[r]
            actor["pickable"] = False
        out[f"actor_{r}"] = actor
        out[f"property_{r}"] = prop
    return out


def indicated(extent_id: str, mode: str = "parent", lang: str = "en") -> dict:
    """What the "Indicated procedure" element says for an extent (in ``lang``)."""
    e = extents()[extent_id]
    key = f"infection.{extent_id}"
    title = procedure_name(e.procedure, lang)
    return {
        "procedure": e.procedure,
        "title": title,
        "play": tr(lang, "play_the", procedure=title if lang != "en" else title.lower()),
        "why": tr(lang, f"{key}.why"),
        "note": tr(lang, f"{key}.note") if mode == "student" else "",
        "label": tr(lang, f"{key}.label_student" if mode == "student" else f"{key}.label"),
    }


def treated_extent(procedure: str) -> str | None:
    """The first (least) infection extent that calls for ``procedure`` (None: no extent does)."""
    return next((k for k, e in extents().items() if e.procedure == procedure), None)


def pulp_states(extent_id: str) -> dict[str, str]:
    """Crown and root pulp state an extent shows (root pulp only diseased when all of it is)."""
    e = extents()[extent_id]
    crown = e.state if e.affected in ("crown_pulp", "all") else "healthy"
    root = e.state if e.affected == "all" else "healthy"
    return {"crown": crown, "root": root}


def procedure_start_step(procedure: str, extent_id: str) -> int:
    """The first step of ``procedure`` that shows the pulp as the extent does (play from that state)."""
    want = pulp_states(extent_id)
    steps = timelines()[procedure].steps
    for i, step in enumerate(steps):
        if dict(step.pulp) == want:
            return i
    return 0


# ------------------------------------------------------------------ successor
def successor_looks(show: bool, xray: bool, rise_position=(0.0, 0.0, 0.0), pickable: bool = True) -> dict:
    """The premolar crown (opaque, soft ivory-blue) and its crypt (a faint translucent follicle)."""
    out = {}
    for part in SUCCESSOR_PARTS:
        crypt = part == "crypt"
        risen = any(abs(float(c)) > 1e-6 for c in rise_position)
        out[f"actor_{part}"] = {
            "visibility": bool(show) and not (crypt and risen),  # the crypt stays behind once it rises
            "pickable": bool(show) and not crypt and pickable,
            "position": [float(c) for c in rise_position],
        }
        out[f"property_{part}"] = {
            "color": list(SUCCESSOR_COLORS[part]),
            "opacity": (0.18 if xray else 0.28) if crypt else 1.0,
            "ambient": 0.25,
            "diffuse": 0.8,
            "specular": 0.1 if crypt else 0.3,
            "specularPower": 30.0,
        }
    return out


# ------------------------------------------------------------------ arch segment and space scenes
def neighbour_looks(tooth, motion: dict | None) -> dict:
    """Neighbours posed by the engine for a scene's motion, or hidden (``motion`` None)."""
    out = {}
    for side in SIDES:
        key = nb_key(side)
        if motion is None:
            out[f"actor_{key}"] = {"visibility": False, "pickable": False}
            continue
        drift = motion.get(f"drift_{side}_mm", 0.0)
        tip = motion.get(f"tip_{side}_deg", 0.0)
        pose = tooth.neighbour_pose(side, drift, tip)
        out[f"actor_{key}"] = {
            "visibility": True,
            "pickable": False,
            "position": [round(v, 4) for v in pose["position"]],
            "origin": [round(v, 4) for v in pose["origin"]],
            "orientation": [round(v, 3) for v in pose["orientation"]],
        }
    return out


def neighbour_property() -> dict:
    return {"color": list(NEIGHBOUR_COLOR), "opacity": 1.0, "ambient": 0.15, "diffuse": 0.85,
            "specular": 0.2, "specularPower": 30.0}


def room_text(tooth, motion: dict, lang: str = "en") -> str:
    room = tooth.space_between_neighbours(motion)
    return tr(lang, "room", room=number(lang, room), needed=number(lang, tooth.successor_width_mm))


def space_frame(tooth, scene_id: str, t: float, mode: str = "parent", lang: str = "en") -> tuple:
    """(moment, updates) of a space scene at ``t`` seconds: neighbour and premolar poses, age, caption."""
    scene = space_scene(scene_id)
    m = space_moment(scene, tooth.tooth.order, t)
    out = neighbour_looks(tooth, m.motion)
    key = f"space.{scene_id}.{tooth.tooth.order}.{m.keyframe}"
    out["space_age"] = age_text(m.age_months, lang)
    out["space_caption"] = tr(lang, f"{key}.caption")
    out["space_note"] = tr(lang, f"{key}.note") if mode == "student" else ""
    out["space_rise"] = [round(v, 4) for v in tooth.successor_pose(m.motion["successor_rise"])["position"]]
    return m, out


def space_duration(tooth, scene_id: str) -> float:
    return float(space_scene(scene_id).duration(tooth.tooth.order))


def scene_title(scene_id: str, mode: str = "parent", lang: str = "en") -> str:
    return tr(lang, f"space.{scene_id}.title_student" if mode == "student" else f"space.{scene_id}.title")


# ------------------------------------------------------------------ the child's age
EVENT_COLORS = {"erupts": "#9cc9e8", "treatment": "#f2c48d", "shed": "#c9b3e6", "successor": "#a8d8b0"}


def timeline_rows(kind: str, lang: str = "en") -> list[dict]:
    """Bars of the age timeline, as percentages of ``TIMELINE_YEARS`` (for a simple HTML bar)."""
    rows = []
    events = age_timeline(kind)
    successor = next((e.label[4:-9] for e in events if e.id == "successor"), "")  # "The X comes in"
    for e in events:
        lo, hi = float(e.from_years), float(e.to_years)
        rows.append({
            "id": e.id,
            "label": timeline_label(e.id, e.label, kind, successor, lang),
            "ages": years_text(lo, hi, lang),
            "left": round(100 * lo / TIMELINE_YEARS, 2),
            "width": round(max(1.5, 100 * (hi - lo) / TIMELINE_YEARS), 2),
            "color": EVENT_COLORS.get(e.id, "#ccc"),
        })
    return rows


def age_marker(age_months: float | None) -> float | None:
    if age_months is None:
        return None
    return round(min(100.0, 100 * age_months / 12 / TIMELINE_YEARS), 2)


# ------------------------------------------------------------------ the student quiz
def quiz_targets(tooth) -> list[dict]:
    """Structures the quiz can ask for, each with how a tap is judged and where the answer lies (world)."""
    local = tooth.local
    m = tooth.matrix
    targets = []
    for name, tip in local.horn_tips.items():
        targets.append({
            "kind": "horn",
            "name": name,
            "region": "crown_pulp",
            "describe": f"Crown pulp - {name} pulp horn",
            "at": [float(v) for v in m @ np.asarray(tip, dtype=float)],
        })
    canal = np.asarray(local.canal)
    for i, name in enumerate(tooth.canal_names):
        pts = local.points["root_pulp"][canal == i]
        if not len(pts):
            continue
        targets.append({
            "kind": "canal",
            "name": name.removesuffix(" canal"),
            "region": "root_pulp",
            "describe": f"Root pulp - {name}",
            "at": [float(v) for v in m @ pts.mean(axis=0)],
        })
    bud = local.successor_points["successor"]
    targets.append({
        "kind": "successor",
        "name": "",
        "region": "successor",
        "describe": None,
        "at": [float(v) for v in m @ bud.mean(axis=0)],
    })
    enamel = local.points["enamel"]
    targets.append({
        "kind": "enamel",
        "name": "",
        "region": "enamel",
        "describe": None,
        "at": [float(v) for v in m @ enamel[np.argmax(enamel[:, 2])]],
    })
    for target in targets:  # the English question, from the same words every language uses
        target["prompt"] = quiz_prompt("en", target)
    return targets


def quiz_needs(target: dict) -> dict:
    """What the view needs for a target to be tappable: x-ray for inner structures, the successor shown."""
    region = target["region"]
    return {"xray": region != "enamel", "successor": region == "successor"}


def judge(tooth, target: dict, region: str | None, position, lang: str = "en") -> tuple[bool, str]:
    """(right?, what was tapped, in the words of ``lang``) for a tap on ``region`` at ``position`` (world)."""
    if region == "successor":
        name = premolar_name(str(tooth.successor_info.get("name", "premolar")), lang)
        return target["region"] == "successor", tr(lang, "tapped_successor", name=name)
    if region not in ("enamel", "dentin", "crown_pulp", "root_pulp") or position is None:
        return False, tr(lang, "tapped_nothing")
    structure = tooth.structure_at(region, tuple(float(c) for c in position[:3]))
    tapped = structure_text(lang, structure)
    if target["describe"] is None:
        return region == target["region"], tapped
    return structure.english == target["describe"], tapped
