"""In Chromium on the iPad profile: the Spanish interface by ``?lang=es`` and by the Language control, the
screenshot button, and the access code form (wrong code refused, right code lets the tooth render)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from test_browser import has_tooth, open_app, settled, tooth_mask

from scenes.text import text

pytestmark = pytest.mark.browser


def test_spanish_interface_from_the_url(server_url, tablet):
    open_app(tablet, server_url, "?lang=es")
    for word in ("Esmalte", "Dentina", "Pulpotomía", "Pulpectomía", "Rayos X"):
        assert tablet.get_by_text(word, exact=True).first.is_visible(), word
    assert tablet.get_by_role("checkbox", name="Esmalte", exact=True).is_checked()  # Spanish names too
    assert tablet.get_by_role("checkbox", name="Enamel", exact=True).count() == 0
    tablet.get_by_role("button", name="Pulpotomía", exact=True).tap()
    caption = tablet.get_by_role("region", name="Explicación")
    first = text("es", "timeline.pulpotomy.steps.healthy.caption")
    caption.get_by_text(first[:40]).wait_for(timeout=15000)
    assert tablet.get_by_text("Paso 1 de 6", exact=False).first.is_visible()
    assert "lang=es" in tablet.url and "procedure=pulpotomy" in tablet.url
    # the Language control switches back, captions included
    # the control keeps its English name "Language" in every language: the way back for anyone lost
    tablet.get_by_role("combobox", name="Language").tap(force=True)
    tablet.get_by_role("option", name="English", exact=True).tap()
    tablet.get_by_role("region", name="Caption").get_by_text("This is a healthy baby molar").wait_for(
        timeout=15000)
    assert tablet.get_by_role("checkbox", name="Enamel", exact=True).is_visible()
    assert "lang=" not in tablet.url


def test_screenshot_button_saves_the_view(server_url, tablet):
    open_app(tablet, server_url, "?tooth=75")
    button = tablet.get_by_role("button", name="Screenshot", exact=True)
    button.scroll_into_view_if_needed()
    with tablet.expect_download(timeout=15000) as info:
        button.tap()
    download = info.value
    assert download.suggested_filename == "tooth-75.png"
    rgba = np.asarray(Image.open(download.path()).convert("RGBA")).astype(int)
    img = rgba[..., :3]
    box = tablet.locator(".pm-view canvas").bounding_box()
    assert img.shape[1] == round(box["width"]) and img.shape[0] == round(box["height"])
    # defect 4: the drawing buffer was read after it was cleared (a fully transparent PNG)
    assert (rgba[..., 3] > 250).mean() > 0.99, "the picture is opaque, as on screen"
    assert tooth_mask(img).mean() > 0.03  # the molar, not a blank buffer


def test_access_code_form(locked_server_url, tablet):
    url, code = locked_server_url
    tablet.goto(url + "?lang=es")
    field = tablet.get_by_label("Código de acceso")
    field.fill("wrong-9999")
    tablet.get_by_role("button", name="Entrar").tap()
    tablet.get_by_role("alert").get_by_text("Ese código no es correcto.").wait_for(timeout=10000)
    assert tablet.locator(".pm-view canvas").count() == 0
    tablet.get_by_label("Código de acceso").fill(code)
    tablet.get_by_role("button", name="Entrar").tap()
    tablet.wait_for_selector(".pm-view canvas", timeout=30000)
    img = settled(tablet, has_tooth, what="molar after the code")
    assert tooth_mask(img).mean() > 0.03
    assert tablet.get_by_text("Esmalte", exact=True).first.is_visible()


def test_spanish_tablet_picture_for_the_readme(server_url, tablet, tmp_path):
    """The Spanish interface mid-pulpotomy, small enough for the README. Written to docs/img/tablet-es.png
    only when PM3D_DOCS_SHOTS=1 (a test run leaves the checkout as it found it)."""
    import os

    from conftest import ROOT

    open_app(tablet, server_url, "?lang=es&infection=crown&procedure=pulpotomy&step=3")
    caption = tablet.get_by_role("region", name="Explicación")
    caption.get_by_text("Se retira con cuidado").wait_for(timeout=15000)
    tablet.wait_for_timeout(1500)
    png = tablet.screenshot()
    docs = os.environ.get("PM3D_DOCS_SHOTS") == "1"
    out = (ROOT / "docs" / "img" if docs else tmp_path) / "tablet-es.png"
    img = Image.open(io.BytesIO(png)).convert("RGB")
    img = img.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    img.save(out, optimize=True)
    assert out.stat().st_size < 200_000
