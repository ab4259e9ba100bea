"""Access on a shared server (issue 12): passes that expire and can be revoked, a lockout behind a proxy
that one student cannot turn against the class, an empty code refused, a damaged cache rebuilt before
anyone is served."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import ROOT, free_port, start_server, stop_server

CODE = "molar-2468"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_code(url: str, code: str, forwarded_for: str | None = None) -> tuple[int, str]:
    data = urllib.parse.urlencode({"code": code, "next": ""}).encode()
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    req = urllib.request.Request(url + "login", data=data, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=20) as r:
            return r.status, r.headers.get("Set-Cookie", "").split(";")[0]
    except urllib.error.HTTPError as e:
        return e.code, (e.headers.get("Set-Cookie") or "").split(";")[0]


def page_status(url: str, cookie: str) -> int:
    req = urllib.request.Request(url + "vue.global.js", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture(scope="module")
def behind_proxy():
    """A locked server that believes X-Forwarded-For from 127.0.0.1 (standing in for nginx)."""
    proc, url = start_server(["--access-code", CODE, "--trusted-proxy", "127.0.0.1"])
    yield proc, url
    stop_server(proc)


def test_one_students_wrong_codes_do_not_lock_out_the_class(behind_proxy):
    _, url = behind_proxy
    statuses = [post_code(url, f"guess-{i}", "192.168.5.10")[0] for i in range(6)]
    assert statuses[0] == 401 and statuses[-1] == 429  # that student is locked out
    assert post_code(url, CODE, "192.168.5.10")[0] == 429
    status, cookie = post_code(url, CODE, "192.168.5.11")  # a classmate behind the same proxy is not
    assert status == 303 and cookie.startswith("pm3d_access=")
    # a forged leftmost entry does not help the locked-out student (the proxy appends the real one)
    assert post_code(url, CODE, "192.168.5.99, 192.168.5.10")[0] == 429


def test_sighup_revokes_every_pass(behind_proxy):
    proc, url = behind_proxy
    status, cookie = post_code(url, CODE, "192.168.5.20")
    assert status == 303 and page_status(url, cookie) == 200
    os.kill(proc.pid, signal.SIGHUP)
    deadline = time.monotonic() + 20
    while page_status(url, cookie) != 403 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None and page_status(url, cookie) == 403  # still serving; the pass is gone
    status, fresh = post_code(url, CODE, "192.168.5.20")
    assert status == 303 and page_status(url, fresh) == 200


def test_passes_expire():
    proc, url = start_server(["--access-code", CODE, "--pass-hours", str(2 / 3600)])  # two seconds
    try:
        status, cookie = post_code(url, CODE)
        assert status == 303 and page_status(url, cookie) == 200
        time.sleep(3)
        assert page_status(url, cookie) == 403
    finally:
        stop_server(proc)


def test_forwarded_for_ignored_without_a_trusted_proxy(locked_server_url):
    url, code = locked_server_url
    for i in range(6):  # a student rotating made-up addresses is still one client
        post_code(url, f"guess-{i}", f"10.0.0.{i}")
    assert post_code(url, code, "10.0.0.200")[0] == 429


def test_empty_access_code_refused_with_a_clear_message():
    args = [sys.executable, str(ROOT / "app.py"), "--port", str(free_port()), "--access-code", ""]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--access-code is empty" in r.stderr


def test_bad_limits_refused():
    for bad in (["--trusted-proxy", "nginx"], ["--sessions-per-client", "0"], ["--export-minutes", "0"]):
        args = [sys.executable, str(ROOT / "app.py"), "--port", str(free_port()), *bad]
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and r.stderr.startswith("error: "), (bad, r.stderr)


def test_damaged_cache_of_another_tooth_is_rebuilt_before_serving(tmp_path):
    """Item 7: a damaged file for tooth 55 used to be rebuilt on the shared loop when a student opened it."""
    from meshes import DEFAULT_SPACING
    from meshes import cache as mesh_cache

    source = mesh_cache.cache_dir()
    for f in source.glob("*.npz"):
        shutil.copy2(f, tmp_path / f.name)
    kind = "maxillary_second"  # tooth 55; the server starts on 85
    key = mesh_cache.cache_key(kind, DEFAULT_SPACING)
    path = tmp_path / f"{kind}-{key}.npz"
    assert path.exists()
    data = bytearray(path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\xff" * 64  # bit rot in the middle
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError):
        mesh_cache.load(path, key)
    env = {**os.environ, "PRIMARY_MOLAR_CACHE": str(tmp_path)}
    port = free_port()
    args = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        line = ""
        deadline = time.monotonic() + 120
        while "App running at" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "server exited"
        assert "App running at" in line
        model = mesh_cache.load(path, key)  # by the time anyone is served, the file is whole again
        assert model.kind == kind
    finally:
        proc.terminate()
        proc.wait(20)
