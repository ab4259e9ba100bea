"""viewer.shapes: the other teeth made ready once per server, nearest first, and let go with the last session
(issue 16)."""

from __future__ import annotations

import asyncio
import gc
import os
import weakref

import numpy as np

from meshes import TOOTH_NUMBERS, model
from viewer import cut, pick, shapes, wire
from viewer.growth.model import load_stage
from viewer.mesh_store import STORE, digest_of, region_urls
from viewer.release import give_back


def test_nearest_first_lists_every_other_tooth_same_side_then_jaw_then_the_other_jaw():
    assert shapes.nearest_first("85") == ["84", "75", "74", "55", "65", "54", "64"]
    order = shapes.nearest_first("54")
    assert sorted(order) == sorted(set(TOOTH_NUMBERS) - {"54"})
    assert order[0] == "55" and set(order[:3]) == {"55", "64", "65"}  # the upper jaw before the lower


def test_warm_soon_runs_once_per_server_off_the_loop(monkeypatch):
    calls: list[tuple[list[str], bool]] = []
    loop_thread = []

    def fake_warm(codes, generation=None):
        import threading

        calls.append((list(codes), threading.current_thread() is loop_thread[0]))

    monkeypatch.setattr(shapes, "warm", fake_warm)
    monkeypatch.setattr(shapes, "WARM_AFTER_S", 0.01)
    monkeypatch.setattr(shapes, "_warm_started", False)

    async def main():
        import threading

        loop_thread.append(threading.current_thread())
        shapes.warm_soon(["84", "75"])
        shapes.warm_soon(["55"])  # a second page: nothing more
        await asyncio.sleep(0.3)

    shapes.warm_soon(["64"])  # no event loop (the in-process tests): nothing
    asyncio.run(main())
    assert calls == [(["84", "75"], False)]  # once, in a worker thread


def _digest(url: str) -> str | None:
    return digest_of(url.rsplit("/", 1)[-1])


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_release_lets_every_warm_tooth_go_and_its_memory_with_it():
    shapes.release(["85"])  # from where a fresh server starts: its default tooth loaded, nothing else
    r0 = _rss_mb()
    shapes.warm(["84", "75"])  # two teeth made ready, as after a first page
    tooth = load_stage("84")
    gone = weakref.ref(tooth)
    cut.cut_tooth("84", "md", 0.5)  # a cut (and the engine's depth range, keyed by the tooth itself)
    top = np.asarray(tooth.center) + [0.0, 0.0, 50.0]
    drawn = [(r, m, None) for r, m in tooth.display_regions.items()]
    hit = pick.first_hit(drawn, top, np.array([0.0, 0.0, -1.0]))
    assert hit is not None  # a tap: a cell locator holds the mesh
    del tooth, drawn
    give_back()
    r1 = _rss_mb()
    assert r1 - r0 > 40, (r0, r1)  # measured ~85 MB for the two teeth (~45 MB a tooth)
    assert STORE.nbytes > 0 and wire.serialized_regions.cache_info().currsize >= 2

    shapes.release(["85"])  # no event loop here: the default tooth is loaded again and the heap trimmed now
    gc.collect()
    assert gone() is None, "something still holds a tooth that was let go"
    assert model._load_tooth.cache_info().currsize == 1  # 85 again, as at start
    kept = [STORE.get(_digest(u)) for u in region_urls("85", None, 0.0).values() if u]
    assert all(e is not None and e._br is not None for e in kept)  # its page's meshes made ready again
    assert STORE.nbytes == sum(e.size for e in kept)  # and nothing else
    assert wire.serialized_regions.cache_info().currsize == 1  # 85's, whole
    for cache in (wire.serialized_extras, cut.cut_tooth, cut.cuttable):
        assert cache.cache_info().currsize == 0, cache
    r2 = _rss_mb()
    assert r2 - r0 < 0.2 * (r1 - r0), (r0, r1, r2)  # measured: within 3 MB of where it started


def test_a_switch_after_release_sends_the_same_meshes_again(app):
    with app.state:
        app.state.tooth = "84"
    before = dict(app.state.mesh_src)
    bodies = {r: STORE.get(_digest(u)).body for r, u in before.items() if u}
    volumes = list(app.state.volume_rows)
    with app.state:
        app.state.tooth = "85"
    shapes.release(["85"])  # what the last session's close does (this App stands for the next page's)
    assert all(STORE.get(_digest(u)) is None for u in before.values() if u)
    with app.state:
        app.state.tooth = "84"
    assert app.state.mesh_src == before  # content-addressed: the very same URLs
    for r, u in app.state.mesh_src.items():
        if u:
            assert STORE.get(_digest(u)).body == bodies[r], r
    assert app.state.volume_rows == volumes and app.state.tooth_name.startswith("84 (")
    assert {name for name, _ in app.meshes.drawn()} >= {"enamel", "dentin"}  # a tap has geometry to meet


def test_a_warm_up_asked_for_before_a_release_stops_and_the_next_page_warms_again(monkeypatch):
    made: list[str] = []
    monkeypatch.setattr(shapes, "region_urls", lambda code, *_: made.append(code))
    monkeypatch.setattr(shapes, "_warm_started", True)  # a first page has asked for the teeth
    old = shapes._generation
    shapes.release()
    shapes.warm(["84", "75"], old)  # the thread scheduled before the release starts only now
    assert made == []
    shapes.warm(["84"], shapes._generation)
    assert made == ["84"]
    assert shapes._warm_started is False  # so the next page's warm_soon schedules the teeth again
