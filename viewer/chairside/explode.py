"""The exploded view as a look: each layer's actor moved along the tooth's long axis (no geometry changes).

Pure. ``amount`` runs from 0 (together) to 1 (apart): the enamel cap lifts above the crown, the dentin stays,
the pulp (crown and roots together, so it stays recognisable) drops below the root tips.
"""

from __future__ import annotations

from typing import Final

# How far each layer moves along the occlusal axis, in tooth heights (crown height + root length).
SPREAD: Final = {"enamel": 0.45, "dentin": 0.0, "crown_pulp": -0.95, "root_pulp": -0.95}
SECONDS: Final = 0.8  # the animation's length; reduced motion jumps


def explode_offsets(tooth, amount: float) -> dict[str, list[float]]:
    """World-space actor position of each region at ``amount`` (eased, so it starts and lands softly)."""
    a = min(max(float(amount), 0.0), 1.0)
    eased = a * a * (3 - 2 * a)
    height = float(tooth.dimensions_mm["crown_height_mm"] + tooth.dimensions_mm["root_length_mm"])
    axis = [float(c) for c in tooth.axes["occlusal"]]
    return {r: [round(k * eased * height * c, 4) for c in axis] for r, k in SPREAD.items()}


def unexplode(position, offset) -> tuple[float, ...]:
    """A picked point on a moved layer, back where the layer really is (for naming the structure)."""
    return tuple(float(p) - float(o) for p, o in zip(position, offset, strict=False))
