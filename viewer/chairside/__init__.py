"""Chairside: the tooth chart, search, presentation layout, themes, keyboard and motion preferences
(``chart`` and ``search`` are pure, ``logic`` holds the session part with typed state, ``ui`` the widgets)."""
