"""Serve one viewer per browser: every websocket gets its own App (own trame server and state) in
this one process, so two tablets never move each other's view.

The HTTP side (index and static assets) comes from one template instance; websocket sessions come and
go without touching each other. When a client drops, its App is stopped and forgotten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable

import aiohttp
from aiohttp import web
from trame.app.core import AVAILABLE_SERVERS

from .release import release
from .static_cache import compressed_mirror

log = logging.getLogger(__name__)


class SessionServer:
    """An aiohttp server handing each websocket connection to a fresh app made by ``factory(name)``."""

    def __init__(self, factory: Callable[[str], object], heartbeat: float = 30, max_msg_size: int = 64 << 20):
        self.factory = factory
        self.ws_options = {"heartbeat": heartbeat, "max_msg_size": max_msg_size}
        self.sessions: dict[str, object] = {}
        self._www = factory("__www__").server
        self.web = web.Application()
        routes = [web.get("/", self._index), web.get("/ws", self._ws)]
        # Served from compressed mirrors: browsers that accept gzip get the .gz copies (static_cache.py).
        for route in sorted(self._www.serve.keys(), reverse=True):
            folder = compressed_mirror(self._www.serve[route])
            routes.append(web.static(f"/{route}", folder, append_version=True))
        routes.append(web.static("/", compressed_mirror(self._www._www), append_version=True))
        self.web.add_routes(routes)
        self._runner: web.AppRunner | None = None

    async def _index(self, request: web.Request) -> web.StreamResponse:
        target = "index.html" + (f"?{request.query_string}" if request.query_string else "")
        raise web.HTTPFound(target)

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        name = "s" + uuid.uuid4().hex
        ws = web.WebSocketResponse(**self.ws_options)
        app = None
        task = None
        connection = None
        try:
            app = self.factory(name)
            self.sessions[name] = app
            task = app.server.start(backend="generic", exec_mode="task")
            await app.server.ready
            await ws.prepare(request)
            connection = await app.server._server.ws.connect()

            async def to_client(binary, content):
                if ws.closed:
                    return
                with contextlib.suppress(ConnectionResetError, RuntimeError):
                    if binary:
                        await ws.send_bytes(content)
                    else:
                        await ws.send_str(content)

            connection.on_message(to_client)
            log.info("session %s opened (%d active)", name, len(self.sessions))
            async for msg in ws:
                if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    await connection.send(msg.type == aiohttp.WSMsgType.BINARY, msg)
                elif msg.type == aiohttp.WSMsgType.ERROR:
                    break
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        except Exception:  # one session failing must never take the others down
            log.exception("session %s failed", name)
        finally:
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close()
            if app is not None:
                with contextlib.suppress(Exception):
                    app.close()  # cancels this session's player task; other sessions keep theirs
                with contextlib.suppress(Exception):
                    await app.server.stop()
            if task is not None:
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(task, 5)
            self.sessions.pop(name, None)
            AVAILABLE_SERVERS.pop(name, None)
            if app is not None:
                release(app.server)
            log.info("session %s closed (%d active)", name, len(self.sessions))
        return ws

    async def start(self, host: str, port: int) -> None:
        """Bind and start serving (raises OSError when the address is unusable)."""
        self._runner = web.AppRunner(self.web, handle_signals=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except BaseException:
            await self._runner.cleanup()
            raise

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
