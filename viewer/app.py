"""The chairside viewer: one instance per browser session (see ``viewer.serve``).

State lives in the trame state of this instance's own server; the UI is built once in ``_build_ui``;
``@change`` handlers turn user input into (small) state updates for the browser, which renders with vtk.js.
Meshes travel once per tooth or cut; visibility, opacity and colour are tiny reactive props.
"""

from __future__ import annotations

import asyncio
import random
import time
from functools import lru_cache

from trame.app import TrameApp
from trame.decorators import change
from trame.ui.vuetify3 import VAppLayout
from trame.widgets import client, html
from trame.widgets import vtk as vtkw
from trame.widgets import vuetify3 as v3
from trame_vtk.modules.vtk.serializers.mesh import mesh as mesh_state

from meshes import REGIONS, TOOTH_NUMBERS, load_tooth, resolve_tooth

from . import style
from .colors import BACKGROUND, DECAY_RANGE, REGION_LABELS, css_rgb
from .cut import cut_tooth
from .procedure import (
    COMPARE_PREFIX,
    EXTRA_MESHES,
    PROCEDURE_LABELS,
    PROCEDURES,
    SHAPES,
    SPEEDS,
    compare_offset,
    final_text,
    frame,
    idle_looks,
    other,
    removal_range,
    timelines,
    with_color_array,
)
from .scene import camera_direction, region_look
from .story import (
    SIDES,
    SPACE_SCENES,
    SUCCESSOR_PARTS,
    TEACHING_LINE,
    age_marker,
    indicated,
    infection_items,
    infection_looks,
    judge,
    nb_key,
    neighbour_looks,
    neighbour_property,
    procedure_start_step,
    quiz_needs,
    quiz_targets,
    room_text,
    scene_title,
    space_duration,
    space_frame,
    successor_looks,
    timeline_rows,
)
from .story_ui import build_story_overlay, build_story_panel, build_story_representations
from .url_state import CAMERA_PRESETS, INFECTIONS, ViewParams, parse_query, to_query

# The removed half of a section lies toward the plane normal: look from there to face the cut.
CUT_VIEWS = {"md": "buccal", "bl": "mesial"}
CAMERA_LABELS = {name: name.capitalize() for name in CAMERA_PRESETS}
CAMERA_JS = (
    "camera_request && window.setTimeout(() => { const v = trame.refs.view;"
    " if (v) { v.setCamera(camera_request); v.resetCamera(); } }, 50)"
)
INTERACTOR_SETTINGS = [
    {"button": 1, "action": "Rotate"},
    {"button": 2, "action": "Pan"},
    {"button": 3, "action": "Zoom", "scrollEnabled": True},
    {"button": 1, "action": "Pan", "shift": True},
    {"button": 1, "action": "Zoom", "control": True},
]


def tooth_title(code: str) -> str:
    """Human name of a tooth with both numbering systems, e.g. "85 (T) – lower right second molar"."""
    t = resolve_tooth(code)
    jaw = "upper" if t.arch == "maxillary" else "lower"
    kind = str(t.kind).split("_")[-1]  # "second" (also accepts "mandibular_second")
    return f"{t.fdi} ({t.universal}) – {jaw} {t.side} {kind} molar"


@lru_cache(maxsize=64)
def _serialized(fdi: str, cut: str | None, cut_pos: float) -> dict[str, dict | None]:
    """vtk.js mesh state per region, shared by every session (serializing is the costly part)."""
    if cut:
        regions = cut_tooth(fdi, cut, cut_pos)
        return {name: mesh_state(regions[name]) if regions[name].n_points else None for name in REGIONS}
    out = {}
    # The browser gets the lighter display surfaces (same shape, same arrays, no cracks; meshes/surfaces.py).
    for name, mesh in load_tooth(fdi).display_regions.items():
        colored, field = with_color_array(mesh, name)
        out[name] = mesh_state(colored, field_to_keep=field) if mesh.n_points else None
    return out


# Smooth shells are decimated (volumes are the engine's, measured on voxels, not on these surfaces).
EXTRA_DECIMATION = {"enamel_opened": 0.6, "dentin_opened": 0.6, "crown_ssc": 0.6, "base": 0.5}


@lru_cache(maxsize=16)
def _serialized_successor(fdi: str) -> dict[str, dict | None]:
    """vtk.js mesh state of the premolar and its crypt (decimated for the wire; sent when first shown)."""
    out = {}
    for name, reduction in (("successor", 0.5), ("crypt", 0.85)):
        mesh = load_tooth(fdi).successor[name]
        out[name] = mesh_state(mesh.decimate(reduction)) if mesh.n_points else None
    return out


@lru_cache(maxsize=16)
def _serialized_neighbours(fdi: str) -> dict[str, dict | None]:
    """vtk.js mesh state of the teeth in front and behind (sent once, when a space scene first plays)."""
    out = {}
    for side in SIDES:
        mesh = load_tooth(fdi).neighbour_mesh(side)
        out[side] = mesh_state(mesh.decimate(0.5)) if mesh.n_points else None
    return out


