"""Accessible names on trame widgets: the browser tests and screen readers find controls by them."""

from __future__ import annotations


def aria(label=None, **attrs) -> dict:
    """Keyword arguments that put ARIA attributes (``aria-label``, ``role``, ...) on a trame widget."""
    if label is not None:
        attrs["aria_label"] = label
    return {"__properties": [(k, k.replace("_", "-")) for k in attrs], **attrs}


def words(key: str) -> str:
    """Visible text bound to the session's language: ``{{ ui.<key> }}`` (``viewer.i18n.ui_words``)."""
    return f"{{{{ ui.{key} }}}}"


def named(key: str, **attrs) -> dict:
    """``aria`` with the accessible name in the session's language (English by default: the test handles)."""
    return aria((f"ui.{key}",), **attrs)
