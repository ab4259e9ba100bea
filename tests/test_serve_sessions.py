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
