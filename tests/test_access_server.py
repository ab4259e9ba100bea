"""The access code against the real server (``app.py --access-code``): the login form, the cookie, the
websocket refused without it; and the chairside start script finds the flag."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import aiohttp
import pytest
from conftest import ROOT, free_port

CODE = "tooth-4321"  # the code conftest.locked_server_url starts with


@pytest.fixture(scope="module")
def locked_url(locked_server_url):
    url, code = locked_server_url
    assert code == CODE
    return url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post_code(url, code, next_query="lang=es"):
    data = urllib.parse.urlencode({"code": code, "next": next_query}).encode()
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url + "login", data=data, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def _get(url, cookie=None):
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


async def _ws_status(url, cookie=None):
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url.replace("http", "ws") + "ws",
                                          headers={"Cookie": cookie} if cookie else {}) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as e:
            return e.status


def test_without_the_code_only_the_form(locked_url):
    status, body = _get(locked_url)
    assert status == 200 and 'name="code"' in body and "Access code" in body
    status, body = _get(locked_url + "?lang=es")
    assert "Código de acceso" in body
    assert _get(locked_url + "index.html")[0] == 200 and 'name="code"' in _get(locked_url + "index.html")[1]
    assert _get(locked_url + "vue.global.js")[0] == 403  # the app's assets stay closed
    assert asyncio.run(_ws_status(locked_url)) == 403


def test_wrong_code_refused(locked_url):
    status, headers, body = _post_code(locked_url, "wrong-code")
    assert status == 401 and "Set-Cookie" not in headers
    assert "Ese código no es correcto." in body and 'name="code"' in body
    # a made-up cookie does not open the websocket either
    assert asyncio.run(_ws_status(locked_url, "pm3d_access=forged")) == 403


def test_right_code_accepted(locked_url):
    status, headers, _ = _post_code(locked_url, CODE.upper().replace("-", " "))  # typed loosely
    assert status == 303 and headers["Location"] == "/?lang=es"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("pm3d_access=") and "HttpOnly" in headers["Set-Cookie"]
    status, body = _get(locked_url + "index.html", cookie)
    assert status == 200 and 'name="code"' not in body
    assert _get(locked_url + "vue.global.js", cookie)[0] == 200
    assert asyncio.run(_ws_status(locked_url, cookie)) == 101


def test_guessing_is_throttled(locked_url):
    statuses = [_post_code(locked_url, f"guess-{i}")[0] for i in range(7)]
    assert statuses[0] == 401 and statuses[-1] == 429
    # the right code from a locked-out client waits too
    assert _post_code(locked_url, CODE)[0] == 429


def test_open_without_a_code(server_url):
    status, body = _get(server_url + "index.html")
    assert status == 200 and 'name="code"' not in body
    assert asyncio.run(_ws_status(server_url)) == 101


def test_bad_code_length_fails_at_start():
    args = [sys.executable, str(ROOT / "app.py"), "--port", str(free_port()), "--access-code", "ab"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "access code" in r.stderr


def test_chairside_script_finds_the_flag():
    help_text = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True,
                               text=True, check=True).stdout
    assert "--access-code" in help_text  # deploy/chairside/start.sh greps for it and then passes the code
    assert 'grep -q -- "--access-code"' in (ROOT / "deploy" / "chairside" / "start.sh").read_text()
