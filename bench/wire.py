"""Bytes on the wire: a TCP relay in front of a server that counts what crosses it each way.

The browser's own numbers (CDP) are payloads: after gzip is undone and after permessage-deflate is
inflated. The relay counts the bytes the network actually carries (headers, compressed bodies and frames).
"""

from __future__ import annotations

import asyncio
import threading


class WireCounter:
    """``with WireCounter(port) as wire:``, browse ``wire.url(path)``, read ``wire.down`` and ``wire.up``."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.down = 0  # server -> browser
        self.up = 0  # browser -> server
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WireCounter:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _shutdown(self) -> None:
        """Close the connections still open (the browser is gone): their relays end, the loop stops clean."""
        for writer in self._writers:
            writer.close()
        relays = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        await asyncio.wait(relays, timeout=2) if relays else None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        self.down = self.up = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        self._writers |= {client_w, server_w}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, down: bool) -> None:
            try:
                while data := await src.read(1 << 16):
                    if down:
                        self.down += len(data)
                    else:
                        self.up += len(data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(client_r, server_w, False), pipe(server_r, client_w, True))
