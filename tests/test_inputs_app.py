"""Client values are made canonical before any cache or computation: a slider past its end or another
spelling of a tooth costs nothing, an unknown tooth says so on screen (in-process App, real trame state)."""

from __future__ import annotations

import asyncio

from meshes import load_tooth
from meshes.model import _load_tooth  # the engine's in-memory cache behind load_tooth
from meshes.section import section_mm
from viewer.cut import cut_tooth
from viewer.mesh_store import STORE
from viewer.url_state import parse_query
from viewer.wire import serialized_regions


def test_300_cut_positions_above_the_max_are_one_computation(app):
    with app.state:
        app.state.cut_plane = "md"
    before = cut_tooth.cache_info().misses
    for i in range(300):
        with app.state:
            app.state.cut_pos = 1.0 + i * 0.37
        assert app.state.cut_pos == 0.95
    assert cut_tooth.cache_info().misses - before <= 1, "every value above the max is the same cut"
    assert "cut=md%3A0.95" in app.state.url_query
    with app.state:
        app.state.cut_pos = "0.333"  # quantised to the 1 % step
    assert app.state.cut_pos == 0.33
    assert "cut=md%3A0.33" in app.state.url_query


def test_150_spellings_of_one_tooth_are_one_cache_entry(app):
    load_tooth("85")
    sizes = (_load_tooth.cache_info().currsize, serialized_regions.cache_info().currsize)
    spellings = [" " * i + code + " " * j for code in ("85", "t", "T") for i in range(10) for j in range(5)]
    assert len(set(spellings)) == 150
    for code in spellings:
        with app.state:
            app.state.tooth = code
        assert app.state.tooth == "85"
    assert (_load_tooth.cache_info().currsize, serialized_regions.cache_info().currsize) == sizes
    assert app.state.url_query.startswith("?tooth=85")
    assert app.state.tooth_error == ""


def test_unknown_tooth_keeps_the_tooth_and_says_so(app):
    with app.state:
        app.state.tooth = "74"
    with app.state:
        app.state.tooth = "lower left second"
    assert app.state.tooth == "74"
    assert "lower left second" in app.state.tooth_error and "74" in app.state.tooth_error
    with app.state:
        app.state.tooth = "l"  # a real one clears the message
    assert app.state.tooth == "74" and app.state.tooth_error == ""
    app.apply_params(parse_query("?tooth=99&lang=es"))
    assert app.state.tooth == "85"
    assert app.state.tooth_error.startswith("Ningún molar temporal se llama «99»")


def test_a_dragged_slider_is_computed_off_the_loop_newest_first(app):
    """Defect 11 and issue 12: the cut follows the slider while it moves; a burst of positions is cut once
    or twice (the first and the newest), off the event loop, never once per position."""

    async def run():
        with app.state:
            app.state.cut_plane = "md"
        while "cut=md" not in app.state.url_query:
            await asyncio.sleep(0.01)
        before = cut_tooth.cache_info().misses
        for k in range(51):
            with app.state:
                app.state.cut_pos = 0.12 + k / 100
        while "cut=md%3A0.62" not in app.state.url_query:
            await asyncio.sleep(0.01)
        assert cut_tooth.cache_info().misses - before <= 2
        assert app.state.mesh_src["enamel"] == STORE.url(serialized_regions("85", "md", 0.62)["enamel"])

    asyncio.run(asyncio.wait_for(run(), 60))


def test_cut_says_where_it_is(app):
    with app.state:
        app.state.cut_plane = "bl"
        app.state.cut_pos = 0.25
    assert app.state.cut_text == "The mesial half is lifted away: you look in from the mesial side."
    with app.state:
        app.state.mode = "student"
    mm, depth = section_mm(load_tooth("85"), "bl", 0.25)
    assert app.state.cut_text == f"{mm:.1f} of {depth:.1f} mm from the distal surface · mesial half removed"
    assert 0.2 < mm / depth < 0.3
    with app.state:
        app.state.lang = "es"
    assert app.state.cut_text.startswith(f"a {mm:.1f}".replace(".", ","))
    with app.state:
        app.state.cut_plane = "off"
    assert app.state.cut_text == ""


def test_a_slow_drag_shows_sections_while_the_thumb_moves(app):
    """The cut follows the thumb during a drag, not only after it: each section made is shown while the
    slider has already moved on (before, every one was dropped as stale until the thumb stopped)."""

    async def run():
        with app.state:
            app.state.cut_plane = "bl"
        while "cut=bl" not in app.state.url_query:
            await asyncio.sleep(0.01)
        shown = []
        for k in range(40):  # a new position every 40 ms: faster than a section is made
            with app.state:
                app.state.cut_pos = 0.21 + k / 200
            await asyncio.sleep(0.04)
            shown.append(app.state.url_query.split("cut=bl%3A")[1][:4])
        last = f"{app.state.cut_pos:.2f}"  # the canonical last position
        while f"cut=bl%3A{last}" not in app.state.url_query:
            await asyncio.sleep(0.01)
        during = {p for p in shown if p not in ("0.50", last)}
        assert len(during) >= 2, shown

    asyncio.run(asyncio.wait_for(run(), 60))
