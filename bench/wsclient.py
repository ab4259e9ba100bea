"""A small trame client that speaks wslink's protocol (msgpack in chunked binary frames), like the browser.

It does what trame's JavaScript client does on connect: ``wslink.hello``, ``trame.state.get``, the
``mounted`` trigger with the page's query (our app restores the view from it), and, for a ``VtkLocalView``,
fetches the geometry arrays the scene names (``viewport.geometry.array.get``). It counts bytes both ways and
lets a caller wait for a state key to come back from the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
from collections.abc import Callable

import aiohttp
import msgpack
from wslink.chunking import UnChunker, generate_chunks

SECRET = "wslink-secret"
CHUNK = 4 << 20


def ws_url(base: str) -> str:
    return base.rstrip("/").replace("http://", "ws://") + "/ws"


def triggers_by_label(template: str, words: dict | None = None) -> dict[str, str]:
    """Trigger names in a trame template: ``{"mounted": "trigger__8", "Play": "trigger__4", ...}``.

    A name bound to the session's language (``:aria-label="ui.play"``) is read through ``words`` (the
    state's ``ui`` dict), so "Play" is found whichever way the page spells it.
    """
    out = {}
    m = re.search(r"""@mounted="trigger\('(\w+)'""", template)
    if m:
        out["mounted"] = m.group(1)
    for tag in re.finditer(r"<[^<>]*aria-label=\"([^\"]+)\"[^<>]*@click=\"trigger\('(\w+)'", template):
        label, bound = tag.group(1), tag.group(0)
        if f':aria-label="{label}"' in bound and label.startswith("ui.") and words:
            label = str(words.get(label[3:], label))
        out.setdefault(label, tag.group(2))
    return out


def array_hashes(node, out: set | None = None) -> set[str]:
    """Every data-array hash a vtk.js scene description refers to."""
    out = set() if out is None else out
    if isinstance(node, dict):
        if "hash" in node and isinstance(node["hash"], str) and ("dataType" in node or "vtkClass" in node):
            out.add(node["hash"])
        for v in node.values():
            array_hashes(v, out)
    elif isinstance(node, list):
        for v in node:
            array_hashes(v, out)
    return out


