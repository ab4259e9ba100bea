"""The chairside session part: presentation layout, text size, theme, reduced motion, keyboard, search.

A composed feature: ``App`` makes one ``Chairside(session)``; it talks to the session only through
``viewer.activity.Session`` (change handlers registered with ``state.change``, the page's key and search
triggers with ``server.trigger``). The browser reports its preferences once mounted (``on_client_prefs``);
keys arrive as their names (``pm_key``) and map to actions through ``scenes/data/search/keys.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from meshes import REGIONS, Structure
from viewer.activity import Activity, Session
from viewer.chairside.explode import SECONDS, explode_offsets, unexplode
from viewer.chairside.provenance import provenance
from viewer.chairside.search import find
from viewer.colors import VIEW_BACKGROUNDS
from viewer.i18n import structure_text, tooth_title, tr
from viewer.playback import cancel, start_frames
from viewer.scene import layer_key
from viewer.vocabulary import CAMERA_VIEWS

KEYS_FILE = Path(__file__).resolve().parents[2] / "scenes" / "data" / "search" / "keys.toml"
TEXT_SCALES = (1.0, 1.25, 1.5, 1.75)  # the caption is 20 px at 1.0: 35 px at the largest
THEMES = ("light", "dark")


@lru_cache(maxsize=1)
def key_actions() -> dict[str, str]:
    return dict(tomllib.loads(KEYS_FILE.read_text()))


@dataclass
class ChairsideState:
    """The chairside keys in the session state, typed, with their first values."""

    present: bool = False  # the presentation layout: tooth large, caption beside or below, panel away
    text_scale: float = 1.0  # one of TEXT_SCALES
    theme: str = "light"  # one of THEMES; the browser's preference once it reports it
    reduced_motion: bool = False  # prefers-reduced-motion: no animation, steps jump
    view_background: list = field(default_factory=lambda: list(VIEW_BACKGROUNDS["light"]))
    pick_source: str = ""  # how well founded the tapped structure's figures are (viewer.chairside.provenance)
    pick_citations: list = field(default_factory=list)  # the studies it cites, for the panel's details
    explode: float = 0.0  # 0 the layers together, 1 drawn apart (viewer.chairside.explode)
    exploded: bool = False  # where the exploded view is going (the button's state)
    exploding: bool = False  # its animation runs
    search_text: str = ""
    search_result: str = ""
    shortcut_keys: list = field(default_factory=lambda: list(key_actions()))


class Chairside:
    """The chairside habits of one session: ``toggle_explode`` (and ``explode_positions``, ``unexploded``),
    ``on_client_prefs``, ``toggle_theme``, ``toggle_present``, ``text_size``, ``pick_provenance``, ``on_key``,
    ``on_search``/``search``."""

    def __init__(self, session: Session):
        self.session = session
        self.state = s = session.state
        s.update(asdict(ChairsideState()))
        self._explode_task = None
        s.change("activity")(self._on_activity)
        s.change("theme")(self._on_theme)
        s.change("pick_text")(self._on_pick_text)
        session.server.trigger("pm_key")(self.on_key)
        session.server.trigger("pm_search")(self.on_search)

    # --- exploded view
    def toggle_explode(self) -> None:
        """Draw the layers apart along the tooth's axis, or back together: animated, or a jump under reduced
        motion. Only while exploring; a procedure or a scene puts them back."""
        s, session = self.state, self.session
        if session.activities.current != Activity.EXPLORE:
            session.enter(Activity.EXPLORE)
            session.apply_looks()
        s.exploded = not s.exploded
        cancel(self._explode_task)
        if s.reduced_motion:
            self._explode_to(1.0 if s.exploded else 0.0)
            session.camera_preset(s.camera_view or "reset")
            return
        self._explode_task = start_frames(self.session, self._explode_tick, "exploding")

    def _explode_tick(self, dt: float) -> bool:
        s = self.state
        target = 1.0 if s.exploded else 0.0
        step = dt / SECONDS
        now = min(s.explode + step, target) if target > s.explode else max(s.explode - step, target)
        self._explode_to(now)
        if now == target:
            self.session.camera_preset(s.camera_view or "reset")  # fit what is on screen now
        return now == target

    def _explode_to(self, amount: float) -> None:
        """One frame: each layer's actor position, nothing else (a few numbers per layer)."""
        s = self.state
        s.explode = amount
        for r, pos in explode_offsets(self.session.tooth_model(), amount).items():
            s[f"actor_{r}"] = {**(s[f"actor_{r}"] or {}), "position": pos}

    def explode_positions(self) -> dict[str, list[float]]:
        """The layers' positions the look resolver gives the explored tooth (``App.apply_looks``)."""
        return explode_offsets(self.session.tooth_model(), self.state.explode)

    def unexploded(self, region: str, position):
        return unexplode(position, self.explode_positions().get(region, (0.0, 0.0, 0.0)))

    def _on_activity(self, activity, **_):
        s = self.state
        if activity != Activity.EXPLORE and (s.explode or s.exploded):
            cancel(self._explode_task)
            s.exploding = False
            s.explode, s.exploded = 0.0, False  # the other activity draws the tooth whole

    # --- preferences and layout
    def on_client_prefs(self, dark: bool = False, reduced: bool = False) -> None:
        """The browser's ``prefers-color-scheme`` and ``prefers-reduced-motion``, once mounted."""
        self.state.theme = "dark" if dark else "light"
        self.state.reduced_motion = bool(reduced)

    def _on_theme(self, theme, **_):
        if theme not in THEMES:
            self.state.theme = theme = "light"
        self.state.view_background = list(VIEW_BACKGROUNDS[theme])
        if self.state.scene_ready:  # the remade view looks where the old one did
            self.session.camera_preset(self.state.camera_view or "reset")

    def toggle_theme(self) -> None:
        self.state.theme = "light" if self.state.theme == "dark" else "dark"

    def toggle_present(self) -> None:
        """One tap: the panel out of the way and the tooth large, or everything back."""
        s = self.state
        s.present = not s.present
        s.panel_open = not s.present

    def text_size(self, step: int = 1) -> None:
        """Larger (or smaller) text; past the largest it comes back to the first."""
        s = self.state
        i = TEXT_SCALES.index(s.text_scale) if s.text_scale in TEXT_SCALES else 0
        s.text_scale = TEXT_SCALES[(i + step) % len(TEXT_SCALES)] if step > 0 else TEXT_SCALES[max(i - 1, 0)]

    # --- provenance
    def pick_provenance(self, structure: Structure | None) -> None:
        """Say whether the tapped structure's figures are sourced, derived or estimated (and cite them)."""
        s = self.state
        found = None
        if structure:
            kind = self.session.tooth_model().tooth.kind
            found = provenance(kind, structure.region, structure.part, structure.name)
        if found is None:
            s.pick_source, s.pick_citations = "", []
            return
        s.pick_source = tr(s.lang, f"provenance_{found.status}", n=found.sourced, total=found.total)
        s.pick_citations = list(found.citations())

    def _on_pick_text(self, pick_text, **_):
        if not pick_text:
            self.pick_provenance(None)

    # --- keyboard
    def on_key(self, key: str = "") -> None:
        """A key the page reports by name (trigger ``pm_key``), as the shortcut file maps it."""
        action = key_actions().get(str(key))
        if not action:
            return
        kind, _, what = action.partition(":")
        s, session, player = self.state, self.session, self.session.procedure
        if kind == "view":
            if what in ("next", "previous"):
                order = (*CAMERA_VIEWS, "reset")
                here = order.index(s.camera_view) if s.camera_view in order else len(order) - 1
                what = order[(here + (1 if what == "next" else -1)) % len(order)]
            session.camera_preset(what)
        elif kind == "step" and s.procedure:
            player.next_step() if what == "next" else player.previous_step()
        elif kind == "play":
            player.pause() if s.playing else player.play()
        elif kind == "layer":
            name = "xray" if what == "xray" else layer_key(what)
            if what == "xray" or what in REGIONS:
                s[name] = not s[name]
        elif kind == "text":
            self.text_size(1 if what == "larger" else -1)
        elif kind == "theme":
            self.toggle_theme()
        elif kind == "present":
            self.toggle_present()
        elif kind == "explode":
            self.toggle_explode()

    # --- search
    def on_search(self, query: str = "") -> None:
        """The search box's query (trigger ``pm_search``)."""
        self.state.search_text = str(query or "")[:80]
        self.search()

    def search(self, query: str | None = None) -> None:
        """Select the tooth (and show the part) a query names, or say that nothing matched."""
        s = self.state
        query = s.search_text if query is None else query
        found = find(str(query or "")[:80], s.lang, self.session.fdi)
        if found is None or found.fdi is None:
            s.search_result = tr(s.lang, "search_none" if found is None else "search_no_model",
                                 asked=str(query)[:40], tooth=found.other if found else "")
            return
        if found.fdi != self.session.fdi:
            self.session.choose_tooth(found.fdi)  # loaded as a tap on the chart would
        s.search_result = tooth_title(found.fdi, s.lang)
        if found.part:
            self._show_part(found.part, found.name)

    def _show_part(self, part: str, name: str) -> None:
        """Name the part and make it visible: the hard tissues see-through so the pulp shows."""
        s, session = self.state, self.session
        tooth = session.tooth_model()
        if part == "horn" and name in tooth.local.horn_tips:
            region = "crown_pulp"
        elif part == "canal" and f"{name} canal" in tooth.canal_names:
            region = "root_pulp"
        elif part == "cusp" and name in tooth.local.cusp_tips:
            region = "enamel"
        else:
            s.search_result = tr(s.lang, "search_not_on_tooth", asked=s.search_text[:40],
                                 tooth=tooth_title(session.fdi, s.lang))
            return
        if session.activities.current != Activity.EXPLORE:
            session.enter(Activity.EXPLORE)
        s[layer_key(region)] = True
        if region != "enamel":
            s.xray = True
        structure = Structure(region, part, name)
        s.pick_text = structure_text(s.lang, structure)
        self.pick_provenance(structure)
        s.search_result = f"{tooth_title(session.fdi, s.lang)} · {s.pick_text}"
