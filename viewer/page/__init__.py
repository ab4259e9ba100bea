"""The page: the 3D view with its overlays (``view``), the panel (``panel``), the CSS (``style``),
accessible names (``aria``) and the static script the page loads first (``static/``)."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"  # served at pm3d/ (viewer/app.py); early.js, loading.tpl (serve.py)
