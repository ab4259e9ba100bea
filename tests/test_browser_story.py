"""The chairside story in Debian's Chromium on the iPad profile, by touch: infection extents, the successor
in x-ray, the two space scenes, the student quiz."""

from __future__ import annotations

import numpy as np
import pytest
from test_browser import MARGIN_TOP, open_app, settled, tooth_mask
from test_journeys import question_view

from meshes import load_tooth

pytestmark = pytest.mark.browser


def choose_infection(page, label):
    """Tap one of the chart's "how far the infection reaches" buttons (the one infection control)."""
    page.get_by_role("group", name="How far the infection reaches").get_by_role(
        "button", name=label, exact=True).tap()


def indicated(page):
    return page.get_by_role("status", name="Indicated procedure")


def pulp_mask(img):
    """Pulp seen through the translucent tooth: red or pink (not the cream dentin, not the ivory enamel)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 90) & (r > g + 45) & (r > b + 20)


def successor_mask(img):
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (b > 140) & (b > r + 25) & (b > g + 5)


def test_infection_extents_by_touch(server_url, tablet):
    open_app(tablet, server_url, "?tooth=85&view=buccal")
    choose_infection(tablet, "Dentin")
    tablet.wait_for_url("**infection=dentin**", timeout=15000)
    assert indicated(tablet).inner_text().startswith("Nothing yet")
    healthy = settled(tablet, lambda im: pulp_mask(im).sum() > 300, what="healthy pulp seen through")
    pulp = pulp_mask(healthy)
    ys = np.nonzero(pulp)[0]
    top, bottom = ys.min(), ys.max()
    crown = pulp.copy()
    crown[top + int(0.25 * (bottom - top)):] = False  # the chamber and horns
    canals = pulp.copy()
    canals[: top + int(0.55 * (bottom - top))] = False  # the canals, well below the chamber floor
    assert crown.sum() > 100 and canals.sum() > 100

    choose_infection(tablet, "Crown pulp")
    tablet.wait_for_url("**infection=crown**", timeout=15000)
    text = indicated(tablet).inner_text()
    assert text.startswith("Pulpotomy") and "roots stays alive" in text

    def diff(a, b, where):
        return float(np.abs(a - b).sum(-1)[where].mean())

    inflamed = settled(tablet, lambda im: diff(im, healthy, crown) > 40, what="crown pulp recoloured")
    assert diff(inflamed, healthy, crown) > 40, "the crown pulp takes the inflamed colour"
    assert diff(inflamed, healthy, canals) < 12, "the canals keep their colour"

    choose_infection(tablet, "Roots")
    tablet.wait_for_url("**infection=roots**", timeout=15000)
    assert indicated(tablet).inner_text().startswith("Pulpectomy")
    infected = settled(tablet, lambda im: diff(im, healthy, canals) > 25, what="root pulp recoloured")
    assert diff(infected, healthy, canals) > 25 and diff(infected, inflamed, crown) > 15
    assert tablet.get_by_text("For teaching only").count() == 1
    assert tablet.get_by_role("combobox", name="Infection").count() == 0, "one infection control, not two"
    # Play now plays the pulpectomy from the infected state
    tablet.get_by_role("button", name="Play", exact=True).tap()
    tablet.wait_for_url("**procedure=pulpectomy&step=3**", timeout=15000)
    assert indicated(tablet).is_visible() and indicated(tablet).inner_text().startswith("Pulpectomy")


def test_no_contradicting_story_beside_a_procedure(server_url, tablet):
    """A pulpotomy opened from a link on a healthy tooth: the "how far" buttons move to what it treats, and
    nothing says "nothing needs to be done" beside it."""
    open_app(tablet, server_url, "?tooth=85&procedure=pulpotomy&step=3")
    tablet.get_by_role("region", name="Caption").get_by_text("gently removed").wait_for(timeout=15000)
    how_far = tablet.get_by_role("group", name="How far the infection reaches")
    # the address itself, polled (the page rewrites it with replaceState; no navigation to wait for)
    tablet.wait_for_function("location.search.includes('infection=crown')", timeout=20000, polling=100)
    pressed = {name: how_far.get_by_role("button", name=name, exact=True).get_attribute("aria-pressed")
               for name in ("Healthy", "Crown pulp")}
    assert pressed == {"Healthy": "false", "Crown pulp": "true"}
    assert tablet.get_by_text("nothing needs to be done").is_visible() is False
    if indicated(tablet).is_visible():
        assert indicated(tablet).inner_text().startswith("Pulpotomy")
    choose_infection(tablet, "Roots")  # the story: another extent, back to exploring, the card says why
    tablet.wait_for_function("location.search.includes('infection=roots')", timeout=20000, polling=100)
    indicated(tablet).wait_for(state="visible", timeout=10000)
    assert indicated(tablet).inner_text().startswith("Pulpectomy")
    assert "procedure=" not in tablet.url


def test_successor_between_the_roots_in_xray(server_url, tablet):
    before = open_app(tablet, server_url, "?tooth=85&xray=1&view=buccal")
    assert successor_mask(before).sum() < 50
    tablet.get_by_role("checkbox", name="Successor", exact=True).tap()
    tablet.wait_for_url("**successor=1**", timeout=15000)
    img = settled(tablet, lambda im: successor_mask(im).sum() > 300, what="successor in x-ray")
    bud, outline = successor_mask(img), tooth_mask(before)
    ys, xs = np.nonzero(outline)
    oys, oxs = np.nonzero(bud)
    crown_bottom = ys.min() + 0.3 * (ys.max() - ys.min())
    assert oys.min() > crown_bottom, "the premolar lies below the molar's crown"
    assert xs.min() < oxs.min() and oxs.max() < xs.max(), "between the roots, inside the outline's width"
    assert oys.max() < ys.max() + 0.4 * (ys.max() - ys.min())


def test_space_lost_leaves_less_room_than_kept(server_url, tablet):
    open_app(tablet, server_url, "?tooth=85")
    need = f"the premolar needs {load_tooth('85').successor_width_mm:.1f} mm"
    rooms = []
    for title in ("If the tooth is lost early", "If the tooth is kept"):
        tablet.get_by_role("button", name=title, exact=True).tap()
        age = tablet.get_by_role("status", name="Age")
        room = tablet.get_by_role("status", name="Room")
        room.wait_for(state="hidden", timeout=15000)  # told only at the end of the scene
        age.get_by_text("years").first.wait_for(timeout=15000)
        room.wait_for(state="visible", timeout=30000)
        text = room.inner_text()
        assert age.inner_text() == "Age: 11 years 6 months" and need in text
        rooms.append(float(text.split("Room left: ")[1].split(" mm")[0]))
    lost, kept = rooms
    assert lost < load_tooth("85").successor_width_mm < kept
    assert tablet.get_by_role("group", name="Age timeline").is_visible()


def tap_pixel(page, mask):
    ys, xs = np.nonzero(mask)
    i = np.argsort((ys - ys.mean()) ** 2 + (xs - xs.mean()) ** 2)[0]
    box = page.locator(".pm-view canvas").bounding_box()
    page.touchscreen.tap(box["x"] + float(xs[i]), box["y"] + MARGIN_TOP + float(ys[i]))


def test_quiz_judges_taps(server_url, tablet):
    open_app(tablet, server_url, "?tooth=85&mode=student&successor=1&view=buccal")
    tablet.get_by_role("button", name="Quiz", exact=True).tap()
    question = tablet.get_by_role("region", name="Quiz question")
    nxt = tablet.get_by_role("button", name="Next question", exact=True)

    def ask_until(wanted):
        for _ in range(16):
            prompt = question.locator(".pm-quiz-prompt").inner_text()
            if wanted(prompt):
                return prompt
            nxt.tap()
            tablet.wait_for_function(
                "p => document.querySelector('.pm-quiz-prompt').innerText !== p", arg=prompt, timeout=10000)
        raise AssertionError("the question never came")

    ask_until(lambda p: p == "Tap the successor premolar")
    # the question's own view (its looks and meshes in place), not the last question's still on screen
    img = question_view(tablet, lambda im: successor_mask(im).sum() > 300, what="successor for the quiz")
    tap_pixel(tablet, successor_mask(img))
    answer = tablet.get_by_role("status", name="Quiz answer")
    answer.wait_for(state="visible", timeout=15000)
    assert answer.inner_text().startswith("Right")
    ask_until(lambda p: "pulp" in p)
    img = question_view(tablet, lambda im: successor_mask(im).sum() > 300, what="x-ray for a pulp question")
    tap_pixel(tablet, successor_mask(img))  # the premolar is not the pulp asked for
    tablet.wait_for_function(
        "() => document.querySelector('[aria-label=\"Quiz answer\"]').innerText.startsWith('Not quite')",
        timeout=15000)
    assert "the successor" in answer.inner_text()
    assert tablet.get_by_role("status", name="Score").inner_text().lower().startswith("quiz · 1 of 2 right")


def test_a_student_reads_the_extents_precise_name_a_parent_does_not(server_url, tablet):
    open_app(tablet, server_url, "?tooth=84&infection=crown&mode=student")
    label = tablet.locator("#pm-extent-label")
    label.wait_for(state="visible", timeout=15000)
    assert label.inner_text().startswith("Coronal pulp inflamed")
    tablet.get_by_role("button", name="Parent", exact=True).tap()
    tablet.wait_for_url(lambda url: "mode=student" not in url, timeout=15000)
    label.wait_for(state="hidden", timeout=10000)
    assert indicated(tablet).inner_text().startswith("Pulpotomy")