class TrameClient:
    def __init__(self, base_url: str, local_addr: str | None = None):
        self.url = ws_url(base_url)
        self.local_addr = local_addr  # connect from this address (another loopback address: another client)
        self.state: dict = {}
        self.triggers: dict[str, str] = {}
        self.bytes_in = 0
        self.bytes_out = 0
        self.messages_in = 0
        self.state_updates = 0
        self.errors: list[str] = []
        self._ids = itertools.count(1)
        self._rpc: dict[str, asyncio.Future] = {}
        self._waiters: list[tuple[Callable[[dict], bool], asyncio.Future]] = []
        self._fetched: set[str] = set()
        self._session: aiohttp.ClientSession | None = None
        self._ws = None
        self._reader: asyncio.Task | None = None
        self.client_id = None

    # ------------------------------------------------------------------ wire
    async def _send(self, msg_id: str, method: str, args: list, kwargs: dict | None = None) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self._rpc[msg_id] = fut
        packed = msgpack.packb({"wslink": "1.0", "id": msg_id, "method": method, "args": args,
                                "kwargs": kwargs or {}})
        for chunk in generate_chunks(packed, CHUNK):
            self.bytes_out += len(chunk)
            await self._ws.send_bytes(chunk)
        return fut

    async def call(self, method: str, args: list | None = None, timeout: float = 60):
        fut = await self._send(f"rpc:{self.client_id}:{next(self._ids)}", method, args or [])
        return await asyncio.wait_for(fut, timeout)

    async def _read(self) -> None:
        unchunker = UnChunker()
        unchunker.set_max_message_size(1 << 32)
        try:
            async for m in self._ws:
                if m.type != aiohttp.WSMsgType.BINARY:
                    continue
                self.bytes_in += len(m.data)
                full = unchunker.process_chunk(m.data)
                if full is not None:
                    self._dispatch(msgpack.unpackb(full) if isinstance(full, (bytes, bytearray)) else full)
        except Exception as exc:  # reported, never swallowed silently
            self.errors.append(repr(exc))
        finally:
            for fut in list(self._rpc.values()) + [f for _, f in self._waiters]:
                if not fut.done():
                    fut.set_exception(ConnectionError("websocket closed"))

    def _dispatch(self, msg: dict) -> None:
        self.messages_in += 1
        msg_id = msg.get("id", "")
        if "error" in msg:
            self.errors.append(str(msg["error"])[:300])
        if msg_id.startswith("publish:trame.state.topic"):
            changes = msg.get("result") or {}
            self.state.update(changes)
            self.state_updates += 1
            for pred, fut in list(self._waiters):
                if not fut.done() and pred(changes):
                    fut.set_result(time.perf_counter())
            self._waiters = [(p, f) for p, f in self._waiters if not f.done()]
            return
        fut = self._rpc.pop(msg_id, None)
        if fut is not None and not fut.done():
            if "error" in msg:
                fut.set_exception(RuntimeError(str(msg["error"])[:300]))
            else:
                fut.set_result(msg.get("result"))

    # ------------------------------------------------------------------ session
    async def connect(self, query: str = "", timeout: float = 60) -> float:
        """Open a session like a browser does; returns seconds until its scene data is all here."""
        t0 = time.perf_counter()
        connector = aiohttp.TCPConnector(local_addr=(self.local_addr, 0)) if self.local_addr else None
        self._session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True),
                                              auto_decompress=False)  # bytes as sent
        # the page first, as a browser loads it: its query (a cookie) lets the server send the meshes at once
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            page = self.url.removesuffix("/ws").replace("ws://", "http://") + "/index.html" + query
            async with self._session.get(page, timeout=aiohttp.ClientTimeout(total=timeout)) as r:
                await r.read()
        self._ws = await self._session.ws_connect(self.url, max_msg_size=0, heartbeat=None)
        self._reader = asyncio.get_running_loop().create_task(self._read())
        hello = await self._send("system:c0:0", "wslink.hello", [{"secret": SECRET}])
        self.client_id = (await asyncio.wait_for(hello, timeout)).get("clientID")
        initial = await self.call("trame.state.get", timeout=timeout)
        self.state.update(initial.get("state", {}))
        # every template the page renders (the panel has its own: viewer/page/panel.py)
        template = "".join(str(v) for k, v in self.state.items() if k.startswith("trame__template_"))
        self.triggers = triggers_by_label(template, self.state.get("ui"))
        if "mounted" in self.triggers:  # ours: the page reports its URL (its mesh URLs came with the state)
            got = None if any((self.state.get("mesh_src") or {}).values()) else self.wait_for(
                lambda ch: any((ch.get("mesh_src") or {}).values()))
            await self.call("trame.trigger", [self.triggers["mounted"], [query], {}], timeout=timeout)
            if got is not None:
                await asyncio.wait_for(got, timeout)
            await self.fetch_meshes(timeout)
        await self.fetch_arrays(timeout)
        return time.perf_counter() - t0

    async def fetch_meshes(self, timeout: float = 60) -> int:
        """Fetch the region meshes the state names over HTTP, as the page does (viewer.mesh_store)."""
        base = self.url.removesuffix("/ws").replace("ws://", "http://") + "/"
        urls = [u for u in (self.state.get("mesh_src") or {}).values() if u]
        for url in urls:
            async with self._session.get(base + url, headers={"Accept-Encoding": "br, gzip"},
                                         timeout=aiohttp.ClientTimeout(total=timeout)) as r:
                r.raise_for_status()
                self.bytes_in += len(await r.content.read())  # as sent (brotli), not as decoded
        return len(urls)

    async def fetch_arrays(self, timeout: float = 60) -> int:
        """Fetch the geometry arrays a VtkLocalView scene refers to (what vtk.js does); returns how many."""
        hashes = set()
        for key, value in self.state.items():
            if key.startswith("scene_") and isinstance(value, dict):
                array_hashes(value, hashes)
        todo = sorted(hashes - self._fetched)
        for h in todo:
            await self.call("viewport.geometry.array.get", [h, True], timeout=timeout)
            self._fetched.add(h)
        return len(todo)

    def wait_for(self, predicate: Callable[[dict], bool]) -> asyncio.Future:
        """A future resolved (with perf_counter time) by the first state publish that satisfies predicate."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, fut))
        return fut

    async def update_state(self, **changes) -> None:
        delta = [{"key": k, "value": v} for k, v in changes.items()]
        await self._send(f"rpc:{self.client_id}:{next(self._ids)}", "trame.state.update", [delta])

    async def trigger(self, label: str, args: list | None = None, timeout: float = 30):
        return await self.call("trame.trigger", [self.triggers[label], args or [], {}], timeout=timeout)

    async def toggle_round_trip(self, key: str, echo: str, timeout: float = 30) -> float:
        """Flip a boolean state key; seconds until the server publishes ``echo`` (its reaction)."""
        value = not bool(self.state.get(key, True))
        got = self.wait_for(lambda ch: echo in ch)
        t0 = time.perf_counter()
        await self.update_state(**{key: value})
        self.state[key] = value
        t1 = await asyncio.wait_for(got, timeout)
        if "scene_" in echo:
            await self.fetch_arrays(timeout)
            t1 = time.perf_counter()
        return t1 - t0

    async def close(self) -> None:
        with_ws, self._ws = self._ws, None
        if with_ws is not None:
            await with_ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except Exception:  # noqa: BLE001 - closing is best effort (timeouts included)
                self._reader.cancel()
        if self._session is not None:
            await self._session.close()
