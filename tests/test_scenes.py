"""scenes/: timeline files load and validate, broken ones are refused precisely, the resolver is exact."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from scenes import (
    EXTRAS,
    REGIONS,
    PulpVolumes,
    SceneError,
    Timeline,
    load_all,
    load_timeline,
    moment,
)
from scenes.__main__ import main as scenes_cli

# Pulp volumes in mm³: plausible teeth, awkward floats (0.1 + 0.2), and extreme ratios.
VOLUMES = [
    PulpVolumes(crown_mm3=12.0, root_mm3=4.0),
    PulpVolumes(crown_mm3=17.37, root_mm3=9.913),
    PulpVolumes(crown_mm3=0.1 + 0.2, root_mm3=0.7),
    PulpVolumes(crown_mm3=1e-3, root_mm3=1e3),
    PulpVolumes(crown_mm3=23.456789, root_mm3=0.0),
    PulpVolumes(crown_mm3=1 / 3, root_mm3=2 / 3),
]


@pytest.fixture(scope="module")
def timelines() -> dict[str, Timeline]:
    return load_all()


# --- the shipped files ---------------------------------------------------------------------------------


def test_every_scene_file_loads(timelines: dict[str, Timeline]) -> None:
    assert set(timelines) == {"pulpotomy", "pulpectomy"}
    data_dir = Path(__file__).resolve().parents[1] / "scenes" / "data"
    for path in sorted(data_dir.glob("*.toml")):
        tl = load_timeline(path)
        assert tl.id == path.stem
        assert tl == timelines[tl.id]


def test_procedure_steps_follow_the_guideline(timelines: dict[str, Timeline]) -> None:
    pulpotomy = [s.id for s in timelines["pulpotomy"].steps]
    pulpectomy = [s.id for s in timelines["pulpectomy"].steps]
    assert pulpotomy == ["healthy", "decay", "access", "remove-crown-pulp", "medicament", "crown"]
    assert pulpectomy == [
        "healthy", "decay", "access", "infection",
        "remove-crown-pulp", "remove-root-pulp", "fill-canals", "crown",
    ]  # fmt: skip
    # Compare mode plays both side by side: the shared opening steps must last the same.
    for a, b in zip(timelines["pulpotomy"].steps[:3], timelines["pulpectomy"].steps[:3], strict=True):
        assert (a.id, a.duration_s) == (b.id, b.duration_s)


def test_pulpotomy_keeps_root_pulp_alive_and_pulpectomy_removes_it(timelines: dict[str, Timeline]) -> None:
    pt, pe = timelines["pulpotomy"], timelines["pulpectomy"]
    assert [s.removal.end for s in pt.steps if s.removal] == ["crown_pulp"]
    assert [s.removal.end for s in pe.steps if s.removal] == ["crown_pulp", 1.0]
    assert all(s.pulp["root"] == "healthy" for s in pt.steps)
    assert pe.steps[-1].pulp == {"crown": "removed", "root": "removed"}
    assert pt.steps[pt.step_index("medicament")].extras["medicament"] == "solid"
    assert pe.steps[pe.step_index("fill-canals")].extras["canal_paste"] == "solid"
    for tl in (pt, pe):
        assert tl.steps[-1].extras["crown_ssc"] != "hidden"
        access = tl.steps[tl.step_index("access")]
        assert access.layers["enamel"] == access.layers["dentin"] == "hidden"
        assert access.extras["enamel_opened"] != "hidden" and access.extras["dentin_opened"] != "hidden"


@pytest.mark.parametrize("word", ["blood", "bleed", "haemorrh", "hemorrh", "pus", "kill", "dead", "drill"])
def test_captions_for_parents_are_not_gory(timelines: dict[str, Timeline], word: str) -> None:
    for tl in timelines.values():
        for step in tl.steps:
            assert word not in step.caption.lower(), (tl.id, step.id)
            assert len(step.caption) <= 200, (tl.id, step.id)


# --- broken files ----------------------------------------------------------------------------------------

VALID = """\
id = "broken"
title = "A test timeline"
title_student = "A test timeline, for students"

