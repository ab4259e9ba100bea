"""The panel's touch-sized select and switch: one look for all of them, named in the session's language."""

from __future__ import annotations

from trame.widgets import vuetify3 as v3

from viewer.page.aria import named


def touch_select(model: str, items: str, label: str, name: str | None = None, classes: str = "pm-touch",
                 **extra) -> v3.VSelect:
    """An outlined select bound to ``model``, its options from ``items``, labelled ``ui.<label>``.

    ``name`` is the accessible name's text key (``label`` by default); ``extra`` replaces it (``aria(...)``)
    or adds props such as an icon.
    """
    props = {**named(name or label), **extra}
    return v3.VSelect(v_model=(model,), items=(items,), label=(f"ui.{label}",), density="comfortable",
                      hide_details=True, variant="outlined", classes=classes, **props)


def touch_switch(model: str, label: str, name: str | None = None, classes: str = "pm-touch") -> v3.VSwitch:
    """A compact switch bound to ``model``, labelled ``ui.<label>``, named ``ui.<name>`` (default: label)."""
    return v3.VSwitch(v_model=(model,), label=(f"ui.{label}",), **named(name or label), hide_details=True,
                      density="compact", color="primary", classes=classes)
