"""The page: the 3D view with its overlays (``view``), the panel (``panel``), the CSS (``style``),
accessible names (``aria``) and the static script the page loads first (``static/``)."""
