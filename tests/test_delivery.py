"""Issue 16's delivery, on the real server in real Chromium: compressed, content-addressed assets kept by the
browser, the icon font cut to the glyphs used (and the icons still drawn), and the meshes over HTTP: asked for
by the page itself for the tooth its URL names, once, and kept by the browser like the scripts."""

from __future__ import annotations

import hashlib
import io
import re
import urllib.request

import brotli
import numpy as np
from PIL import Image

from viewer.static_cache import ICON_RULE


def _get(url: str, encoding: str | None = None) -> tuple[bytes, dict]:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.read(), dict(response.headers)


def _wait_drawn(page, timeout=60000):
    page.wait_for_function("document.querySelector('canvas') && trame.state.get('mesh_enamel')",
                           timeout=timeout, polling=50)


def _assets(page) -> list[str]:
    return page.evaluate("[...trame.state.get('trame__scripts'), ...trame.state.get('trame__styles')]")


def test_assets_are_content_addressed_immutable_and_brotli(server_url, desktop):
    desktop.goto(server_url + "?tooth=85")
    _wait_drawn(desktop)
    assets = _assets(desktop)
    assert any("view3d.js" in a for a in assets)
    for asset in assets:
        path, version = re.fullmatch(r"(.+)\?v=([0-9a-f]{12})", asset).groups()
        plain, headers = _get(server_url + asset)
        assert hashlib.sha256(plain).hexdigest()[:12] == version, asset  # the URL names the content
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", asset
        if len(plain) > 4096:
            packed, headers = _get(server_url + asset, "br, gzip")
            assert headers.get("Content-Encoding") == "br", asset
            assert brotli.decompress(packed) == plain
            assert len(packed) < 0.5 * len(plain), (asset, len(packed), len(plain))
        # another version of the same path is not kept: the browser asks again
        _, stale = _get(server_url + path + "?v=000000000000")
        assert stale["Cache-Control"] == "no-cache"
    _, page_headers = _get(server_url + "index.html")
    assert page_headers["Cache-Control"] == "no-cache"  # the page itself is always checked


def test_the_address_the_server_prints_is_the_page_itself_not_a_redirect(server_url):
    """``/`` answers with the page (and its hints, and the cookie its websocket reads): a redirect to
    index.html cost every load a round trip before anything else could start."""
    import http.client
    import time

    host, port = server_url.split("//")[1].rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    for _ in range(20):  # a tooth no page has asked for yet comes without hints while its meshes are made
        conn.request("GET", "/?tooth=74")
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 200 and 'id="app"' in body  # the page itself
        assert 'pm3d_page="tooth=74"' in (response.getheader("Set-Cookie") or "")
        if 'as="fetch"' in body:
            break
        time.sleep(0.5)
    assert body.count('as="fetch"') == 4  # the tooth's four regions' meshes hinted
    # the loading screen is in the page, where the mount replaces it; trame's script fetched it into #app,
    # and an answer that came after the mount wrote it over the app (the page stayed on it)
    assert 'class="pm-loading"' in body and "loading.tpl" not in body
    conn.request("GET", "/?ui=nope&tooth=74")  # an unknown layout still goes to the page, without it
    gone = conn.getresponse()
    gone.read()
    assert gone.status == 302 and gone.getheader("Location") == "/?tooth=74"


def test_second_visit_takes_scripts_and_meshes_from_the_browser_cache(server_url, browser):
    ctx = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
    try:
        first = ctx.new_page()
        first.goto(server_url + "?tooth=85")
        _wait_drawn(first)
        first.close()
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        seen: dict[str, dict] = {}
        cdp.on("Network.responseReceived", lambda e: seen.__setitem__(e["response"]["url"], e["response"]))
        cached: set[str] = set()
        cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
        page.goto(server_url + "?tooth=85")
        _wait_drawn(page)
        # everything but the page, trame's loading template and its config fetch (no-cache, a 304 at most)
        scripts = {u: r for u, r in seen.items()
                   if u.startswith("http") and not re.search(r"/(index\.html|loading\.tpl)?(\?.*)?$", u)}
        assert any("view3d.js" in u for u in scripts)
        assert sum("/mesh/" in u for u in scripts) == 4, sorted(scripts)  # the tooth's four regions
        from_cache = {u for u, r in scripts.items() if r.get("fromDiskCache") or r.get("fromMemoryCache")}
        assert from_cache == set(scripts), sorted(set(scripts) - from_cache)
        assert all(r["status"] == 200 for r in scripts.values())  # not even a revalidation (304)
    finally:
        ctx.close()


