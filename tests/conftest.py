"""Shared fixtures: the real server in a subprocess, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_log(port: int) -> Path:
    """Where the test server on `port` writes what it prints (a file: a pipe nobody reads fills up and
    stops the server at its next line)."""
    return Path(tempfile.gettempdir()) / f"pm3d-test-server-{port}.log"


def start_server(extra_args=()):
    """Start ``python app.py`` on a free port (with ``extra_args``); return (process, base URL) once up."""
    port = free_port()
    with server_log(port).open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port), *extra_args],
            cwd=ROOT,
            env={**os.environ, "PRIMARY_MOLAR_LOG": "info"},  # what a failing browser test reports
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server_log(port).read_text()}")
        try:
            with urllib.request.urlopen(url + "index.html", timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("server did not start within 60 s") from None
            time.sleep(0.2)
    return proc, url


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def server_url():
    """Start ``python app.py`` on a free port; yield its base URL; stop it."""
    proc, url = start_server()
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def locked_server_url():
    """``python app.py --access-code`` on another free port: (base URL, code)."""
    code = "tooth-4321"
    proc, url = start_server(["--access-code", code])
    yield url, code
    stop_server(proc)


# Module scope, not session: Playwright's sync API keeps an event loop running in this thread while it
# lives, which would break the in-process tests that run their own loop (asyncio.run) in later modules.
@pytest.fixture(scope="module")
def playwright_instance():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def desktop(browser):
    """A small desktop page (software WebGL is slow: keep the viewport modest)."""
    ctx = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def tablet(browser, playwright_instance):
    """An iPad profile with touch, at device pixel ratio 1 to keep SwiftShader fast."""
    device = dict(playwright_instance.devices["iPad Pro 11"])
    device.pop("default_browser_type", None)
    device["device_scale_factor"] = 1
    ctx = browser.new_context(**device)
    yield ctx.new_page()
    ctx.close()


_app_names = itertools.count()


def unique_name() -> str:
    """A fresh trame server name: every in-process App needs its own."""
    return f"test-app-{next(_app_names)}"


@pytest.fixture
def app():
    """A viewer App in-process (no browser): its own trame server and state, the default view."""
    from viewer.app import App
    from viewer.url_state import parse_query

    a = App(unique_name())
    a.state.ready()
    a.apply_params(parse_query(""))
    yield a
    a.close()


@pytest.fixture
def student(app):
    """The in-process App in student mode (notes, figures and volumes shown)."""
    with app.state:
        app.state.mode = "student"
    return app
