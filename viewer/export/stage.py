"""One offscreen VTK stage of a tooth: every region and extra added once, then restyled per frame.

A frame only changes visibility, opacity, colours (lookup tables over the point arrays), the camera and the
text; geometry changes only when the section plane moves (cached per plane and position).
"""

from __future__ import annotations

import math
import os
import textwrap
from functools import lru_cache

import numpy as np
import pyvista as pv
import vtk

from meshes.section import clip_region, plane_normal, plane_origin
from viewer.colors import BACKGROUND, REMOVED_COLOR
from viewer.growth.model import load_stage
from viewer.looks import base_color, pulp_look, shape_property
from viewer.scene import camera_direction

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")  # no X server on the server

REGIONS = ("enamel", "dentin", "crown_pulp", "root_pulp")
PULP_PART = {"crown_pulp": "crown", "root_pulp": "root"}
# The lesion end of the decay colouring (vtk.js preset DECAY_PRESET in the live view has no VTK twin).
DECAY_LESION_COLOR = (0.42, 0.25, 0.10)
DECAY_ON = (0.25, 0.65)  # decay value range of the ramp: 1 - colors.DECAY_RANGE (that range is over "sound")
TEXT_COLOR = (0.96, 0.96, 0.96)
CUT_KEEP = 0.25  # share of faces a cut surface keeps on the stage (the browser's copies keep 0.14-0.55)


def apply_look(prop: vtk.vtkProperty, look: dict) -> None:
    """Set a VTK property from a vtk.js-style look (viewer.scene.region_look's "property")."""
    prop.SetColor(*look["color"])
    prop.SetOpacity(look["opacity"])
    prop.SetAmbient(look["ambient"])
    prop.SetDiffuse(look["diffuse"])
    prop.SetSpecular(look["specular"])
    prop.SetSpecularPower(look["specularPower"])


def camera_for(tooth, view: str | None) -> tuple[tuple, tuple, tuple]:
    """(position, focal point, view up) looking at the tooth from one side, or the three-quarter view.

    Same directions as the live app's camera presets; the distance frames the whole tooth whatever is shown.
    """
    center = np.asarray(tooth.center, dtype=float)
    direction, up = camera_direction(tooth.axes, view)
    direction = np.asarray(direction) / np.linalg.norm(direction)
    radius = _radius(tooth)
    distance = 1.12 * radius / math.sin(math.radians(15.0))  # 30 degree view angle, a small margin
    return tuple(center + distance * direction), tuple(center), tuple(up)


def _radius(tooth) -> float:
    center = np.asarray(tooth.center, dtype=float)
    return float(max(np.linalg.norm(m.points - center, axis=1).max() for m in tooth.regions.values()))


@lru_cache(maxsize=64)
def stage_geometry(code: str, cut: str | None, position: float) -> dict[str, pv.PolyData]:
    """Every region and extra of a tooth, cut by a plane or whole, with smooth point normals (cached).

    ``code`` is a tooth key (viewer.growth.model.tooth_key: "85", "85@7.5~three-canals"): the session's tooth.

    Whole, the browser's lighter copies (what the live view draws; software rendering of the full surfaces
    was most of a video's time); cut, the full closed surfaces, which the section caps need (as the live cut).
    """
    tooth = load_stage(code)
    if cut:
        normal, origin = plane_normal(tooth, cut), plane_origin(tooth, cut, position)
        meshes = {**tooth.regions, **tooth.extras}
    else:
        meshes = {**tooth.display_regions, **tooth.display_extras}
    out = {}
    for name, mesh in meshes.items():
        geom = mesh
        if cut and mesh.n_points:
            # removal order and decay carried over; as light as the browser's copies
            geom = clip_region(mesh, normal, origin, keep_arrays=True, keep=CUT_KEEP)
        if geom.n_points:
            geom = geom.compute_normals(cell_normals=False, split_vertices=False, auto_orient_normals=False)
        out[name] = geom
    return out


def _two_colour_lut(low, high, lo: float, hi: float, n: int = 2) -> vtk.vtkLookupTable:
    lut = vtk.vtkLookupTable()
    lut.SetNumberOfTableValues(n)
    for i in range(n):
        a = i / (n - 1)
        rgb = [(1 - a) * low[k] + a * high[k] for k in range(3)]
        lut.SetTableValue(i, *rgb, 1.0)
    lut.SetRange(lo, hi)
    lut.Build()
    return lut