[[steps]]
id = "healthy"
caption = "Healthy."
note = "Healthy, precisely."
camera = { view = "buccal" }
duration_s = 4
layers = { enamel = "xray", dentin = "xray", crown_pulp = "solid", root_pulp = "solid" }
pulp = { crown = "healthy", root = "healthy" }

[[steps]]
id = "access"
caption = "Access."
note = "Access, precisely."
camera = { view = "occlusal" }
duration_s = 5
layers = { enamel = "hidden", dentin = "hidden", crown_pulp = "solid", root_pulp = "solid" }
extras = { enamel_opened = "solid", dentin_opened = "solid" }
pulp = { crown = "inflamed", root = "healthy" }

[[steps]]
id = "remove"
caption = "Remove."
note = "Remove, precisely."
camera = { view = "mesial", cut = "bl", position = 0.5 }
duration_s = 8
layers = { enamel = "hidden", dentin = "hidden", crown_pulp = "solid", root_pulp = "solid" }
extras = { enamel_opened = "xray", dentin_opened = "xray" }
pulp = { crown = "inflamed", root = "healthy" }
removal = { from = "none", to = "crown_pulp" }

[[steps]]
id = "after"
caption = "After."
note = "After, precisely."
camera = { view = "lingual", cut = "md" }
duration_s = 6
layers = { enamel = "hidden", dentin = "hidden", crown_pulp = "hidden", root_pulp = "solid" }
extras = { medicament = "solid" }
pulp = { crown = "removed", root = "healthy" }
"""


def sub(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert text.count(old) == 1, f"the breakage must hit exactly one place: {old!r}"
        return text.replace(old, new)

    return mutate


def add_to_step(step_id: str, line: str) -> Callable[[str], str]:
    return sub(f'id = "{step_id}"\n', f'id = "{step_id}"\n{line}\n')


def both(first: Callable[[str], str], second: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: second(first(text))


HEALTHY, ACCESS, REMOVE, AFTER = (0, "healthy"), (1, "access"), (2, "remove"), (3, "after")

# (case id, breakage, (step index, step id) or None, field, words the problem must contain)
# One row per breakage reads best as a table.
# fmt: off
BROKEN = [
    ("title-missing", sub('title = "A test timeline"\n', ""), None, "title", "missing"),
    ("title-not-string", sub('title = "A test timeline"', "title = 3"), None, "title", "expected a string"),
    ("id-not-file-name", sub('id = "broken"', 'id = "other"'), None, "id", "file name"),
    ("unknown-top-field", sub('id = "broken"\n', 'id = "broken"\ncolour = "red"\n'), None, "colour", "unknown"),  # noqa: E501
    ("steps-empty", lambda t: t.split("[[steps]]")[0] + "steps = []\n", None, "steps", "empty"),
    ("steps-not-array", lambda t: t.split("[[steps]]")[0] + 'steps = "all"\n', None, "steps", "array"),
    ("steps-missing", lambda t: t.split("[[steps]]")[0], None, "steps", "missing"),
    ("step-id-missing", sub('id = "access"\n', ""), (1, None), "id", "missing"),
    ("step-id-bad", sub('id = "access"', 'id = "Access Step"'), (1, None), "id", "not an id"),
    ("step-id-duplicate", sub('id = "after"', 'id = "healthy"'), (3, "healthy"), "id", "duplicate"),
    ("step-unknown-field", add_to_step("after", 'colour = "x"'), AFTER, "colour", "unknown field"),
    ("caption-missing", sub('caption = "Remove."\n', ""), REMOVE, "caption", "missing"),
    ("caption-empty", sub('caption = "Remove."', 'caption = "  "'), REMOVE, "caption", "empty"),
    ("note-not-string", sub('note = "After, precisely."', "note = [1]"), AFTER, "note", "expected a string"),
    ("duration-missing", sub("duration_s = 6\n", ""), AFTER, "duration_s", "missing"),
    ("duration-string", sub("duration_s = 5", 'duration_s = "5"'), ACCESS, "duration_s", "expected a number"),
    ("duration-bool", sub("duration_s = 5", "duration_s = true"), ACCESS, "duration_s", "expected a number"),
    ("duration-negative", sub("duration_s = 8", "duration_s = -8"), REMOVE, "duration_s", "more than 0"),
    ("duration-zero", sub("duration_s = 4", "duration_s = 0"), HEALTHY, "duration_s", "more than 0"),
    ("duration-nan", sub("duration_s = 4", "duration_s = nan"), HEALTHY, "duration_s", "finite"),
    ("duration-inf", sub("duration_s = 4", "duration_s = inf"), HEALTHY, "duration_s", "finite"),
    ("layers-missing", sub('layers = { enamel = "xray", dentin = "xray", crown_pulp = "solid", root_pulp = "solid" }\n', ""), HEALTHY, "layers", "missing"),  # noqa: E501
    ("layers-not-table", sub('layers = { enamel = "xray", dentin = "xray", crown_pulp = "solid", root_pulp = "solid" }', 'layers = "all"'), HEALTHY, "layers", "expected a table"),  # noqa: E501
    ("layers-unknown-region", sub('enamel = "xray", dentin', 'enamel = "xray", cementum = "xray", dentin'), HEALTHY, "layers.cementum", 'unknown region "cementum"'),  # noqa: E501
    ("layers-unknown-look", sub('enamel = "xray", dentin', 'enamel = "glass", dentin'), HEALTHY, "layers.enamel", 'unknown look "glass"'),  # noqa: E501
    ("layers-region-missing", sub('dentin = "xray", ', ""), HEALTHY, "layers.dentin", "missing"),
    ("extras-unknown", sub('extras = { medicament = "solid" }', 'extras = { mta = "solid" }'), AFTER, "extras.mta", 'unknown extra "mta"'),  # noqa: E501
    ("extras-unknown-look", sub('medicament = "solid"', 'medicament = "shiny"'), AFTER, "extras.medicament", 'unknown look "shiny"'),  # noqa: E501
    ("extras-not-table", sub('extras = { medicament = "solid" }', 'extras = ["medicament"]'), AFTER, "extras", "expected a table"),  # noqa: E501
    ("opened-and-intact-enamel", add_to_step("healthy", 'extras = { enamel_opened = "xray" }'), HEALTHY, "extras.enamel_opened", "replaces enamel"),  # noqa: E501
    ("opened-and-intact-dentin", add_to_step("healthy", 'extras = { dentin_opened = "solid" }'), HEALTHY, "extras.dentin_opened", "replaces dentin"),  # noqa: E501
    ("camera-missing", sub('camera = { view = "occlusal" }\n', ""), ACCESS, "camera", "missing"),
    ("camera-not-table", sub('camera = { view = "buccal" }', 'camera = "buccal"'), HEALTHY, "camera", "expected a table"),  # noqa: E501
    ("camera-unknown-view", sub('view = "buccal"', 'view = "top"'), HEALTHY, "camera.view", 'unknown camera view "top"'),  # noqa: E501
    ("camera-view-missing", sub('camera = { view = "lingual", cut = "md" }', 'camera = { cut = "md" }'), AFTER, "camera.view", "missing"),  # noqa: E501
    ("camera-unknown-cut", sub('cut = "bl"', 'cut = "xy"'), REMOVE, "camera.cut", 'unknown cut "xy"'),
    ("camera-unknown-field", sub('view = "occlusal"', 'view = "occlusal", zoom = 2'), ACCESS, "camera.zoom", "unknown field"),  # noqa: E501
    ("cut-position-beyond-1", sub("position = 0.5", "position = 1.5"), REMOVE, "camera.position", "outside 0..1"),  # noqa: E501
    ("cut-position-string", sub("position = 0.5", 'position = "middle"'), REMOVE, "camera.position", "expected a number"),  # noqa: E501
    ("position-without-cut", sub('view = "buccal" }', 'view = "buccal", position = 0.2 }'), HEALTHY, "camera.position", 'without "cut"'),  # noqa: E501
    ("pulp-missing", sub('pulp = { crown = "healthy", root = "healthy" }\n', ""), HEALTHY, "pulp", "missing"),
    ("pulp-unknown-state", sub('pulp = { crown = "healthy", root', 'pulp = { crown = "rotten", root'), HEALTHY, "pulp.crown", 'unknown pulp state "rotten"'),  # noqa: E501
    ("pulp-root-missing", sub('pulp = { crown = "healthy", root = "healthy" }', 'pulp = { crown = "healthy" }'), HEALTHY, "pulp.root", "missing"),  # noqa: E501
    ("pulp-unknown-part", sub('root = "healthy" }\n\n[[steps]]\nid = "access"', 'root = "healthy", horn = "healthy" }\n\n[[steps]]\nid = "access"'), HEALTHY, "pulp.horn", "unknown field"),  # noqa: E501
    ("crown-removed-too-early", sub('pulp = { crown = "healthy", root', 'pulp = { crown = "removed", root'), HEALTHY, "pulp.crown", "short of the whole crown pulp"),  # noqa: E501
    ("crown-removed-while-removing", sub('pulp = { crown = "inflamed", root = "healthy" }\nremoval', 'pulp = { crown = "removed", root = "healthy" }\nremoval'), REMOVE, "pulp.crown", '"removed" but'),  # noqa: E501
    ("crown-back-after-removal", sub('pulp = { crown = "removed", root = "healthy" }', 'pulp = { crown = "inflamed", root = "healthy" }'), AFTER, "pulp.crown", "fully removed by an earlier step"),  # noqa: E501
    ("root-removed-after-pulpotomy", sub('pulp = { crown = "removed", root = "healthy" }', 'pulp = { crown = "removed", root = "removed" }'), AFTER, "pulp.root", "short of the whole root pulp"),  # noqa: E501
    ("removal-not-table", sub('removal = { from = "none", to = "crown_pulp" }', 'removal = "crown_pulp"'), REMOVE, "removal", "expected a table"),  # noqa: E501
    ("removal-to-missing", sub('{ from = "none", to = "crown_pulp" }', '{ from = "none" }'), REMOVE, "removal.to", "missing"),  # noqa: E501
    ("removal-unknown-field", sub('to = "crown_pulp" }', 'to = "crown_pulp", speed = 2 }'), REMOVE, "removal.speed", "unknown field"),  # noqa: E501
    ("removal-unknown-mark", sub('to = "crown_pulp"', 'to = "crown"'), REMOVE, "removal.to", 'unknown mark "crown" (expected a number 0..1, "none", "crown_pulp" or "all")'),  # noqa: E501
    ("removal-mark-bool", sub('to = "crown_pulp"', "to = true"), REMOVE, "removal.to", "expected a mark"),
    ("removal-to-beyond-1", sub('to = "crown_pulp"', "to = 1.5"), REMOVE, "removal.to", "beyond 1"),
    ("removal-from-negative", sub('from = "none"', "from = -0.1"), REMOVE, "removal.from", "outside 0..1"),
    ("removal-from-unknown", sub('from = "none"', 'from = "start"'), REMOVE, "removal.from", 'unknown mark "start"'),  # noqa: E501
    ("removal-standing-still", sub('from = "none", to = "crown_pulp"', 'from = "none", to = 0'), REMOVE, "removal.to", "would not move"),  # noqa: E501
    ("removal-backwards", add_to_step("after", 'removal = { from = "crown_pulp", to = "none" }'), AFTER, "removal.to", "goes backwards"),  # noqa: E501
    ("removal-from-not-where-it-stopped", sub('from = "none", to = "crown_pulp"', "from = 0.4, to = 0.6"), REMOVE, "removal.from", "continue from where it stopped"),  # noqa: E501
    ("removal-backwards-numbers", both(sub('to = "crown_pulp"', "to = 0.6"), add_to_step("after", "removal = { from = 0.6, to = 0.2 }")), AFTER, "removal.to", "goes backwards from 0.6 to 0.2"),  # noqa: E501
    ("removal-jumps", add_to_step("after", 'removal = { from = "all", to = "all" }'), AFTER, "removal.from", "continue from where it stopped"),  # noqa: E501
    ("removal-tooth-dependent-order", add_to_step("after", 'removal = { from = "crown_pulp", to = 0.9 }'), AFTER, "removal.to", "depends on the tooth"),  # noqa: E501
]
# fmt: on


@pytest.mark.parametrize(
    ("breakage", "where", "field", "words"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_file_is_refused_naming_file_step_and_field(
    tmp_path: Path,
    breakage: Callable[[str], str],
    where: tuple[int, str | None] | None,
    field: str,
    words: str,
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(breakage(VALID), encoding="utf-8")
    with pytest.raises(SceneError) as info:
        load_timeline(path)
    err, msg = info.value, str(info.value)
    assert msg.startswith("broken.toml: "), msg
    assert f'field "{field}": ' in msg and err.field == field, msg
    assert words in msg, msg
    if where is None:
        assert err.step_index is None and " step " not in msg.split("field")[0], msg
    else:
        index, step_id = where
        assert err.step_index == index and err.step_id == step_id, msg
        label = f'step {index} ("{step_id}")' if step_id else f"step {index}"
        assert msg.startswith(f'broken.toml: {label}: field "{field}": '), msg
    # load_all refuses a directory holding the broken file, with the same message.
    with pytest.raises(SceneError, match="broken.toml"):
        load_all(tmp_path)


def test_valid_template_loads(tmp_path: Path) -> None:
    """The broken cases start from this file, so each refusal is the breakage's doing."""
    path = tmp_path / "broken.toml"
    path.write_text(VALID, encoding="utf-8")
    tl = load_timeline(path)
    assert [s.id for s in tl.steps] == ["healthy", "access", "remove", "after"]
    assert tl.steps[3].camera.position == 0.5  # the default for a cut without a position
    assert tl.steps[0].camera.cut is None and tl.steps[0].camera.position is None
    assert load_all(tmp_path)["broken"] == tl


