"""Pictures of the chairside story from the real app in Chromium (for the README).

    .venv/bin/python docs/story_shots.py [--out docs/img]

Starts ``app.py`` on a free port, opens each story state by URL or by tapping, and saves the 3D view
(600 x 450, beside the control panel): infection-{none,dentin,crown,roots}.png, successor.png,
space-lost.png, space-kept.png.
"""

from __future__ import annotations

import argparse
import io
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
        "--use-angle=swiftshader", "--no-first-run"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app() -> Iterator[str]:
    """Start ``app.py`` on a free port; yield its base URL once it serves; stop it afterwards."""
    port = _port()
    cmd = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "index.html", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def _wait_still(page, seconds=1.2, timeout=30.0) -> bytes:
    """A screenshot (of a page or element) once two in a row are identical."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        png = page.screenshot()
        if png == last or time.monotonic() > deadline:
            return png
        last = png
        time.sleep(seconds)


def _save(png: bytes, path: Path) -> None:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    if img.size != (600, 450):
        img = img.resize((600, 450), Image.LANCZOS)
    img.save(path, optimize=True)
    print(path, f"{path.stat().st_size // 1024} KB")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ctx = browser.new_context(viewport={"width": 940, "height": 450}, device_scale_factor=1)
        page = ctx.new_page()

        def shot(query: str, name: str, before=None, settle=2.0):
            if a.only and a.only not in name:
                return
            page.goto(base + query)
            page.wait_for_selector(".pm-view canvas", timeout=30000)
            time.sleep(settle)
            if before:
                before(page)
            page.add_style_tag(content=".pm-cameras { display: none !important; }")
            _save(_wait_still(page.locator(".pm-view-wrap")), out / f"{name}.png")

        for extent in ("none", "dentin", "crown", "roots"):
            shot(f"?tooth=85&infection={extent}&view=buccal", f"infection-{extent}")
        shot("?tooth=85&xray=1&successor=1&view=buccal", "successor")

        def scene(title):
            def run(pg):
                pg.get_by_role("button", name=title, exact=True).click()
                pg.get_by_role("status", name="Room").wait_for(state="visible", timeout=60000)
                time.sleep(1.0)
            return run

        # the scenes' captions take room over the view: a larger view, scaled down to 600 x 450
        page.set_viewport_size({"width": 1140, "height": 600})
        shot("?tooth=85", "space-lost", scene("If the tooth is lost early"))
        shot("?tooth=85", "space-kept", scene("If the tooth is kept"))
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