class Stage:
    """An offscreen plotter holding every mesh of one tooth; `show()` restyles it for a view state."""

    def __init__(self, code: str, size: tuple[int, int] = (1024, 768), smooth_edges: bool = True) -> None:
        self.code = code
        self.tooth = load_stage(code)  # a tooth key: the session's age and variant
        self.size = (int(size[0]), int(size[1]))
        self.plotter = pv.Plotter(off_screen=True, window_size=list(self.size))
        if not smooth_edges:  # multisampling is 30 % of a software-rendered frame (measured; video.py)
            self.plotter.disable_anti_aliasing()
        self.plotter.set_background(BACKGROUND)
        # no depth peeling: offscreen (EGL) it dropped the translucent layers; plain blending is fine here
        self.actors: dict[str, vtk.vtkActor] = {}
        self.mappers: dict[str, vtk.vtkPolyDataMapper] = {}
        self._geometry_key = None
        names = list(self.tooth.regions) + list(self.tooth.extras)
        for name in names:
            mapper = vtk.vtkPolyDataMapper()
            mapper.SetScalarModeToUsePointFieldData()
            mapper.SetColorModeToMapScalars()
            mapper.InterpolateScalarsBeforeMappingOn()
            mapper.UseLookupTableScalarRangeOn()
            mapper.ScalarVisibilityOff()
            actor = vtk.vtkActor()
            actor.SetMapper(mapper)
            self.plotter.renderer.AddActor(actor)
            self.actors[name], self.mappers[name] = actor, mapper
        self._set_geometry(None, 0.5)
        h = self.size[1]
        self.caption = self._text(max(12, h // 36), (0.5, 0.02), "bottom")
        self.counter = self._text(max(12, h // 30), (0.5, 0.92), "top", bold=True)
        self.title = self._text(max(10, h // 48), (0.02, 0.97), "top", left=True)

    # ------------------------------------------------------------------ pieces
    def _text(self, size: int, where, valign: str, bold=False, left=False) -> vtk.vtkTextActor:
        actor = vtk.vtkTextActor()
        prop = actor.GetTextProperty()
        prop.SetFontSize(size)
        prop.SetColor(*TEXT_COLOR)
        prop.SetBold(bold)
        prop.SetJustificationToLeft() if left else prop.SetJustificationToCentered()
        prop.SetVerticalJustificationToTop() if valign == "top" else prop.SetVerticalJustificationToBottom()
        prop.SetBackgroundColor(0.0, 0.0, 0.0)
        prop.SetBackgroundOpacity(0.0)
        prop.SetLineSpacing(1.15)
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        actor.GetPositionCoordinate().SetValue(*where)
        actor.SetInput("")
        self.plotter.renderer.AddViewProp(actor)
        return actor

    def _set_geometry(self, cut: str | None, position: float) -> None:
        key = (cut, round(float(position), 4) if cut else None)
        if key == self._geometry_key:
            return
        geom = stage_geometry(self.code, *key) if cut else stage_geometry(self.code, None, 0.0)
        for name, mapper in self.mappers.items():
            mapper.SetInputData(geom[name])
        self._geometry_key = key

    def set_text(self, actor: vtk.vtkTextActor, text: str, chars_per_line: int | None = None) -> None:
        if chars_per_line:
            text = "\n".join(textwrap.wrap(text, chars_per_line))
        actor.SetInput(text)
        prop = actor.GetTextProperty()
        prop.SetBackgroundOpacity(0.55 if text else 0.0)

    def caption_width(self) -> int:
        """Characters per caption line that fit the frame width at the caption's font size."""
        return max(20, int(self.size[0] / (0.52 * self.caption.GetTextProperty().GetFontSize())))

    # ------------------------------------------------------------------ styling
    def show(
        self,
        looks: dict[str, str],
        pulp_states: dict[str, str] | None = None,
        removed_fraction: float = 0.0,
        view: str | None = None,
        cut: str | None = None,
        cut_position: float = 0.5,
        camera: dict | None = None,
        soft: bool = False,
    ) -> None:
        """Style every actor: looks are "solid" | "xray" | "hidden" per region and extra (absent = hidden).

        ``soft`` draws what a parent sees live: the soft palette, and diseased pulp in the story's colours.

        ``pulp_states`` gives the crown and root pulp colours; pulp points whose removal order lies below
        ``removed_fraction`` take the pale "removed" colour. ``camera`` (position, focalPoint, viewUp) wins
        over the ``view`` preset.
        """
        pulp_states = pulp_states or {"crown": "healthy", "root": "healthy"}
        self._set_geometry(cut, cut_position)
        decay_on = looks.get("decay", "hidden") != "hidden"
        for name, actor in self.actors.items():
            look = looks.get(name, "hidden")
            mapper = self.mappers[name]
            prop = shape_property(name, look, soft)  # the live view's own resolver (viewer/looks.py)
            actor.SetVisibility(look != "hidden" and mapper.GetInput().GetNumberOfPoints() > 0)
            p = actor.GetProperty()
            apply_look(p, prop)
            p.SetInterpolationToGouraud()
            if name in PULP_PART:
                state = pulp_states.get(PULP_PART[name], "healthy")
                # the live view's colour of that state (looks.pulp_look); VTK's table can run from any colour
                # to cream, so a parent's video keeps the removal front the live view gives up for want of a
                # soft vtk.js preset
                kept = pulp_look(name, state, soft)["color"]
                f = float(removed_fraction)
                # below the front: removed (pale cream); at or beyond it: the state colour
                mapper.SetLookupTable(_two_colour_lut(REMOVED_COLOR, kept, f - 1e-6, f + 1e-6))
                mapper.SelectColorArray("removal_order")
                mapper.SetScalarVisibility(True)
            elif name in ("enamel", "dentin") and decay_on:
                lut = _two_colour_lut(base_color(name, soft), DECAY_LESION_COLOR, *DECAY_ON, n=64)
                mapper.SetLookupTable(lut)
                mapper.SelectColorArray("decay")
                mapper.SetScalarVisibility(True)
            else:
                mapper.SetScalarVisibility(False)
        if camera:
            position, focal, up = camera["position"], camera["focalPoint"], camera["viewUp"]
        else:
            position, focal, up = camera_for(self.tooth, view)
        cam = self.plotter.renderer.GetActiveCamera()
        cam.SetPosition(*position)
        cam.SetFocalPoint(*focal)
        cam.SetViewUp(*up)
        cam.SetViewAngle(30.0)
        self.plotter.camera_set = True  # else pyvista resets the camera on the first render
        self.plotter.renderer.ResetCameraClippingRange()

    def image(self) -> np.ndarray:
        """Render and return the frame as an (h, w, 3) uint8 array."""
        self.plotter.render()
        return np.asarray(self.plotter.screenshot(return_img=True))[..., :3].copy()

    def close(self) -> None:
        self.plotter.close()
