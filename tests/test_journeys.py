"""User journeys in real Chromium: after each step, the server followed (its URL) and the screen shows it.

The URL is written by the server (``url_query``), so a URL that follows a tap proves the tap reached it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from test_browser import MARGIN_TOP, differs_from, open_app, red_mask, settled, tooth_mask

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "pm3d-journeys"  # screenshots to look at; never part of the repo
SHOTS.mkdir(exist_ok=True)


def query(page) -> str:
    """The page's current query string (page.url can lag behind history.replaceState)."""
    return page.evaluate("window.location.search")


def wait_query(page, has=(), lacks=(), timeout=15000) -> str:
    """Wait until the server has written a URL containing every ``has`` and none of ``lacks``."""
    cond = " && ".join(
        [f"window.location.search.includes({s!r})" for s in has]
        + [f"!window.location.search.includes({s!r})" for s in lacks]
    ) or "true"
    page.wait_for_function(cond, timeout=timeout)
    return query(page)


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "405" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def inside(mask: np.ndarray, margin: int = 3) -> np.ndarray:
    """The pixels of ``mask`` whose every neighbour ``margin`` pixels away is in it too: a tap there meets
    the shape itself, not an anti-aliased edge the server's ray may pass beside (the mask itself if it is
    too thin for that)."""
    core = mask.copy()
    for axis in (0, 1):
        for shift in (margin, -margin):
            core &= np.roll(mask, shift, axis=axis)
    return core if core.any() else mask


def mask_point(page, mask: np.ndarray) -> tuple[float, float]:
    """Page coordinates of the pixel well inside ``mask`` nearest the centroid of ``mask``: on the shape even
    where its centroid is not (a two-rooted molar's lies between its roots, in the background)."""
    ys, xs = np.nonzero(mask)
    cy, cx = ys.mean(), xs.mean()
    ys, xs = np.nonzero(inside(mask))
    i = np.argsort((ys - cy) ** 2 + (xs - cx) ** 2)[0]
    box = page.locator(".pm-view canvas").bounding_box()
    return box["x"] + float(xs[i]), box["y"] + MARGIN_TOP + float(ys[i])


def pulp_point(page, img) -> tuple[float, float]:
    """Page coordinates of a red (pulp) pixel near the centroid of the red pixels."""
    red = red_mask(img)
    assert red.sum() > 100, "the pulp should show red"
    return mask_point(page, red)


def whole_tooth_points(tooth: str = "85") -> dict[str, int]:
    """Per region, the points of the whole tooth's mesh the server sends (the engine's, made here the same
    way: ``viewer.wire``), to know the page has those and not a cut's."""
    from viewer.wire import serialized_regions

    return {r: int(state["mesh"]["points"]["shape"][0])
            for r, state in serialized_regions(tooth, None, 0.0).items() if state}


def meshes_in_place(page, points: dict[str, int], timeout: float = 15000) -> None:
    """Wait until the page draws the meshes with these point counts: the state only names their URLs
    (``mesh_src``), the page fetches them after (viewer/page/static/meshes.js), so on a loaded machine the
    picture can show the last section's meshes for a while, settled, after the server moved on."""
    page.wait_for_function(
        """(want) => Object.entries(want).every(([r, n]) => {
             const m = window.trame.state.get('mesh_' + r), p = m && m.mesh && m.mesh.points;
             return !!p && (p.shape ? p.shape[0] : p.length / 3) === n; })""",
        arg=points, timeout=timeout)


def question_view(page, also=lambda img: True, what: str = "the quiz question's view") -> np.ndarray:
    """The picture of the open quiz question's own view, once the user sees it: the question on screen, the
    whole tooth's meshes in the page, in x-ray exactly when the question needs it (its looks came with it:
    the page's ``xray`` is the question's), and ``also``; settled. No fixed sleep: under load the looks and
    the meshes come when they come."""
    page.get_by_role("region", name="Quiz question").wait_for(state="visible", timeout=10000)
    meshes_in_place(page, whole_tooth_points(page.evaluate("window.trame.state.get('tooth')")))
    xray = bool(page.evaluate("window.trame.state.get('xray')"))

    def shown(img: np.ndarray) -> bool:
        red, tooth = red_mask(img).sum(), tooth_mask(img).sum()
        looks = red > 200 if xray else red < 0.01 * tooth  # opaque enamel hides the pulp
        return tooth > 0.03 * tooth_mask(img).size and looks and also(img)

    return settled(page, shown, what=what)


