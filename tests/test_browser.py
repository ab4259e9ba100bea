"""End-to-end: the real server, Debian's Chromium (software WebGL), desktop and an iPad profile."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image

from viewer.colors import BACKGROUND

pytestmark = pytest.mark.browser

BG = np.array([round(255 * c) for c in BACKGROUND])
MARGIN_TOP, MARGIN_BOTTOM = 70, 80  # overlays (picked name, camera buttons) sit over these canvas rows


def canvas_image(page) -> np.ndarray:
    png = page.locator(".pm-view canvas").screenshot()
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return img[MARGIN_TOP:-MARGIN_BOTTOM]


def tooth_mask(img):
    return np.abs(img - BG).sum(-1) > 40


def red_mask(img):
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 100) & (r > 1.8 * g) & (r > 1.3 * b)


def settled(page, condition, timeout=25.0, what="the view"):
    """Poll canvas screenshots until ``condition(img)`` holds on two identical consecutive frames."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        img = canvas_image(page)
        if condition(img) and last is not None and last.shape == img.shape and np.abs(last - img).max() < 8:
            return img
        last = img
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not settle on the expected picture within {timeout} s")
        time.sleep(0.3)


def differs_from(before, fraction=0.01):
    return lambda img: (np.abs(img - before).sum(-1) > 60).mean() > fraction


def has_tooth(img):
    return tooth_mask(img).mean() > 0.03


PAGE_REPORT = """() => ({
  ready: document.readyState, trame: !!window.trame, app: !!document.querySelector('.v-application'),
  state_keys: window.trame && window.trame.state ? Object.keys(window.trame.state.state || {}).length : null,
  scripts: [...document.scripts].map((s) => s.src.split('/').pop()).filter(Boolean),
  draws: window.__pmDraws,
  meshes: window.trame && window.trame.state ? window.trame.state.get('mesh_src') : null,
  trame_error: window.trame && window.trame.state ? window.trame.state.get('trame_error_report_msg') : null,
  app_html: (document.querySelector('#app') || document.body).innerHTML.slice(0, 400),
})"""


def why_no_view(page, base, console=()) -> str:
    """What the page and the server say when the view did not come: the page's state, the server's last
    lines (tests/conftest.py writes them to a file)."""
    from conftest import server_log

    try:
        seen = page.evaluate(PAGE_REPORT)
    except Exception as exc:  # noqa: BLE001 - a report, never a second failure
        seen = repr(exc)
    port = int(base.rstrip("/").rsplit(":", 1)[1])
    log = server_log(port)
    tail = log.read_text()[-3000:] if log.exists() else "(no server log)"
    said = "\n".join(list(console)[-20:])
    return f"page: {seen}\npage console, last lines:\n{said}\nserver log, last lines:\n{tail}"


def open_app(page, base, query=""):
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text[:300]}"))
    page.goto(base + query)
    try:
        page.wait_for_selector(".pm-view canvas", timeout=30000)
    except Exception as exc:
        raise AssertionError(f"no 3D view in 30 s\n{why_no_view(page, base, console)}") from exc
    return settled(page, has_tooth, what="first molar")


def test_renders_molar_and_page_never_scrolls(server_url, desktop):
    img = open_app(desktop, server_url)
    mask = tooth_mask(img)
    assert 0.03 < mask.mean() < 0.9, "a molar should fill part of the view, not none or all of it"
    # ivory enamel dominates the outside of a whole tooth; no pulp red shows through opaque enamel
    assert red_mask(img).sum() < 0.01 * mask.sum()
    assert desktop.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    assert desktop.evaluate("getComputedStyle(document.querySelector('.pm-view')).touchAction") == "none"
    assert "tooth=85" in desktop.url


