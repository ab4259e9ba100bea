"""Tooth numbering: FDI numbers and Universal letters of the eight primary molars, and their sides."""

from __future__ import annotations

from dataclasses import dataclass

# FDI number -> (Universal letter, kind). Quadrants of the primary dentition: 5 upper right, 6 upper left,
# 7 lower left, 8 lower right (ANATOMY.md, Naming).
_TEETH = {
    "55": ("A", "maxillary_second"),
    "54": ("B", "maxillary_first"),
    "64": ("I", "maxillary_first"),
    "65": ("J", "maxillary_second"),
    "75": ("K", "mandibular_second"),
    "74": ("L", "mandibular_first"),
    "84": ("S", "mandibular_first"),
    "85": ("T", "mandibular_second"),
}
TOOTH_NUMBERS = ("54", "55", "64", "65", "74", "75", "84", "85")


class UnknownToothError(ValueError):
    """Not one of the eight primary molars; the message lists the valid numbers."""


@dataclass(frozen=True)
class ToothId:
    fdi: str
    universal: str
    kind: str  # e.g. "mandibular_second": the spec file

    @property
    def arch(self) -> str:
        return self.kind.split("_")[0]

    @property
    def side(self) -> str:
        return "right" if self.fdi[0] in "58" else "left"

    @property
    def order(self) -> str:
        return self.kind.split("_")[1]

    @property
    def name(self) -> str:
        return f"{self.arch} {self.side} {self.order} primary molar"

    @property
    def label(self) -> str:
        """Short label for a menu: '85 (T) - lower right second molar'."""
        jaw = "upper" if self.arch == "maxillary" else "lower"
        return f"{self.fdi} ({self.universal}) - {jaw} {self.side} {self.order} molar"


def valid_codes() -> str:
    return ", ".join(f"{fdi} ({_TEETH[fdi][0]})" for fdi in TOOTH_NUMBERS)


def resolve_tooth(code: str) -> ToothId:
    """A tooth from its FDI number ("85") or Universal letter ("T", any case)."""
    text = str(code).strip().upper()
    for fdi, (universal, kind) in _TEETH.items():
        if text in (fdi, universal):
            return ToothId(fdi, universal, kind)
    raise UnknownToothError(
        f"unknown tooth {code!r}: the primary molars are, by FDI number (Universal letter): {valid_codes()}"
    )
