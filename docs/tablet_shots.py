"""The tablet layout from the real app in Chromium, portrait and landscape (for the README).

    .venv/bin/python docs/tablet_shots.py [--out docs/img]

Starts ``app.py`` on a free port and saves tablet-portrait.png (x-ray, parent mode) and tablet-landscape.png
(a mesiodistal cut in student mode) at iPad size with touch, device pixel ratio 1.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from story_shots import ARGS, ROOT, _wait_still, running_app

SHOTS = (
    ("tablet-portrait", (820, 1180), "?tooth=85&xray=1"),
    ("tablet-landscape", (1180, 820), "?tooth=75&cut=md:0.45&mode=student"),
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    out = Path(ap.parse_args().out)
    with running_app() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, (w, h), query in SHOTS:
            ctx = browser.new_context(viewport={"width": w, "height": h}, has_touch=True, is_mobile=True,
                                      device_scale_factor=1)
            page = ctx.new_page()
            page.goto(base + query)
            page.wait_for_selector(".pm-view canvas", timeout=30000)
            time.sleep(2.5)
            img = Image.open(io.BytesIO(_wait_still(page))).convert("RGB")
            path = out / f"{name}.png"
            img.save(path, optimize=True)
            print(path, f"{path.stat().st_size // 1024} KB")
            ctx.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
