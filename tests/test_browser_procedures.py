"""End-to-end procedure playback in Debian's Chromium (iPad profile with touch, software WebGL).

Frame rate here measures SwiftShader, not a tablet: the tests wait for pictures, never count frames.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from test_browser import canvas_image, open_app, red_mask, settled, tooth_mask

from meshes import load_tooth

pytestmark = pytest.mark.browser


def pulp_pixels_mask(img):
    """Kept pulp: red, deep red or the infected brown-orange (removed pulp is pale cream)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return red_mask(img) | ((r > 70) & (r > g + 40) & (r > b + 40))


def pulp_pixels(img) -> int:
    return int(pulp_pixels_mask(img).sum())


def counter(page):
    return page.get_by_role("status", name="Pulp removed")


def test_pulpotomy_step_by_step_and_figures_on_screen(server_url, tablet):
    frames = []
    tablet.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append((time.monotonic(), f))))
    open_app(tablet, server_url, "?tooth=85&mode=student")  # the figures are the student's
    tablet.get_by_role("button", name="Pulpotomy", exact=True).tap()
    tablet.wait_for_url("**procedure=pulpotomy&step=0**", timeout=15000)
    caption = tablet.get_by_role("region", name="Caption")
    caption.get_by_text("healthy baby molar").wait_for(timeout=15000)
    healthy = settled(tablet, lambda im: pulp_pixels(im) > 300, what="healthy pulp through x-ray")
    nxt = tablet.get_by_role("button", name="Next step", exact=True)
    for step in (1, 2, 3):
        nxt.tap()
        tablet.wait_for_url(f"**step={step}**", timeout=15000)
    time.sleep(2.0)  # the step's camera move lands after its looks
    start = settled(tablet, lambda im: pulp_pixels(im) > 300, what="start of the crown pulp removal")
    assert np.abs(start - healthy).max() > 60, "the steps change the picture"
    # play part of the removal (server timer, wall-clock based), pause, and see the front on the pulp
    tablet.get_by_role("button", name="Play", exact=True).tap()
    tablet.get_by_role("button", name="Pause", exact=True).wait_for(state="visible", timeout=10000)
    t0 = time.monotonic()
    time.sleep(3.0)
    tablet.get_by_role("button", name="Pause", exact=True).tap()
    t1 = time.monotonic()
    tablet.get_by_role("button", name="Play", exact=True).wait_for(state="visible", timeout=10000)
    text = counter(tablet).inner_text()
    assert text.startswith("Removed ") and "remaining" in text and not text.startswith("Removed 0.0")

    def pulp_changed(im):
        return ((np.abs(im - start).sum(-1) > 60) & pulp_pixels_mask(start)).sum() > 100

    mid = settled(tablet, pulp_changed, what="front part way: the pulp changes colour")
    # the end of the step: crown pulp gone, root pulp stays
    nxt.tap()
    tablet.wait_for_url("**step=4**", timeout=15000)
    end = settled(tablet, lambda im: pulp_pixels(im) < 0.9 * pulp_pixels(mid), what="crown pulp removed")
    assert pulp_pixels(start) > pulp_pixels(mid) > pulp_pixels(end) > 0, "root pulp stays"
    e = load_tooth("85").procedures()["pulpotomy"]
    final = (f"Removed {e.removed_mm3:.1f} mm³ ({e.removed_percent:.1f} %)"
             f" · remaining {e.remaining_mm3:.1f} mm³")
    tablet.wait_for_function(
        "t => document.querySelector('[aria-label=\"Pulp removed\"]').innerText.trim() === t", arg=final,
        timeout=10000,
    )
    # while playing, each frame was a small state message (no geometry)
    playing = [len(f) if isinstance(f, (str, bytes)) else 0 for ts, f in frames if t0 + 0.5 < ts < t1 - 0.2]
    assert playing, "frames arrive while playing"
    assert max(playing) < 4000, f"a frame must be a small state change, got {max(playing)} bytes"
    stats = {"frames": len(playing), "mean_bytes": sum(playing) / len(playing), "max": max(playing)}
    print(json.dumps(stats))


def test_pulpectomy_end_compare_and_other_session_unaffected(server_url, browser, tablet):
    other_ctx = browser.new_context(viewport={"width": 700, "height": 560})
    try:
        b = other_ctx.new_page()
        b_before = open_app(b, server_url, "?tooth=84&mode=student")
        open_app(tablet, server_url, "?tooth=85&procedure=pulpectomy&step=4")
        tablet.get_by_role("region", name="Caption").get_by_text("STEP 5 OF 8").wait_for(timeout=15000)
        tablet.get_by_role("button", name="Play", exact=True).tap()
        tablet.get_by_role("button", name="Pause", exact=True).wait_for(state="visible", timeout=10000)
        time.sleep(1.5)
        assert np.abs(canvas_image(b) - b_before).max() < 8, "the other browser's picture must not move"
        assert "procedure" not in b.url
        tablet.context.close()  # leaves mid-animation
        time.sleep(1.0)
        b.get_by_role("checkbox", name="X-ray", exact=True).click()
        b.wait_for_url("**xray=1**", timeout=10000)
        settled(b, lambda im: red_mask(im).sum() > 200, what="x-ray in the remaining browser")
        # the remaining browser plays a pulpectomy to the end, with Compare on
        b.get_by_role("button", name="Pulpectomy", exact=True).click()
        b.get_by_role("checkbox", name="Compare", exact=True).click()
        b.wait_for_url("**compare=1**", timeout=15000)
        last = b.get_by_role("slider", name="Scrub")
        last.focus()
        last.press("End")
        e = load_tooth("84").procedures()
        done = f"Removed {e['pulpectomy'].removed_mm3:.1f} mm³ (100.0 %)"
        counter(b).get_by_text(done).wait_for(timeout=15000)
        finals = b.get_by_role("group", name="Final figures").inner_text()
        assert f"{e['pulpotomy'].removed_mm3:.1f} mm³" in finals
        assert f"{e['pulpectomy'].removed_mm3:.1f} mm³" in finals
        img = settled(b, lambda im: tooth_mask(im).mean() > 0.03, what="compare view")
        assert tooth_mask(img).mean() > 0.03
    finally:
        other_ctx.close()


def blood_dark(img):
    """Dark, nearly pure red: the clinical palette's inflamed pulp ("RdOr"'s low end), shaded."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 50) & (r < 175) & (g < 0.25 * r) & (b < 0.25 * r)


def apricot(img):
    """The story's soft inflamed pulp (colors.INFECTION_COLORS["inflamed"]), shaded."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 150) & (g > 0.45 * r) & (g < 0.8 * r) & (b < 0.7 * g)


def test_parent_never_sees_blood_dark_pulp(server_url, tablet):
    # the access step: the crown pulp is inflamed and bare (enamel and dentin opened)
    open_app(tablet, server_url, "?tooth=85&procedure=pulpotomy&step=2&mode=student")
    student = settled(tablet, lambda im: blood_dark(im).sum() > 300, what="the clinical inflamed pulp")
    assert apricot(student).sum() < 0.2 * blood_dark(student).sum()
    open_app(tablet, server_url, "?tooth=85&procedure=pulpotomy&step=2")  # parent: the default mode
    parent = settled(tablet, lambda im: apricot(im).sum() > 300, what="the soft inflamed pulp")
    assert blood_dark(parent).sum() < 0.02 * apricot(parent).sum(), "no blood-dark pulp for a parent"
