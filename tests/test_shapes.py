"""viewer.shapes: the other teeth made ready once per server, nearest first (issue 16)."""

from __future__ import annotations

import asyncio

from meshes import TOOTH_NUMBERS
from viewer import shapes


def test_nearest_first_lists_every_other_tooth_same_side_then_jaw_then_the_other_jaw():
    assert shapes.nearest_first("85") == ["84", "75", "74", "55", "65", "54", "64"]
    order = shapes.nearest_first("54")
    assert sorted(order) == sorted(set(TOOTH_NUMBERS) - {"54"})
    assert order[0] == "55" and set(order[:3]) == {"55", "64", "65"}  # the upper jaw before the lower


def test_warm_soon_runs_once_per_server_off_the_loop(monkeypatch):
    calls: list[tuple[list[str], bool]] = []
    loop_thread = []

    def fake_warm(codes):
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
