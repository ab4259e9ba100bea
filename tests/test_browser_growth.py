"""The child's age and the variants in Debian's Chromium (iPad profile): the roots shorten on screen, the
guideline's word appears, a variant changes the canals shown and named, the URL keeps both."""

from __future__ import annotations

import numpy as np
import pytest
from test_browser import open_app, settled, tooth_mask

from meshes import load_tooth

pytestmark = pytest.mark.browser


def lowest_row(img) -> int:
    return int(np.nonzero(tooth_mask(img).any(axis=1))[0].max())


def age_to_oldest(page):
    """The age slider by keyboard (as a switch-access user does): End puts it at the oldest stage."""
    thumb = page.locator(".pm-age .v-slider-thumb")
    thumb.focus()
    page.keyboard.press("End")


def test_age_shortens_the_roots_on_screen(server_url, tablet):
    before = open_app(tablet, server_url, "?tooth=85&view=buccal")
    assert tablet.locator("#pm-age-text").inner_text().startswith("No age")
    bottom = lowest_row(before)
    age_to_oldest(tablet)
    tablet.wait_for_url("**age=11**", timeout=60000)
    after = settled(tablet, lambda im: lowest_row(im) < bottom - 15, timeout=60,
                    what="shorter roots")
    rise = bottom - lowest_row(after)
    height = bottom - int(np.nonzero(tooth_mask(before).any(axis=1))[0].min())
    # the most resorbed root keeps a stub: the tooth's outline loses a good part of its root length
    assert rise > 0.15 * height, (rise, height)
    was_root = tooth_mask(before)[bottom - 3]
    assert was_root.any() and not tooth_mask(after)[bottom - 3].any(), "root rows became background"
    assert tablet.locator("#pm-age-text").inner_text() == "11 years"
    assert not tablet.locator("#pm-age-preparing").is_visible()


def test_guideline_word_at_an_old_age_with_infected_roots(server_url, tablet):
    open_app(tablet, server_url, "?tooth=85&infection=roots&view=buccal")
    status = tablet.get_by_role("status", name="Indicated procedure")
    assert status.inner_text().startswith("Pulpectomy") and "space maintainer" not in status.inner_text()
    age_to_oldest(tablet)
    tablet.wait_for_url("**age=11**", timeout=60000)
    tablet.locator("#pm-age-advice").wait_for(state="visible", timeout=60000)
    text = status.inner_text()
    assert "space maintainer" in text and "AAPD" in text and "American Academy of Pediatric Dentistry" in text


def test_variant_changes_the_canals_shown_and_named(server_url, tablet):
    query = "?tooth=85&layers=root_pulp&view=mesial&mode=student"
    before = open_app(tablet, server_url, query)
    assert tablet.locator("#pm-variant-text").inner_text() == "4 canals, 2 roots: 73 % of 487 teeth"
    tablet.get_by_role("combobox", name="Root and canal variant").tap(force=True)
    tablet.get_by_role("option", name="3 canals, 2 roots: 25 % of 487 teeth").tap()
    tablet.wait_for_url("**variant=three-canals**", timeout=60000)
    after = settled(tablet, lambda im: (tooth_mask(im) != tooth_mask(before)).sum() > 200, timeout=60,
                    what="the variant's canals")
    assert (tooth_mask(after) != tooth_mask(before)).sum() > 200
    names = load_tooth("85", variant="three-canals").canal_names
    assert tablet.get_by_text(f"{len(names)} canals:").first.inner_text().startswith("3 canals")
    assert tablet.locator("#pm-variant-text").inner_text() == "3 canals, 2 roots: 25 % of 487 teeth"


def test_url_round_trips_age_and_variant(server_url, tablet):
    open_app(tablet, server_url, "?tooth=85&age=8.4&variant=three-canals&mode=student")
    tablet.wait_for_url("**age=8.5&variant=three-canals**", timeout=60000)
    assert tablet.locator("#pm-age-text").inner_text() == "8.5 years"
    tablet.reload()
    tablet.wait_for_selector(".pm-view canvas", timeout=30000)
    tablet.locator("#pm-age-text").get_by_text("8.5 years").wait_for(timeout=60000)
    assert "age=8.5&variant=three-canals" in tablet.url
    assert tablet.locator("#pm-variant-text").inner_text().startswith("3 canals")
