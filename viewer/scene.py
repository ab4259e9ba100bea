"""One pure function decides how every region is drawn from the view state."""

from .colors import REGION_COLORS, XRAY_OPACITY


def region_look(region: str, visible: bool, xray: bool) -> dict:
    """vtk.js actor and property settings of one region.

    Parameters
    ----------
    region : str
        One of ``meshes.REGIONS``.
    visible : bool
        Whether the user's layer toggle shows it.
    xray : bool
        X-ray mode: hard tissues become translucent (and are not picked, so a tap reaches the pulp).

    Examples
    --------
    >>> region_look("enamel", True, True)["property"]["opacity"]
    0.12
    """
    translucent = xray and region in XRAY_OPACITY
    opacity = XRAY_OPACITY[region] if translucent else 1.0
    return {
        "actor": {"visibility": bool(visible), "pickable": bool(visible) and not translucent},
        "property": {
            "color": list(REGION_COLORS[region]),
            "opacity": opacity,
            "ambient": 0.15,
            "diffuse": 0.85,
            "specular": 0.25 if region == "enamel" else 0.1,
            "specularPower": 30.0,
        },
    }
