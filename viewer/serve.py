"""Serve one viewer per browser: every websocket gets its own App (own trame server and state) in
this one process, so two tablets never move each other's view.

The HTTP side (index and static assets) comes from one template instance; websocket sessions come and
go without touching each other. When a client drops, its App is stopped and forgotten.

With an access code (``--access-code``), every request but the login form needs the session cookie the
form hands out after the right code (``viewer.access``: constant-time check, wrong codes throttled per
client); the websocket is refused without it. Without a code everything is open, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
import uuid
from collections.abc import Callable

import aiohttp
from aiohttp import web
from trame.app.core import AVAILABLE_SERVERS

from . import downloads
from .access import Throttle, required
from .release import release
from .static_cache import compressed_mirror

log = logging.getLogger(__name__)

COOKIE = "pm3d_access"
LOGIN_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 0; min-height: 100vh; display: grid; place-items: center; background: #1c2129; color: #eee;
       font: 18px system-ui, sans-serif; }}
form {{ display: grid; gap: 14px; width: min(360px, 90vw); }}
input, button {{ font: inherit; min-height: 48px; border-radius: 8px; border: 1px solid #789;
                 padding: 0 12px; }}
button {{ background: #4a8bd6; color: white; border: none; }}
.wrong {{ color: #ffb4a8; }}
</style></head>
<body><form method="post" action="login">
<h1>{title}</h1>
<label for="code">{prompt}</label>
<input id="code" name="code" type="password" autocomplete="off" autofocus aria-label="{label}">
<input type="hidden" name="next" value="{next}">
{error}<button type="submit">{enter}</button>
</form></body></html>
"""


class SessionServer:
    """An aiohttp server handing each websocket connection to a fresh app made by ``factory(name)``."""

    def __init__(self, factory: Callable[[str], object], heartbeat: float = 30, max_msg_size: int = 64 << 20,
                 access_code: str | None = None):
        self.factory = factory
        self.access_code = access_code if required(access_code) else None
        self.throttle = Throttle()
        self._passes: set[str] = set()  # random cookie values handed out after the right code
        self.ws_options = {"heartbeat": heartbeat, "max_msg_size": max_msg_size}
        self.sessions: dict[str, object] = {}
        self._www = factory("__www__").server
        self.web = web.Application(middlewares=[self._gate])
        routes = [
            web.get("/", self._index),
            web.get("/ws", self._ws),
            web.post("/login", self._login),
            web.get("/download/{token}/{name}", self._download),
        ]
        # Served from compressed mirrors: browsers that accept gzip get the .gz copies (static_cache.py).
        for route in sorted(self._www.serve.keys(), reverse=True):
            folder = compressed_mirror(self._www.serve[route])
            routes.append(web.static(f"/{route}", folder, append_version=True))
        routes.append(web.static("/", compressed_mirror(self._www._www), append_version=True))
        self.web.add_routes(routes)
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ access code
    def _allowed(self, request: web.Request) -> bool:
        return self.access_code is None or request.cookies.get(COOKIE, "") in self._passes

    @web.middleware
    async def _gate(self, request: web.Request, handler):
        if self._allowed(request) or request.path == "/login":
            return await handler(request)
        if request.path in ("/", "/index.html") and request.method == "GET":
            return self._login_page(request.query_string, dict(request.query).get("lang", "en"))
        raise web.HTTPForbidden(text="access code required")  # the websocket, assets, downloads

    def _login_page(self, next_query: str, lang: str, status: int = 200, error: str = "") -> web.Response:
        from scenes.text import languages, text

        lang = lang if lang in languages() else "en"
        page = LOGIN_PAGE.format(
            lang=lang,
            title=html.escape(text(lang, "ui.app_title")),
            prompt=html.escape(text(lang, "ui.access_prompt")),
            label=html.escape(text(lang, "ui.access_code")),
            enter=html.escape(text(lang, "ui.enter")),
            next=html.escape(next_query, quote=True),
            error=f'<p class="wrong" role="alert">{html.escape(error)}</p>' if error else "",
        )
        return web.Response(text=page, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store"})

    async def _login(self, request: web.Request) -> web.StreamResponse:
        from urllib.parse import parse_qs

        from scenes.text import text

        if self.access_code is None:
            raise web.HTTPFound("/")
        form = await request.post()
        next_query = str(form.get("next", ""))[:2000]
        lang = parse_qs(next_query).get("lang", ["en"])[-1]
        client = request.remote or "?"
        if not self.throttle.allowed(client):
            return self._login_page(next_query, lang, 429, text("en", "ui.access_refused"))
        if not self.throttle.attempt(self.access_code, str(form.get("code", "")), client):
            log.warning("wrong access code from %s", client)
            return self._login_page(next_query, lang, 401, text(lang, "ui.access_refused")
                                    if lang in ("en", "es") else "")
        token = secrets.token_urlsafe(32)
        self._passes.add(token)
        response = web.HTTPSeeOther("/" + (f"?{next_query}" if next_query else ""))
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response

    async def _download(self, request: web.Request) -> web.StreamResponse:
        path = downloads.lookup(request.match_info["token"], request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={
            "Content-Disposition": f'attachment; filename="{path.name}"', "Cache-Control": "no-store"})

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
