"""The child's age and the variant in a session: typed state, canonical values, the staged tooth loaded off
the event loop (an uncached stage takes seconds to build; the session stays responsive meanwhile).

A composed feature: ``App`` makes one ``Growth(session)``; it talks to the session only through
``viewer.activity.Session``. It is the one owner of the shown age and variant: the session's ``tooth_key``
(and so ``tooth_model()`` and every mesh cache) is ``growth.tooth_key``, so the whole view (meshes, cut,
procedures, successor, quiz, tap-to-name) follows the stage once it is shown.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field

from meshes import resolve_tooth
from meshes.age import load_age_data
from viewer.activity import Activity, Session
from viewer.mesh_store import region_urls
from viewer.story.model import age_marker

from .model import (
    age_words,
    clean_age,
    clean_variant,
    shown_variant,
    tooth_key,
    variant_items,
    variant_text,
    variants_of,
)


@dataclass
class GrowthState:
    """The age and variant keys in the session state, typed, with their values for the default tooth."""

    age: float | None = None  # a view setting (never a record): the engine's stage, or None
    variant: str | None = None  # a variant id of the tooth's kind, or None (its commonest configuration)
    age_preparing: bool = False  # a stage is being built or loaded
    age_text: str = ""
    age_roots: str = ""
    age_advice: str = ""  # the guideline's word, with an infection in the roots past its line
    variant_items: list[dict] = field(default_factory=list)
    variant_text: str = ""  # the shown configuration's prevalence (students)
    age_range: list[float] = field(default_factory=list)  # slider: youngest, oldest, step


class Growth:
    """Age and variant of one session: ``age``/``variant`` (what is on screen), ``tooth_key``, ``request``
    (a stage shown, off the loop), ``unstage``, ``for_tooth``, ``texts``, ``show_age_now``."""

    def __init__(self, session: Session):
        self.session = session
        self.state = session.state
        d = load_age_data()
        self.state.update(asdict(GrowthState(age_range=[d.youngest, d.oldest, d.step])))
        self._age: float | None = None  # what is on screen (canonical)
        self._variant: str | None = None
        self._stage_wanted: tuple | None = None
        self._stage_task: asyncio.Task | None = None
        self.state.change("age", "variant")(self._on_growth)

    @property
    def age(self) -> float | None:
        """The child's age on screen (canonical), None for the model's own stage."""
        return self._age

    @property
    def variant(self) -> str | None:
        """The variant on screen (canonical), None for the tooth's commonest configuration."""
        return self._variant

    @property
    def tooth_key(self) -> str:
        return tooth_key(self.session.fdi, self._age, self._variant)

    def unstage(self) -> tuple[float | None, str | None]:
        """Back to the tooth's own stage (a stage on its way still comes); returns the (age, variant) that
        was shown, for the caller to ask for again once the plain tooth is on screen."""
        staged = (self._age, self._variant)
        self._age = self._variant = None
        return staged

    def reset(self) -> None:
        """The tooth's own stage, nothing on its way (a whole new view, from the URL)."""
        self._stage_wanted = None
        self.unstage()

    def texts(self) -> None:
        """Age, roots, guideline and variant words in the session's language and mode."""
        s = self.state
        fdi = self.session.fdi
        tooth = self.session.tooth_model()
        w = age_words(tooth, self._age, s.mode, s.lang)
        s.age_text, s.age_roots = w["age"], w["roots"]
        s.age_advice = w["advice"] if s.indicated.get("procedure") == "pulpectomy" else ""
        s.variant_items = variant_items(fdi, s.lang)
        shown = [v for v in variants_of(resolve_tooth(fdi).kind)
                 if v["id"] == shown_variant(fdi, self._variant)]
        s.variant_text = variant_text(shown[0], s.lang) if shown else ""
        self.show_age_now()

    def show_age_now(self) -> None:
        """The age timeline's "now" at the child's age (a space scene moves it while it plays)."""
        if not self.state.space_scene:
            self.state.age_marker = age_marker(None if self._age is None else 12 * self._age)

    def _on_growth(self, age, variant, **_):
        s = self.state
        fdi = self.session.fdi
        a, v = clean_age(age), clean_variant(fdi, variant)
        if a != age:
            s.age = a  # one value in the state, the URL and every cache key
        if shown_variant(fdi, v) != variant:
            s.variant = shown_variant(fdi, v)
        if not s.scene_ready or (a, v) == self._stage_wanted:
            return  # on its way
        if (a, v) == (self._age, self._variant):  # on screen: a stage still on its way is not wanted now
            self._stage_wanted = None
            return
        self.session.enter(Activity.EXPLORE)  # a new tooth stage starts with nothing running
        self.request(a, v)

    def request(self, age: float | None, variant: str | None) -> None:
        """Show the tooth at ``age`` in ``variant``: at once without an event loop (tests), else built off
        the loop with "preparing" on screen; a burst of values collapses into the newest."""
        self._stage_wanted = (age, variant)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._show_stage(age, variant)
            return
        self.state.age_preparing = True
        if self._stage_task is None or self._stage_task.done():
            self._stage_task = loop.create_task(self._stage_worker())

    async def _stage_worker(self) -> None:
        try:
            while self._stage_wanted is not None and self._stage_wanted != (self._age, self._variant):
                wanted = self._stage_wanted
                key = tooth_key(self.session.fdi, *wanted)
                await asyncio.to_thread(region_urls, key, None, 0.0)  # builds or loads the stage
                if wanted != self._stage_wanted:
                    continue  # the age moved on meanwhile
                with self.state:
                    self._show_stage(*wanted)
        finally:
            with self.state:
                self.state.age_preparing = False

    def _show_stage(self, age: float | None, variant: str | None) -> None:
        s, session = self.state, self.session
        self._age, self._variant = age, variant
        self._stage_wanted = None
        s.age, s.variant = age, shown_variant(session.fdi, variant)
        s.pick_text = ""
        session.load_scene()
        session.update_story_texts()
        if s.procedure:  # a procedure from the URL plays on the staged tooth (its step's meshes with it)
            session.procedure.redraw()
        else:
            session.apply_looks()
        session.sync_url()

    def for_tooth(self) -> None:
        """A new tooth: a variant of another kind does not apply to it."""
        fdi = self.session.fdi
        v = clean_variant(fdi, self._variant)
        self._variant = v
        self.state.variant = shown_variant(fdi, v)
