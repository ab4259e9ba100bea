"""Static assets go over the wire compressed, and decompress to exactly the files."""

from __future__ import annotations

import gzip
import re
import urllib.request

from viewer.static_cache import compressed_mirror


def _get(url: str, gzip_ok: bool) -> tuple[bytes, str | None]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.read(), response.headers.get("Content-Encoding")


def test_scripts_are_sent_gzipped_to_browsers_that_accept_it(server_url):
    index, _ = _get(server_url + "index.html", gzip_ok=False)
    scripts = re.findall(rb'src="\.?/?([^"?]+\.js)[?"]', index)
    assert scripts, "the page names no scripts"
    for script in scripts:
        url = server_url + script.decode()
        packed, encoding = _get(url, gzip_ok=True)
        plain, plain_encoding = _get(url, gzip_ok=False)
        assert plain_encoding is None
        if len(plain) >= 1024:
            assert encoding == "gzip", url
            assert gzip.decompress(packed) == plain
            assert len(packed) < 0.6 * len(plain), (url, len(packed), len(plain))


def test_mirror_links_every_file_and_compresses_text(tmp_path):
    source = tmp_path / "assets"
    (source / "sub").mkdir(parents=True)
    (source / "app.js").write_text("let x = 1;\n" * 500)
    (source / "sub" / "logo.png").write_bytes(b"\x89PNG" + bytes(2000))
    (source / "tiny.css").write_text("a{}")
    mirror = compressed_mirror(source, tmp_path / "cache")
    assert (mirror / "app.js").read_bytes() == (source / "app.js").read_bytes()
    assert gzip.decompress((mirror / "app.js.gz").read_bytes()) == (source / "app.js").read_bytes()
    assert (mirror / "sub" / "logo.png").exists() and not (mirror / "sub" / "logo.png.gz").exists()
    assert not (mirror / "tiny.css.gz").exists()  # too small to be worth it
    # A second call reuses the mirror; a changed file makes a new one.
    assert compressed_mirror(source, tmp_path / "cache") == mirror
    (source / "app.js").write_text("let y = 2;\n" * 600)
    assert compressed_mirror(source, tmp_path / "cache") != mirror
