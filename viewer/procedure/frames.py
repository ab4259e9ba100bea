"""Playing a procedure: one pure function turns (tooth, procedure, t) into small trame state updates.

Meshes are sent once per tooth (regions with a derived colour array, extras on first use); a frame only
moves ``removal_range`` (the colour range over the pulp's "keep" array), the counter and the slider, and at
a step boundary the looks (visibility, opacity, colour preset) of the representations.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from meshes import REGIONS
from scenes import PulpVolumes, load_all, moment
from viewer.colors import DECAY_PRESET
from viewer.growth.model import load_stage as load_tooth  # a tooth key (viewer.growth)
from viewer.looks import base_color, pulp_look, shape_property
from viewer.vocabulary import PROCEDURES

PROCEDURE_LABELS = {"pulpotomy": "Pulpotomy", "pulpectomy": "Pulpectomy"}
EXTRA_MESHES = ("enamel_opened", "dentin_opened", "medicament", "base", "canal_paste", "crown_ssc")
SHAPES = REGIONS + EXTRA_MESHES  # every representation of one tooth copy
PULP_PART = {"crown_pulp": "crown", "root_pulp": "root"}
FRONT_WIDTH = 0.01  # of the removal order: the soft band between kept and removed pulp
SPEEDS = (0.5, 1.0, 2.0)
COMPARE_PREFIX = "cmp_"


@lru_cache(maxsize=1)
def timelines() -> dict:
    return load_all()


def pulp_volumes(tooth) -> PulpVolumes:
    return PulpVolumes(crown_mm3=tooth.volumes_mm3["crown_pulp"], root_mm3=tooth.volumes_mm3["root_pulp"])


def other(procedure: str) -> str:
    return PROCEDURES[1 - PROCEDURES.index(procedure)]


def removal_range(fraction: float) -> list[float]:
    """Colour range over ``keep = 1 - removal_order``: points the front has passed map above it (pale).

    A point with order v is removed once the front f passes it (v < f), i.e. keep > 1 - f.
    """
    lo = round(1.0 - float(fraction), 5)
    return [lo, round(lo + FRONT_WIDTH, 5)]


def shape_look(name: str, look: str, pulp_state: str | None = None, decay: bool = False,
               position=(0.0, 0.0, 0.0), soft: bool = False, remaining: float = 1.0) -> dict:
    """actor / property / mapper / preset of one representation for a look ("solid" | "xray" | "hidden").

    Colours come from the one look resolver (``viewer.looks``): a pulp state through ``pulp_look`` (a
    parent's palette when ``soft``; ``remaining`` is that pulp's share not yet removed)."""
    color, opacity, scalars, preset = base_color(name), None, False, DECAY_PRESET
    if name in PULP_PART and pulp_state:
        p = pulp_look(name, pulp_state, soft, remaining)
        color, scalars, preset = p["color"], p["scalars"], p["preset"]
        opacity = p["opacity"] if p["opacity"] < 1.0 else None
    elif name in ("enamel", "dentin") and decay:
        scalars = True
    prop = shape_property(name, look, color=color)
    if opacity is not None and look == "solid":
        prop["opacity"] = opacity
    return {
        "actor": {
            "visibility": look != "hidden",
            "pickable": look == "solid",
            "position": [float(c) for c in position],
        },
        "property": prop,
        "mapper": {"scalarVisibility": scalars, "interpolateScalarsBeforeMapping": True},
        "preset": preset,
    }


def remaining_share(tooth, fraction: float) -> dict[str, float]:
    """Each pulp region's share not yet removed at ``fraction`` of the removal order (crown first)."""
    crown = tooth.pulpotomy_fraction
    return {"crown_pulp": 1.0 - min(fraction / crown, 1.0) if crown > 0 else 0.0,
            "root_pulp": 1.0 - max(0.0, (fraction - crown) / (1.0 - crown)) if crown < 1 else 1.0}


def counter_text(removed_mm3: float, removed_percent: float, remaining_mm3: float) -> str:
    return f"Removed {removed_mm3:.1f} mm³ ({removed_percent:.1f} %) · remaining {remaining_mm3:.1f} mm³"


def final_text(tooth, procedure: str) -> str:
    r = tooth.procedures()[procedure]
    return f"{PROCEDURE_LABELS[procedure]}: removes {r.removed_mm3:.1f} mm³ ({r.removed_percent:.1f} %), " \
           f"{r.remaining_mm3:.1f} mm³ stays"


