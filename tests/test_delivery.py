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
    assert any("trame-vtk.js" in a for a in assets)
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
        assert any("trame-vtk.js" in u for u in scripts)
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
