"""The anatomy engine: primary molars as closed tissue regions, their volumes and the pulp's removal order.

Never imports trame: usable from a script or a notebook.
"""

from meshes.build import DEFAULT_SPACING, REGIONS
from meshes.catalog import TOOTH_NUMBERS, ToothId, UnknownToothError, resolve_tooth
from meshes.model import RemovalState, Structure, ToothModel, load_tooth

__all__ = [
    "DEFAULT_SPACING",
    "REGIONS",
    "TOOTH_NUMBERS",
    "RemovalState",
    "Structure",
    "ToothId",
    "ToothModel",
    "UnknownToothError",
    "load_tooth",
    "resolve_tooth",
]