def quiz_tap_point(page, img) -> tuple[float, float]:
    """Where a student taps to answer: in x-ray the pulp (only it answers a tap there), else the tooth."""
    if page.evaluate("window.trame.state.get('xray')"):
        return pulp_point(page, img)
    return mask_point(page, tooth_mask(img))


def test_tap_on_view_keeps_the_session_alive(server_url, tablet):
    """Defect 1: a tap on the 3D view used to kill every later v-model change (msgpack of a DOM event)."""
    errors = watch_errors(tablet)
    plain = open_app(tablet, server_url, "?tooth=85&mode=student")
    xray_box = tablet.get_by_role("checkbox", name="X-ray", exact=True)
    xray_box.tap()
    wait_query(tablet, has=["xray=1"])
    xray = settled(tablet, lambda im: red_mask(im).sum() > 200, what="x-ray")
    # tap the pulp: its name comes back from the server
    tablet.touchscreen.tap(*pulp_point(tablet, xray))
    status = tablet.get_by_role("status", name="Picked structure")
    status.wait_for(state="visible", timeout=15000)
    assert "pulp" in status.inner_text().lower()
    # and the session still follows the panel: x-ray off reaches the server and the picture
    xray_box.tap()
    wait_query(tablet, lacks=["xray=1"])
    back = settled(tablet, lambda im: red_mask(im).sum() < 0.01 * tooth_mask(im).sum(), what="x-ray off")
    assert np.abs(back - plain).sum(-1).mean() < np.abs(xray - plain).sum(-1).mean()
    tablet.get_by_role("checkbox", name="Enamel", exact=True).tap()
    wait_query(tablet, has=["layers=dentin"])
    assert not [e for e in errors if "Unrecognized object" in e], errors


