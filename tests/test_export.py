"""Exports: procedure video (MP4, GIF) read back with imageio, offline page in real headless Chromium."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scenes import load_all

imageio = pytest.importorskip("imageio.v2")
pytest.importorskip("imageio_ffmpeg")

PROCEDURE = "pulpotomy"
STEP = "remove-crown-pulp"
FPS = 2.0
SECONDS = 6.0  # covers the removal step's first 6 s: the front goes from 0 to 75 % of the crown pulp


@pytest.fixture(scope="module")
def window():
    tl = load_all()[PROCEDURE]
    start = tl.step_start(tl.step_index(STEP))
    return start, start + SECONDS


@pytest.fixture(scope="module")
def mp4(tmp_path_factory, window):
    from viewer.export.video import render_procedure_video

    seen = []
    out = tmp_path_factory.mktemp("video") / "clip.mp4"
    r = render_procedure_video("85", PROCEDURE, out, fmt="mp4", size=(480, 360), fps=FPS,
                               progress=seen.append, start=window[0], end=window[1])
    return r, seen


def _frames(path):
    reader = imageio.get_reader(path)
    meta = reader.get_meta_data()
    frames = [np.asarray(f) for f in reader]
    reader.close()
    return meta, frames


def _pulp_red(frame: np.ndarray) -> int:
    """Pixels of the (kept, inflamed or healthy) pulp: strongly red, little green or blue."""
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return int(((r > 90) & (r > 2 * g + 30) & (r > 2 * b + 10)).sum())


def _pale(frame: np.ndarray) -> int:
    """Pixels of the pale cream "removed" look (the hard tissues are hidden or see-through in this step)."""
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return int(((r > 200) & (g > 190) & (b > 170)).sum())


def test_mp4_frame_count_size_duration(mp4):
    r, seen = mp4
    assert r.frames == int(SECONDS * FPS) == 12
    assert r.size == (480, 368)  # H.264: height rounded to a multiple of 16
    meta, frames = _frames(r.path)
    assert len(frames) == r.frames
    assert meta["fps"] == pytest.approx(FPS)
    assert meta["duration"] == pytest.approx(SECONDS, abs=0.01)
    assert frames[0].shape == (368, 480, 3)
    assert seen[-1] == 1.0 and all(0 <= a <= b <= 1 for a, b in zip(seen, seen[1:], strict=False))
    assert r.seconds_per_frame > 0


def test_mp4_frames_change_as_the_pulp_is_removed(mp4):
    r, _ = mp4
    _, frames = _frames(r.path)
    first, last = frames[0], frames[-1]
    # before: the crown pulp is all inflamed red; after 75 % of it is removed, much less red, more cream
    assert _pulp_red(first) > 1.5 * _pulp_red(last), (_pulp_red(first), _pulp_red(last))
    assert _pale(last) > _pale(first) + 500, (_pale(first), _pale(last))
    # and the change is gradual, frame by frame
    reds = [_pulp_red(f) for f in frames]
    assert reds[0] > reds[len(reds) // 2] > reds[-1]


def test_gif_smaller_and_changes(tmp_path, window, mp4):
    from viewer.export.video import render_procedure_video

    r = render_procedure_video("85", PROCEDURE, tmp_path / "clip.gif", fmt="gif", fps=1.0,
                               start=window[0], end=window[1])
    assert r.size == (512, 384) and r.frames == 6
    reader = imageio.get_reader(r.path)
    frames = [np.asarray(f)[..., :3] for f in reader]
    durations = [reader.get_meta_data(i).get("duration", 0) for i in range(len(frames))]
    reader.close()
    assert frames[0].shape == (384, 512, 3)
    # identical neighbours may be merged by the encoder, but the clip lasts as long as it should
    assert 2 <= len(frames) <= 6
    assert sum(durations) == pytest.approx(6000, abs=50)
    assert _pulp_red(frames[0]) > 1.5 * _pulp_red(frames[-1])


def test_video_rejects_bad_arguments(tmp_path):
    from viewer.export.video import render_procedure_video

    with pytest.raises(ValueError, match="unknown procedure"):
        render_procedure_video("85", "extraction", tmp_path / "x.mp4")
    with pytest.raises(ValueError, match="format"):
        render_procedure_video("85", PROCEDURE, tmp_path / "x.avi", fmt="avi")


def test_video_draws_the_sessions_tooth(tmp_path):
    """A tooth key carries the session's age: at 9 the roots of 85 are partly resorbed. The stage draws that
    tooth (its roots end higher than the complete tooth's), and the video's first frame differs from the
    complete tooth's in much of the picture."""
    from viewer.export.stage import stage_geometry
    from viewer.export.video import render_procedure_video

    lowest = {key: stage_geometry(key, None, 0.0)["dentin"].bounds[4] for key in ("85", "85@9")}
    assert lowest["85@9"] > lowest["85"] + 1.0, lowest  # mm: world z runs occlusal for a mandibular molar
    frames = {}
    for key in ("85", "85@9"):
        out = tmp_path / f"{key}.mp4"
        r = render_procedure_video(key, PROCEDURE, out, size=(320, 240), fps=2, end=0.5)
        assert r.frames == 1
        frames[key] = _frames(out)[1][0].astype(int)
    changed = (np.abs(frames["85"] - frames["85@9"]).max(axis=2) > 40).mean()
    assert changed > 0.05, changed


def test_screenshot_png():
    from io import BytesIO

    from PIL import Image

    from viewer.export.screenshot import screenshot_png

    solid = screenshot_png("85", size=(320, 240))
    img = np.asarray(Image.open(BytesIO(solid)).convert("RGB"))
    assert solid[:8] == b"\x89PNG\r\n\x1a\n" and img.shape == (240, 320, 3)
    xray = np.asarray(Image.open(BytesIO(screenshot_png(
        "85", {"enamel": "xray", "dentin": "xray", "crown_pulp": "solid", "root_pulp": "solid"},
        size=(320, 240)))).convert("RGB"))
    # solid enamel hides the pulp; x-ray shows it
    assert _pulp_red(xray) > _pulp_red(img) + 200


# ---------------------------------------------------------------- offline page
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--use-angle=swiftshader", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def offline_page(tmp_path_factory):
    from viewer.export.offline import export_offline_html

    return export_offline_html("85", tmp_path_factory.mktemp("offline") / "tooth-85.html")


def test_offline_page_is_self_contained(offline_page):
    text = offline_page.path.read_text(encoding="utf-8")
    assert offline_page.bytes < 8_000_000
    assert "OfflineLocalView.load" in text and 'id="pm-panel"' in text
    assert "kitware.github.io/vtk-js/icon" not in text
    assert "<script src=" not in text and "<link rel=\"stylesheet\" href=" not in text


@pytest.mark.browser
def test_offline_page_renders_in_chromium_without_server(offline_page, tmp_path):
    import os

    from PIL import Image

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian chromium not installed")
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 700})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(offline_page.path.resolve().as_uri())
            page.wait_for_selector("body[data-pm-ready='1']", state="attached", timeout=60_000)
            page.wait_for_timeout(500)
            canvas = page.locator("canvas").first
            shot = tmp_path / "canvas.png"
            panel = [page.locator("#pm-panel")]  # masked (magenta): its colour swatches are not the scene
            canvas.screenshot(path=str(shot), mask=panel)
            img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
            # hide the pulp layers: the red disappears, so the toggles really drive the scene
            page.uncheck("#pm-crown_pulp")
            page.uncheck("#pm-root_pulp")
            page.wait_for_timeout(500)
            canvas.screenshot(path=str(tmp_path / "no-pulp.png"), mask=panel)
            no_pulp = np.asarray(Image.open(tmp_path / "no-pulp.png").convert("RGB")).astype(int)
        finally:
            browser.close()
    assert not errors, errors
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests
    assert img.std() > 10  # not blank
    dentin = np.abs(img - np.array([237, 204, 128])).sum(axis=2) < 120  # warm cream dentin (lit, x-ray)
    assert dentin.sum() > 500 or ((img[..., 0] - img[..., 2]) > 40).sum() > 2000
    assert _pulp_red(img.astype(np.uint8)) > 300
    assert _pulp_red(no_pulp.astype(np.uint8)) < _pulp_red(img.astype(np.uint8)) // 4


