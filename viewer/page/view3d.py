"""The 3D view's widgets: ``View3D`` (<pm3d-view>: render window, camera, touch and mouse) and ``Shape``
(<pm3d-shape>: one mesh with its actor, mapper, property and colour map). Their code is
``static/view3d.js``, built from ``view3d/index.js`` over the few vtk.js classes they draw with (issue 16:
trame-vtk's bundle of all of vtk.js took ~0.25 s of script before the first picture)."""

from __future__ import annotations

from trame_client.widgets.core import AbstractElement

SCRIPT = "pm3d/view3d.js"  # served with the page's other static files (viewer/app.py)
VUE_PLUGIN = "pm3d_view3d"  # the global the script sets; trame's client installs it with Vue.use


class View3D(AbstractElement):
    """The view; its camera is ``trame.refs[ref]`` in the page (getCamera, setCamera, resetCamera)."""

    def __init__(self, children=None, ref: str = "view", **kwargs):
        super().__init__("pm3d-view", children, **kwargs)
        self._attributes["ref"] = f'ref="{ref}"'
        self._attr_names += ["background", ("interactor_settings", "interactorSettings")]


class Shape(AbstractElement):
    """One mesh state (``viewer.wire``) drawn in the enclosing ``View3D``; ``actor``, ``mapper`` and
    ``property`` are handed to vtk.js's own ``set()``."""

    def __init__(self, **kwargs):
        super().__init__("pm3d-shape", **kwargs)
        self._attr_names += ["mesh", "actor", "mapper", "property",
                             ("color_map_preset", "colorMapPreset"), ("color_data_range", "colorDataRange")]