def test_bad_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "pulpotomy.toml"
    path.write_text(VALID.replace('title = "A test timeline"', 'title = "A test timeline'), encoding="utf-8")
    with pytest.raises(SceneError, match=r"^pulpotomy\.toml: invalid TOML: .*line 2"):
        load_timeline(path)


def test_unreadable_and_missing_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SceneError, match=r"^latin1\.toml: not UTF-8"):
        load_timeline(bad)
    with pytest.raises(SceneError, match=r"^absent\.toml: cannot read"):
        load_timeline(tmp_path / "absent.toml")
    with pytest.raises(SceneError, match="no timeline files"):
        load_all(tmp_path / "empty-dir")


def test_scene_error_is_a_value_error() -> None:
    assert issubclass(SceneError, ValueError)


# --- the resolver --------------------------------------------------------------------------------------


@pytest.mark.parametrize("pulp", VOLUMES, ids=str)
def test_pulpotomy_ends_at_exactly_the_crown_pulp(timelines: dict[str, Timeline], pulp: PulpVolumes) -> None:
    tl = timelines["pulpotomy"]
    end = moment(tl, tl.total_duration, pulp)
    assert end.step_id == "crown" and end.progress == 1.0
    assert end.removed_mm3 == pulp.crown_mm3
    # With no root pulp at all the crown is the whole pulp: exactly 100 %, not 100 * x / x.
    expected = 100.0 if pulp.root_mm3 == 0 else 100 * pulp.crown_mm3 / (pulp.crown_mm3 + pulp.root_mm3)
    assert end.removed_percent == expected
    assert end.remaining_mm3 == pulp.root_mm3
    assert end.pulp_states == {"crown": "removed", "root": "healthy"}
    # The removal step's own end already reads the final figures.
    i = tl.step_index("remove-crown-pulp")
    at_end_of_removal = moment(tl, tl.step_start(i + 1), pulp)
    assert at_end_of_removal.removed_mm3 == pulp.crown_mm3
    assert at_end_of_removal.remaining_mm3 == pulp.root_mm3


