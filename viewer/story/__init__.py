"""The chairside story: infection extent, parent or student mode, the successor, the space scenes.

``model`` (pure looks, poses, texts, quiz targets), ``logic`` (the session's story and space player and the
typed ``SpaceState``), ``ui`` (its panel sections and overlays).
"""
