"""The primary dentition as a chart: twenty teeth in two arches, FDI number and Universal letter.

Pure: no trame. The chart is drawn as the dentist sees the child's mouth (the child's right on the left).
Only the eight molars have a model; the others are drawn so the parent sees where the tooth sits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# FDI quadrants of the primary dentition: 5 upper right, 6 upper left, 7 lower left, 8 lower right.
UPPER: Final = tuple(f"5{i}" for i in range(5, 0, -1)) + tuple(f"6{i}" for i in range(1, 6))
LOWER: Final = tuple(f"8{i}" for i in range(5, 0, -1)) + tuple(f"7{i}" for i in range(1, 6))
# Universal letters run A (55) round the upper arch to J (65), then K (75) round the lower arch to T (85).
_UNIVERSAL_ORDER: Final = UPPER + tuple(reversed(LOWER))
UNIVERSAL: Final = {fdi: chr(ord("A") + i) for i, fdi in enumerate(_UNIVERSAL_ORDER)}
KINDS: Final = {1: "central_incisor", 2: "lateral_incisor", 3: "canine", 4: "first_molar", 5: "second_molar"}


@dataclass(frozen=True)
class ChartTooth:
    fdi: str
    universal: str
    kind: str  # one of KINDS' values
    molar: bool  # the eight molars have a model and can be chosen


def chart_tooth(fdi: str) -> ChartTooth:
    position = int(fdi[1])
    return ChartTooth(fdi, UNIVERSAL[fdi], KINDS[position], position >= 4)


def chart_rows() -> tuple[tuple[ChartTooth, ...], tuple[ChartTooth, ...]]:
    """(upper arch, lower arch), each from the child's right to left."""
    return tuple(chart_tooth(f) for f in UPPER), tuple(chart_tooth(f) for f in LOWER)


def quadrant(upper: bool, right: bool) -> int:
    return (5 if right else 6) if upper else (8 if right else 7)


def molars() -> tuple[str, ...]:
    return tuple(t.fdi for row in chart_rows() for t in row if t.molar)
