"""What held in issue 12's adversarial walk, kept so: the access gate on every path and method, the login
redirect and its escaping, cookie flags, path traversal, frames over 64 MB. (Stalled readers and clients
leaving mid-animation: tests/test_load.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import urllib.parse

import aiohttp
import pytest

from bench import attacks


def request(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one raw request: the path goes out exactly as written."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def locked(locked_server_url):
    return locked_server_url


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
@pytest.mark.parametrize("path", ["/vue.global.js", "/ws", "/download/abc/tooth-85.mp4", "/index.html/x",
                                  "/nope", "/__trame_vuetify/"])
def test_gate_on_every_path_and_method(locked, method, path):
    url, _ = locked
    status, _, body = request(url, method, path)
    assert status in (403, 405), (method, path, status)  # never the content
    assert b"vue" not in body.lower()[:2000] or status == 403


def test_login_redirect_escapes_and_flags(locked):
    url, code = locked
    evil = 'lang=es&x="><script>alert(1)</script>'
    status, _, body = request(url, "GET", "/index.html?" + urllib.parse.quote(evil, safe="=&"))
    assert status == 200 and b"<script>alert(1)" not in body and b"&lt;script&gt;" in body
    form = urllib.parse.urlencode({"code": code, "next": "tooth=55&lang=es"}).encode()
    status, headers, _ = request(url, "POST", "/login", form,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303 and headers["Location"] == "/?tooth=55&lang=es"
    cookie = headers["Set-Cookie"]
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="):
        assert flag in cookie, cookie
    # the redirect never leaves the site, whatever `next` says
    form = urllib.parse.urlencode({"code": code, "next": "//evil.example/"}).encode()
    status, headers, _ = request(url, "POST", "/login", form,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303 and headers["Location"].startswith("/?")


@pytest.mark.parametrize("path", ["/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/__trame_vuetify/../../../../etc/passwd", "/download/../app.py/x",
                                  "/..%2fapp.py", "/index.html%00.js"])
def test_path_traversal(server_url, path):
    status, _, body = request(server_url, "GET", path)
    assert status in (400, 403, 404), (path, status)
    assert b"root:" not in body and b"import" not in body


def test_frames_over_64_mb_refused(server_url):
    async def big():
        async with aiohttp.ClientSession() as session:
            ws = await attacks.hello_socket(session, server_url)
            with contextlib.suppress(ConnectionError):
                await ws.send_bytes(b"\0" * (65 << 20))
            return await attacks.closed_code(ws)

    assert asyncio.run(big()) in (1006, 1009)
    assert attacks.get(server_url + "index.html")[0] == 200  # and the server keeps serving
