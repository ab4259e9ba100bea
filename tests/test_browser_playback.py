"""A procedure played in Debian's Chromium: at most one state update per picture the page draws (issue 16).

The page counts, from before any of the app's scripts run, the state updates the server pushes (websocket
messages on trame's state topic) and the animation frames in which WebGL drew the tooth (the draw calls
wrapped on the contexts' prototypes), the same way bench/browser.py counts pictures. The server's flow
control (viewer.playback) must keep the first at or under the second, however slow the software renderer.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from test_browser import canvas_image, open_app, red_mask

pytestmark = pytest.mark.browser

MIN_VERTICES = 3000  # a draw of the tooth, not a clear or a small overlay
COUNT = """
(() => {
  const c = window.__pmCount = {updates: 0, pictures: 0};
  const topic = new TextEncoder().encode('trame.state.topic');
  const has = (bytes) => {  // the topic's name in a message's bytes (msgpack keeps strings as they are)
    outer: for (let i = 0; i + topic.length <= bytes.length; i++) {
      for (let j = 0; j < topic.length; j++) if (bytes[i + j] !== topic[j]) continue outer;
      return true;
    }
    return false;
  };
  const count = (data) => {
    const head = (b) => new Uint8Array(b, 0, Math.min(b.byteLength, 200));  // the id is near the start
    if (typeof data === 'string') { if (data.includes('trame.state.topic')) c.updates++; }
    else if (data instanceof ArrayBuffer) { if (has(head(data))) c.updates++; }
    else if (data instanceof Blob) data.slice(0, 200).arrayBuffer().then((b) => has(head(b)) && c.updates++);
  };
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (e) => count(e.data));
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  let drew = false;
  for (const C of [window.WebGL2RenderingContext, window.WebGLRenderingContext]) {
    if (!C) continue;
    for (const name of ['drawArrays', 'drawElements']) {
      const orig = C.prototype[name];
      C.prototype[name] = function (...a) {
        if ((name === 'drawArrays' ? a[2] : a[1]) >= MIN_VERTICES) drew = true;
        return orig.apply(this, a);
      };
    }
  }
  const tick = () => { if (drew) { c.pictures++; drew = false; } requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();
""".replace("MIN_VERTICES", str(MIN_VERTICES))


@pytest.fixture
def counted(browser):
    ctx = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
    ctx.add_init_script(COUNT)
    yield ctx.new_page()
    ctx.close()


def counts(page) -> tuple[int, int]:
    c = page.evaluate("window.__pmCount")
    return c["updates"], c["pictures"]


def test_playing_sends_no_more_updates_than_the_page_draws(server_url, counted):
    page = counted
    open_app(page, server_url, "?tooth=85&mode=student&procedure=pulpotomy&step=3")  # the crown pulp goes
    time.sleep(2.0)  # the step's camera move lands
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for(state="visible", timeout=15000)
    page.wait_for_timeout(500)
    before = canvas_image(page)
    u0, p0 = counts(page)
    page.wait_for_timeout(5000)
    u1, p1 = counts(page)
    after = canvas_image(page)
    assert page.get_by_role("button", name="Pause", exact=True).is_visible(), "still playing at the end"
    updates, pictures = u1 - u0, p1 - p0
    print(f"5 s of playing: {updates} state updates, {pictures} pictures drawn")
    assert updates >= 5, f"the server sent frames while playing ({updates} in 5 s)"
    assert updates <= pictures + 1, f"{updates} state updates for {pictures} pictures drawn"
    # and the pictures moved: the removal front turned red pulp pale between the two (the camera stays)
    changed = (np.abs(after - before).sum(-1) > 60) & red_mask(before)
    assert changed.sum() > 100, f"the pulp's pixels did not change while playing ({changed.sum()})"