def test_icon_font_holds_only_the_glyphs_used_and_icons_are_drawn(server_url, desktop):
    desktop.goto(server_url + "?tooth=85")
    _wait_drawn(desktop)
    css_url = next(a for a in _assets(desktop) if a.split("?")[0].endswith("mdi.css"))
    css, _ = _get(server_url + css_url)
    glyphs = dict(ICON_RULE.findall(css.decode()))
    assert 20 <= len(glyphs) <= 200  # a few dozen of the ~7400
    shown = set(desktop.evaluate(
        "[...document.querySelectorAll('.mdi')].flatMap(e => [...e.classList])"
        ".filter(c => c.startsWith('mdi-'))"))
    assert shown, "no icon on the page"
    assert shown <= set(glyphs), sorted(shown - set(glyphs))
    assert desktop.evaluate("document.fonts.check('24px \"Material Design Icons\"')")
    icon = desktop.locator("i.mdi:visible").first
    img = np.asarray(Image.open(io.BytesIO(icon.screenshot())).convert("L")).astype(int)
    assert img.max() - img.min() > 80, "the icon's glyph is not drawn"  # a glyph, not an empty box
    font, _ = _get(server_url + css_url.split("css/")[0] + "fonts/materialdesignicons-webfont.woff2")
    assert len(font) < 20_000  # the full font is 403 KB


def test_the_pages_own_hints_fetch_its_tooths_meshes_once_over_http(server_url, browser):
    ctx = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
    try:
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        frames: list[int] = []
        cdp.on("Network.webSocketFrameReceived",
               lambda e: frames.append(len(e["response"].get("payloadData", ""))))
        page.goto(server_url + "?tooth=74")
        _wait_drawn(page)
        page.wait_for_timeout(1500)  # the mount's report of the URL has been answered
        assert page.evaluate("trame.state.get('tooth')") == "74"
        urls = page.evaluate("Object.values(trame.state.get('mesh_src'))")
        fetched = page.evaluate("performance.getEntriesByType('resource')"
                                ".filter(r => r.name.includes('/mesh/'))"
                                ".map(r => [new URL(r.name).pathname, r.initiatorType])")
        # each region once, by the page's <link rel=preload> (before any script ran), none again
        assert sorted(fetched) == sorted(["/" + u, "link"] for u in urls), fetched
        html, _ = _get(server_url + "index.html?tooth=74")
        assert all(f'href="{u}" as="fetch"' in html.decode() for u in urls)
        body, headers = _get(server_url + urls[0], "br")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Encoding"] == "br"
        assert hashlib.sha256(brotli.decompress(body)).hexdigest()[:32] in urls[0]  # it names the content
        assert max(frames) < 200_000, frames  # no mesh over the websocket
    finally:
        ctx.close()


# The page's early script (viewer/page/static/early.js): when each event happened, in ms since navigation.
ORDER_PROBE = """
window.__pmOrder = {socket: null, state: null, scripts: {}};
const Socket = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Socket(...args);
  window.__pmOrder.socket = window.__pmOrder.socket ?? performance.now();
  ws.addEventListener('message', (e) => {  // the session's state: the first large message (the template)
    if ((e.data.size || e.data.length || 0) > 10000) window.__pmOrder.state ??= performance.now();
  });
  return ws;
};
window.WebSocket.prototype = Socket.prototype;
Object.assign(window.WebSocket, Socket);
new MutationObserver((changes) => {  // when each script element was put in the page
  for (const change of changes) for (const node of change.addedNodes) {
    if (node.tagName !== 'SCRIPT' || !node.src) continue;
    window.__pmOrder.scripts[new URL(node.src).pathname] ??= performance.now();
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_the_page_runs_its_scripts_once_while_it_connects_straight_to_its_server(server_url, browser):
    ctx = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
    try:
        ctx.add_init_script(ORDER_PROBE)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        # a link naming another socket is not followed: the page always connects to its own server
        page.goto(server_url + "?tooth=84&sessionURL=ws%3A%2F%2F127.0.0.1%3A9%2Fws")
        _wait_drawn(page)
        assert page.evaluate("trame.state.get('tooth')") == "84"
        assert "sessionURL" not in page.url  # trame's client took it out of the address bar
        assert not any("/paraview/" in u for u in requests)  # no launcher round trip before the socket
        order = page.evaluate("window.__pmOrder")
        scripts = ["/" + s.split("?")[0] for s in page.evaluate("trame.state.get('trame__scripts')")]
        assert any(s.endswith("view3d.js") for s in scripts)
        for path in scripts:
            # run once: one element for it, not trame's second one
            assert page.evaluate(f"document.querySelectorAll('script[src*=\"{path}\"]').length") == 1, path
            # put in while the socket connected, before the session's state came (trame's loader puts them
            # in after it: on a slow network a script may still finish after the state, and trame waits)
            assert order["socket"] < order["scripts"][path] < order["state"], (path, order)
        assert page.evaluate("typeof window.pm3d_view3d.install") == "function"  # what trame's Vue.use takes
        assert not errors, errors
    finally:
        ctx.close()


LOADING_PROBE = """
window.__pmLoading = {ours: null, trames: false};
new MutationObserver(() => {
  if (document.querySelector('.trame__loader')) window.__pmLoading.trames = true;
  if (window.__pmLoading.ours === null && document.querySelector('.pm-loading'))
    window.__pmLoading.ours = document.getAnimations().length;
}).observe(document, {childList: true, subtree: true});
"""


def test_the_page_waits_for_its_view_on_a_still_screen_in_the_views_colour(server_url, browser):
    """trame's loading screen spins three rings every frame until the view draws: CPU the first picture
    needs on two cores. Ours is still: the view's background and an outline."""
    ctx = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
    try:
        ctx.add_init_script(LOADING_PROBE)
        page = ctx.new_page()
        page.goto(server_url + "?tooth=85")
        _wait_drawn(page)
        assert page.evaluate("window.__pmLoading") == {"ours": 0, "trames": False}
        html, headers = _get(server_url + "loading.tpl")
        assert b"pm-loading" in html and b"@keyframes" not in html
        assert headers["Cache-Control"] == "no-cache"
        background = page.evaluate("trame.state.get('view_background')")
        assert f"rgb({', '.join(str(round(255 * c)) for c in background)})".encode() in html
    finally:
        ctx.close()