@pytest.mark.parametrize("pulp", VOLUMES, ids=str)
def test_pulpectomy_ends_at_exactly_all_the_pulp(timelines: dict[str, Timeline], pulp: PulpVolumes) -> None:
    tl = timelines["pulpectomy"]
    end = moment(tl, tl.total_duration, pulp)
    assert end.removed_mm3 == pulp.crown_mm3 + pulp.root_mm3
    assert end.removed_percent == 100.0
    assert end.removed_fraction == 1.0
    assert end.remaining_mm3 == 0.0
    # Halfway through the procedure the crown pulp alone is out, exactly.
    i = tl.step_index("remove-root-pulp")
    between = moment(tl, tl.step_start(i), pulp)
    assert (between.step_id, between.progress) == ("remove-root-pulp", 0.0)
    assert between.removed_mm3 == pulp.crown_mm3
    assert between.remaining_mm3 == pulp.root_mm3


@pytest.mark.parametrize("name", ["pulpotomy", "pulpectomy"])
@pytest.mark.parametrize("pulp", VOLUMES, ids=str)
def test_removal_is_monotone_and_linear_within_its_step(
    timelines: dict[str, Timeline], name: str, pulp: PulpVolumes
) -> None:
    tl = timelines[name]
    n = 3000
    moments = [moment(tl, tl.total_duration * k / n, pulp) for k in range(n + 1)]
    removed = [m.removed_mm3 for m in moments]
    remaining = [m.remaining_mm3 for m in moments]
    assert removed[0] == 0.0 and remaining[0] == pulp.total_mm3
    assert all(b >= a for a, b in zip(removed, removed[1:], strict=False))
    assert all(b <= a for a, b in zip(remaining, remaining[1:], strict=False))
    for m in moments:
        assert math.isclose(m.removed_mm3 + m.remaining_mm3, pulp.total_mm3, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(m.removed_percent, 100 * m.removed_fraction, rel_tol=1e-12, abs_tol=1e-12)
        assert 0.0 <= m.removed_fraction <= 1.0
    # Linear in time inside the crown-pulp removal: at 25 % of the step, 25 % of the crown pulp.
    i = tl.step_index("remove-crown-pulp")
    quarter = moment(tl, tl.step_start(i) + 0.25 * tl.steps[i].duration_s, pulp)
    assert quarter.removing and quarter.progress == pytest.approx(0.25)
    assert quarter.removed_mm3 == pytest.approx(0.25 * pulp.crown_mm3, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ["pulpotomy", "pulpectomy"])
def test_step_boundaries(timelines: dict[str, Timeline], name: str) -> None:
    tl = timelines[name]
    assert tl.step_start(0) == 0.0
    assert tl.total_duration == pytest.approx(sum(s.duration_s for s in tl.steps))
    pulp = VOLUMES[1]
    for i, step in enumerate(tl.steps):
        start = tl.step_start(i)
        assert start == pytest.approx(sum(s.duration_s for s in tl.steps[:i]))
        at = moment(tl, start, pulp)
        assert (at.step_index, at.step_id, at.progress) == (i, step.id, 0.0)
        assert at.caption == step.caption and at.note == step.note and at.camera == step.camera.view
        if i > 0:
            before = moment(tl, start - 1e-9, pulp)
            assert before.step_index == i - 1 and before.progress == pytest.approx(1.0)
        middle = moment(tl, start + step.duration_s / 2, pulp)
        assert middle.step_index == i and middle.progress == pytest.approx(0.5)
    with pytest.raises(IndexError):
        tl.step_start(len(tl.steps))


@pytest.mark.parametrize("pulp", VOLUMES, ids=str)
def test_removal_persists_after_its_step(timelines: dict[str, Timeline], pulp: PulpVolumes) -> None:
    tl = timelines["pulpotomy"]
    i = tl.step_index("remove-crown-pulp")
    for j in range(i + 1, len(tl.steps)):
        for frac in (0.0, 0.5, 1.0):
            m = moment(tl, tl.step_start(j) + frac * tl.steps[j].duration_s, pulp)
            assert not m.removing
            assert m.removed_mm3 == pulp.crown_mm3 and m.remaining_mm3 == pulp.root_mm3
    for j in range(i):  # and nothing is removed before it
        assert moment(tl, tl.step_start(j) + 0.5 * tl.steps[j].duration_s, pulp).removed_mm3 == 0.0


@pytest.mark.parametrize("name", ["pulpotomy", "pulpectomy"])
def test_t_is_clamped(timelines: dict[str, Timeline], name: str) -> None:
    tl = timelines[name]
    pulp = VOLUMES[0]
    assert moment(tl, -5.0, pulp) == moment(tl, 0.0, pulp)
    assert moment(tl, -5.0, pulp).t == 0.0
    late = moment(tl, tl.total_duration + 100.0, pulp)
    assert late == moment(tl, tl.total_duration, pulp)
    assert (late.step_index, late.progress, late.t) == (len(tl.steps) - 1, 1.0, tl.total_duration)
    assert moment(tl, math.inf, pulp) == late
    with pytest.raises(ValueError, match="NaN"):
        moment(tl, math.nan, pulp)


def test_looks_cover_every_region_and_extra(timelines: dict[str, Timeline]) -> None:
    pulp = VOLUMES[0]
    for tl in timelines.values():
        for i in range(len(tl.steps)):
            m = moment(tl, tl.step_start(i), pulp)
            assert list(m.looks) == [*REGIONS, *EXTRAS]
            assert set(m.looks.values()) <= {"solid", "xray", "hidden"}
    pt = timelines["pulpotomy"]
    healthy = moment(pt, 0.0, pulp)
    assert all(healthy.looks[e] == "hidden" for e in EXTRAS)  # extras not named are hidden
    assert healthy.looks["enamel"] == "xray" and healthy.looks["crown_pulp"] == "solid"
    access = moment(pt, pt.step_start(pt.step_index("access")), pulp)
    assert access.looks["enamel"] == "hidden" and access.looks["enamel_opened"] == "solid"
    assert access.looks["decay"] == "hidden"
    removal = moment(pt, pt.step_start(pt.step_index("remove-crown-pulp")), pulp)
    assert (removal.camera, removal.cut, removal.cut_position) == ("buccal", "md", 0.5)


@pytest.mark.parametrize(
    ("crown", "root"), [(-1.0, 2.0), (1.0, -0.5), (0.0, 0.0), (math.nan, 1.0), (1.0, math.inf)]
)
def test_pulp_volumes_refuse_nonsense(crown: float, root: float) -> None:
    with pytest.raises(ValueError, match="PulpVolumes"):
        PulpVolumes(crown_mm3=crown, root_mm3=root)


# --- python -m scenes check -------------------------------------------------------------------------------


def test_check_command_summarises_every_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    assert scenes_cli(["check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["pulpectomy.toml", "pulpotomy.toml"]
    assert "8 steps" in lines[0] and '"crown_pulp"->"all"' in lines[0]
    assert "6 steps" in lines[1] and '"none"->"crown_pulp"' in lines[1]


def test_check_command_fails_on_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(VALID.replace("duration_s = 8", "duration_s = -8"), encoding="utf-8")
    assert scenes_cli(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert 'broken.toml: step 2 ("remove"): field "duration_s"' in err


def test_docstring_example_holds() -> None:
    import doctest

    import scenes.resolve

    result = doctest.testmod(scenes.resolve)
    assert result.attempted >= 1 and result.failed == 0
