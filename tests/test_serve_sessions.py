"""The session server in-process (real Apps): a page that goes away while its session is being made leaves
nothing behind; the App built for it becomes the next page's."""

from __future__ import annotations

import asyncio
import contextlib

from trame.app.core import AVAILABLE_SERVERS

from viewer.app import App
from viewer.serve import SessionServer


def test_a_page_gone_while_its_session_is_built_leaves_its_app_to_the_next():
    async def run() -> tuple[set[str], set[str], set[str]]:
        server = SessionServer(lambda name: App(name))
        before = set(AVAILABLE_SERVERS)
        # what the websocket handler awaits; cancelled as aiohttp cancels a handler whose page went away
        taking = asyncio.ensure_future(server._take_app("?tooth=54"))  # noqa: SLF001
        await asyncio.sleep(0.05)  # the App is being built in its thread
        taking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await taking
        await asyncio.sleep(0)
        kept = server._spare  # noqa: SLF001 - the next page's App
        assert kept is not None, "the App being built was lost"
        name, _ = await kept
        built = set(AVAILABLE_SERVERS) - before
        await server.stop()
        return built, {name}, set(AVAILABLE_SERVERS) - before

    built, spare, left = asyncio.run(asyncio.wait_for(run(), 60))
    assert built == spare  # one App was built, and it is the spare
    assert not left, sorted(left)  # and stopping the server let it go


def test_the_last_session_closing_lets_the_teeth_go_and_one_still_open_keeps_them(monkeypatch):
    import viewer.serve as serve

    released: list[list[str]] = []
    collected: list[bool] = []
    monkeypatch.setattr(serve, "release_teeth", lambda keep: released.append(list(keep)))
    monkeypatch.setattr(serve, "give_back", lambda: collected.append(True))
    monkeypatch.setattr(serve, "COLLECT_AFTER_S", 0.01)

    async def run() -> None:
        server = SessionServer(lambda name: App(name, default_tooth="54"))
        server._per_client["127.0.0.1"] = 1  # noqa: SLF001 - one tablet still there
        server._give_back_soon()  # noqa: SLF001 - another one closed
        await asyncio.sleep(0.1)
        assert (released, collected) == ([], [True])  # its memory collected, the teeth kept for the one left
        server._per_client.clear()  # noqa: SLF001 - and that one closed too
        loop = asyncio.get_running_loop()
        server._page_served = loop.time()  # noqa: SLF001 - but a page was just served: its socket comes
        server._give_back_soon()  # noqa: SLF001
        await asyncio.sleep(0.1)
        assert released == []  # the meshes its hints fetch are not dropped under it
        server._ws_came = loop.time()  # noqa: SLF001 - its websocket came (and has gone)
        await asyncio.sleep(0.1)  # the collection tried again
        assert released == [["54"]]  # every tooth let go but the one a fresh server loads
        await server.stop()

    asyncio.run(asyncio.wait_for(run(), 60))


def test_the_next_pages_app_is_built_once_this_page_has_drawn():
    """The App for the next page is built when this page says it drew its first picture (the pm_drawn
    trigger, static/page.js), not SPARE_AFTER_S later: a page coming meanwhile waited ~0.3 s for a build."""
    async def run() -> tuple[bool, bool, bool]:
        server = SessionServer(lambda name: App(name))
        _, app = await server._take_app("?tooth=54")  # noqa: SLF001 - what the websocket handler awaits
        before = server._spare is not None  # noqa: SLF001
        app.on_drawn()  # the page's trigger
        after = server._spare is not None  # noqa: SLF001
        spare = server._spare  # noqa: SLF001
        app.on_drawn()  # said again (a hostile client, a remount): nothing more is built
        again = server._spare is spare  # noqa: SLF001
        await spare
        app.close()
        await server.stop()
        return before, after, again

    before, after, again = asyncio.run(asyncio.wait_for(run(), 60))
    assert (before, after, again) == (False, True, True)
