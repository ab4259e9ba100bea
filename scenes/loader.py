"""Read timeline files (TOML) and refuse any that is malformed, naming the file, the step and the field."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import SceneError
from .timeline import Camera, Mark, Removal, Step, Timeline
from .vocabulary import (
    CAMERA_VIEWS,
    CROWN_PULP,
    CUTS,
    DEFAULT_CUT_POSITION,
    EXTRAS,
    LOOKS,
    NAMED_MARKS,
    OPENED_TWIN,
    PULP_STATES,
    REGIONS,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

_TOP_REQUIRED = ("id", "title", "title_student", "steps")
_STEP_REQUIRED = ("id", "caption", "note", "camera", "duration_s", "layers", "pulp")
_STEP_OPTIONAL = ("extras", "removal")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MARK_HELP = 'expected a number 0..1, "none", "crown_pulp" or "all"'


def load_timeline(path: str | Path) -> Timeline:
    """Load and validate one timeline file; raise SceneError on anything malformed."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SceneError(path.name, f"invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SceneError(path.name, f"not UTF-8 text: {exc}") from None
    except OSError as exc:
        raise SceneError(path.name, f"cannot read the file: {exc.strerror or exc}") from None
    return _Parser(path.name, path.stem).timeline(raw)


def load_all(directory: str | Path = DATA_DIR) -> dict[str, Timeline]:
    """Every ``*.toml`` timeline in ``directory`` (default: scenes/data), keyed by timeline id."""
    directory = Path(directory)
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise SceneError(str(directory), "no timeline files (*.toml) found")
    # ids equal file stems (checked in the parser), so keys cannot collide.
    return {tl.id: tl for tl in map(load_timeline, files)}


def _describe(value: Any) -> str:
    """A short, typed rendering of a bad value for messages."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "table"}
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{kind.get(type(value), type(value).__name__)} {shown}"


def show_mark(mark: Mark) -> str:
    """A mark as a file would spell it: "none", "crown_pulp", "all" or a number."""
    if isinstance(mark, str):
        return f'"{mark}"'
    return {0.0: '"none"', 1.0: '"all"'}.get(mark, f"{mark:g}")


def _compare_marks(a: Mark, b: Mark) -> int | None:
    """-1, 0, 1 as a <, ==, > b for every tooth; None when the order depends on the tooth's crown share."""
    if isinstance(a, str) and isinstance(b, str):
        return 0
    if isinstance(a, str) or isinstance(b, str):
        num = b if isinstance(a, str) else a
        sign = 1 if isinstance(a, str) else -1  # sign of (crown_pulp - num)
        # The crown share lies in [0, 1], so it only orders against the ends.
        if num == 0.0:
            return sign
        if num == 1.0:
            return -sign
        return None
    return (a > b) - (a < b)


def _covers(part: str, mark: Mark) -> bool | None:
    """Whether the front at ``mark`` has removed all of the crown (or root) pulp; None if tooth dependent.

    The engine's removal order goes from the access opening down: crown pulp first, then the canals.
    """
    if part == "root":
        return mark == 1.0
    if mark == CROWN_PULP or mark == 1.0:
        return True
    return False if mark == 0.0 else None