def test_layer_off_changes_pixels_where_it_was(server_url, desktop):
    before = open_app(desktop, server_url, "?tooth=85")
    desktop.get_by_role("checkbox", name="Enamel", exact=True).click()
    desktop.wait_for_url("**layers=dentin%2Ccrown_pulp%2Croot_pulp**", timeout=10000)
    after = settled(desktop, differs_from(before), what="enamel off")
    was = tooth_mask(before)
    changed = np.abs(after - before).sum(-1) > 60
    assert changed[was].mean() > 0.05, "hiding enamel should change the pixels of the tooth"
    assert not changed[~was & ~tooth_mask(after)].any(), "background stays background"


def test_xray_shows_pulp_red_inside_outline(server_url, desktop):
    plain = open_app(desktop, server_url, "?tooth=74")
    assert red_mask(plain).sum() < 0.01 * tooth_mask(plain).sum()
    desktop.get_by_role("checkbox", name="X-ray", exact=True).click()
    xray = settled(desktop, lambda im: red_mask(im).sum() > 200, what="x-ray")
    red = red_mask(xray)
    outline = tooth_mask(plain)
    assert red.sum() > 0.03 * outline.sum(), "pulp should show red through the translucent tooth"
    assert outline[red].mean() > 0.95, "the red pulp lies inside the tooth's outline"
    assert "xray=1" in desktop.url


def test_cut_exposes_pulp(server_url, desktop):
    open_app(desktop, server_url, "?tooth=85")
    desktop.get_by_role("button", name="Mesiodistal", exact=True).click()
    img = settled(desktop, lambda im: red_mask(im).sum() > 200, what="mesiodistal cut")
    assert red_mask(img).sum() > 0.02 * tooth_mask(img).sum()
    assert "cut=md%3A0.50" in desktop.url
    # moving the plane with the keyboard re-cuts (the cut follows the slider once it is released)
    slider = desktop.get_by_role("slider", name="Cut position")
    slider.focus()
    slider.press("ArrowLeft")
    desktop.wait_for_url("**cut=md%3A0.49**", timeout=10000)


def test_tap_on_pulp_names_it(server_url, tablet):
    img = open_app(tablet, server_url, "?tooth=85&layers=crown_pulp,root_pulp&mode=student")
    red = red_mask(img)
    assert red.sum() > 100, "only pulp is shown: the view should be red"
    ys, xs = np.nonzero(red)
    i = np.argsort((ys - ys.mean()) ** 2 + (xs - xs.mean()) ** 2)[0]  # the red pixel nearest the centroid
    box = tablet.locator(".pm-view canvas").bounding_box()
    tablet.touchscreen.tap(box["x"] + float(xs[i]), box["y"] + MARGIN_TOP + float(ys[i]))
    status = tablet.get_by_role("status", name="Picked structure")
    status.wait_for(state="visible", timeout=15000)
    text = status.inner_text()
    assert "pulp" in text.lower() and "mm³" in text


# Each animation frame in which WebGL drew: the canvas size and where the camera was (the page's own view).
DRAWN_FRAMES = """(() => {
  window.__frames = [];
  let open = false;
  for (const name of ["drawArrays", "drawElements"]) {
    const draw = WebGL2RenderingContext.prototype[name];
    WebGL2RenderingContext.prototype[name] = function (...args) {
      if (!open) {
        open = true;
        requestAnimationFrame(() => { open = false; });
        const view = window.trame && window.trame.refs.view;
        window.__frames.push({size: [this.canvas.width, this.canvas.height],
                              camera: view ? Array.from(view.getCamera().position) : null});
      }
      return draw.apply(this, args);
    };
  }
})()"""