def test_a_meshs_arrays_reach_vtk_js_decoded_by_the_browser_and_equal_to_the_servers(server_url, desktop):
    import base64
    import json

    desktop.goto(server_url + "?tooth=85")
    _wait_drawn(desktop)
    url = desktop.evaluate("trame.state.get('mesh_src').enamel")
    sent = json.loads(_get(server_url + url)[0])
    shown = desktop.evaluate("""() => { const m = trame.state.get('mesh_enamel');
        const arrays = [m.mesh.points, m.mesh.strips, ...(m.pointArrays || []).map(a => a.values)];
        return arrays.map(a => [a.constructor.name, a.length, Array.from(a.slice(0, 64)),
                                Array.from(a.slice(-64))]); }""")
    wanted = [sent["mesh"]["points"], sent["mesh"]["strips"],
              *(a["values"] for a in sent.get("pointArrays", []))]
    assert len(shown) == len(wanted) >= 3  # points, strips and the shading normals
    for (kind, length, head, tail), array in zip(shown, wanted, strict=True):
        values = np.frombuffer(base64.b64decode(array["bvals"]), dtype=array["dtype"])
        assert kind == array["dtype"].capitalize() + "Array", (kind, array["dtype"])  # uint16: Uint16Array
        assert length == values.size
        assert np.array_equal(head, values[:64]) and np.array_equal(tail, values[-64:])


def _view_distance(page) -> float:
    return page.evaluate("""(() => { const k = trame.refs.view.getCamera();
        return Math.hypot(...k.position.map((p, i) => p - k.focalPoint[i])); })()""")


def test_a_camera_reset_frames_the_meshes_named_beside_it_however_late_they_come(server_url, desktop):
    """A tooth switch sends the new tooth's mesh URLs and a camera reset together; the meshes come over
    HTTP. The reset waits for them: fitted before they landed, it framed the tooth before (page.js)."""
    desktop.goto(server_url + "?tooth=85")
    _wait_drawn(desktop)
    desktop.wait_for_timeout(1000)

    def late(route):
        desktop.wait_for_timeout(600)  # a slow network: the meshes land long after the reset was asked
        route.continue_()

    desktop.route("**/mesh/**", late)
    on_85 = _view_distance(desktop)
    desktop.evaluate("window.__pmBefore = trame.state.get('mesh_enamel')")
    desktop.get_by_role("button", name="84 (S)").click()
    desktop.wait_for_function("trame.state.get('tooth') === '84'"
                              " && trame.state.get('mesh_enamel') !== window.__pmBefore", timeout=15000)
    desktop.wait_for_timeout(1500)  # the reset is done (it runs ~50 ms after the meshes landed)
    after_switch = _view_distance(desktop)
    desktop.unroute("**/mesh/**")
    desktop.get_by_role("button", name="Reset", exact=True).click()
    desktop.wait_for_timeout(1500)
    after_reset = _view_distance(desktop)
    assert abs(on_85 - after_reset) > 0.05 * on_85, (on_85, after_reset)  # the two teeth frame apart
    assert abs(after_switch - after_reset) < 0.01 * after_reset, (on_85, after_switch, after_reset)


def test_a_mesh_the_page_could_not_fetch_is_fetched_again_and_shown(server_url, desktop):
    """A mesh fetch that fails (the store let it go, the network dropped it): the page tells the server,
    which sends the same URLs again; the page fetches them again and shows the tooth (meshes.js)."""
    desktop.goto(server_url + "?tooth=85")
    _wait_drawn(desktop)
    failed: list[str] = []

    def once_missing(route):
        if not failed:
            failed.append(route.request.url)
            route.fulfill(status=404, body="gone")
        else:
            route.continue_()

    desktop.route("**/mesh/**", once_missing)
    desktop.evaluate("window.__pmBefore = trame.state.get('mesh_enamel')")
    desktop.get_by_role("button", name="84 (S)").click()
    desktop.wait_for_function("trame.state.get('tooth') === '84'", timeout=15000)
    desktop.wait_for_function("Object.keys(trame.state.get('mesh_src')).every(k =>"
                              " trame.state.get('mesh_' + k) !== undefined)"
                              " && trame.state.get('mesh_enamel') !== window.__pmBefore", timeout=15000)
    assert len(failed) == 1
