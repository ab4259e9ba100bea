"""Client values made canonical before any cache or computation sees them.

Whatever a browser sends (a slider past its end, " 85", "t", "T"), the viewer works on one canonical value,
so caches are keyed by few values and one spelling of a tooth never builds a second copy of it.
"""

from __future__ import annotations

import math

from meshes import UnknownToothError, resolve_tooth
from meshes.section import CUT_MAX, CUT_MIN, CUT_PLANES

CUT_STEP = 0.01  # the cut moves in 1 % steps of the tooth's depth: at most 91 positions per plane


def clean_cut_pos(value, default: float = 0.5) -> float:
    """A cut position clamped to [CUT_MIN, CUT_MAX] and quantised to CUT_STEP (NaN or junk -> default).

    >>> clean_cut_pos(7), clean_cut_pos("0.333"), clean_cut_pos(float("nan"))
    (0.95, 0.33, 0.5)
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = default
    if not math.isfinite(x):
        x = default
    x = min(CUT_MAX, max(CUT_MIN, x))
    return round(round(x / CUT_STEP) * CUT_STEP, 2)


def clean_cut_plane(value) -> str:
    """"md", "bl" or "off"."""
    v = str(value or "").strip().lower()
    return v if v in CUT_PLANES else "off"


def clean_tooth(value) -> str | None:
    """FDI number of a tooth given by FDI number or Universal letter, any case or spacing; None if unknown.

    >>> clean_tooth(" 85"), clean_tooth("t"), clean_tooth("99")
    ('85', '85', None)
    """
    try:
        return resolve_tooth(str(value)[:16]).fdi
    except (UnknownToothError, TypeError, ValueError):
        return None
