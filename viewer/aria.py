"""Accessible names on trame widgets: the browser tests and screen readers find controls by them."""

from __future__ import annotations


def aria(label=None, **attrs) -> dict:
    """Keyword arguments that put ARIA attributes (``aria-label``, ``role``, ...) on a trame widget."""
    if label is not None:
        attrs["aria_label"] = label
    return {"__properties": [(k, k.replace("_", "-")) for k in attrs], **attrs}
