"""In-process tests of the viewer's state logic (no browser): URL state, looks, tooth, cut, picking."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from conftest import unique_name

from app import main
from meshes import REGIONS, TOOTH_NUMBERS, load_tooth
from viewer.app import App, tooth_title
from viewer.colors import REGION_COLORS
from viewer.cut import cut_tooth, plane_normal
from viewer.mesh_store import STORE
from viewer.scene import region_look
from viewer.url_state import ViewParams, parse_query, to_query
from viewer.wire import serialized_regions


# ---------------------------------------------------------------- URL state
def test_query_round_trip():
    p = ViewParams(tooth="64", layers=("dentin", "root_pulp"), xray=True, cut="bl", cut_pos=0.3,
                   view="mesial")
    assert parse_query(to_query(p)) == p
    assert to_query(ViewParams()) == "?tooth=85"


def test_query_is_forgiving_and_canonical():
    p = parse_query("?tooth=t&layers=ROOT_PULP,bogus,enamel&xray=yes&cut=md:7&view=sideways&reconnect=auto")
    assert p.tooth == "85"  # Universal letter, any case
    assert p.layers == ("enamel", "root_pulp")  # anatomical order, unknown names dropped
    assert p.xray is True
    assert (p.cut, p.cut_pos) == ("md", 0.95)  # clamped into the tooth
    assert p.view is None
    assert to_query(p).endswith("&reconnect=auto")  # trame's own option survives
    p = parse_query("?tooth=99&cut=zz:0.2", default_tooth="74")
    assert p == ViewParams(tooth="74", unknown_tooth="99")  # the default, and the error to show
    assert parse_query("?layers=").layers == ()
    assert parse_query("?cut=bl:nan").cut_pos == 0.5


def test_tooth_titles_show_both_numberings():
    assert tooth_title("85") == "85 (T) – lower right second molar"
    assert tooth_title("b") == "54 (B) – upper right first molar"
    assert len({tooth_title(c) for c in TOOTH_NUMBERS}) == 8


# ---------------------------------------------------------------- looks
def test_region_look_visibility_and_xray():
    assert region_look("dentin", False, False)["actor"]["visibility"] is False
    for region in REGIONS:
        look = region_look(region, True, True)
        assert look["property"]["color"] == list(REGION_COLORS[region])
        if region in ("enamel", "dentin"):
            assert look["property"]["opacity"] < 0.5 and look["actor"]["pickable"] is False
        else:
            assert look["property"]["opacity"] == 1.0 and look["actor"]["pickable"] is True
    assert REGION_COLORS["crown_pulp"] != REGION_COLORS["root_pulp"]


# ---------------------------------------------------------------- the app
def test_url_restores_state(app):
    app.on_client_url("?tooth=75&layers=crown_pulp,root_pulp&xray=1&cut=md:0.4&view=buccal")
    s = app.state
    assert s.tooth == "75" and s.xray is True and s.cut_plane == "md" and s.cut_pos == 0.4
    assert [s[f"layer_{r}"] for r in REGIONS] == [False, False, True, True]
    assert s.actor_enamel["visibility"] is False and s.actor_crown_pulp["visibility"] is True
    assert s.property_dentin["opacity"] < 1
    assert s.url_query == "?tooth=75&layers=crown_pulp%2Croot_pulp&xray=1&cut=md%3A0.40&view=buccal"
    assert s.camera_request["focalPoint"] == pytest.approx(list(load_tooth("75").center))
    assert s.tooth_name.startswith("75 (K)")


def test_layer_toggle_changes_representation_and_url(app):
    with app.state:
        app.state.layer_enamel = False
    assert app.state.actor_enamel["visibility"] is False
    assert app.state.actor_dentin["visibility"] is True
    assert "layers=dentin%2Ccrown_pulp%2Croot_pulp" in app.state.url_query
    with app.state:
        app.state.xray = True
    assert app.state.property_dentin["opacity"] < 1 and "xray=1" in app.state.url_query


def test_tooth_change_sends_new_meshes_and_numbers(app):
    before = app.state.mesh_src["enamel"]
    with app.state:
        app.state.tooth = "54"
    assert app.state.mesh_src["enamel"] not in (None, before)
    assert app.state.mesh_src["enamel"] == STORE.url(serialized_regions("54", None, 0.0)["enamel"])
    assert app.state.tooth_name.startswith("54 (B)")
    volumes = {row["region"]: row["value"] for row in app.state.volume_rows}
    assert volumes["crown_pulp"] == f"{load_tooth('54').volumes_mm3['crown_pulp']:.1f} mm³"
    assert len(app.state.dimension_rows) >= 4
    assert app.state.url_query.startswith("?tooth=54")


def test_cut_replaces_meshes_with_capped_halves(app):
    whole = app.state.mesh_src["dentin"]
    with app.state:
        app.state.cut_plane = "md"
    cut = app.state.mesh_src["dentin"]
    assert cut is not whole and "cut=md%3A0.50" in app.state.url_query
    assert app.state.camera_view == "buccal"  # the view turns to face the cut
    with app.state:
        app.state.cut_pos = 0.3
    assert app.state.mesh_src["dentin"] != cut
    with app.state:
        app.state.cut_plane = "off"
    assert app.state.mesh_src["dentin"] == whole  # shared, cached serialization


def test_cut_regions_are_closed_and_on_one_side():
    tooth = load_tooth("85")
    halves = cut_tooth("85", "md", 0.5)
    n = plane_normal(tooth, "md")
    for region, mesh in halves.items():
        full = tooth.regions[region]
        assert mesh.n_points > 0, region
        assert mesh.n_open_edges == 0, f"{region} cut must be capped"
        assert mesh.volume < full.volume
        depth = (mesh.points - tooth.center) @ n
        assert depth.max() <= ((full.points - tooth.center) @ n).max()


def test_pick_names_the_structure(app):
    tooth = load_tooth("85")
    point = tooth.regions["root_pulp"].points[0]
    app.on_pick({"representationId": "root_pulp", "worldPosition": list(map(float, point))})
    expected = tooth.describe_point("root_pulp", tuple(point))
    assert app.state.pick_text == expected  # parent mode (default): the name, no numbers
    with app.state:
        app.state.mode = "student"
    app.on_pick({"representationId": "root_pulp", "worldPosition": list(map(float, point))})
    assert app.state.pick_text.startswith(f"{expected} · ") and app.state.pick_text.endswith(" mm³")
    app.on_pick(None)  # a tap on the background clears it
    assert app.state.pick_text == ""


def test_student_tap_shows_the_part_own_volume(student):
    """Defect 6: a tapped canal showed its whole region's volume (8.1 mm³ for a 1.76 mm³ canal)."""
    tooth = load_tooth("85")
    pts = tooth.regions["root_pulp"].points
    seen = {}
    for p in pts[:: max(1, len(pts) // 400)]:
        structure = tooth.structure_at("root_pulp", tuple(map(float, p)))
        if structure.part == "canal":
            seen.setdefault(structure.name, p)
    assert len(seen) == len(tooth.canal_names)
    for name, p in seen.items():
        student.on_pick({"representationId": "root_pulp", "worldPosition": list(map(float, p))})
        volume = tooth.canal_volumes_mm3[f"{name} canal"]
        assert student.state.pick_text.endswith(f" · {volume:.1f} mm³"), student.state.pick_text
    assert tooth.canal_volumes_mm3["mesiobuccal canal"] < tooth.volumes_mm3["root_pulp"] / 2
    # a cusp has no figure of its own: the tissue's volume, said to be the tissue's
    enamel = tooth.regions["enamel"].points
    top = enamel[int(np.argmax(enamel @ np.asarray(tooth.axes["occlusal"])))]
    student.on_pick({"representationId": "enamel", "worldPosition": list(map(float, top))})
    assert student.state.pick_text.endswith(f"· Enamel: {tooth.volumes_mm3['enamel']:.1f} mm³")
    with student.state:
        student.state.lang = "es"
    student.on_pick({"representationId": "enamel", "worldPosition": list(map(float, top))})
    spanish = f"{tooth.volumes_mm3['enamel']:.1f}".replace(".", ",")  # decimal comma
    assert student.state.pick_text.endswith(f"· Esmalte: {spanish} mm³")
    assert "conducto mesiovestibular" in student.state.canal_text and "canal" not in student.state.canal_text


def test_camera_presets_follow_tooth_axes(app):
    tooth = load_tooth("85")
    for name in ("occlusal", "buccal", "lingual", "mesial", "distal"):
        app.camera_preset(name)
        req = app.state.camera_request
        direction = [p - f for p, f in zip(req["position"], req["focalPoint"], strict=True)]
        assert direction == pytest.approx([100 * c for c in tooth.axes[name]])
        assert f"view={name}" in app.state.url_query
    app.camera_preset("reset")
    assert "view=" not in app.state.url_query


def test_sessions_do_not_share_state():
    a, b = App(unique_name()), App(unique_name())
    for x in (a, b):
        x.state.ready()
        x.apply_params(parse_query("?tooth=85"))
    with a.state:
        a.state.xray = True
        a.state.tooth = "64"
    assert b.state.xray is False and b.state.tooth == "85"
    assert b.state.property_enamel["opacity"] == 1.0


# ---------------------------------------------------------------- command line
def test_cli_rejects_bad_tooth_and_ports(capsys):
    assert main(["--tooth", "99", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "85" in err and err.count("\n") == 1
    assert main(["--port", "70000"]) == 2
    assert main(["--port", "eighty"]) == 2
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--host", "127.0.0.1", "--port", str(port)]) == 2
    assert "already in use" in capsys.readouterr().err


def test_the_panel_is_its_own_template_compiled_when_it_first_mounts(app):
    """The browser compiles a template string when it first renders it: the panel's is not the page's, so
    it is compiled once the panel mounts, after the view's first picture (issue 16)."""
    from viewer.page.panel import PANEL_TEMPLATE

    main = app.server.state["trame__template_main"]
    panel = app.server.state[f"trame__template_{PANEL_TEMPLATE}"]
    assert f'<trame-template templateName="{PANEL_TEMPLATE}" />' in main
    body = main[main.index('class="pm-panel-body"'):]
    assert body.index('v-if="panel_ready"') < body.index("<trame-template")  # mounted after the picture
    for control in ('v-model="cut_pos"', 'v-model="cut_plane"', "volume_rows", "dimension_rows"):
        assert control in panel and control not in main, control
    assert len(panel) > len(main) / 2  # most of what was compiled before the first picture
