"""In-process tests of the child's age and the variant in the viewer: state, URL, guideline, quiz."""

from __future__ import annotations

from meshes import load_tooth
from viewer.growth.model import clean_age, clean_variant, tooth_key
from viewer.story.model import quiz_targets
from viewer.url_state import parse_query, to_query


def set_state(app, **values):
    with app.state:
        for k, v in values.items():
            app.state[k] = v


def test_ages_are_quantised_before_any_cache():
    assert [clean_age(v) for v in ("7.3", 7.24, "40", -3, "", None, "nan", "inf", "x", True)] == [
        7.5, 7.0, 11.0, 3.0, None, None, None, None, None, None]
    assert {tooth_key("85", clean_age(f"{7 + i / 1000}"), None) for i in range(400)} == {"85@7", "85@7.5"}
    assert clean_variant("85", "THREE-canals ") == "three-canals"
    assert clean_variant("85", "four-canals") is None  # the default configuration: the default tooth
    assert clean_variant("54", "three-canals") is None  # another kind's variant


def test_default_view_is_the_default_tooth(app):
    s = app.state
    assert s.age is None and app.tooth_key == "85" and s.age_marker is None and s.age_advice == ""
    assert app.tooth_model() is load_tooth("85")
    assert s.variant == "four-canals" and s.variant_text == "4 canals, 2 roots: 73 % of 487 teeth"
    assert "age=" not in s.url_query and "variant=" not in s.url_query


def test_age_shortens_the_roots_moves_now_and_round_trips(app):
    full = load_tooth("85")
    before = app.state.mesh_src["dentin"]
    set_state(app, age="8.6")  # a client's value, quantised to the engine's stage
    s = app.state
    assert s.age == 8.5 and app.tooth_key == "85@8.5" and not s.age_preparing
    tooth = app.tooth_model()
    assert tooth.age_years == 8.5 and tooth.resorbed_fraction > 0.33
    assert tooth.volumes_mm3["root_pulp"] < full.volumes_mm3["root_pulp"]
    assert s.mesh_src["dentin"] not in (None, before)  # the staged tooth's meshes were sent
    assert s.age_marker == round(100 * 8.5 / 13, 2)
    assert s.age_text == "8.5 years" and "melting" in s.age_roots
    assert "age=8.5" in s.url_query and parse_query(s.url_query).age == 8.5
    assert to_query(parse_query(s.url_query)) == s.url_query
    set_state(app, tooth="84")  # another tooth at the same age
    assert app.tooth_key == "84@8.5" and app.tooth_model().age_years == 8.5 and "age=8.5" in s.url_query
    set_state(app, tooth="85", age=None)
    assert app.tooth_key == "85" and s.age_marker is None and "age=" not in s.url_query


def test_guideline_message_with_roots_infected_past_the_line(app):
    set_state(app, infection="roots")
    s = app.state
    assert s.indicated["procedure"] == "pulpectomy" and s.age_advice == ""
    set_state(app, age=4)
    assert s.age_advice == ""  # complete roots: a pulpectomy is still within the guideline
    set_state(app, age=8.5)
    assert "space maintainer" in s.age_advice and "AAPD" in s.age_advice
    assert "root-canal" in s.age_advice  # a parent's plain words
    set_state(app, mode="student")
    assert "extraction" in s.age_advice and "AAPD" in s.age_advice
    assert s.age_roots.startswith("Most resorbed root: ") and "33 %" in s.age_roots
    set_state(app, lang="es")
    assert "mantenedor de espacio" in s.age_advice and s.age_text == "8,5 años"
    set_state(app, infection="crown")
    assert s.age_advice == ""


def test_variant_changes_canals_quiz_and_url(app):
    set_state(app, mode="student")
    s = app.state
    canals_before = load_tooth("85").canal_names
    set_state(app, variant="three-canals")
    assert app.tooth_key == "85~three-canals" and s.variant == "three-canals"
    tooth = app.tooth_model()
    assert len(tooth.canal_names) == 3 < len(canals_before) == 4
    assert s.canal_text.startswith("3 canals")
    assert s.variant_text == "3 canals, 2 roots: 25 % of 487 teeth"
    canals = {t["name"] for t in quiz_targets(tooth) if t["kind"] == "canal"}
    assert canals == {c.removesuffix(" canal") for c in tooth.canal_names} and len(canals) == 3
    for target in (t for t in quiz_targets(tooth) if t["kind"] == "canal"):  # tap-to-name follows it
        app.on_pick({"representationId": "root_pulp", "worldPosition": target["at"]})
        assert target["name"] in s.pick_text
    assert "variant=three-canals" in s.url_query
    set_state(app, variant="no-such-thing")
    assert s.variant == "four-canals" and app.tooth_key == "85" and "variant=" not in s.url_query
    set_state(app, variant="three-canals")
    set_state(app, tooth="54")  # another kind: the variant does not apply
    assert app.tooth_key == "54" and "variant=" not in s.url_query


def test_url_opens_at_an_age_and_variant(app):
    with app.state:  # as at connect time: the state's changes are flushed (and their handlers run) after
        app.apply_params(parse_query("?tooth=85&age=8.5&variant=three-canals&mode=student"))
    s = app.state
    assert app.tooth_key == "85@8.5~three-canals" and s.age == 8.5 and s.variant == "three-canals"
    assert "age=8.5&variant=three-canals" in s.url_query


def test_a_burst_of_ages_builds_only_the_newest_off_the_loop(app):
    """A client sending many ages: the session answers while the stage loads, and only the newest shows."""
    import asyncio

    shown = []

    async def burst():
        for value in ("3.1", "5.2", "nan", "8.6"):
            set_state(app, age=value)
        assert app.state.age_preparing and app.tooth_key == "85"  # the old tooth stays until the new one
        set_state(app, xray=True)  # the session still answers meanwhile
        shown.append(app.state.property_enamel["opacity"])
        while app.state.age_preparing:
            await asyncio.sleep(0.05)

    asyncio.run(burst())
    assert shown[0] < 1.0 and app.tooth_key == "85@8.5" and app.state.age == 8.5
    assert "age=8.5" in app.state.url_query

    async def back():  # asked for an age, then for none again before it came: none stays
        set_state(app, age="4")
        set_state(app, age="8.5")
        while app.state.age_preparing:
            await asyncio.sleep(0.05)

    asyncio.run(back())
    assert app.tooth_key == "85@8.5" and app.state.age == 8.5 and not app.state.age_preparing
