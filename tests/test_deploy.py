"""Access code logic and the deployment files (validated statically: no Docker engine here)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from viewer.access import Throttle, check_code, generate_code, normalize, required, resolve_code

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def test_right_code_accepted_wrong_refused():
    assert check_code("molar-42", "molar-42")
    assert check_code("molar-42", " MOLAR 42 ")  # spaces, dashes and case do not matter
    assert not check_code("molar-42", "molar-43")
    assert not check_code("molar-42", "")
    assert not check_code("molar-42", None)
    assert not check_code("molar-42", "molar-42x")


def test_no_configured_code_never_matches():
    assert not check_code("", "")
    assert not check_code(None, "anything")
    assert not required(None) and not required("  ") and required("abcd")


def test_resolve_code_flag_wins_over_env():
    assert resolve_code("flag-code", {"PM3D_ACCESS_CODE": "envcode"}) == "flag-code"
    assert resolve_code(None, {"PM3D_ACCESS_CODE": "envcode"}) == "envcode"
    assert resolve_code(None, {}) is None
    with pytest.raises(ValueError):
        resolve_code("ab", {})


def test_generated_codes_are_readable_and_random():
    codes = {generate_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 6 and normalize(c) == c and not set(c) & set("01oli") for c in codes)


def test_throttle_locks_out_guessing():
    t = Throttle(limit=3, window_s=60, lock_s=100)
    for i in range(3):
        assert not t.attempt("right", f"wrong{i}", "tablet-a", now=float(i))
    assert not t.attempt("right", "right", "tablet-a", now=5.0)  # locked, even with the right code
    assert t.attempt("right", "right", "tablet-b", now=5.0)  # another client is unaffected
    assert t.attempt("right", "right", "tablet-a", now=103.0)  # lock over


def test_launcher_config():
    cfg = json.loads((DEPLOY / "classroom" / "launcher.json").read_text())
    for key in ("configuration", "apps", "properties", "resources"):
        assert key in cfg
    conf = cfg["configuration"]
    # the keys wslink's launcher refuses to start without
    for key in ("endpoint", "host", "port", "proxy_file", "sessionURL", "timeout", "log_dir", "fields"):
        assert key in conf, key
    lo, hi = cfg["resources"][0]["port_range"]
    assert 1024 < lo < hi <= 65535 and conf["port"] not in range(lo, hi + 1)
    app = cfg["apps"]["pm3d"]
    assert "${port}" in app["cmd"] and "app.py" in app["cmd"]
    assert app["ready_line"] in (ROOT / "app.py").read_text()  # the line app.py really prints


def test_launcher_config_accepted_by_wslink():
    launcher = pytest.importorskip("wslink.launcher")
    from types import SimpleNamespace

    cfg = launcher.parseConfig(SimpleNamespace(config=[str(DEPLOY / "classroom" / "launcher.json")]))
    assert cfg["apps"]["pm3d"]["cmd"][0] == "${python}"


def test_dockerfile_and_apps():
    text = (DEPLOY / "cloud" / "Dockerfile").read_text()
    froms = [ln for ln in text.splitlines() if ln.startswith("FROM ")]
    assert froms and froms[0].split()[1].startswith("kitware/trame")
    assert "entrypoint.sh build" in text
    for src in re.findall(r"^COPY\s+(?:--\S+\s+)*(\S+)\s", text, flags=re.M):
        assert (ROOT / src).exists(), src
    apps = (DEPLOY / "cloud" / "setup" / "apps.yml").read_text()
    assert re.search(r"^trame:\s*$", apps, flags=re.M) and "${port}" in apps and "app.py" in apps
    reqs = (DEPLOY / "cloud" / "setup" / "requirements.txt").read_text()
    assert "imageio-ffmpeg==" in reqs


def test_load_balancers_are_sticky():
    haproxy = (DEPLOY / "cloud" / "haproxy.cfg").read_text()
    assert re.search(r"^\s*cookie\s+\S+\s+insert", haproxy, flags=re.M)
    servers = re.findall(r"^\s*server\s+(\S+)\s+\S+.*\bcookie\s+(\S+)", haproxy, flags=re.M)
    assert len(servers) >= 2 and len({c for _, c in servers}) == len(servers)
    assert "timeout tunnel" in haproxy  # websockets survive
    nginx = (DEPLOY / "cloud" / "nginx.conf").read_text()
    upstream = re.search(r"upstream\s+\S+\s*{([^}]*)}", nginx).group(1)
    assert re.search(r"^\s*(ip_hash|hash\s+\S+)", upstream, flags=re.M)
    assert "proxy_set_header Upgrade" in nginx
    assert nginx.count("{") == nginx.count("}")


@pytest.mark.parametrize("script", sorted(p.relative_to(ROOT).as_posix() for p in DEPLOY.rglob("*.sh")))
def test_scripts_parse(script):
    path = ROOT / script
    assert path.read_text().startswith("#!/usr/bin/env bash")
    subprocess.run(["bash", "-n", str(path)], check=True)


def test_readme_covers_three_sizes():
    text = (DEPLOY / "README.md").read_text()
    for word in ("Chairside", "Classroom", "Beyond one machine", "--access-code", "PM3D_ACCESS_CODE"):
        assert word in text
