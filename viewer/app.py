"""The chairside viewer: one instance per browser session (see ``viewer.serve``).

State lives in the trame state of this instance's own server; the UI is built once (``viewer.page.view``);
``@change`` handlers turn user input into (small) state updates for the browser, which renders with vtk.js.
Meshes travel once per tooth or cut (``viewer.wire``); visibility, opacity and colour are tiny reactive props.

The App holds the view itself (tooth, layers, cut, camera, picking, URL) and composes the features, each an
object in its own package made with this session and using only ``viewer.activity.Session``:
``procedure``, ``story``, ``growth``, ``chairside``, ``quiz``, ``exports``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from trame.app import TrameApp
from trame.decorators import change, trigger

from meshes import REGIONS, TOOTH_NUMBERS, resolve_tooth
from meshes.catalog import valid_codes
from meshes.section import KEPT_SIDE, REMOVED_SIDE, section_mm
from viewer.chairside.logic import Chairside
from viewer.growth.logic import Growth
from viewer.page import STATIC
from viewer.page.view import build_ui
from viewer.page.view3d import SCRIPT as VIEW3D_SCRIPT
from viewer.page.view3d import VUE_PLUGIN
from viewer.procedure.frames import COMPARE_PREFIX, EXTRA_MESHES, idle_looks
from viewer.procedure.logic import ProcedurePlayer
from viewer.quiz.logic import Quiz
from viewer.share.logic import Exports
from viewer.story.logic import StoryPlayer
from viewer.story.model import infection_looks, neighbour_looks, successor_looks, timeline_rows

from .activity import Activities, Activity
from .colors import DECAY_RANGE, css_rgb
from .growth.model import clean_age, clean_variant, load_stage, shown_variant
from .i18n import (
    canal_name,
    language_items,
    norm_lang,
    number,
    part_volume_text,
    premolar_name,
    structure_text,
    tr,
    ui_words,
)
from .i18n import tooth_title as local_tooth_title
from .inputs import clean_cut_plane, clean_cut_pos, clean_tooth
from .pick import first_hit, tap_ray
from .playback import FrameGate
from .scene import camera_direction, layer_key, region_look
from .shapes import BrowserMeshes, nearest_first, shape_source, warm_soon
from .url_state import ViewParams, parse_query, to_query
from .vocabulary import CAMERA_VIEWS as CAMERA_PRESETS
from .vocabulary import CUT_VIEWS


def tooth_title(code: str, lang: str = "en") -> str:
    """Human name of a tooth with both numbering systems, e.g. "85 (T) – lower right second molar"."""
    return local_tooth_title(code, lang)


DIMENSIONS = (  # (text key, tooth.dimensions_mm key)
    ("crown_md", "crown_mesiodistal_mm"),
    ("crown_bl", "crown_buccolingual_mm"),
    ("crown_height", "crown_height_mm"),
    ("root_length", "root_length_mm"),
)


class App(TrameApp):
    """One viewer session. ``App(name)`` builds it on the trame server called ``name``."""

    def __init__(self, server=None, default_tooth: str = "85"):
        super().__init__(server, client_type="vue3")
        # loaded before the UI mounts: keeps the WebGL picture readable for the Screenshot button
        # (webgl.js), the 3D view's components (view3d.js), the regions' meshes fetched over HTTP
        # (meshes.js), and the page's taps, keys and acks (page.js)
        self.server.enable_module({"serve": {"pm3d": str(STATIC)}, "vue_use": [VUE_PLUGIN],
                                   "scripts": ["pm3d/webgl.js", VIEW3D_SCRIPT, "pm3d/meshes.js",
                                               "pm3d/page.js"]})
        self.default_tooth = resolve_tooth(default_tooth).fdi
        self._extra_query: dict = {}
        s = self.state
        s.lang = "en"  # every word on screen comes from scenes/data/text/<lang>.toml (viewer.i18n)
        s.ui = ui_words("en")
        s.language_items = language_items()
        self._lang_shown = "en"
        s.trame__title = s.ui["app_title"]
        s.scene_ready = False
        s.tooth = self.default_tooth
        self.fdi = self.default_tooth  # canonical: every computation uses it, never the raw value
        self._loaded: tuple | None = None  # (tooth, cut plane, cut position) whose meshes the browser has
        self.meshes = BrowserMeshes(s)  # per shape, the section its mesh in the browser was made for
        self._section_wanted: tuple | None = None  # the newest section asked for
        self._section_task: asyncio.Task | None = None
        s.cut_text = ""
        s.tooth_error = ""
        s.tooth_items = [{"title": tooth_title(c), "value": c} for c in TOOTH_NUMBERS]
        for r in REGIONS:
            s[layer_key(r)] = True
            s[f"mesh_{r}"] = None  # filled by the page from mesh_src's URLs (viewer.mesh_store)
        s.client_only(*(f"mesh_{r}" for r in REGIONS))
        s.mesh_src = dict.fromkeys(REGIONS)
        self._mesh_resent = 0.0
        s.xray = False
        s.cut_plane = "off"
        s.cut_pos = 0.5
        s.camera_view = None
        s.pick_text = ""
        s.panel_open = True
        s.panel_ready = False  # set by the page once the view has drawn (page/static/page.js)
        s.client_only("panel_ready")
        s.volume_rows = []
        s.dimension_rows = []
        s.tooth_name = ""
        s.url_query = ""
        s.camera_request = None
        self._camera_serial = 0
        self._camera_preloaded: dict | None = None  # the page's first camera, sent before it mounted
        self.when_drawn: Callable[[], None] | None = None  # set by the session server (serve.py)
        self._explore_view: str | None = None  # the explorer's camera while another activity moves it
        self._last_cut_plane = "off"
        s.decay_range = list(DECAY_RANGE)
        self.frames = FrameGate(s, self.server)  # every player's flow control: a frame once the last is drawn
        # composed features: each talks to this session through activity.Session only
        self.procedure = ProcedurePlayer(self)
        self.story = StoryPlayer(self)
        self.growth = Growth(self)
        self.quiz = Quiz(self)
        self.exports = Exports(self)
        self.chairside = Chairside(self)
        # One activity at a time: entering one leaves the current one through its feature's exit.
        self.activities = Activities(s, exits={
            "procedure": self.procedure.exit,
            "space": self.story.exit_space,
            "quiz": self.quiz.exit,
        })
        self.apply_looks()
        build_ui(self)

    # ------------------------------------------------------------------ the tooth shown
    @property
    def tooth_key(self) -> str:
        """The tooth at its age in its variant ("85@7.5~three-canals"): every shared cache's key."""
        return self.growth.tooth_key

    def tooth_model(self):
        """The engine's model of the session's tooth at its age and in its variant."""
        return load_stage(self.tooth_key)

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
            lang=s.lang,
            age=self.growth.age,
            variant=self.growth.variant,
            extra=dict(self._extra_query),
        )

    def apply_params(self, p: ViewParams) -> None:
        """Set the whole view from parameters (used for the URL at connect time)."""
        s = self.state
        self._extra_query = dict(p.extra)
        s.tooth = self.fdi = clean_tooth(p.tooth) or self.default_tooth
        for r in REGIONS:
            s[layer_key(r)] = r in p.layers
        s.xray = p.xray
        s.cut_plane = self._last_cut_plane = clean_cut_plane(p.cut)
        s.cut_pos = clean_cut_pos(p.cut_pos)
        s.camera_view = p.view
        s.mode = p.mode
        self._set_language(p.lang)
        s.tooth_error = self._unknown_tooth_text(p.unknown_tooth) if p.unknown_tooth else ""
        s.infection = p.infection
        s.successor_on = p.successor
        self.growth.reset()  # the default tooth first; the URL's age and variant follow (off the loop)
        s.age, s.variant = clean_age(p.age), shown_variant(self.fdi, clean_variant(self.fdi, p.variant))
        self.enter(Activity.EXPLORE)
        self.load_scene()
        self.update_story_texts()
        s.procedure = p.procedure
        s.compare = p.compare and bool(p.procedure)
        if p.procedure:
            self.procedure.start(p.procedure, p.step or 0)
        else:
            self.apply_looks()
        s.url_query = to_query(self.params())
        s.scene_ready = True
        if not p.procedure:
            self.camera_preset(p.view or "reset")
        wanted = (clean_age(p.age), clean_variant(self.fdi, p.variant))
        if wanted != (None, None):
            self.growth.request(*wanted)

    def page_tooth(self, search: str = "") -> str:
        """The tooth a page's URL names (the default one for anything unknown)."""
        return clean_tooth(parse_query(search, self.default_tooth).tooth) or self.default_tooth

    def page_section_key(self, search: str = "") -> tuple:
        """The meshes a page's URL is first shown with: its tooth, whole (what ``preload`` sends)."""
        return (self.page_tooth(search), None, 0.0)

    def preload(self, search: str = "") -> None:
        """The page's URL as the server saw it, before the browser mounts (serve.py): the tooth's mesh URLs
        go out with the first state instead of waiting for the mount's report (issue 16: ~0.5 s sooner)."""
        self.state.tooth = self.fdi = self.page_tooth(search)
        self.load_meshes(self.section_key(None, None))
        page = parse_query(search, self.default_tooth)
        if not page.procedure:  # a procedure sets its own camera
            # with the meshes, so the first picture is drawn from the camera the mount asks for (one
            # picture, not one from vtk.js's default side and then another)
            self._camera_preloaded = self._camera_for(page.view or "reset")
            self._send_camera(self._camera_preloaded)

    def on_client_url(self, search: str = "") -> None:
        """The browser reports its URL query once mounted: restore the view it describes (and, once per
        server, the other teeth are made ready soon after: ``shapes.warm_soon``)."""
        self.apply_params(parse_query(search or "", self.default_tooth))
        warm_soon(nearest_first(self.fdi))

    # ------------------------------------------------------------------ scene
    def _unknown_tooth_text(self, code: str) -> str:
        return tr(self.state.lang, "unknown_tooth", asked=str(code).strip()[:40],
                  tooth=tooth_title(self.fdi, self.state.lang), codes=valid_codes())

    def section_key(self, plane: str | None, position: float | None) -> tuple:
        """(tooth, plane, position) in canonical form: the key of every mesh cache."""
        plane = None if clean_cut_plane(plane) == "off" else plane
        return (self.tooth_key, plane, clean_cut_pos(position) if plane else 0.0)

    @property
    def loaded(self) -> tuple | None:
        """The section key (tooth key, plane, position) whose meshes the browser has."""
        return self._loaded

    def uncut(self) -> None:
        """The whole tooth, no cut (a procedure colours its removal front on the whole pulp surface)."""
        self.state.cut_plane = self._last_cut_plane = "off"
        self.load_scene()

    def load_meshes(self, key: tuple, shown: Iterable[str] | None = None) -> None:
        """Make ``key`` the section shown: the browser gets its meshes of the shapes ``shown`` (by default
        every region and each procedure part drawn now); a hidden shape's follows when it is shown."""
        self._loaded = self._section_wanted = key
        self.meshes.send(key, self.shown_shapes() if shown is None else shown)
        self.cut_words()

    def shown_shapes(self) -> list[str]:
        """Every region, and each procedure part either tooth copy draws now."""
        s = self.state
        return [*REGIONS, *(n for n in EXTRA_MESHES if any(
            (s[f"actor_{p}{n}"] or {}).get("visibility") for p in ("", COMPARE_PREFIX)))]

    def cut_words(self) -> None:
        """Where the user's cut is: its side for a parent, its position in mm for a student."""
        s = self.state
        plane = clean_cut_plane(s.cut_plane)
        if plane == "off":
            s.cut_text = ""
            return
        removed = tr(s.lang, f"side_{REMOVED_SIDE[plane]}")
        if s.mode != "student":
            s.cut_text = tr(s.lang, "cut_side", removed=removed)
            return
        mm, depth = section_mm(self.tooth_model(), plane, clean_cut_pos(s.cut_pos))
        s.cut_text = tr(s.lang, "cut_at", mm=number(s.lang, mm), depth=number(s.lang, depth),
                        kept=tr(s.lang, f"side_{KEPT_SIDE[plane]}"), removed=removed)

    def load_scene(self) -> None:
        s = self.state
        tooth = self.tooth_model()
        self.load_meshes(self.section_key(s.cut_plane, s.cut_pos))
        self._scene_texts(tooth)
        if s.successor_on:
            self.ensure_successor()

    def _scene_texts(self, tooth) -> None:
        """The tooth's names and numbers in the session's language."""
        s = self.state
        lang = s.lang
        s.tooth_name = tooth_title(s.tooth, lang)
        s.volume_rows = [
            {
                "region": r,
                "label": tr(lang, r),
                "color": css_rgb(r),
                "value": f"{number(lang, tooth.volumes_mm3[r])} mm³",
            }
            for r in REGIONS
        ]
        d = tooth.dimensions_mm
        s.dimension_rows = [
            *({"label": tr(lang, key), "value": f"{number(lang, d[dim])} mm"} for key, dim in DIMENSIONS),
            {"label": tr(lang, "crown_share"), "value": f"{100 * tooth.pulpotomy_fraction:.0f} %"},
        ]
        s.timeline_rows = timeline_rows(tooth.tooth.kind, lang)
        s.canal_text = tr(lang, "canals", n=len(tooth.canal_names),
                          names=", ".join(canal_name(lang, c) for c in tooth.canal_names))
        s.successor_name = premolar_name(str(tooth.successor_info.get("name", "premolar")), lang)

    def update_story_texts(self) -> None:
        """The story's words (and the age's) follow the state."""
        self.story.texts()

    def ensure_successor(self) -> None:
        """The premolar's meshes sent (once per tooth stage)."""
        self.story.ensure_successor()

    def choose_tooth(self, fdi: str) -> None:
        """Show tooth ``fdi``, as a choice on the chart would."""
        self.state.tooth = fdi
        self._on_tooth(fdi)

    def enter(self, activity: Activity) -> None:
        """The one way into an activity (the current one is left first); looks are the caller's next step.

        The explorer's camera is kept on the way out of exploring and given back on the way in: a
        procedure's or a scene's own views (a step looks occlusally) end with it."""
        before = self.activities.current
        if before == Activity.EXPLORE and activity != Activity.EXPLORE:
            self._explore_view = self.state.camera_view
        self.activities.enter(activity)
        if activity == Activity.EXPLORE and before != Activity.EXPLORE and self.state.scene_ready:
            self.camera_preset(self._explore_view or "reset")

    def apply_looks(self) -> None:
        s = self.state
        tooth = self.tooth_model()
        activity = self.activities.current
        if activity in (Activity.PROCEDURE, Activity.COMPARE):
            self.procedure.redraw()
            s.update(successor_looks(bool(s.successor_on), True))
            s.update(neighbour_looks(tooth, None))
            return
        wanted = self.section_key(s.cut_plane, s.cut_pos)
        if s.scene_ready and (self._loaded != wanted or self.meshes.lacks(wanted, REGIONS)):
            self.load_meshes(wanted)  # back from a step's own cut (or its hidden layers): the user's section
        if activity == Activity.SPACE:
            self.story.redraw_space()
            return
        s.update(idle_looks())
        s.update(idle_looks(COMPARE_PREFIX))
        soft = s.mode != "student"  # parents see the softer palette (colors.PARENT_COLORS)
        apart = self.chairside.explode_positions()  # the exploded view: each layer moved along the axis
        looks = {r: region_look(r, s[layer_key(r)], s.xray, soft, apart[r]) for r in REGIONS}
        s.update(infection_looks(tooth, s.infection or "none", bool(s.xray), looks))
        s.update(successor_looks(bool(s.successor_on), bool(s.xray)))
        s.update(neighbour_looks(tooth, None))

    # ------------------------------------------------------------------ language
    def _set_language(self, lang: str) -> None:
        s = self.state
        s.lang = norm_lang(lang)
        s.ui = ui_words(s.lang)
        s.trame__title = s.ui["app_title"]
        s.tooth_items = [{"title": tooth_title(c, s.lang), "value": c} for c in TOOTH_NUMBERS]
        self._lang_shown = s.lang

    @change("lang")
    def _on_lang(self, lang, **_):
        """Every caption and label in the chosen language (the view itself does not move)."""
        s = self.state
        if norm_lang(lang) == self._lang_shown and lang == s.lang:
            return
        self._set_language(lang)
        if not s.scene_ready:
            return
        self._scene_texts(self.tooth_model())  # texts only: no mesh is sent again
        self.cut_words()
        self.update_story_texts()
        if s.procedure:
            self.procedure.words()
            self.procedure.redraw()
        if s.space_scene:
            self.story.redraw_space()
        self.quiz.retell()
        s.pick_text = ""
        self.sync_url()

    def sync_url(self) -> None:
        if self.state.scene_ready:
            self.state.url_query = to_query(self.params())

    @change("tooth")
    def _on_tooth(self, tooth, **_):
        s = self.state
        fdi = clean_tooth(tooth)
        if fdi is None:  # keep the tooth on screen, and say why the asked one is not shown
            s.tooth_error = self._unknown_tooth_text(tooth)
            s.tooth = self.fdi
            return
        if fdi != tooth or fdi != self.fdi:  # a valid choice (not our own write-back) clears the error
            s.tooth_error = ""
        if fdi != tooth:
            s.tooth = fdi  # one spelling in the state, the URL and every cache key
        if fdi == self.fdi and (not s.scene_ready or (self._loaded or ("",))[0] == self.tooth_key):
            return
        self.fdi = fdi
        self.growth.for_tooth()  # a variant of another kind does not apply to this tooth
        if not s.scene_ready:
            return
        self.state.pick_text = ""
        self.enter(Activity.EXPLORE)  # a new tooth starts with nothing running
        staged = self.growth.unstage()
        self.load_scene()  # the default tooth at once; its stage at the child's age follows off the loop
        self.update_story_texts()
        self.apply_looks()
        self.sync_url()
        self.camera_preset(self.state.camera_view or "reset")
        if staged != (None, None):
            self.growth.request(*staged)

    @change(*[layer_key(r) for r in REGIONS], "xray")
    def _on_layers(self, **_):
        self.apply_looks()
        self.sync_url()

    @change("cut_plane", "cut_pos")
    def _on_cut(self, cut_plane, cut_pos, **_):
        s = self.state
        plane, pos = clean_cut_plane(cut_plane), clean_cut_pos(cut_pos)
        if plane != cut_plane:
            s.cut_plane = plane
        if pos != cut_pos:
            s.cut_pos = pos
        cut_plane = plane
        if not s.scene_ready or self.section_key(plane, pos) in (self._loaded, self._section_wanted):
            return  # on screen or on its way: an out-of-range or repeated value costs nothing
        self._request_section(self.section_key(plane, pos))

    def _request_section(self, key: tuple) -> None:
        """Show the user's section ``key``: at once without an event loop (tests), else computed off the
        loop; while one is computed, later requests (a slider being dragged) collapse into the newest, and
        each section computed is shown, so the cut follows the thumb at the rate sections are made."""
        self._section_wanted = key
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._show_section(key)
            return
        if self._section_task is None or self._section_task.done():
            self._section_task = loop.create_task(self._section_worker())

    async def _section_worker(self) -> None:
        while self._section_wanted != self._loaded:
            key = self._section_wanted
            for name in self.shown_shapes():  # the heavy part, cached for every session
                await asyncio.to_thread(shape_source, key, name)
            newest = self._section_wanted
            if newest[:2] != key[:2]:
                continue  # another tooth or plane meanwhile (or a step's own section): this one is stale
            with self.state:  # shown even if the slider moved on: the cut follows a drag, not its end
                self._show_section(key)
            self._section_wanted = newest  # then the newest position

    def _show_section(self, key: tuple) -> None:
        s = self.state
        s.pick_text = ""
        self.load_meshes(key)
        self.sync_url()
        plane = key[1] or "off"
        if plane != self._last_cut_plane and plane in CUT_VIEWS:
            self.camera_preset(CUT_VIEWS[plane])  # face the cut surface
        self._last_cut_plane = plane

    def close(self) -> None:
        """The session ends (its browser left): stop its players without touching any other session."""
        self.activities.leave_all()
        self.exports.close()

    # ------------------------------------------------------------------ camera and picking
    def camera_preset(self, name: str) -> None:
        """Look at the tooth from one side (``reset`` restores the default three-quarter view)."""
        camera = self._camera_for(name)
        self.state.camera_view = name if name in CAMERA_PRESETS else None
        self.procedure.compare_side(camera["position"], camera["focalPoint"], camera["viewUp"])
        self.sync_url()
        preloaded, self._camera_preloaded = self._camera_preloaded, None
        if camera != preloaded:  # the mount's ask for the camera the page already has draws nothing again
            self._send_camera(camera)

    def _camera_for(self, name: str) -> dict:
        """Where the camera looks at the tooth from for a preset (anything else: the three-quarter view)."""
        tooth = self.tooth_model()
        center = [float(c) for c in tooth.center]
        direction, up = camera_direction(tooth.axes, name if name in CAMERA_PRESETS else None)
        position = [center[i] + 100.0 * direction[i] for i in range(3)]
        return {"position": position, "focalPoint": center, "viewUp": list(up)}

    def _send_camera(self, camera: dict) -> None:
        """The page moves its camera there and fits the tooth (a serial: the same place again is a reset)."""
        self._camera_serial += 1
        self.state.camera_request = {**camera, "serial": self._camera_serial}

    def _drawn_shapes(self):
        """(id, mesh, actor state) of every shape the browser draws now: the meshes it was sent."""
        s = self.state
        copies = ("", COMPARE_PREFIX) if s.compare and s.procedure else ("",)
        drawn = list(self.meshes.drawn())
        for prefix in copies:
            for name, mesh in drawn:
                yield f"{prefix}{name}", mesh, s[f"actor_{prefix}{name}"]
        if self.story.successor_for == self.tooth_key:
            for name, mesh in load_stage(self.tooth_key).display_successor.items():
                yield name, mesh, s[f"actor_{name}"]

    @trigger("pm_drawn")
    def on_drawn(self) -> None:
        """The page drew its first picture (static/page.js): the session server may build the next App."""
        hook, self.when_drawn = self.when_drawn, None
        if hook is not None:
            hook()

    @trigger("pm_mesh_failed")
    def on_mesh_failed(self, *_) -> None:
        """The page could not fetch a mesh (its entry was let go, the network dropped it): the same URLs
        are put back and sent again, at most once a second (a client repeating this costs next to nothing)."""
        now = time.monotonic()
        if self._loaded is None or now - self._mesh_resent < 1.0:
            return
        self._mesh_resent = now
        self.state.mesh_src = self.meshes.region_urls()  # what the browser was sent, not a newer section
        self.state.dirty("mesh_src")

    @trigger("pm_tap")
    def on_tap(self, tap=None) -> None:
        """A tap or click on the 3D view (not a drag): where it was and the browser's camera. The ray is
        cast here (``viewer.pick``): no GPU pick in the browser. Anything malformed is ignored."""
        ray = tap_ray(tap)
        if ray is None:
            return
        hit = first_hit(self._drawn_shapes(), *ray)
        self.on_pick({"representationId": hit[0], "worldPosition": hit[1]} if hit else None)

    @trigger("pm_pick")
    def on_pick(self, event=None) -> None:
        """A tap or click on the model: name the structure under it (with its volume for a student).

        During the quiz the tap answers the question instead, whatever it met: a tap between the roots
        used to be dropped here, and the student saw nothing at all (``Quiz.answer`` says "nothing")."""
        s = self.state
        region = (event or {}).get("representationId")
        position = (event or {}).get("worldPosition")
        if self.activities.current == Activity.QUIZ:
            self.quiz.answer(region, position)
            return
        tooth = self.tooth_model()
        student = s.mode == "student"
        if region == "successor" and position:
            info = tooth.successor_info
            text = tr(s.lang, "new_tooth", name=premolar_name(str(info.get("name", "premolar")), s.lang))
            if student:
                lo, hi = info["erupts_years"][:2]
                text = tr(s.lang, "successor_student", lo=number(s.lang, lo, None),
                          hi=number(s.lang, hi, None),
                          name=premolar_name(str(info.get("name", "premolar")), s.lang),
                          volume=number(s.lang, info["volumes_mm3"]["successor"]))
            s.pick_text = text
            return
        if region not in REGIONS or not position:
            s.pick_text = ""
            return
        position = self.chairside.unexploded(region, position[:3])  # a moved layer's point, where it is
        structure = tooth.structure_at(region, tuple(float(c) for c in position[:3]))
        self.chairside.pick_provenance(structure)  # sourced, derived or estimated (viewer.chairside)
        if student:
            s.pick_text = part_volume_text(s.lang, tooth, structure)  # the part's own volume
        else:
            s.pick_text = structure_text(s.lang, structure)