def test_offline_page_speaks_the_session_language(tmp_path):
    """Defect 8: the offline page was English whatever the session's language."""
    from scenes.text import text
    from viewer.export.offline import export_offline_html

    result = export_offline_html("85", tmp_path / "tooth-85-es.html", lang="es")
    page = result.path.read_text(encoding="utf-8")
    assert '<html lang="es">' in page and '<html lang="en">' not in page
    assert "<title>Diente 85 (T) – segundo molar de leche inferior derecho</title>" in page
    for key in ("ui.enamel", "ui.root_pulp", "ui.offline_xray", "ui.offline_help", "ui.layers"):
        assert json.dumps(text("es", key))[1:-1] in page, key  # in the panel's JSON (escaped)
    assert "X-ray (see through" not in page and "Drag to turn" not in page and '"Enamel"' not in page


def _blood_dark(frame: np.ndarray) -> int:
    """Dark, nearly pure red: the clinical palette's inflamed pulp, shaded."""
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return int(((r > 50) & (r < 175) & (g < 0.25 * r) & (b < 0.25 * r)).sum())


def _apricot(frame: np.ndarray) -> int:
    """The story's soft inflamed pulp (colors.INFECTION_COLORS["inflamed"]), shaded."""
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return int(((r > 150) & (g > 0.45 * r) & (g < 0.8 * r) & (b < 0.7 * g)).sum())


def test_a_parents_video_shows_what_parent_mode_shows(tmp_path, window):
    """A parent's video: the story's apricot pulp, never blood-dark, and no mm³ counter; a student's: both."""
    from viewer.export.video import removal_counter, render_procedure_video

    frames = {}
    for who, parent in (("parent", True), ("student", False)):
        r = render_procedure_video("85", PROCEDURE, tmp_path / f"{who}.mp4", size=(480, 360), fps=1.0,
                                   start=window[0], end=window[0] + 2.0, parent=parent)
        frames[who] = _frames(r.path)[1][0]
    parent, student = frames["parent"], frames["student"]
    assert _blood_dark(student) > 300 and _apricot(student) < 0.2 * _blood_dark(student)
    assert _apricot(parent) > 300 and _blood_dark(parent) < 0.02 * _apricot(parent)

    tl = load_all()[PROCEDURE]
    from scenes.resolve import PulpVolumes, moment

    m = moment(tl, window[0] + 3.0, PulpVolumes(crown_mm3=20.0, root_mm3=10.0))
    assert m.removing and "mm³" in removal_counter(m)
    assert removal_counter(m, parent=True) == ""
