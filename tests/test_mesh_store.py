"""The meshes' HTTP store (viewer.mesh_store), in-process: content-addressed, bounded, hostile names refused,
and a page whose fetch failed gets its meshes put back."""

from __future__ import annotations

import hashlib
import json

import brotli
from conftest import unique_name

from meshes import REGIONS
from viewer.app import App
from viewer.mesh_store import BROTLI_QUALITY, SECTION_QUALITY, STORE, MeshStore, digest_of, region_urls
from viewer.wire import serialized_regions


def _digest(url: str) -> str:
    return url.removeprefix("mesh/").removesuffix(".json")


def test_a_regions_url_names_its_content_and_serves_it_in_brotli():
    state = serialized_regions("85", None, 0.0)["enamel"]
    url = STORE.url(state)
    entry = STORE.get(_digest(url))
    assert hashlib.sha256(entry.body).hexdigest()[:32] == _digest(url)
    assert json.loads(entry.body) == json.loads(json.dumps(state))  # the state vtk.js got over the websocket
    assert brotli.decompress(entry.brotli()) == entry.body
    assert len(entry.brotli()) < 0.5 * len(entry.body)
    assert STORE.url(state) == url and STORE.url(json.loads(entry.body)) == url  # equal content, one URL
    assert region_urls("85", None, 0.0)["enamel"] == url
    again = json.loads(entry.body)  # an equal state made anew (its cache let the first go)
    assert STORE.url(again) == url and STORE.get(_digest(url)).state is again  # found by identity next time


def test_a_sections_meshes_are_compressed_quickly_and_a_whole_tooths_closely():
    """A cut's meshes are made while a thumb waits (brotli 2: ~5x faster than 5, ~5 % bigger); a whole
    tooth's are fetched again by every page, so they get the closer compression."""
    assert SECTION_QUALITY < BROTLI_QUALITY
    for plane, quality in ((None, BROTLI_QUALITY), ("md", SECTION_QUALITY)):
        url = region_urls("85", plane, 0.41 if plane else 0.0)["dentin"]
        entry = STORE.get(_digest(url))
        assert entry.quality == quality
        assert entry.brotli() == brotli.compress(entry.body, quality=quality, mode=brotli.MODE_TEXT)
        assert brotli.decompress(entry.brotli()) == entry.body


def test_the_store_is_bounded_and_lets_the_oldest_go():
    store = MeshStore(max_bytes=3 * 2 * 10_000)
    urls = [store.url({"values": f"{i:05d}" + "x" * 9_990}) for i in range(6)]
    assert store.get(_digest(urls[-1])) is not None
    assert store.get(_digest(urls[0])) is None  # the oldest went first
    kept = [u for u in urls if store.get(_digest(u))]
    assert 1 <= len(kept) <= 3


def test_only_a_digest_names_a_mesh():
    assert digest_of("0" * 32 + ".json") == "0" * 32
    for name in ("../app.py", "0" * 31 + ".json", "0" * 32 + ".js", "G" * 32 + ".json", "", "0" * 32):
        assert digest_of(name) is None, name
    assert STORE.get("f" * 32) is None


def test_a_page_whose_fetch_failed_gets_its_meshes_put_back():
    app = App(unique_name())
    app.preload("?tooth=84")
    urls = dict(app.state.mesh_src)
    assert set(urls) == set(REGIONS) and all(urls.values())
    assert urls["dentin"] == STORE.url(serialized_regions("84", None, 0.0)["dentin"])
    STORE._entries.clear()  # noqa: SLF001 - as if every entry had been let go
    STORE._by_object.clear()  # noqa: SLF001
    app.on_mesh_failed("Error: mesh 404")
    assert app.state.mesh_src == urls  # the same content, the same URLs
    assert all(STORE.get(_digest(u)) is not None for u in urls.values())  # and served again
    app.on_mesh_failed("again at once")  # a client repeating it: at most once a second, nothing breaks
    assert app.state.mesh_src == urls