class _Parser:
    def __init__(self, file: str, stem: str) -> None:
        self.file = file
        self.stem = stem
        self.step_index: int | None = None
        self.step_id: str | None = None

    def fail(self, field: str | None, problem: str) -> SceneError:
        return SceneError(self.file, problem, step_index=self.step_index, step_id=self.step_id, field=field)

    # --- typed getters -------------------------------------------------------------------------------
    def keys(self, table: dict[str, Any], prefix: str, required: tuple[str, ...], optional=()) -> None:
        for key in table:
            if key not in required and key not in optional:
                allowed = ", ".join(f'"{k}"' for k in (*required, *optional))
                raise self.fail(prefix + key, f"unknown field (expected {allowed})")
        for key in required:
            if key not in table:
                raise self.fail(prefix + key, "missing")

    def table(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, f"expected a table, got {_describe(value)}")
        return value

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected a string, got {_describe(value)}")
        if not value.strip():
            raise self.fail(field, "is empty")
        return value.strip()

    def slug(self, value: Any, field: str) -> str:
        value = self.text(value, field)
        if not _SLUG.match(value):
            raise self.fail(field, f'"{value}" is not an id (lower-case letters, digits, "-" and "_")')
        return value

    def number(self, value: Any, field: str) -> float:
        # bool is an int in Python; `true` is never a meaningful number here.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"expected a number, got {_describe(value)}")
        if not math.isfinite(value):
            raise self.fail(field, f"must be a finite number, got {value}")
        return float(value)

    def choice(self, value: Any, field: str, allowed: tuple[str, ...], what: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected a string, got {_describe(value)}")
        if value not in allowed:
            raise self.fail(field, f'unknown {what} "{value}" (expected one of {", ".join(allowed)})')
        return value

    def mark(self, value: Any, field: str) -> Mark:
        if isinstance(value, str):
            if value == CROWN_PULP:
                return CROWN_PULP
            if value in NAMED_MARKS:
                return NAMED_MARKS[value]
            raise self.fail(field, f'unknown mark "{value}" ({_MARK_HELP})')
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"expected a mark, got {_describe(value)} ({_MARK_HELP})")
        if not math.isfinite(value) or value < 0:
            raise self.fail(field, f"{value} is outside 0..1 ({_MARK_HELP})")
        if value > 1:
            raise self.fail(field, f"{value} is beyond 1, the whole pulp ({_MARK_HELP})")
        return float(value)

    # --- structure -------------------------------------------------------------------------------------
    def timeline(self, raw: dict[str, Any]) -> Timeline:
        self.keys(raw, "", _TOP_REQUIRED)
        tl_id = self.slug(raw["id"], "id")
        if tl_id != self.stem:
            raise self.fail("id", f'"{tl_id}" differs from the file name; expected "{self.stem}"')
        title = self.text(raw["title"], "title")
        title_student = self.text(raw["title_student"], "title_student")
        raw_steps = raw["steps"]
        if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
            raise self.fail("steps", f"expected an array of tables ([[steps]]), got {_describe(raw_steps)}")
        if not raw_steps:
            raise self.fail("steps", "is empty; a timeline needs at least one step")

        steps: list[Step] = []
        seen: dict[str, int] = {}
        front: Mark = 0.0  # where the removal front stands; it persists from step to step
        for i, raw_step in enumerate(raw_steps):
            step = self.step(i, raw_step, front)
            if step.id in seen:
                raise self.fail("id", f"duplicate step id (also step {seen[step.id]})")
            seen[step.id] = i
            if step.removal is not None:
                front = step.removal.end
            steps.append(step)
        self.step_index = self.step_id = None
        return Timeline(
            id=tl_id, title=title, title_student=title_student, steps=tuple(steps), source=self.file
        )

    def step(self, i: int, raw: dict[str, Any], front: Mark) -> Step:
        self.step_index, self.step_id = i, None
        if "id" not in raw:
            raise self.fail("id", "missing")
        self.step_id = self.slug(raw["id"], "id")
        self.keys(raw, "", _STEP_REQUIRED, _STEP_OPTIONAL)

        duration = self.number(raw["duration_s"], "duration_s")
        if duration <= 0:
            raise self.fail("duration_s", f"must be more than 0 seconds, got {duration:g}")

        layers = self.looks(raw["layers"], "layers", REGIONS, "region")
        self.keys(layers, "layers.", REGIONS)  # every region stated: no silent default for anatomy
        extras = self.looks(raw.get("extras", {}), "extras", EXTRAS, "extra")
        for opened, intact in OPENED_TWIN.items():
            if extras.get(opened, "hidden") != "hidden" and layers[intact] != "hidden":
                raise self.fail(
                    f"extras.{opened}",
                    f'shown while layers.{intact} is "{layers[intact]}"; {opened} replaces {intact}, '
                    f'so set layers.{intact} = "hidden"',
                )

        removal = self.removal(raw["removal"], front) if "removal" in raw else None
        pulp = self.pulp(raw["pulp"], front)
        return Step(
            id=self.step_id,
            caption=self.text(raw["caption"], "caption"),
            note=self.text(raw["note"], "note"),
            camera=self.camera(raw["camera"]),
            duration_s=duration,
            layers=layers,
            extras=extras,
            pulp=pulp,
            removal=removal,
        )

    def looks(self, value: Any, field: str, names: tuple[str, ...], what: str) -> dict[str, str]:
        table = self.table(value, field)
        out: dict[str, str] = {}
        for name, look in table.items():
            if name not in names:
                raise self.fail(
                    f"{field}.{name}", f'unknown {what} "{name}" (expected one of {", ".join(names)})'
                )
            out[name] = self.choice(look, f"{field}.{name}", LOOKS, "look")
        return out

    def camera(self, value: Any) -> Camera:
        table = self.table(value, "camera")
        self.keys(table, "camera.", ("view",), ("cut", "position"))
        view = self.choice(table["view"], "camera.view", CAMERA_VIEWS, "camera view")
        if "cut" not in table:
            if "position" in table:
                raise self.fail("camera.position", 'given without "cut"; a position places a cross-section')
            return Camera(view=view)
        cut = self.choice(table["cut"], "camera.cut", CUTS, "cut")
        position = self.number(table.get("position", DEFAULT_CUT_POSITION), "camera.position")
        if not 0.0 <= position <= 1.0:
            raise self.fail("camera.position", f"{position:g} is outside 0..1")
        return Camera(view=view, cut=cut, position=position)

    def removal(self, value: Any, front: Mark) -> Removal:
        table = self.table(value, "removal")
        self.keys(table, "removal.", ("from", "to"))
        start = self.mark(table["from"], "removal.from")
        end = self.mark(table["to"], "removal.to")
        if _compare_marks(start, front) != 0:
            raise self.fail(
                "removal.from",
                f"starts at {show_mark(start)} but the front stands at {show_mark(front)} after the steps "
                "before; removal must continue from where it stopped",
            )
        order = _compare_marks(end, start)
        if order is None:
            raise self.fail(
                "removal.to",
                f"{show_mark(end)} cannot be ordered against {show_mark(start)}: the crown-pulp share "
                "depends on the tooth, so the front could go backwards",
            )
        if order < 0:
            raise self.fail("removal.to", f"goes backwards from {show_mark(start)} to {show_mark(end)}")
        if order == 0:
            raise self.fail(
                "removal.to", f"equals removal.from ({show_mark(start)}); the front would not move"
            )
        return Removal(start=start, end=end)

    def pulp(self, value: Any, front: Mark) -> dict[str, str]:
        table = self.table(value, "pulp")
        self.keys(table, "pulp.", ("crown", "root"))
        out = {part: self.choice(table[part], f"pulp.{part}", PULP_STATES, "pulp state") for part in table}
        # "removed" describes the part for the whole step, so it must be gone by the step's start;
        # a part removed during the step keeps its disease colour while the front eats it.
        for part in ("crown", "root"):
            gone = _covers(part, front)
            if out[part] == "removed" and gone is False:
                raise self.fail(
                    f"pulp.{part}",
                    f'"removed" but the front stands at {show_mark(front)} at the start of this step, '
                    f"short of the whole {part} pulp",
                )
            if gone and out[part] != "removed":
                raise self.fail(
                    f"pulp.{part}",
                    f'"{out[part]}" but the {part} pulp was fully removed by an earlier step; '
                    'expected "removed"',
                )
        return out
