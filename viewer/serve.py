"""Serve one viewer per browser: every websocket gets its own App (own trame server and state) in
this one process, so two tablets never move each other's view.

The HTTP side (index and static assets) comes from one template instance; websocket sessions come and
go without touching each other. When a client drops, its App is stopped and forgotten.

To the first frame (issue 16): assets go brotli-compressed at content-addressed URLs the browser keeps
(``viewer.static_cache``), hinted in the page so they load while the session starts; the next session's App
is built ahead of its websocket; the page's query reaches its websocket as a short cookie, so the tooth's
meshes go out with the first state rather than after the client has mounted.

With an access code (``--access-code``), every request but the login form needs the session cookie the
form hands out after the right code (``viewer.access``: constant-time check, wrong codes throttled per
client, passes that expire and can be revoked); the websocket is refused without it. Without a code
everything is open, as before.

Nothing a client sends can stop the others (issue 12): connections are capped in all and per address
(``viewer.admission``) and unfinished requests time out; a ``/ws`` without the upgrade, a client over its
session cap or a server shutting down is refused before any App is built; a websocket message is checked
before wslink allocates for it (``viewer.wsguard``); error replies carry no traceback; client text reaches
the log quoted briefly (``viewer.logsafe``). Behind a reverse proxy, ``trusted_proxies`` names it, and
only then is X-Forwarded-For read (``viewer.access.client_address``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web
from trame.app.core import AVAILABLE_SERVERS

from . import downloads
from .access import Passes, Throttle, client_address, required
from .admission import Admission
from .export.pool import shutdown_shared
from .logsafe import quote
from .mesh_store import PREFIX as MESH_PREFIX
from .mesh_store import STORE as MESHES
from .mesh_store import digest_of, region_urls
from .page import STATIC as PAGE_STATIC
from .release import forget, give_back
from .shapes import release as release_teeth
from .static_cache import compressed_mirror, content_hashes
from .wsguard import BoundedUnChunker, MessageRefused, scrub_errors

log = logging.getLogger(__name__)

COOKIE = "pm3d_access"
PAGE_COOKIE = "pm3d_page"  # the page's query, read by its websocket: the meshes are sent before the mount
EARLY_SCRIPT = PAGE_STATIC / "early.js"  # the page runs its scripts while it connects
LOADING = PAGE_STATIC / "loading.tpl"  # what it shows until the view draws
# trame's page fetches its loading screen into #app by a script; the answer, late on a busy server, wrote the
# screen over the app that had mounted meanwhile (drawn, but gone from the page: "no 3D view" in tests)
LOADING_FETCH = re.compile(r'<div id="app"></div>\s*<script>\s*fetch\("\./loading\.tpl"\).*?</script>', re.S)
ASSET_LISTS = {"trame__scripts": "script", "trame__styles": "style"}  # what trame loads after connecting
IMMUTABLE = "public, max-age=31536000, immutable"  # a content-addressed asset: kept, never asked again
HINT_WAIT_S = 0.3  # the page waits at most this for its tooth's mesh URLs (a tooth no one has asked for yet)
LAYOUTS = ("main",)  # the page's trame layouts: ``?ui=`` naming another would show a blank page
MAX_FRAME = 4 << 20  # bytes in one websocket frame (wslink's chunks; the browser sends a few KB)
SPARE_AFTER_S = 3.0  # the next session's App is built this long after one is taken
SESSION_GAP_S = 0.25  # one client's new sessions are spread this far apart (each App build holds the loop)
CLIENT_ERRORS_LOGGED = 5  # browser-side errors logged per session (the rest are counted)
# A page's websocket comes within a few seconds of the page (its scripts first; 1-3 s on a loaded machine):
# until then, or this long, the teeth are not let go (a page fetching meshes just dropped got 404s)
PAGE_COMES_S = 10.0
COLLECT_AFTER_S, COLLECT_MAX_DELAY_S = 1.0, 5.0  # closed sessions' memory: after 1 s quiet, 5 s at most
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
    """An aiohttp server handing each websocket connection to a fresh app made by ``factory(name)``.

    Limits (all per server process): `sessions_per_client` websockets from one client address,
    `max_sessions` in all, `max_connections` TCP connections in all and `connections_per_peer` from one
    peer, `header_timeout_s` for a connection to complete a request (and for an idle keep-alive).
    """

    def __init__(self, factory: Callable[[str], object], heartbeat: float = 30, max_msg_size: int = MAX_FRAME,
                 access_code: str | None = None, *, trusted_proxies: tuple = (),
                 pass_ttl_s: float = 12 * 3600.0, sessions_per_client: int = 8, max_sessions: int = 200,
                 max_connections: int | None = None, connections_per_peer: int = 64,
                 header_timeout_s: float = 10.0):
        self.factory = factory
        self.access_code = access_code if required(access_code) else None
        self.throttle = Throttle()
        self.passes = Passes(ttl_s=pass_ttl_s)
        self.trusted_proxies = tuple(trusted_proxies)
        self.sessions_per_client = sessions_per_client
        self.max_sessions = max_sessions
        self.header_timeout_s = header_timeout_s
        self.admission = Admission(max_connections, connections_per_peer)
        self.ws_options = {"heartbeat": heartbeat, "max_msg_size": max_msg_size}
        self.sessions: dict[str, object] = {}
        self.refused: Counter[str] = Counter()  # why sessions/messages were refused (tests, bench)
        self._per_client: Counter[str] = Counter()
        self._next_open: dict[str, float] = {}  # per client: when its next session may be built
        self._sockets: dict[str, tuple[web.WebSocketResponse, str]] = {}  # session -> (socket, its pass)
        self._closing = False
        self._building = asyncio.Lock()
        self._spare: asyncio.Task | None = None  # the next session's App, built ahead (see _take_app)
        self._collect_handle: asyncio.TimerHandle | None = None
        self._collect_due: float | None = None
        self._page_served = self._ws_came = float("-inf")  # loop times of the last page and websocket
        self._www_app = factory("__www__")  # never served: its page and assets, and what a URL first shows
        self._www = self._www_app.server
        self.web = web.Application(middlewares=[self._gate], client_max_size=64 << 10)
        routes = [
            web.get("/", self._page),  # the page itself: a redirect to index.html cost each load a round trip
            web.get("/ws", self._ws),
            web.get("/index.html", self._page),
            web.get("/loading.tpl", self._loading),
            web.get(MESH_PREFIX + "{name}", self._mesh),
            web.post("/paraview/", self._launcher),
            web.post("/login", self._login),
            web.get("/download/{token}/{name}", self._download),
        ]
        # Served from compressed mirrors: browsers that accept brotli or gzip get those copies; every asset
        # is asked for at a content-addressed URL (?v=<hash>) the browser keeps for good (static_cache.py).
        self._versions: dict[str, str] = {}  # URL path -> content hash
        for route in sorted(self._www.serve.keys(), reverse=True):
            folder = compressed_mirror(self._www.serve[route])
            self._versions |= {f"/{route}/{k}": v for k, v in content_hashes(folder).items()}
            routes.append(web.static(f"/{route}", folder))
        page_versions = content_hashes(Path(self._www._www))
        self._versions |= {f"/{k}": v for k, v in page_versions.items()}
        self._assets = {key: [self._versioned("/" + url)[1:] for url in self._www.state[key]]
                        for key in ASSET_LISTS}
        hints = "".join(f'<link rel="preload" href="{url}" as="{kind}">'
                        for key, kind in ASSET_LISTS.items() for url in self._assets[key])
        page_folder = compressed_mirror(self._www._www, page_head=hints, page_versions=page_versions)
        early = f"<script>{EARLY_SCRIPT.read_text()}</script>"  # first: before trame's client, and no request
        self._loading_html = LOADING.read_text()  # read once: asked for by every page load
        page = (page_folder / "index.html").read_text().replace("<head>", "<head>" + early, 1)
        # the loading screen in the page itself, where the mount replaces it: never written after the mount
        inline = f'<div id="app">{self._loading_html}</div>'
        self._page_html = LOADING_FETCH.sub(lambda _: inline, page, count=1)
        routes.append(web.static("/", page_folder))
        self.web.add_routes(routes)
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.AbstractServer | None = None

    # ------------------------------------------------------------------ who is asking
    def client(self, request: web.Request) -> str:
        return client_address(request.remote, request.headers.get("X-Forwarded-For"), self.trusted_proxies)

    # ------------------------------------------------------------------ access code
    def _allowed(self, request: web.Request) -> bool:
        return self.access_code is None or self.passes.valid(request.cookies.get(COOKIE))

    def revoke_passes(self) -> int:
        """Every pass handed out stops working, and the sessions opened with one are closed (SIGHUP)."""
        n = self.passes.revoke_all()
        if self.access_code is not None:
            for ws, _ in list(self._sockets.values()):
                asyncio.get_running_loop().create_task(ws.close(code=1008, message=b"access revoked"))
        log.warning("access passes revoked (%d)", n)
        return n

    @web.middleware
    async def _gate(self, request: web.Request, handler):
        if request.path in ("/", "/index.html") and request.query.get("ui", "main") not in LAYOUTS:
            # ?ui= names the trame layout the page shows: an unknown one would be a blank page
            query = urlencode([(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True)
                               if k != "ui"])
            raise web.HTTPFound(request.path + (f"?{query}" if query else ""))
        if self._allowed(request) or request.path == "/login":
            response = await handler(request)
            if request.method == "GET" and getattr(response, "status", 0) == 200 \
                    and "Cache-Control" not in response.headers:
                wanted = request.query.get("v")
                fresh = wanted is not None and self._versions.get(request.path) == wanted
                response.headers["Cache-Control"] = IMMUTABLE if fresh else "no-cache"
            if request.path in ("/", "/index.html") and request.method == "GET":
                # Short-lived, read by this page's websocket only; a stale one costs a resend, never the view
                # (the mounted client reports its own URL as before).
                response.set_cookie(PAGE_COOKIE, request.query_string[:2000], max_age=60, path="/ws",
                                    httponly=True, samesite="Strict")
            return response
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
        client = self.client(request)
        if not self.throttle.allowed(client):
            return self._login_page(next_query, lang, 429, text("en", "ui.access_refused"))
        if not self.throttle.attempt(self.access_code, str(form.get("code", ""))[:200], client):
            log.warning("wrong access code from %s", quote(client, 60))
            return self._login_page(next_query, lang, 401, text(lang, "ui.access_refused")
                                    if lang in ("en", "es") else "")
        token = self.passes.issue()
        response = web.HTTPSeeOther("/" + (f"?{next_query}" if next_query else ""))
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/",
                            max_age=int(self.passes.ttl_s))
        return response

    async def _download(self, request: web.Request) -> web.StreamResponse:
        path = downloads.lookup(request.match_info["token"], request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={
            "Content-Disposition": f'attachment; filename="{path.name}"', "Cache-Control": "no-store"})

    async def _page(self, request: web.Request) -> web.StreamResponse:
        """The page, with hints that fetch its tooth's meshes alongside the scripts (mesh_store.py): they
        are in the browser's cache when the view asks for them."""
        self._page_served = asyncio.get_running_loop().time()
        hints = ""
        with contextlib.suppress(Exception):  # a bad query or a slow tooth: the page comes without hints
            urls = await asyncio.wait_for(asyncio.to_thread(self._page_meshes, request.query_string),
                                          HINT_WAIT_S)
            hints = "".join(f'<link rel="preload" href="{u}" as="fetch" crossorigin>'
                            for u in urls if u)
        response = web.Response(text=self._page_html.replace("</head>", hints + "</head>", 1),
                                content_type="text/html", headers={"Cache-Control": "no-cache"})
        response.enable_compression()
        return response

    async def _loading(self, request: web.Request) -> web.Response:
        """What the page shows until its view draws (trame's client fetches it first): ours, still."""
        return web.Response(text=self._loading_html, content_type="text/html",
                            headers={"Cache-Control": "no-cache"})

    def _page_meshes(self, query: str) -> list[str | None]:
        preload_key = getattr(self._www_app, "page_section_key", None)  # a test's factory may lack it
        return list(region_urls(*preload_key(query)).values()) if preload_key else []

    async def _mesh(self, request: web.Request) -> web.StreamResponse:
        """A region's mesh state by its content hash: brotli where the browser takes it, kept for good."""
        digest = digest_of(request.match_info["name"])
        entry = MESHES.get(digest) if digest else None
        if entry is None:
            raise web.HTTPNotFound(text="no such mesh", headers={"Cache-Control": "no-store"})
        headers = {"Cache-Control": IMMUTABLE, "Content-Type": "application/json", "Vary": "Accept-Encoding"}
        if "br" in request.headers.get("Accept-Encoding", ""):
            body = await asyncio.to_thread(entry.brotli)  # made once, for every session
            headers["Content-Encoding"] = "br"
            return web.Response(body=body, headers=headers)
        response = web.Response(body=entry.body, headers=headers)
        response.enable_compression()
        return response

    async def _launcher(self, request: web.Request) -> web.Response:
        """trame's client asks a launcher where to connect before it opens its websocket; answering saves
        it a failed request (and the console error) on every load."""
        url = "ws://USE_HOST" + request.path.removesuffix("paraview/") + "ws"  # wss: for an https page
        return web.json_response({"sessionURL": url}, headers={"Cache-Control": "no-store"})

    def _refuse(self, why: str, status: type[web.HTTPException], text: str) -> web.HTTPException:
        self.refused[why] += 1
        return status(text=text, headers={"Cache-Control": "no-store"})

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        # Everything cheap first: no App is built for a request that is refused.
        if self._closing:
            raise self._refuse("closing", web.HTTPServiceUnavailable, "server shutting down")
        ws = web.WebSocketResponse(**self.ws_options)
        if not ws.can_prepare(request).ok:
            raise self._refuse("no_upgrade", web.HTTPBadRequest, "websocket upgrade required")
        client = self.client(request)
        if self._per_client[client] >= self.sessions_per_client:
            raise self._refuse("per_client", web.HTTPTooManyRequests,
                               f"at most {self.sessions_per_client} sessions from one address")
        if sum(self._per_client.values()) >= self.max_sessions:  # built, or waiting for their turn
            raise self._refuse("max_sessions", web.HTTPServiceUnavailable, "the server is full")
        name = "s" + uuid.uuid4().hex
        self._per_client[client] += 1
        self._ws_came = asyncio.get_running_loop().time()
        app = None
        task = None
        connection = None
        try:
            await self._take_turn(client)
            name, app = await self._take_app(request.cookies.get(PAGE_COOKIE, ""))
            self.sessions[name] = app
            task = app.server.start(backend="generic", exec_mode="task")
            await app.server.ready
            await ws.prepare(request)
            self._sockets[name] = (ws, request.cookies.get(COOKIE, ""))
            endpoint = app.server._server.ws
            connection = await endpoint.connect()
            endpoint.unchunkers[connection.client_id] = BoundedUnChunker()
            scrub_errors(endpoint)
            self._quote_client_errors(app, name)

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
            await self._pump(ws, connection, name)
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        except Exception as exc:  # one session failing must never take the others down
            log.error("session %s failed: %s", name, quote(repr(exc), 200))
        finally:
            self._sockets.pop(name, None)
            self._per_client[client] -= 1
            if self._per_client[client] <= 0:
                del self._per_client[client]
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close()
            if app is not None:
                with contextlib.suppress(Exception):
                    app.close()  # cancels this session's player task and exports; other sessions keep theirs
                with contextlib.suppress(Exception):
                    await app.server.stop()
            if task is not None:
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(task, 5)
            self.sessions.pop(name, None)
            AVAILABLE_SERVERS.pop(name, None)
            if app is not None:
                forget(app.server)
                self._give_back_soon()
                if not self._closing:  # the page left: its CPU is free for the next page's App
                    self._prepare_spare()
            log.info("session %s closed (%d active)", name, len(self.sessions))
        return ws

    def _versioned(self, path: str) -> str:
        version = self._versions.get(path)
        return f"{path}?v={version}" if version else path

    async def _new_app(self) -> tuple[str, object]:
        name = "s" + uuid.uuid4().hex
        async with self._building:  # one at a time: trame's layout context is process-wide
            # ~150-300 ms of pure Python building the page: in a thread, the loop keeps its turns
            return name, await asyncio.to_thread(self.factory, name)

    def _prepare_spare(self) -> None:
        if self._spare is None and not self._closing:
            self._spare = asyncio.get_running_loop().create_task(self._new_app())

    async def _take_app(self, page_query: str) -> tuple[str, object]:
        """The App built ahead for this websocket (a new one is started for the next), made ready for the
        page: a tablet's session does not wait the ~0.3 s a build takes (issue 16's first frame)."""
        loop = asyncio.get_running_loop()
        spare, self._spare = self._spare, None
        building = spare or loop.create_task(self._new_app())
        try:
            # shielded: a page that goes away meanwhile leaves its App to the next page, not to nobody
            name, app = await asyncio.shield(building)
        except asyncio.CancelledError:
            if self._spare is None and not self._closing:
                self._spare = building
            else:
                building.add_done_callback(self._discard_built)
            raise
        except Exception as exc:  # noqa: BLE001 - the spare failed: build this one now, as before
            log.warning("spare session failed (%s)", type(exc).__name__)
            name, app = await self._new_app()
        # The next one once this page has drawn its first picture (it says so), SPARE_AFTER_S at the latest:
        # built at once, it took the CPU this page needs (GIL, 2 cores).
        later = loop.call_later(SPARE_AFTER_S, self._prepare_spare)
        if hasattr(app, "when_drawn"):
            app.when_drawn = lambda: (later.cancel(), self._prepare_spare())
        ready = asyncio.ensure_future(asyncio.to_thread(self._ready, name, app, page_query))
        try:
            await asyncio.shield(ready)
        except asyncio.CancelledError:  # closed once the thread is done with it, never under its feet
            ready.add_done_callback(lambda _: self._discard(name, app))
            raise
        return name, app

    def _discard_built(self, building: asyncio.Task) -> None:
        if not building.cancelled() and building.exception() is None:
            self._discard(*building.result())

    def _discard(self, name: str, app) -> None:
        """An App no page got: its websocket went away before it was handed over."""
        with contextlib.suppress(Exception):
            app.close()
        AVAILABLE_SERVERS.pop(name, None)
        forget(app.server)

    def _ready(self, name: str, app, page_query: str) -> None:
        for key, urls in self._assets.items():  # the same assets, at their content-addressed URLs
            app.server.state[key] = list(urls)
        preload = getattr(app, "preload", None)  # a test's factory may make apps without it
        if preload is not None:
            try:
                preload(page_query)
            except Exception as exc:  # a bad query or tooth: the mount's report still sets the view
                log.warning("session %s: preload failed (%s)", name, type(exc).__name__)

    def _give_back_soon(self) -> None:
        """One full collection after a burst of closing sessions, not one per session (each holds the loop
        ~0.1 s: eight tablets leaving at once froze the rest for most of a second)."""
        loop = asyncio.get_running_loop()
        if self._collect_handle is not None:
            self._collect_handle.cancel()
        first = self._collect_due or loop.time() + COLLECT_MAX_DELAY_S
        self._collect_due = first
        at = min(loop.time() + COLLECT_AFTER_S, first)

        def collect() -> None:
            self._collect_handle = self._collect_due = None
            if self._per_client:
                give_back()
            elif self._ws_came < self._page_served > loop.time() - PAGE_COMES_S:  # a page served since
                self._give_back_soon()  # the last websocket: its session is coming, its meshes stay
            else:  # the last session has closed: the teeth made ready for sessions go too (issue 16)
                release_teeth([t] if (t := getattr(self._www_app, "default_tooth", None)) else [])

        self._collect_handle = loop.call_at(at, collect)

    async def _take_turn(self, client: str) -> None:
        """Spread one client's session builds out, so a tab storm cannot hold the loop for everyone."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if len(self._next_open) > 10_000:
            self._next_open = {c: t for c, t in self._next_open.items() if t > now}
        turn = max(now, self._next_open.get(client, 0.0))
        self._next_open[client] = turn + SESSION_GAP_S
        if turn > now:
            await asyncio.sleep(turn - now)

    async def _pump(self, ws: web.WebSocketResponse, connection, name: str) -> None:
        """Hand the client's frames to wslink; a frame beyond the limits closes this session only."""
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                try:
                    await connection.send(True, msg)
                except MessageRefused as exc:
                    self.refused["message"] += 1
                    log.warning("session %s: %s; closed", name, exc)
                    await ws.close(code=exc.close_code, message=b"message refused")
                    return
                except Exception as exc:  # not wslink's framing or not msgpack: the client's bug or attack
                    self.refused["unreadable"] += 1
                    log.warning("session %s: unreadable message (%s); closed", name, type(exc).__name__)
                    await ws.close(code=1007, message=b"unreadable message")
                    return
            elif msg.type == aiohttp.WSMsgType.TEXT:  # wslink speaks binary only (it would log the text)
                self.refused["text"] += 1
                log.warning("session %s sent a text frame %s; closed", name, quote(msg.data, 60))
                await ws.close(code=1003, message=b"binary frames only")
                return
            elif msg.type == aiohttp.WSMsgType.ERROR:
                return

    def _quote_client_errors(self, app, name: str) -> None:
        """The browser reports its script errors (trame.error.client): log the first few, quoted."""
        seen = [0]

        def on_error(message=None, *_args, **_kwargs):
            seen[0] += 1
            if seen[0] <= CLIENT_ERRORS_LOGGED:
                log.warning("session %s: browser error %s", name, quote(message, 120))

        app.server.controller.on_error = on_error

    async def start(self, host: str, port: int) -> None:
        """Bind and start serving (raises OSError when the address is unusable)."""
        # keepalive_timeout is armed when a connection opens: a request not complete by then is dropped
        self._runner = web.AppRunner(self.web, handle_signals=False, access_log=None,
                                     keepalive_timeout=self.header_timeout_s, shutdown_timeout=2.0)
        await self._runner.setup()
        # the first tablet's App, built before the first request is answered: once the server answers it is
        # ready (a test or a signal handler set up after start() would otherwise race this build)
        self._prepare_spare()
        await self._spare
        loop = asyncio.get_running_loop()
        try:
            self._listener = await loop.create_server(self.admission.factory(self._runner.server), host, port,
                                                      reuse_address=True, backlog=256)
        except BaseException:
            await self._runner.cleanup()
            raise

    async def stop(self) -> None:
        """Stop promptly: refuse new sessions, say goodbye to open ones, stop exports, close the rest."""
        self._closing = True
        if self._listener is not None:
            self._listener.close()
        sockets = [ws for ws, _ in self._sockets.values()]
        if sockets:
            closing = [ws.close(code=1001, message=b"server shutting down") for ws in sockets]
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), 3)
        if self._spare is not None:
            self._spare.cancel()
            with contextlib.suppress(BaseException):
                name, _ = await self._spare
                AVAILABLE_SERVERS.pop(name, None)
        shutdown_shared()
        if self._runner is not None:
            await self._runner.cleanup()
