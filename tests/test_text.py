"""Languages: every text in English and Spanish, missing ones listed, fallback to English."""

from __future__ import annotations

import pytest

import scenes.text as text_module
from scenes.errors import SceneError
from scenes.text import english, languages, missing, text, texts, unknown


def test_english_and_spanish_are_offered():
    assert languages() == {"en": "English", "es": "Español"}


@pytest.mark.parametrize("code", ["es"])
def test_every_text_is_translated(code):
    # The list is the report: any caption, note or label added in English without its translation shows here.
    assert missing(code) == [], f"{code} lacks {len(missing(code))} texts: {missing(code)}"
    assert unknown(code) == [], f"{code} has texts nothing uses: {unknown(code)}"


def test_spanish_differs_from_english_where_it_should():
    en, es = texts("en"), texts("es")
    assert es["ui.enamel"] == "Esmalte" and en["ui.enamel"] == "Enamel"
    assert es["timeline.pulpotomy.steps.remove-crown-pulp.caption"].startswith("Se retira con cuidado")
    assert es["infection.roots.why"] != en["infection.roots.why"]
    same = [k for k in en if es[k] == en[k] and k.endswith("caption")]
    assert same == [], f"captions left in English: {same}"


def test_placeholders_are_filled_in_both_languages():
    figures = {"removed": "34.9", "percent": "81.3", "remaining": "8.1"}
    assert text("en", "ui.removed", **figures) == "Removed 34.9 mm³ (81.3 %) · remaining 8.1 mm³"
    assert text("es", "ui.removed", **figures) == "Retirado 34.9 mm³ (81.3 %) · quedan 8.1 mm³"


def test_a_missing_translation_falls_back_to_english(tmp_path, monkeypatch):
    (tmp_path / "en.toml").write_text((text_module.TEXT_DIR / "en.toml").read_text())
    (tmp_path / "fr.toml").write_text('language = "Français"\n[ui]\nenamel = "Émail"\n')
    monkeypatch.setattr(text_module, "TEXT_DIR", tmp_path)
    for cached in (text_module._catalogue_file, text_module.english, text_module.texts):
        cached.cache_clear()
    try:
        assert texts("fr")["ui.enamel"] == "Émail"
        assert texts("fr")["ui.dentin"] == "Dentin"  # not translated: English
        assert "ui.dentin" in missing("fr") and "ui.enamel" not in missing("fr")
        assert len(missing("fr")) == len(english()) - 1
        with pytest.raises(SceneError, match="no such language"):
            texts("xx")
    finally:
        for cached in (text_module._catalogue_file, text_module.english, text_module.texts):
            cached.cache_clear()
