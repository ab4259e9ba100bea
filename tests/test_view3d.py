"""The 3D view's bundle (viewer/page/static/view3d.js): built from its committed source with the pinned
vtk.js, carrying the colour presets the app names, and the page needing nothing of trame-vtk's bundle."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from viewer import colors
from viewer.app import App

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "viewer" / "page" / "view3d"
BUNDLE = ROOT / "viewer" / "page" / "static" / "view3d.js"


def named_presets() -> set[str]:
    """Every vtk.js colour preset viewer/colors.py names, and the component's default."""
    return {colors.DECAY_PRESET, *colors.PULP_STATE_PRESETS.values(), *colors.INFECTION_PRESETS.values(),
            "erdc_rainbow_bright"}


def test_the_bundle_carries_exactly_the_presets_the_app_names():
    assert set(json.loads((SOURCE / "presets.json").read_text())) == named_presets()
    text = BUNDLE.read_text()
    for name in named_presets():
        assert f'Name:"{name}"' in text, name
    assert 'Name:"Cool to Warm"' not in text  # one of the ~150 the app never shows


def test_the_committed_bundle_is_what_its_source_builds(tmp_path):
    """Built again from index.js with the locked vtk.js and esbuild (scripts/setup.sh test installs them):
    byte for byte the committed file, so what the page runs is what the source says."""
    node = shutil.which("node")
    if node is None or not (SOURCE / "node_modules").is_dir():
        pytest.fail("Node.js and viewer/page/view3d/node_modules are needed: run scripts/setup.sh test")
    out = tmp_path / "view3d.js"
    subprocess.run([node, "build.mjs", str(out)], cwd=SOURCE, check=True, timeout=120)
    assert out.read_bytes() == BUNDLE.read_bytes(), "run `npm run build` in viewer/page/view3d and commit"


def test_the_page_loads_the_view_bundle_and_not_trame_vtk():
    app = App("view3d-test")
    s = app.server.state
    assert "pm3d/view3d.js" in s.trame__scripts
    assert not any("trame-vtk" in x or "trame_vtk" in x for x in s.trame__scripts)
    assert "pm3d_view3d" in s.trame__vue_use
    template = s.trame__template_main
    assert "<pm3d-view" in template and "<vtk-" not in template
    assert template.count("<pm3d-shape") >= 2 * 4  # the four regions, twice (the comparison copy)