def test_a_page_draws_its_first_picture_once_at_its_size_and_camera(server_url, tablet):
    """The tooth is drawn once as the page loads, not from vtk.js's default side and then again from the
    page's camera, nor again when the panel mounts under it (issue 16: in software WebGL each picture is
    a full readback of the canvas)."""
    tablet.add_init_script(DRAWN_FRAMES)
    open_app(tablet, server_url, "?tooth=74")
    tablet.locator(".pm-panel-body").wait_for(state="visible", timeout=15000)
    time.sleep(1.5)  # anything that would draw again after the panel (a late camera, a resize) has
    frames = tablet.evaluate("window.__frames")
    now = tablet.evaluate("[Array.from(trame.refs.view.getCamera().position),"
                          " [document.querySelector('.pm-view canvas').width,"
                          "  document.querySelector('.pm-view canvas').height]]")
    assert len(frames) == 1, frames
    assert frames[0]["size"] == now[1]
    assert np.allclose(frames[0]["camera"], now[0], atol=1e-3), (frames[0]["camera"], now[0])
    # and that camera is the page's three-quarter view, not vtk.js's default (looking down -z)
    tablet.get_by_role("button", name="Reset", exact=True).tap()
    time.sleep(1.0)
    reset = tablet.evaluate("Array.from(trame.refs.view.getCamera().position)")
    assert np.allclose(reset, now[0], atol=1e-2), (reset, now[0])


def test_tablet_layout_touch_targets(server_url, tablet):
    open_app(tablet, server_url)
    for name in ("Occlusal", "Buccal", "Lingual", "Mesial", "Distal", "Reset", "Mesiodistal"):
        box = tablet.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, name
    assert tablet.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    before = canvas_image(tablet)
    tablet.get_by_role("button", name="Occlusal", exact=True).tap()
    settled(tablet, differs_from(before), what="occlusal view")
    assert "view=occlusal" in tablet.url


def test_two_browsers_keep_independent_states(server_url, browser):
    a_ctx = browser.new_context(viewport={"width": 700, "height": 560})
    b_ctx = browser.new_context(viewport={"width": 700, "height": 560})
    try:
        a, b = a_ctx.new_page(), b_ctx.new_page()
        open_app(a, server_url, "?tooth=85")
        b_before = open_app(b, server_url, "?tooth=85")
        a.get_by_role("checkbox", name="X-ray", exact=True).click()
        a.get_by_role("checkbox", name="Dentin", exact=True).click()
        a.wait_for_url("**xray=1**", timeout=10000)
        settled(a, lambda im: red_mask(im).sum() > 200, what="x-ray in browser A")
        time.sleep(1.0)
        assert b.get_by_role("checkbox", name="X-ray", exact=True).is_checked() is False
        assert b.get_by_role("checkbox", name="Dentin", exact=True).is_checked() is True
        assert "xray" not in b.url and "layers" not in b.url
        assert np.abs(canvas_image(b) - b_before).max() < 8, "browser B's picture must not move"
        # A leaving must not disturb B
        a_ctx.close()
        b.get_by_role("checkbox", name="Enamel", exact=True).click()
        b.wait_for_url("**layers=dentin**", timeout=10000)
    finally:
        b_ctx.close()


def test_reload_restores_tooth_and_layers(server_url, desktop):
    open_app(desktop, server_url, "?tooth=85")
    desktop.get_by_role("combobox", name="Tooth").click(force=True)
    desktop.get_by_role("option", name="75 (K)").click()
    desktop.wait_for_url("**tooth=75**", timeout=10000)
    desktop.get_by_role("checkbox", name="Dentin", exact=True).click()
    desktop.wait_for_url("**layers=enamel%2Ccrown_pulp%2Croot_pulp**", timeout=10000)
    url = desktop.url
    desktop.reload()
    desktop.wait_for_selector(".pm-view canvas", timeout=30000)
    desktop.get_by_text("75 (K) – lower left second molar").first.wait_for(timeout=15000)
    assert desktop.get_by_role("checkbox", name="Dentin", exact=True).is_checked() is False
    assert desktop.get_by_role("checkbox", name="Enamel", exact=True).is_checked() is True
    assert desktop.url == url
    # Universal letters work in shared links too
    open_app(desktop, server_url, "?tooth=L&layers=crown_pulp")
    desktop.wait_for_url("**tooth=74**", timeout=10000)
    assert desktop.get_by_role("checkbox", name="Enamel", exact=True).is_checked() is False
