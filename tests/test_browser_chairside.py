"""Chairside in real Chromium, driven as a person would: the chart, three taps to the playing procedure,
the presentation layout in both orientations, reduced motion, the dark theme, the keyboard and search.

The URL is written by the server (``url_query``): a URL that follows a tap proves the tap reached it.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from test_browser import canvas_image, differs_from, has_tooth, open_app, settled
from test_journeys import query, wait_query, watch_errors

from viewer.colors import VIEW_BACKGROUNDS

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "pm3d-chairside"  # screenshots to look at; never part of the repo
SHOTS.mkdir(exist_ok=True)


def ipad(browser, playwright_instance, landscape=False, **options):
    device = dict(playwright_instance.devices["iPad Pro 11"])
    device.pop("default_browser_type", None)
    device["device_scale_factor"] = 1
    if landscape:
        w, h = device["viewport"]["width"], device["viewport"]["height"]
        device["viewport"] = {"width": h, "height": w}
    return browser.new_context(**device, **options)


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= vh \
        and box["x"] + box["width"] <= vw


def corner_pixel(page) -> np.ndarray:
    """The 3D view's background: a pixel near its top-left corner (the tooth is centred). A theme remakes
    the view, so its canvas may be swapped while we look: look again."""
    for _ in range(20):
        try:
            png = page.locator(".pm-view canvas").screenshot(timeout=5000)
            return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)[80, 12]
        except PlaywrightError:
            page.wait_for_timeout(250)
    raise AssertionError("the 3D view never settled")


def wait_pixel(page, wanted: np.ndarray, what: str, tolerance: int = 3) -> np.ndarray:
    for _ in range(60):
        pixel = corner_pixel(page)
        if np.abs(pixel - wanted).max() <= tolerance:
            return pixel
        page.wait_for_timeout(250)
    raise AssertionError(f"{what}: the background is {pixel}, not {wanted}")


def px(page, selector: str) -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)")


def test_three_taps_from_a_fresh_page_play_the_indicated_procedure(server_url, tablet):
    """Tap 75 on the chart, tap "Roots", tap Play: the pulpectomy plays. Nothing scrolled, nothing else."""
    errors = watch_errors(tablet)
    first = open_app(tablet, server_url)
    assert query(tablet) == "?tooth=85"
    taps = 0
    chart_75 = tablet.get_by_role("button", name="75 (K)")
    assert in_viewport(tablet, chart_75)
    assert tablet.get_by_role("img", name="51 (E): not a molar, no model").is_visible()  # drawn, not tappable
    chart_75.tap()
    taps += 1
    assert wait_query(tablet, has=["tooth=75"]) == "?tooth=75"
    assert chart_75.get_attribute("aria-pressed") == "true"
    assert tablet.get_by_role("button", name="85 (T)").get_attribute("aria-pressed") == "false"
    settled(tablet, differs_from(first), what="tooth 75 (the mirror of 85)")
    roots = tablet.get_by_role("button", name="Roots", exact=True)
    assert in_viewport(tablet, roots)
    roots.tap()
    taps += 1
    wait_query(tablet, has=["infection=roots"])
    assert tablet.get_by_role("status", name="Indicated procedure").inner_text().startswith("Pulpectomy")
    play = tablet.get_by_role("button", name="Play", exact=True)
    assert in_viewport(tablet, play), "the play button should show without scrolling the panel"
    before = canvas_image(tablet)
    play.tap()
    taps += 1
    wait_query(tablet, has=["procedure=pulpectomy", "tooth=75"])
    tablet.get_by_role("button", name="Pause", exact=True).wait_for(state="visible", timeout=10000)
    settled(tablet, differs_from(before), what="the pulpectomy playing")
    assert taps == 3
    assert not errors or all("405" in e for e in errors), errors


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_presentation_layout_for_the_parent(server_url, browser, playwright_instance, landscape):
    """One tap: the panel away, the tooth large, the caption beside or below it at >= 20 px; A+ makes the
    text larger; one tap on the folded panel brings it back."""
    ctx = ipad(browser, playwright_instance, landscape)
    page = ctx.new_page()
    try:
        open_app(page, server_url, "?tooth=85&infection=crown&procedure=pulpotomy&step=3")
        caption = page.get_by_role("region", name="Caption")
        caption.wait_for(state="visible", timeout=15000)
        page.get_by_role("button", name="Present to the parent").tap()
        page.wait_for_function("document.querySelector('.pm-present') !== null", timeout=10000)
        page.locator(".pm-panel-body").wait_for(state="hidden", timeout=10000)
        settled(page, has_tooth, what="the tooth in the presentation layout")
        view = page.locator(".pm-view canvas").bounding_box()
        vw, vh = page.viewport_size["width"], page.viewport_size["height"]
        assert view["width"] * view["height"] > 0.5 * vw * vh, "the tooth should have most of the screen"
        box = caption.bounding_box()
        if landscape:  # beside the tooth
            assert box["x"] >= view["x"] + view["width"] - 1
        else:  # below it
            assert box["y"] >= view["y"] + view["height"] - 1
        sizes = page.evaluate(
            "Array.from(document.querySelectorAll('.pm-caption, .pm-caption *'))"
            ".filter(e => e.offsetParent && e.textContent.trim())"
            ".map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= 20, sizes
        big = px(page, ".pm-caption-text")
        page.screenshot(path=str(SHOTS / f"present-{'landscape' if landscape else 'portrait'}.png"))
        page.get_by_role("button", name="Larger text").tap()
        page.wait_for_function(f"parseFloat(getComputedStyle(document.querySelector('.pm-caption-text'))"
                               f".fontSize) > {big}", timeout=10000)
        assert px(page, ".pm-caption-text") >= 1.2 * big
        page.get_by_role("button", name="Show or hide controls").tap()
        page.locator(".pm-panel-body").wait_for(state="visible", timeout=10000)
    finally:
        ctx.close()


def test_reduced_motion_plays_no_animation(server_url, browser, playwright_instance):
    """prefers-reduced-motion: Play jumps one step and stays still; the next Play jumps one more."""
    ctx = ipad(browser, playwright_instance, reduced_motion="reduce")
    page = ctx.new_page()
    try:
        open_app(page, server_url, "?tooth=85&infection=crown")
        page.get_by_role("button", name="Play", exact=True).tap()
        url = wait_query(page, has=["procedure=pulpotomy", "step="])
        still = settled(page, has_tooth, what="the jumped step")
        page.wait_for_timeout(2000)  # an animation would have moved on by now
        assert query(page) == url
        assert np.abs(canvas_image(page) - still).max() < 8, "the picture moved under reduced motion"
        assert not page.get_by_role("button", name="Pause", exact=True).is_visible()
        step = int(url.split("step=")[1].split("&")[0])
        page.get_by_role("button", name="Play", exact=True).tap()
        wait_query(page, has=[f"step={step + 1}"])
    finally:
        ctx.close()


def test_dark_theme_follows_the_system_and_switches(server_url, browser, playwright_instance):
    ctx = ipad(browser, playwright_instance, color_scheme="dark")
    page = ctx.new_page()
    try:
        page.goto(server_url)
        dark = np.array([round(255 * c) for c in VIEW_BACKGROUNDS["dark"]])
        page.wait_for_function("document.querySelector('.pm-dark') !== null", timeout=30000)
        page.wait_for_selector(".pm-view canvas", timeout=30000)
        pixel = wait_pixel(page, dark, "dark theme")
        assert pixel.max() < 25, pixel  # dark: near black
        panel = page.evaluate("getComputedStyle(document.querySelector('.pm-panel')).backgroundColor")
        assert sum(int(c) for c in panel[panel.index("(") + 1:-1].split(",")[:3]) < 150, panel
        page.get_by_role("button", name="Dark theme").tap()
        light = np.array([round(255 * c) for c in VIEW_BACKGROUNDS["light"]])
        page.wait_for_function("document.querySelector('.pm-dark') === null", timeout=10000)
        assert wait_pixel(page, light, "light theme").sum() > pixel.sum() + 40
        panel = page.evaluate("getComputedStyle(document.querySelector('.pm-panel')).backgroundColor")
        assert sum(int(c) for c in panel[panel.index("(") + 1:-1].split(",")[:3]) > 600, panel
    finally:
        ctx.close()


def test_keyboard_moves_camera_steps_layers_and_plays(server_url, desktop):
    before = open_app(desktop, server_url, "?tooth=85&mode=student")
    desktop.locator(".pm-view").focus()
    desktop.keyboard.press("1")
    wait_query(desktop, has=["view=occlusal"])
    occlusal = settled(desktop, differs_from(before), what="the occlusal view")
    desktop.keyboard.press("ArrowDown")  # the next preset: buccal
    wait_query(desktop, has=["view=buccal"])
    settled(desktop, differs_from(occlusal), what="the buccal view")
    desktop.keyboard.press("x")
    wait_query(desktop, has=["xray=1"])
    desktop.keyboard.press("e")
    wait_query(desktop, has=["layers=dentin"])
    desktop.goto(server_url + "?tooth=85&procedure=pulpotomy&step=0")
    desktop.wait_for_selector(".pm-view canvas", timeout=30000)
    wait_query(desktop, has=["procedure=pulpotomy"])
    desktop.locator(".pm-view").focus()
    desktop.keyboard.press("ArrowRight")
    wait_query(desktop, has=["step=1"])
    desktop.keyboard.press("ArrowLeft")
    wait_query(desktop, has=["step=0"])
    desktop.keyboard.press(" ")
    desktop.get_by_role("button", name="Pause", exact=True).wait_for(state="visible", timeout=10000)
    desktop.keyboard.press(" ")
    desktop.get_by_role("button", name="Play", exact=True).wait_for(state="visible", timeout=10000)


def test_search_selects_a_tooth_and_shows_a_structure(server_url, desktop):
    open_app(desktop, server_url, "?tooth=85")
    box = desktop.get_by_role("textbox", name="Search")
    box.fill("lower left second")
    box.press("Enter")
    wait_query(desktop, has=["tooth=75"])
    assert desktop.get_by_role("button", name="75 (K)").get_attribute("aria-pressed") == "true"
    box.fill("mesiobuccal horn")
    box.press("Enter")
    wait_query(desktop, has=["tooth=75", "xray=1"])
    picked = desktop.get_by_role("status", name="Picked structure")
    picked.wait_for(state="visible", timeout=10000)
    assert "mesiobuccal" in picked.inner_text().lower()
    # where its figures come from, from the tooth file's src marks (viewer.chairside.provenance)
    from viewer.chairside.provenance import provenance

    p = provenance("mandibular_second", "crown_pulp", "horn", "mesiobuccal")
    assert picked.locator(".pm-source").inner_text().lower().startswith(p.status)
    details = desktop.get_by_role("group", name="Sources of the tapped part")
    assert details.is_visible() == bool(p.sources)
    box.fill("54")
    box.press("Enter")
    wait_query(desktop, has=["tooth=54"])
    box.fill("no such tooth")
    box.press("Enter")
    found = desktop.get_by_role("status", name="Search result")
    desktop.wait_for_function("document.body.innerText.includes('Nothing found')", timeout=10000)
    assert "no such tooth" in found.inner_text() and "tooth=54" in query(desktop)


def test_exploded_view_draws_the_layers_apart_and_back(server_url, desktop):
    whole = open_app(desktop, server_url, "?tooth=85")
    desktop.get_by_role("button", name="Exploded view").click()
    labels = desktop.get_by_role("list", name="Exploded view")
    labels.wait_for(state="visible", timeout=15000)
    assert labels.inner_text().split("\n") == ["Enamel", "Dentin", "Pulp"]
    apart = settled(desktop, differs_from(whole, 0.05), what="the layers apart")
    desktop.screenshot(path=str(SHOTS / "exploded.png"))
    # the pulp, drawn below the roots, shows red where the whole tooth had none
    from test_browser import red_mask

    assert red_mask(apart).sum() > 200 > red_mask(whole).sum()
    desktop.get_by_role("button", name="Exploded view").click()
    labels.wait_for(state="hidden", timeout=15000)
    back = settled(desktop, lambda im: red_mask(im).sum() < 200, what="the layers together")
    assert np.abs(back - whole).sum(-1).mean() < np.abs(apart - whole).sum(-1).mean()
