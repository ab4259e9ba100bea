"""Procedure timelines as data, their loader/validator, and the resolver that turns a moment into a view.

Pure Python: never imports trame or the viewer.
"""

from .errors import SceneError
from .loader import DATA_DIR, load_all, load_timeline
from .resolve import Moment, PulpVolumes, moment
from .timeline import Camera, Mark, Removal, Step, Timeline
from .vocabulary import CAMERA_VIEWS, CUTS, EXTRAS, LOOKS, PULP_STATES, REGIONS

__all__ = [
    "CAMERA_VIEWS",
    "CUTS",
    "DATA_DIR",
    "EXTRAS",
    "LOOKS",
    "PULP_STATES",
    "REGIONS",
    "Camera",
    "Mark",
    "Moment",
    "PulpVolumes",
    "Removal",
    "SceneError",
    "Step",
    "Timeline",
    "load_all",
    "load_timeline",
    "moment",
]
