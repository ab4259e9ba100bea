"""One pure function decides how every region is drawn from the view state."""

from .colors import XRAY_OPACITY
from .looks import shape_property
from .vocabulary import CAMERA_VIEWS


def region_look(region: str, visible: bool, xray: bool, soft: bool = False,
                position=(0.0, 0.0, 0.0)) -> dict:
    """vtk.js actor and property settings of one region.

    Parameters
    ----------
    region : str
        One of ``meshes.REGIONS``.
    visible : bool
        Whether the user's layer toggle shows it.
    xray : bool
        X-ray mode: hard tissues become translucent (and are not picked, so a tap reaches the pulp).
    soft : bool
        Parent mode's softer colours (``colors.PARENT_COLORS``) instead of the student's precise ones.
    position : sequence of float
        The actor's offset (the exploded view moves each layer along the tooth's axis).

    Examples
    --------
    >>> region_look("enamel", True, True)["property"]["opacity"]
    0.12
    """
    translucent = xray and region in XRAY_OPACITY  # the pulp stays opaque in x-ray
    return {
        "actor": {"visibility": bool(visible), "pickable": bool(visible) and not translucent,
                  "position": [float(c) for c in position]},
        "property": shape_property(region, "xray" if translucent else "solid", soft),
    }


def layer_key(region: str) -> str:
    """The view state key of a region's layer toggle."""
    return f"layer_{region}"




def camera_direction(axes: dict, view: str | None) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(direction from the tooth to the eye, view up) for a named side, or the default three-quarter view.

    The one place the camera presets are defined: the live view and the offscreen exports both use it.

    Examples
    --------
    >>> camera_direction({"occlusal": (0, 0, 1), "buccal": (-1, 0, 0), "mesial": (0, 1, 0)}, "occlusal")
    ((0.0, 0.0, 1.0), (-1.0, 0.0, 0.0))
    """
    a = {k: tuple(float(c) for c in v) for k, v in axes.items()}
    if view in CAMERA_VIEWS:
        return a[view], a["buccal"] if view == "occlusal" else a["occlusal"]
    # three-quarter view from buccal, above the occlusal plane and a little mesial
    b, o, m = a["buccal"], a["occlusal"], a["mesial"]
    return tuple(0.75 * b[i] + 0.55 * o[i] + 0.35 * m[i] for i in range(3)), o
