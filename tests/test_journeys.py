"""User journeys in real Chromium: after each step, the server followed (its URL) and the screen shows it.

The URL is written by the server (``url_query``), so a URL that follows a tap proves the tap reached it.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_browser import MARGIN_TOP, differs_from, open_app, red_mask, settled, tooth_mask

pytestmark = pytest.mark.browser


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


def pulp_point(page, img) -> tuple[float, float]:
    """Page coordinates of the red (pulp) pixel nearest the centroid of the red pixels."""
    red = red_mask(img)
    assert red.sum() > 100, "the pulp should show red"
    ys, xs = np.nonzero(red)
    i = np.argsort((ys - ys.mean()) ** 2 + (xs - xs.mean()) ** 2)[0]
    box = page.locator(".pm-view canvas").bounding_box()
    return box["x"] + float(xs[i]), box["y"] + MARGIN_TOP + float(ys[i])


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
    for k in range(1, 9):
        desktop.mouse.move(cx + 15 * k, cy + 4 * k)
    desktop.mouse.up()
    turned = settled(desktop, differs_from(before), what="the turned tooth")
    desktop.get_by_role("checkbox", name="X-ray", exact=True).click()
    wait_query(desktop, has=["xray=1"])
    xray = settled(desktop, lambda im: red_mask(im).sum() > 200, what="x-ray after a drag")
    assert np.abs(xray - turned).sum(-1).mean() > 1
    desktop.mouse.click(*pulp_point(desktop, xray))
    status = desktop.get_by_role("status", name="Picked structure")
    status.wait_for(state="visible", timeout=15000)
    assert "mm³" in status.inner_text()
    desktop.get_by_role("checkbox", name="X-ray", exact=True).click()
    wait_query(desktop, lacks=["xray=1"])
    assert not [e for e in errors if "Unrecognized object" in e], errors