def compare_time(tl_a, tl_b, t: float) -> float:
    """The time of timeline ``tl_b`` at the same stage as ``t`` seconds into ``tl_a``.

    Steps both timelines share (by id: healthy, decay, access, remove-crown-pulp, crown) run side by side
    at the same fraction; between them, the other timeline's own steps pass in the same interval. So both
    copies remove the crown pulp together, instead of one waiting while the other is part way.
    """
    ids_b = {step.id: i for i, step in enumerate(tl_b.steps)}
    knots = [(0.0, 0.0)]
    for i, step in enumerate(tl_a.steps):
        if step.id in ids_b:
            j = ids_b[step.id]
            a0, b0 = tl_a.step_start(i), tl_b.step_start(j)
            knots += [(a0, b0), (a0 + step.duration_s, b0 + tl_b.steps[j].duration_s)]
    knots.append((tl_a.total_duration, tl_b.total_duration))
    t = min(max(float(t), 0.0), tl_a.total_duration)
    for (a0, b0), (a1, b1) in zip(knots, knots[1:], strict=False):
        if a0 <= t <= a1 and a1 > a0:
            return b0 + (t - a0) * (b1 - b0) / (a1 - a0)
    return tl_b.total_duration if t >= tl_a.total_duration else 0.0


def compare_offset(tooth) -> list[float]:
    """Where the compare copy stands: beside the tooth along its mesiodistal axis."""
    d = 1.45 * tooth.dimensions_mm["crown_mesiodistal_mm"]
    return [float(c) * d for c in tooth.axes["mesial"]]


def frame(fdi: str, procedure: str, t: float, prefix: str = "", position=(0.0, 0.0, 0.0),
          soft: bool = False) -> tuple:
    """(moment, engine RemovalState, state updates) of one tooth copy at ``t`` seconds into ``procedure``.

    The counter figures come from the engine (``tooth.removal_state`` at the front's position), so at the
    end they equal ``tooth.procedures()`` exactly. ``soft``: a parent's palette (``viewer.looks.pulp_look``).
    """
    tooth = load_tooth(fdi)
    m = moment(timelines()[procedure], t, pulp_volumes(tooth))
    fraction = min(1.0, max(0.0, m.removed_fraction))
    r = tooth.removal_state(fraction)
    decay = m.looks.get("decay", "hidden") != "hidden"
    out: dict = {}
    left = remaining_share(tooth, fraction)
    for name in SHAPES:
        look = shape_look(name, m.looks[name], m.pulp_states.get(PULP_PART.get(name, "")), decay, position,
                          soft, left.get(name, 1.0))
        out[f"actor_{prefix}{name}"] = look["actor"]
        out[f"property_{prefix}{name}"] = look["property"]
        out[f"mapper_{prefix}{name}"] = look["mapper"]
        out[f"preset_{prefix}{name}"] = look["preset"]
    out[f"{prefix}removal_range"] = removal_range(fraction)
    shown = m.removing or r.removed_mm3 > 0
    text = counter_text(r.removed_mm3, r.removed_percent, r.remaining_mm3)
    out[f"{prefix}counter_text"] = text if shown else ""
    out[f"{prefix}counter"] = {
        "removed_mm3": r.removed_mm3,
        "removed_percent": r.removed_percent,
        "remaining_mm3": r.remaining_mm3,
    }
    return m, r, out


def idle_looks(prefix: str = "") -> dict:
    """Everything of a tooth copy hidden and uncoloured (no procedure, or no compare copy)."""
    out = {}
    for name in SHAPES:
        look = shape_look(name, "hidden")
        out[f"actor_{prefix}{name}"] = look["actor"]
        out[f"property_{prefix}{name}"] = look["property"]
        out[f"mapper_{prefix}{name}"] = look["mapper"]
        out[f"preset_{prefix}{name}"] = look["preset"]
    return out


def with_color_array(mesh, name: str):
    """A copy of a region mesh carrying the one array its colouring uses (``keep`` or ``sound``), or None."""
    if "removal_order" in mesh.point_data:
        out = mesh.copy(deep=False)
        out.point_data.clear()
        out.point_data["keep"] = (1.0 - np.asarray(mesh.point_data["removal_order"], dtype=np.float32))
        return out, "keep"
    if "decay" in mesh.point_data:
        out = mesh.copy(deep=False)
        out.point_data.clear()
        out.point_data["sound"] = (1.0 - np.asarray(mesh.point_data["decay"], dtype=np.float32))
        return out, "sound"
    return mesh, None