def test_drag_then_click_keeps_the_session_alive(server_url, desktop):
    """A mouse drag turns the tooth; a click names a part; both leave the session in sync."""
    errors = watch_errors(desktop)
    before = open_app(desktop, server_url, "?tooth=85&mode=student")
    box = desktop.locator(".pm-view canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    desktop.mouse.move(cx, cy)
    desktop.mouse.down()
    # round a square: it turns the tooth (turns about two axes do not cancel) and ends where it began
    path = [(cx + 20 * k, cy) for k in range(1, 7)] + [(cx + 120, cy + 12 * k) for k in range(1, 6)]
    path += [(cx + 120 - 20 * k, cy + 60) for k in range(1, 7)]
    path += [(cx, cy + 60 - 12 * k) for k in range(1, 6)]
    for x, y in path:
        desktop.mouse.move(x, y)
    desktop.mouse.up()
    turned = settled(desktop, differs_from(before), what="the turned tooth")
    desktop.get_by_role("checkbox", name="X-ray", exact=True).click()
    wait_query(desktop, has=["xray=1"])
    xray = settled(desktop, lambda im: red_mask(im).sum() > 200, what="x-ray after a drag")
    status = desktop.get_by_role("status", name="Picked structure")
    assert not status.is_visible(), "a drag is not a tap: releasing it names nothing"
    assert np.abs(xray - turned).sum(-1).mean() > 1
    desktop.mouse.click(*pulp_point(desktop, xray))
    status.wait_for(state="visible", timeout=15000)
    assert "mm³" in status.inner_text()
    desktop.get_by_role("checkbox", name="X-ray", exact=True).click()
    wait_query(desktop, lacks=["xray=1"])
    assert not [e for e in errors if "Unrecognized object" in e], errors


def test_dentist_first_minute_on_a_tablet(server_url, tablet):
    """Tap the tooth, choose the infection, play the indicated procedure, next step, Spanish, another
    tooth, collapse the panel: after each, the server's URL and the screen follow."""
    from scenes.text import text

    errors = watch_errors(tablet)
    first = open_app(tablet, server_url)
    assert wait_query(tablet, has=["tooth=85"]) == "?tooth=85"
    # tap the tooth: its name, in plain words (no volumes for a parent)
    box = tablet.locator(".pm-view canvas").bounding_box()
    tablet.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    status = tablet.get_by_role("status", name="Picked structure")
    status.wait_for(state="visible", timeout=15000)
    assert status.inner_text() and "mm³" not in status.inner_text()
    # the infection reaches the crown pulp: the pulpotomy is indicated, the pulp recoloured
    tablet.get_by_role("group", name="How far the infection reaches").get_by_role(
        "button", name="Crown pulp", exact=True).tap()
    wait_query(tablet, has=["infection=crown"])
    indicated = tablet.get_by_role("status", name="Indicated procedure")
    assert indicated.inner_text().startswith("Pulpotomy")
    settled(tablet, differs_from(first), what="the infection shown")
    # play the indicated procedure: a caption, no student note, no counter
    tablet.get_by_role("button", name="Play", exact=True).tap()
    q = wait_query(tablet, has=["procedure=pulpotomy"])
    step = int(q.split("step=")[1].split("&")[0])
    caption = tablet.get_by_role("region", name="Caption")
    caption.wait_for(state="visible", timeout=15000)
    tablet.get_by_role("button", name="Pause", exact=True).tap()
    tablet.get_by_role("button", name="Play", exact=True).wait_for(state="visible", timeout=10000)
    assert tablet.get_by_role("status", name="Pulp removed").is_visible() is False
    # defect 10: the caption sits at the foot of the view, off the crown, and clear of the camera buttons
    view = tablet.locator(".pm-view").bounding_box()
    cap = caption.bounding_box()
    cams = tablet.get_by_role("toolbar", name="Camera").bounding_box()
    assert cap["y"] > view["y"] + 0.5 * view["height"], (cap, view)
    assert cap["y"] + cap["height"] <= cams["y"] + 1, (cap, cams)
    assert caption.get_by_label("Student note").inner_text() == ""
    # next step: the URL and the caption follow
    before = caption.inner_text()
    tablet.get_by_role("button", name="Next step", exact=True).tap()
    step_now = int(wait_query(tablet, lacks=[f"step={step}&"]).split("step=")[1].split("&")[0])
    assert step_now >= step + 1
    tablet.wait_for_function("b => document.querySelector('[aria-label=\"Caption\"]').innerText !== b",
                             arg=before, timeout=10000)
    # Spanish: the caption of the same step in Spanish
    tablet.get_by_role("combobox", name="Language").tap(force=True)
    tablet.get_by_role("option", name="Español", exact=True).tap()
    wait_query(tablet, has=["lang=es", f"step={step_now}"])
    step_id = ("healthy", "decay", "access", "remove-crown-pulp", "medicament", "crown")[step_now]
    spanish = text("es", f"timeline.pulpotomy.steps.{step_id}.caption")
    tablet.get_by_role("region", name="Explicación").get_by_text(spanish[:30]).wait_for(timeout=15000)
    assert tablet.evaluate("document.documentElement.lang") == "es"
    # another tooth: the procedure ends, the new tooth's name shows
    tablet.get_by_role("combobox", name="Diente").tap(force=True)
    tablet.get_by_role("option", name="84 (S)").tap()
    wait_query(tablet, has=["tooth=84", "lang=es"], lacks=["procedure="])
    tablet.get_by_role("region", name="Explicación").wait_for(state="hidden", timeout=10000)
    shown = settled(tablet, lambda im: tooth_mask(im).mean() > 0.03, what="tooth 84")
    # collapse the panel: the view grows
    small = tablet.locator(".pm-view canvas").bounding_box()
    toggle = tablet.get_by_role("button", name="Mostrar u ocultar los controles")
    toggle.tap()
    tablet.wait_for_function("() => document.querySelector('.pm-collapsed') !== null", timeout=10000)
    assert toggle.get_attribute("aria-expanded") == "false"
    taller = f"() => document.querySelector('.pm-view canvas').clientHeight > {small['height'] + 100}"
    tablet.wait_for_function(taller, timeout=10000)
    big = settled(tablet, lambda im: tooth_mask(im).mean() > 0.03, what="tooth 84, panel collapsed")
    assert big.shape[0] > shown.shape[0]
    tablet.screenshot(path=str(SHOTS / "journey-tablet-collapsed.png"))
    assert not errors, errors


def test_student_on_a_desktop(server_url, desktop):
    """Drag to turn, click to name, drag the cut, x-ray, quiz, a procedure, compare: the server follows."""
    errors = watch_errors(desktop)
    first = open_app(desktop, server_url, "?tooth=85&mode=student")
    box = desktop.locator(".pm-view canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    desktop.mouse.move(cx - 60, cy)
    desktop.mouse.down()
    for k in range(1, 7):
        desktop.mouse.move(cx - 60 + 20 * k, cy)
    desktop.mouse.up()
    settled(desktop, differs_from(first), what="the turned tooth")
    # click to name: the part with its own volume
    desktop.mouse.click(cx, cy)
    status = desktop.get_by_role("status", name="Picked structure")
    status.wait_for(state="visible", timeout=15000)
    assert "mm³" in status.inner_text()
    # the cut follows the slider while it is held, and says where it is in mm
    desktop.get_by_role("button", name="Mesiodistal", exact=True).click()
    wait_query(desktop, has=["cut=md%3A0.50"])
    where = desktop.get_by_role("status", name="Where the cut is")
    where.wait_for(state="visible", timeout=10000)
    assert " mm from the lingual surface" in where.inner_text()
    cut_half = settled(desktop, lambda im: red_mask(im).sum() > 200, what="the cut")
    thumb = desktop.locator(".v-slider-thumb").last
    tb = thumb.bounding_box()
    desktop.mouse.move(tb["x"] + tb["width"] / 2, tb["y"] + tb["height"] / 2)
    # count the sections the page puts in its view while the thumb is held (its dentin mesh changing)
    desktop.evaluate("""() => { const w = window; w.__pmCuts = 0; let last = w.trame.state.get('mesh_dentin');
        const tick = () => { const m = w.trame.state.get('mesh_dentin');
        if (m !== last) { last = m; w.__pmCuts++; } w.requestAnimationFrame(tick); };
        w.requestAnimationFrame(tick); }""")
    desktop.mouse.down()
    for k in range(1, 9):
        desktop.mouse.move(tb["x"] + tb["width"] / 2 - 8 * k, tb["y"] + tb["height"] / 2)
        time.sleep(0.15)
    moved = wait_query(desktop, lacks=["cut=md%3A0.50"])  # before the release
    time.sleep(0.5)
    shown_while_held = desktop.evaluate("window.__pmCuts")
    desktop.mouse.up()
    assert shown_while_held >= 3, shown_while_held  # the cut follows the thumb, not only its release
    assert 0.05 <= float(moved.split("cut=md%3A")[1][:4]) < 0.5, moved  # moved toward the lingual side
    settled(desktop, differs_from(cut_half), what="the moved cut")
    # x-ray on the cut
    desktop.get_by_role("checkbox", name="X-ray", exact=True).click()
    wait_query(desktop, has=["xray=1"])
    # the quiz: a question, a click, a verdict and the score
    desktop.get_by_role("button", name="Quiz", exact=True).click()
    wait_query(desktop, lacks=["cut="])  # the quiz shows the whole tooth
    img = question_view(desktop)
    desktop.mouse.click(*quiz_tap_point(desktop, img))
    answer = desktop.get_by_role("status", name="Quiz answer")
    answer.wait_for(state="visible", timeout=15000)
    # a tap on the tooth is judged as the part it met (the question asked at random: right or wrong)
    assert "you tapped nothing" not in answer.inner_text(), (answer.inner_text(), query(desktop))
    assert desktop.evaluate("trame.state.get('quiz_score').asked") == 1
    # a procedure ends the quiz; its caption, the student's note and the counter show
    desktop.get_by_role("button", name="Pulpectomy", exact=True).click()
    wait_query(desktop, has=["procedure=pulpectomy&step=0"])
    desktop.get_by_role("region", name="Quiz question").wait_for(state="hidden", timeout=10000)
    assert desktop.evaluate("trame.state.get('activity')") == "procedure"
    caption = desktop.get_by_role("region", name="Caption")
    assert caption.get_by_label("Student note").inner_text() != ""
    scrub = desktop.get_by_role("slider", name="Scrub")
    scrub.focus()
    scrub.press("End")  # the end: all the pulp removed, the figure from the engine
    desktop.get_by_role("status", name="Pulp removed").get_by_text("(100.0 %)").wait_for(timeout=15000)
    # compare: both copies labelled, each with its caption, at the same stage
    desktop.get_by_role("checkbox", name="Compare", exact=True).click()
    wait_query(desktop, has=["compare=1"])
    label = caption.locator(".pm-copy-label")  # the same step: one caption naming both copies by side
    label.get_by_text("Pulpotomy").wait_for(timeout=10000)
    sides = ("Left: Pulpectomy · Right: Pulpotomy", "Right: Pulpectomy · Left: Pulpotomy")
    assert label.inner_text() in sides
    assert desktop.get_by_role("region", name="Caption beside").is_visible() is False
    both = settled(desktop, lambda im: tooth_mask(im).mean() > 0.03, what="both copies")
    desktop.screenshot(path=str(SHOTS / "journey-desktop-compare.png"))
    assert tooth_mask(both).mean() > 0.03
    assert not errors, errors


def test_a_quiz_tap_beside_the_tooth_is_answered(server_url, desktop):
    """A student tapping between the roots used to get nothing at all (the server met nothing and dropped
    the tap, the question stayed); now the verdict says so, counts it and marks the answer."""
    errors = watch_errors(desktop)
    open_app(desktop, server_url, "?tooth=85&mode=student")
    desktop.get_by_role("button", name="Quiz", exact=True).click()
    img = question_view(desktop)
    tooth = tooth_mask(img)
    ys, xs = np.nonzero(tooth)
    rows = np.indices(tooth.shape)[0]
    beside = inside(~tooth, 6) & (rows > ys.min()) & (rows < ys.max())  # the background, within the tooth's
    by, bx = np.nonzero(beside)                                         # height: between the roots
    i = np.argsort((by - ys.mean()) ** 2 + (bx - xs.mean()) ** 2)[0]
    box = desktop.locator(".pm-view canvas").bounding_box()
    desktop.mouse.click(box["x"] + float(bx[i]), box["y"] + MARGIN_TOP + float(by[i]))
    answer = desktop.get_by_role("status", name="Quiz answer")
    answer.wait_for(state="visible", timeout=15000)
    assert answer.inner_text().startswith("Not quite: you tapped nothing."), answer.inner_text()
    assert desktop.evaluate("trame.state.get('quiz_score')") == {"right": 0, "asked": 1}
    assert desktop.evaluate("trame.state.get('actor_quiz_marker').visibility") is True
    assert not errors, errors


def test_unknown_tooth_in_a_link_says_so(server_url, tablet):
    """Defect 12: ?tooth=99 silently showed 85; now 85 shows with a clear message, in the link's language."""
    tablet.goto(server_url + "?tooth=lower%20left%20second&lang=es")
    alert = tablet.get_by_role("alert", name="Diente no encontrado")
    alert.wait_for(state="visible", timeout=30000)
    assert alert.inner_text().startswith("Ningún molar temporal se llama «lower left second»")
    assert wait_query(tablet, has=["tooth=85"]).startswith("?tooth=85")
    tablet.get_by_role("combobox", name="Diente").tap(force=True)
    tablet.get_by_role("option", name="74 (L)").tap()
    wait_query(tablet, has=["tooth=74"])
    alert.wait_for(state="hidden", timeout=10000)  # a real choice clears it