@lru_cache(maxsize=1)
def _serialized_marker() -> dict:
    import pyvista as pv

    return mesh_state(pv.Sphere(radius=0.55, theta_resolution=16, phi_resolution=12))


@lru_cache(maxsize=16)
def _serialized_extras(fdi: str) -> dict[str, dict | None]:
    """vtk.js mesh state of the procedure geometry (opened layers, materials, crown), sent on first use."""
    out = {}
    for name in EXTRA_MESHES:
        mesh = load_tooth(fdi).extras[name]
        if mesh.n_points and name in EXTRA_DECIMATION:
            mesh = mesh.decimate(EXTRA_DECIMATION[name])
        out[name] = mesh_state(mesh) if mesh.n_points else None
    return out


def aria(label=None, **attrs) -> dict:
    """Keyword arguments that put ARIA attributes (``aria-label``, ``role``, ...) on a trame widget."""
    if label is not None:
        attrs["aria_label"] = label
    return {"__properties": [(k, k.replace("_", "-")) for k in attrs], **attrs}


def layer_key(region: str) -> str:
    return f"layer_{region}"


class App(TrameApp):
    """One viewer session. ``App(name)`` builds it on the trame server called ``name``."""

    def __init__(self, server=None, default_tooth: str = "85"):
        super().__init__(server, client_type="vue3")
        self.default_tooth = resolve_tooth(default_tooth).fdi
        self._extra_query: dict = {}
        s = self.state
        s.trame__title = "Primary Molar 3D"
        s.scene_ready = False
        s.tooth = self.default_tooth
        s.tooth_items = [{"title": tooth_title(c), "value": c} for c in TOOTH_NUMBERS]
        for r in REGIONS:
            s[layer_key(r)] = True
            s[f"mesh_{r}"] = None
        s.xray = False
        s.cut_plane = "off"
        s.cut_pos = 0.5
        s.cut_pos_ui = 0.5
        s.camera_view = None
        s.pick_text = ""
        s.panel_open = True
        s.volume_rows = []
        s.dimension_rows = []
        s.tooth_name = ""
        s.url_query = ""
        s.camera_request = None
        self._camera_serial = 0
        s.client_only("cut_pos_ui")
        self._last_cut_plane = "off"
        # procedures
        for name in EXTRA_MESHES:
            s[f"mesh_{name}"] = None
        self._extras_for = None  # the tooth whose procedure geometry the browser has
        s.procedure = None
        s.compare = False
        s.t = 0.0
        s.t_max = 1.0
        s.playing = False
        s.speed = 1.0
        s.caption = ""
        s.note = ""
        s.step_label = ""
        s.step_index = 0
        s.final_rows = []
        s.decay_range = list(DECAY_RANGE)
        s.removal_range = removal_range(0.0)
        s.cmp_removal_range = removal_range(0.0)
        s.counter_text = ""
        s.cmp_counter_text = ""
        s.counter = None
        s.cmp_counter = None
        s.cmp_label = ""
        self._t = 0.0
        self._step = None
        self._play_task: asyncio.Task | None = None
        self.frame_interval = 1 / 30
        self.frames_sent = 0
        self._init_story()
        self._apply_looks()
        self._build_ui()

    def _init_story(self) -> None:
        s = self.state
        s.mode = "parent"
        s.infection = "none"
        s.infection_items = infection_items()
        s.teaching_line = TEACHING_LINE
        s.indicated = indicated("none")
        s.successor_on = False
        s.successor_name = ""
        self._successor_for = None
        self._neighbours_for = None
        for part in SUCCESSOR_PARTS:
            s[f"mesh_{part}"] = None
        for side in SIDES:
            s[f"mesh_{nb_key(side)}"] = None
            s[f"property_{nb_key(side)}"] = neighbour_property()
        s.mesh_quiz_marker = None
        s.actor_quiz_marker = {"visibility": False, "pickable": False}
        s.space_scene = None
        s.space_title = ""
        s.space_t = 0.0
        s.space_t_max = 1.0
        s.space_playing = False
        s.space_age = ""
        s.space_caption = ""
        s.space_note = ""
        s.space_room = ""
        s.space_rise = [0.0, 0.0, 0.0]
        s.timeline_rows = []
        s.age_marker = None
        s.canal_text = ""
        s.quiz_active = False
        s.quiz_prompt = ""
        s.quiz_feedback = ""
        s.quiz_right = None
        s.quiz_score = {"right": 0, "asked": 0}
        self._space_t = 0.0
        self._space_present = None
        self._space_task: asyncio.Task | None = None
        self._quiz_target: dict | None = None
        self._quiz_answered = False
        self._quiz_order: list[int] = []
        self._quiz_rng = random.Random()

    # ------------------------------------------------------------------ state <-> URL
    def params(self) -> ViewParams:
        s = self.state
        return ViewParams(
            tooth=s.tooth,
            layers=tuple(r for r in REGIONS if s[layer_key(r)]),
            xray=bool(s.xray),
            cut=None if s.cut_plane == "off" else s.cut_plane,
            cut_pos=float(s.cut_pos),
            view=s.camera_view,
            procedure=s.procedure,
            step=int(s.step_index) if s.procedure else None,
            compare=bool(s.compare) and bool(s.procedure),
            infection=s.infection or "none",
            successor=bool(s.successor_on),
            mode=s.mode,
            extra=dict(self._extra_query),
        )

    def apply_params(self, p: ViewParams) -> None:
        """Set the whole view from parameters (used for the URL at connect time)."""
        s = self.state
        self._extra_query = dict(p.extra)
        s.tooth = p.tooth
        for r in REGIONS:
            s[layer_key(r)] = r in p.layers
        s.xray = p.xray
        s.cut_plane = self._last_cut_plane = p.cut or "off"
        s.cut_pos = s.cut_pos_ui = p.cut_pos
        s.camera_view = p.view
        s.mode = p.mode
        s.infection = p.infection
        s.successor_on = p.successor
        self._leave_space(apply=False)
        self._stop_quiz()
        self._load_scene()
        self._update_story_texts()
        self._stop_playing()
        s.procedure = p.procedure
        s.compare = p.compare and bool(p.procedure)
        if p.procedure:
            self._start_procedure(p.procedure, p.step or 0)
        else:
            self._apply_looks()
        s.url_query = to_query(self.params())
        s.scene_ready = True
        if not p.procedure:
            self.camera_preset(p.view or "reset")

    def on_client_url(self, search: str = "") -> None:
        """The browser reports its URL query once mounted: restore the view it describes."""
        self.apply_params(parse_query(search or "", self.default_tooth))

    # ------------------------------------------------------------------ scene
    def _load_scene(self) -> None:
        s = self.state
        tooth = load_tooth(s.tooth)
        cut = None if s.cut_plane == "off" else s.cut_plane
        meshes = _serialized(tooth.tooth.fdi, cut, round(float(s.cut_pos), 2) if cut else 0.0)
        for r in REGIONS:
            s[f"mesh_{r}"] = meshes[r]
        s.tooth_name = tooth_title(s.tooth)
        s.volume_rows = [
            {
                "region": r,
                "label": REGION_LABELS[r],
                "color": css_rgb(r),
                "value": f"{tooth.volumes_mm3[r]:.1f} mm³",
            }
            for r in REGIONS
        ]
        d = tooth.dimensions_mm
        s.dimension_rows = [
            {"label": "Crown, mesiodistal", "value": f"{d['crown_mesiodistal_mm']:.1f} mm"},
            {"label": "Crown, buccolingual", "value": f"{d['crown_buccolingual_mm']:.1f} mm"},
            {"label": "Crown height", "value": f"{d['crown_height_mm']:.1f} mm"},
            {"label": "Root length", "value": f"{d['root_length_mm']:.1f} mm"},
            {"label": "Crown pulp / whole pulp", "value": f"{100 * tooth.pulpotomy_fraction:.0f} %"},
        ]
        s.timeline_rows = timeline_rows(tooth.tooth.kind)
        s.canal_text = f"{len(tooth.canal_names)} canals: " + ", ".join(tooth.canal_names)
        s.successor_name = str(tooth.successor_info.get("name", "premolar"))
        if s.successor_on:
            self._ensure_successor()

    def _apply_looks(self) -> None:
        s = self.state
        tooth = load_tooth(s.tooth)
        if s.procedure:
            self._show(self._t, force=True)
            s.update(successor_looks(bool(s.successor_on), True))
            s.update(neighbour_looks(tooth, None))
            return
        if s.space_scene:
            self._space_show(self._space_t, force=True)
            return
        s.update(idle_looks())
        s.update(idle_looks(COMPARE_PREFIX))
        looks = {r: region_look(r, s[layer_key(r)], s.xray) for r in REGIONS}
        s.update(infection_looks(tooth, s.infection or "none", bool(s.xray), looks))
        s.update(successor_looks(bool(s.successor_on), bool(s.xray)))
        s.update(neighbour_looks(tooth, None))

    def _sync_url(self) -> None:
        if self.state.scene_ready:
            self.state.url_query = to_query(self.params())

    @change("tooth")
    def _on_tooth(self, tooth, **_):
        if not self.state.scene_ready:
            return
        self.state.pick_text = ""
        self._leave_space(apply=False)
        self._stop_quiz()
        self._load_scene()
        self._leave_procedure()  # a new tooth starts without a procedure
        self._sync_url()
        self.camera_preset(self.state.camera_view or "reset")

    @change(*[layer_key(r) for r in REGIONS], "xray")
    def _on_layers(self, **_):
        self._apply_looks()
        self._sync_url()

    @change("cut_plane", "cut_pos")
    def _on_cut(self, cut_plane, **_):
        if not self.state.scene_ready:
            return
        self.state.pick_text = ""
        self._load_scene()
        self._sync_url()
        if cut_plane != self._last_cut_plane and cut_plane in CUT_VIEWS:
            self.camera_preset(CUT_VIEWS[cut_plane])  # face the cut surface
        self._last_cut_plane = cut_plane

    # ------------------------------------------------------------------ procedures
    def _ensure_extras(self) -> None:
        """Send the procedure geometry of the current tooth once (hidden until a step shows it)."""
        fdi = load_tooth(self.state.tooth).tooth.fdi
        if self._extras_for != fdi:
            for name, m in _serialized_extras(fdi).items():
                self.state[f"mesh_{name}"] = m
            self._extras_for = fdi

    def _start_procedure(self, procedure: str, step: int = 0) -> None:
        s = self.state
        self._stop_playing()
        self._leave_space(apply=False)
        self._active = procedure
        s.procedure = procedure
        if s.cut_plane != "off":  # the removal front is coloured on the whole pulp surface
            s.cut_plane = self._last_cut_plane = "off"
            self._load_scene()
        self._ensure_extras()
        tl = timelines()[procedure]
        s.t_max = float(tl.total_duration)
        step = min(max(int(step), 0), len(tl.steps) - 1)
        tooth = load_tooth(s.tooth)
        s.final_rows = [final_text(tooth, p) for p in PROCEDURES]
        s.cmp_label = f"Beside it: {PROCEDURE_LABELS[other(procedure)]}"
        self._step = None
        self._show(tl.step_start(step), force=True)

    def _leave_procedure(self) -> None:
        s = self.state
        self._stop_playing()
        self._active = None
        s.procedure = None
        s.compare = False
        s.caption = s.note = s.step_label = s.counter_text = s.cmp_counter_text = ""
        s.counter = s.cmp_counter = None
        s.final_rows = []
        self._step = None
        self._t = 0.0
        s.t = 0.0
        self._apply_looks()

    def _show(self, t: float, force: bool = False) -> None:
        """Put the scene at ``t`` seconds of the chosen procedure: a few small state keys per frame."""
        s = self.state
        procedure = s.procedure
        if not procedure:
            return
        fdi = load_tooth(s.tooth).tooth.fdi
        tl = timelines()[procedure]
        t = min(max(float(t), 0.0), tl.total_duration)
        self._t = t
        m, _, updates = frame(fdi, procedure, t)
        if s.compare:
            tl_b = timelines()[other(procedure)]
            t_b = t * tl_b.total_duration / tl.total_duration  # synchronised: same share of the story
            _, _, more = frame(fdi, other(procedure), t_b, COMPARE_PREFIX, compare_offset(load_tooth(fdi)))
            updates.update(more)
        else:
            updates.update(idle_looks(COMPARE_PREFIX))
            updates[f"{COMPARE_PREFIX}counter_text"] = ""
        updates["t"] = round(t, 3)
        step_changed = m.step_index != self._step
        if step_changed or force:
            updates.update(
                caption=m.caption,
                note=m.note,
                step_index=m.step_index,
                step_label=f"Step {m.step_index + 1} of {m.step_count}",
            )
        for k, v in updates.items():
            s[k] = v  # unchanged values are not sent again
        self.frames_sent += 1
        if step_changed or force:
            self._step = m.step_index
            self.camera_preset(m.camera)
            self._sync_url()

    def moment(self):
        """The current moment of the chosen procedure (for tests and the UI)."""
        from scenes import moment as resolve

        from .procedure import pulp_volumes

        tooth = load_tooth(self.state.tooth)
        return resolve(timelines()[self.state.procedure], self._t, pulp_volumes(tooth))

    @change("procedure")
    def _on_procedure(self, procedure, **_):
        if not self.state.scene_ready or procedure == getattr(self, "_active", None):
            return
        if procedure in PROCEDURES:
            self._start_procedure(procedure)
        else:
            self._leave_procedure()
            self.camera_preset(self.state.camera_view or "reset")
        self._sync_url()

    @change("compare")
    def _on_compare(self, compare, **_):
        if not self.state.scene_ready or not self.state.procedure:
            return
        self._show(self._t, force=True)

    @change("t")
    def _on_t(self, t, **_):
        """The scrub slider (a user's move differs from the time the player last set)."""
        if self.state.procedure and t is not None and abs(float(t) - self._t) > 1e-6:
            self._show(float(t))

    def next_step(self) -> None:
        tl = timelines()[self.state.procedure]
        self.pause()
        i = tl.step_at(self._t)
        self._show(tl.step_start(i + 1) if i + 1 < len(tl.steps) else tl.total_duration)

    def previous_step(self) -> None:
        tl = timelines()[self.state.procedure]
        self.pause()
        i = tl.step_at(self._t)
        if self._t >= tl.total_duration:
            i = len(tl.steps) - 1
        elif self._t - tl.step_start(i) < 0.25 and i > 0:
            i -= 1
        self._show(tl.step_start(i))

    def cycle_speed(self) -> None:
        i = SPEEDS.index(self.state.speed) if self.state.speed in SPEEDS else 0
        self.state.speed = SPEEDS[(i + 1) % len(SPEEDS)]

    def tick(self, dt: float) -> bool:
        """Advance playback by ``dt`` seconds of wall time; True once the end is reached."""
        tl = timelines()[self.state.procedure]
        self._show(min(tl.total_duration, self._t + dt * float(self.state.speed)))
        return self._t >= tl.total_duration

    def play(self) -> None:
        s = self.state
        if not s.procedure or (self._play_task and not self._play_task.done()):
            return
        if self._t >= timelines()[s.procedure].total_duration:
            self._show(0.0)
        s.playing = True
        self._play_task = asyncio.get_event_loop().create_task(self._play_loop())

    async def _play_loop(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(self.frame_interval)
            now = time.monotonic()
            with self.state:  # flushes this frame's few changed keys to the browser
                done = self.tick(now - last)
                if done:
                    self.state.playing = False
            last = now
            if done:
                return

    def _stop_playing(self) -> None:
        task, self._play_task = self._play_task, None
        if task is not None and not task.done():
            task.cancel()

    def pause(self) -> None:
        self._stop_playing()
        self.state.playing = False

    def close(self) -> None:
        """The session ends (its browser left): stop its players without touching any other session."""
        self._stop_playing()
        self._stop_space()

    # ------------------------------------------------------------------ camera and picking
    def camera_preset(self, name: str) -> None:
        """Look at the tooth from one side (``reset`` restores the default three-quarter view)."""
        tooth = load_tooth(self.state.tooth)
        center = [float(c) for c in tooth.center]
        direction, up = camera_direction(tooth.axes, name if name in CAMERA_PRESETS else None)
        self.state.camera_view = name if name in CAMERA_PRESETS else None
        position = [center[i] + 100.0 * direction[i] for i in range(3)]
        self._sync_url()
        self._camera_serial += 1
        self.state.camera_request = {
            "position": position,
            "focalPoint": center,
            "viewUp": list(up),
            "serial": self._camera_serial,
        }

    def on_pick(self, event=None) -> None:
        """A tap or click on the model: name the structure under it (with its volume for a student).

        During the quiz the tap answers the question instead."""
        s = self.state
        region = (event or {}).get("representationId")
        position = (event or {}).get("worldPosition")
        tooth = load_tooth(s.tooth)
        if s.quiz_active and self._quiz_target is not None and not self._quiz_answered:
            if region in REGIONS or region == "successor":
                self._quiz_judge(region, position)
            return
        student = s.mode == "student"
        if region == "successor" and position:
            info = tooth.successor_info
            text = f"The new tooth: {info.get('name', 'premolar')}, still forming"
            if student:
                text = f"Successor: {info.get('name')} crown (erupts {info['erupts_years'][0]}-" \
                       f"{info['erupts_years'][1]} years) · {info['volumes_mm3']['successor']:.1f} mm³"
            s.pick_text = text
            return
        if region not in REGIONS or not position:
            s.pick_text = ""
            return
        name = tooth.describe_point(region, tuple(float(c) for c in position[:3]))
        s.pick_text = f"{name} · {tooth.volumes_mm3[region]:.1f} mm³" if student else name

    # ------------------------------------------------------------------ the chairside story
    def _update_story_texts(self) -> None:
        s = self.state
        s.infection_items = infection_items(s.mode)
        s.indicated = indicated(s.infection or "none", s.mode)
        if s.space_scene:
            s.space_title = scene_title(s.space_scene, s.mode)

    def _ensure_successor(self) -> None:
        fdi = load_tooth(self.state.tooth).tooth.fdi
        if self._successor_for != fdi:
            for part, m in _serialized_successor(fdi).items():
                self.state[f"mesh_{part}"] = m
            self._successor_for = fdi

    def _ensure_neighbours(self) -> None:
        fdi = load_tooth(self.state.tooth).tooth.fdi
        if self._neighbours_for != fdi:
            for side, m in _serialized_neighbours(fdi).items():
                self.state[f"mesh_{nb_key(side)}"] = m
            self._neighbours_for = fdi

    @change("infection")
    def _on_infection(self, infection, **_):
        if not self.state.scene_ready:
            return
        s = self.state
        if infection not in INFECTIONS:
            s.infection = "none"
        self._leave_space(apply=False)
        if s.procedure:
            self._leave_procedure()
        self._update_story_texts()
        self._apply_looks()
        self._sync_url()

    @change("mode")
    def _on_mode(self, mode, **_):
        if mode not in ("parent", "student"):
            self.state.mode = "parent"
        if not self.state.scene_ready:
            return
        self._update_story_texts()
        if self.state.space_scene:
            self._space_show(self._space_t, force=True)
        if self.state.mode != "student":
            self._stop_quiz()
        self.state.pick_text = ""
        self._sync_url()

    @change("successor_on")
    def _on_successor(self, successor_on, **_):
        if not self.state.scene_ready:
            return
        if successor_on:
            self._ensure_successor()
        self._apply_looks()
        self._sync_url()

    def play_indicated(self) -> None:
        """Play the procedure the infection extent calls for, from the step that shows the same pulp."""
        s = self.state
        procedure = indicated(s.infection or "none")["procedure"]
        if procedure not in PROCEDURES:
            return
        self._start_procedure(procedure, procedure_start_step(procedure, s.infection))
        self._sync_url()
        self.play()

    # --- space scenes
    def start_space(self, scene_id: str) -> None:
        s = self.state
        if scene_id not in SPACE_SCENES:
            return
        if s.procedure:
            self._leave_procedure()
        self._stop_space()
        tooth = load_tooth(s.tooth)
        self._ensure_neighbours()
        self._ensure_successor()
        s.space_scene = scene_id
        s.space_title = scene_title(scene_id, s.mode)
        s.space_t_max = space_duration(tooth, scene_id)
        s.space_room = ""
        self._space_present = None
        self._space_show(0.0, force=True)
        self.camera_preset("buccal")
        self.space_play()

    def _space_show(self, t: float, force: bool = False) -> None:
        """Put the space scene at ``t`` seconds: neighbour and premolar poses, age, caption (small keys)."""
        s = self.state
        tooth = load_tooth(s.tooth)
        t = min(max(float(t), 0.0), float(s.space_t_max))
        self._space_t = t
        m, updates = space_frame(tooth, s.space_scene, t, s.mode)
        rise = updates.pop("space_rise")
        updates.update(successor_looks(True, bool(s.xray), rise, pickable=False))
        updates["space_t"] = round(t, 3)
        updates["age_marker"] = age_marker(m.age_months)
        if force or m.tooth_present != self._space_present:
            self._space_present = m.tooth_present
            if force:
                updates.update(idle_looks())
                updates.update(idle_looks(COMPARE_PREFIX))
            for r in REGIONS:
                look = region_look(r, bool(s[layer_key(r)]) and m.tooth_present, bool(s.xray))
                updates[f"actor_{r}"] = look["actor"]
                updates[f"property_{r}"] = look["property"]
        done = t >= float(s.space_t_max) - 1e-9
        updates["space_room"] = room_text(tooth, m.motion) if done else ""
        for k, v in updates.items():
            s[k] = v
        self.frames_sent += 1

    def space_tick(self, dt: float) -> bool:
        self._space_show(min(float(self.state.space_t_max), self._space_t + dt))
        return self._space_t >= float(self.state.space_t_max)

    def space_play(self) -> None:
        s = self.state
        if not s.space_scene or (self._space_task and not self._space_task.done()):
            return
        if self._space_t >= float(s.space_t_max):
            self._space_show(0.0)
        s.space_playing = True
        self._space_task = asyncio.get_event_loop().create_task(self._space_loop())

    async def _space_loop(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(self.frame_interval)
            now = time.monotonic()
            with self.state:
                done = self.space_tick(now - last)
                if done:
                    self.state.space_playing = False
            last = now
            if done:
                return

    def _stop_space(self) -> None:
        task, self._space_task = self._space_task, None
        if task is not None and not task.done():
            task.cancel()
        self.state.space_playing = False

    def _leave_space(self, apply: bool = True) -> None:
        s = self.state
        was = bool(s.space_scene)
        self._stop_space()
        s.space_scene = None
        s.space_caption = s.space_note = s.space_room = s.space_age = ""
        s.age_marker = None
        self._space_t = 0.0
        if was and apply:
            self._apply_looks()
            self.camera_preset(s.camera_view or "reset")

    def leave_space(self) -> None:
        self._leave_space()

    # --- the student quiz
    def quiz_start(self) -> None:
        s = self.state
        if s.procedure:
            self._leave_procedure()
        self._leave_space(apply=False)
        s.quiz_active = True
        s.quiz_score = {"right": 0, "asked": 0}
        self._quiz_order = []
        self.quiz_next()

    def quiz_next(self) -> None:
        targets = quiz_targets(load_tooth(self.state.tooth))
        if not self._quiz_order:
            self._quiz_order = list(range(len(targets)))
            self._quiz_rng.shuffle(self._quiz_order)
        self.quiz_ask(self._quiz_order.pop(0))

    def quiz_ask(self, index: int) -> None:
        """Ask for structure ``index`` of ``quiz_targets``; set up the view so it can be tapped."""
        s = self.state
        target = quiz_targets(load_tooth(s.tooth))[index]
        self._quiz_target = target
        self._quiz_answered = False
        needs = quiz_needs(target)
        s.quiz_prompt = f"Tap {target['prompt']}"
        s.quiz_feedback = ""
        s.quiz_right = None
        s.pick_text = ""
        s.actor_quiz_marker = {"visibility": False, "pickable": False}
        for r in REGIONS:
            s[layer_key(r)] = True
        s.xray = needs["xray"]
        s.infection = "none"
        if needs["successor"]:
            s.successor_on = True
            self._ensure_successor()
        self._update_story_texts()
        self._apply_looks()
        self._sync_url()

    def _quiz_judge(self, region, position) -> None:
        s = self.state
        tooth = load_tooth(s.tooth)
        target = self._quiz_target
        right, tapped = judge(tooth, target, region, position)
        self._quiz_answered = True
        score = dict(s.quiz_score)
        score["asked"] += 1
        score["right"] += int(right)
        s.quiz_score = score
        s.quiz_right = right
        what = target["prompt"]
        s.quiz_feedback = (f"Right: that is {what}." if right
                           else f"Not quite: you tapped {tapped}. The marker shows {what}.")
        if s.mesh_quiz_marker is None:
            s.mesh_quiz_marker = _serialized_marker()
        s.actor_quiz_marker = {"visibility": True, "pickable": False, "position": list(target["at"])}

    def _stop_quiz(self) -> None:
        s = self.state
        s.quiz_active = False
        s.quiz_prompt = s.quiz_feedback = ""
        s.quiz_right = None
        self._quiz_target = None
        s.actor_quiz_marker = {"visibility": False, "pickable": False}

    def quiz_stop(self) -> None:
        self._stop_quiz()

    # ------------------------------------------------------------------ UI
    def _build_ui(self) -> None:
        with VAppLayout(self.server, full_height=True) as layout:
            self.ui = layout
            client.Style(style.CSS)
            client.ClientTriggers(mounted=(self.on_client_url, "[window.location.search]"))
            client.ClientStateChange(
                value="url_query",
                change="url_query && window.history.replaceState(null, '', url_query)",
            )
            # Camera moves run after the meshes of the same update are in place (then reset fits them).
            client.ClientStateChange(value="camera_request", change=CAMERA_JS)
            with html.Div(classes=("panel_open ? 'pm-root' : 'pm-root pm-collapsed'",)):
                self._build_view()
                self._build_panel()

    def _build_view(self) -> None:
        with html.Div(classes="pm-view-wrap"):
            with (
                html.Div(classes="pm-view", **aria(("`3D model of tooth ${tooth_name}`",), role="img")),
                vtkw.VtkView(
                    ref="view",
                    background=("view_background", list(BACKGROUND)),
                    picking_modes=("picking_modes", ["click"]),
                    interactor_settings=("interactor_settings", INTERACTOR_SETTINGS),
                    click=(self.on_pick, "[$event]"),
                ),
            ):
                for prefix in ("", COMPARE_PREFIX):
                    for r in SHAPES:
                        if r in ("crown_pulp", "root_pulp"):
                            color_range = f"{prefix}removal_range"
                        else:
                            color_range = "decay_range"
                        with vtkw.VtkGeometryRepresentation(
                            v_if=f"mesh_{r}" + (" && compare" if prefix else ""),
                            id=f"{prefix}{r}",
                            actor=(f"actor_{prefix}{r}",),
                            property=(f"property_{prefix}{r}",),
                            mapper=(f"mapper_{prefix}{r}",),
                            color_map_preset=(f"preset_{prefix}{r}",),
                            color_data_range=(color_range,),
                        ):
                            # one mesh state per shape, shared by both copies: sent once
                            vtkw.VtkMesh(f"mesh_{r}", state=(f"mesh_{r}",))
                build_story_representations()
            build_story_overlay(self)
            with html.Div(classes="pm-story", v_show="procedure"):
                with html.Div(classes="pm-caption", **aria("Caption", role="region", aria_live="polite")):
                    html.Div("{{ step_label }}", classes="pm-step")
                    html.Div("{{ caption }}", classes="pm-caption-text")
                    html.Div("{{ note }}", classes="pm-note", **aria("Student note"))
                html.Div(
                    "{{ counter_text }}",
                    v_show="counter_text",
                    classes="pm-counter",
                    **aria("Pulp removed", role="status"),
                )
                html.Div(
                    "{{ cmp_label }} · {{ cmp_counter_text }}",
                    v_show="compare && cmp_counter_text",
                    classes="pm-counter pm-counter-cmp",
                    **aria("Pulp removed beside", role="status"),
                )
            html.Div(
                "{{ pick_text }}",
                v_show="pick_text",
                classes="pm-pick",
                **aria("Picked structure", role="status", aria_live="polite"),
            )
            with html.Div(classes="pm-cameras", **aria("Camera", role="toolbar")):
                for name in CAMERA_PRESETS:
                    v3.VBtn(
                        CAMERA_LABELS[name],
                        **aria(CAMERA_LABELS[name]),
                        classes="pm-touch",
                        variant="tonal",
                        click=(self.camera_preset, f"['{name}']"),
                    )
                v3.VBtn("Reset", **aria("Reset"), classes="pm-touch", variant="tonal",
                        click=(self.camera_preset, "['reset']"))

    def _build_panel(self) -> None:
        with html.Div(classes="pm-panel", **aria("Controls", role="region")):
            with v3.VBtn(
                block=True,
                variant="text",
                classes="pm-touch pm-panel-toggle",
                **aria("Show or hide controls", aria_expanded=("panel_open ? 'true' : 'false'",)),
                click="panel_open = !panel_open",
            ):
                html.Span("{{ tooth_name }}", classes="pm-title")
                v3.VIcon("{{ panel_open ? 'mdi-chevron-down' : 'mdi-chevron-up' }}", end=True)
            with html.Div(classes="pm-panel-body", v_show="panel_open"):
                v3.VSelect(
                    v_model=("tooth",),
                    items=("tooth_items",),
                    label="Tooth",
                    **aria("Tooth"),
                    density="comfortable",
                    hide_details=True,
                    variant="outlined",
                    classes="pm-touch mb-2",
                )
                build_story_panel(self, "top")
                self._build_procedure_controls()
                build_story_panel(self, "bottom")
                with html.Div(classes="pm-section", **aria("Layers", role="group")):
                    for r in REGIONS:
                        with html.Div(classes="pm-layer"):
                            html.Span(classes="pm-swatch", style=f"background: {css_rgb(r)}")
                            v3.VSwitch(
                                v_model=(layer_key(r),),
                                label=REGION_LABELS[r],
                                **aria(REGION_LABELS[r]),
                                hide_details=True,
                                density="compact",
                                color="primary",
                                classes="pm-touch",
                            )
                    with html.Div(classes="pm-layer"):
                        html.Span(classes="pm-swatch pm-swatch-xray")
                        v3.VSwitch(
                            v_model=("xray",),
                            label="X-ray",
                            **aria("X-ray"),
                            hide_details=True,
                            density="compact",
                            color="primary",
                            classes="pm-touch",
                        )
                with html.Div(classes="pm-section", **aria("Cross-section", role="group")):
                    html.Div("Cross-section", classes="pm-heading")
                    with v3.VBtnToggle(
                        v_model=("cut_plane",),
                        mandatory=True,
                        divided=True,
                        variant="outlined",
                        density="comfortable",
                        classes="pm-toggle",
                    ):
                        v3.VBtn("Off", value="off", **aria("No cut"), classes="pm-touch")
                        v3.VBtn("Mesiodistal", value="md", **aria("Mesiodistal"), classes="pm-touch")
                        v3.VBtn("Buccolingual", value="bl", **aria("Buccolingual"), classes="pm-touch")
                    v3.VSlider(
                        v_model=("cut_pos_ui",),
                        min=0.05,
                        max=0.95,
                        step=0.01,
                        **aria("Cut position"),
                        label="Position",
                        disabled=("cut_plane === 'off'",),
                        hide_details=True,
                        thumb_size=24,
                        classes="pm-touch",
                        end="cut_pos = $event",
                        keyup="cut_pos = cut_pos_ui",
                    )
                numbers = aria("Numbers", role="group")
                with html.Div(classes="pm-section", v_show="mode === 'student'", **numbers):
                    html.Div("Volumes", classes="pm-heading")
                    with (
                        html.Table(classes="pm-table"),
                        html.Tr(v_for="row in volume_rows", key="row.region"),
                    ):
                        with html.Td():
                            html.Span(classes="pm-swatch", style=("{ background: row.color }",))
                            html.Span("{{ row.label }}")
                        html.Td("{{ row.value }}", classes="pm-num")
                    html.Div("Dimensions", classes="pm-heading")
                    with (
                        html.Table(classes="pm-table"),
                        html.Tr(v_for="row in dimension_rows", key="row.label"),
                    ):
                        html.Td("{{ row.label }}")
                        html.Td("{{ row.value }}", classes="pm-num")

    def _build_procedure_controls(self) -> None:
        with html.Div(classes="pm-section", **aria("Procedure", role="group")):
            html.Div("Procedure", classes="pm-heading")
            with v3.VBtnToggle(
                v_model=("procedure",),
                divided=True,
                variant="outlined",
                density="comfortable",
                color="primary",
                classes="pm-toggle",
            ):
                for p in PROCEDURES:
                    v3.VBtn(PROCEDURE_LABELS[p], value=p, **aria(PROCEDURE_LABELS[p]), classes="pm-touch")
            with html.Div(classes="pm-player", v_show="procedure"):
                v3.VSlider(
                    v_model=("t",),
                    min=0,
                    max=("t_max",),
                    step=0.1,
                    **aria("Scrub"),
                    hide_details=True,
                    thumb_size=24,
                    classes="pm-touch",
                )
                with html.Div(classes="pm-buttons"):
                    v3.VBtn(icon="mdi-skip-previous", **aria("Previous step"), classes="pm-touch",
                            variant="tonal", click=self.previous_step)
                    v3.VBtn(icon="mdi-play", v_show="!playing", **aria("Play"), classes="pm-touch",
                            color="primary", click=self.play)
                    v3.VBtn(icon="mdi-pause", v_show="playing", **aria("Pause"), classes="pm-touch",
                            color="primary", click=self.pause)
                    v3.VBtn(icon="mdi-skip-next", **aria("Next step"), classes="pm-touch",
                            variant="tonal", click=self.next_step)
                    v3.VBtn("{{ speed }}×", **aria("Speed"), classes="pm-touch pm-speed",
                            variant="tonal", click=self.cycle_speed)
                v3.VSwitch(
                    v_model=("compare",),
                    label="Compare both",
                    **aria("Compare"),
                    hide_details=True,
                    density="compact",
                    color="primary",
                    classes="pm-touch",
                )
                with html.Div(v_show="compare", classes="pm-finals", **aria("Final figures", role="group")):
                    html.Div("{{ row }}", v_for="row in final_rows", key="row", classes="pm-final")
