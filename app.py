"""Primary Molar 3D: start the chairside viewer.

    python app.py [--host HOST] [--port PORT] [--tooth 85] [--access-code CODE]

Serves the page (no browser is opened) and prints its URL. Every browser that connects gets its own
session. Exit status 2 for a bad port or an unknown tooth, with a one-line message.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import socket
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="app.py", description="Interactive 3D primary molar viewer (Trame).")
    p.add_argument("--host", default="localhost", help="interface to listen on (default: localhost)")
    p.add_argument("--port", default="8080", help="TCP port, 1-65535 (default: 8080)")
    p.add_argument("--tooth", default="85", help="tooth shown when the URL names none, FDI or Universal")
    p.add_argument("--access-code", default=None,
                   help="code every browser must enter first (default: $PM3D_ACCESS_CODE; none: open)")
    return p


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _check_port(host: str, port: int) -> str | None:
    """Return why (host, port) cannot be served, or None when it can."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot resolve host {host!r}: {exc.strerror}"
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return f"port {port} is already in use on {host}"
                if exc.errno == errno.EADDRNOTAVAIL:
                    continue
                return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


async def _serve(server, host: str, port: int) -> None:
    await server.start(host, port)
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    print(f"App running at: http://{shown}:{port}/", flush=True)
    if server.access_code:
        print("Access code required (set at start-up).", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        port = int(args.port)
    except ValueError:
        return _fail(f"--port must be a whole number from 1 to 65535, not {args.port!r}")
    if not 1 <= port <= 65535:
        return _fail(f"--port must be from 1 to 65535, not {port}")

    from meshes import UnknownToothError, load_tooth, resolve_tooth

    try:
        tooth = resolve_tooth(args.tooth)
    except UnknownToothError as exc:
        return _fail(str(exc))
    from viewer.access import resolve_code

    try:
        access_code = resolve_code(args.access_code)
    except ValueError as exc:
        return _fail(str(exc))
    problem = _check_port(args.host, port)
    if problem:
        return _fail(problem)

    from meshes import DEFAULT_SPACING
    from meshes.cache import build_all
    from meshes.spec import KINDS
    from viewer.app import App
    from viewer.serve import SessionServer

    # Build what the cache lacks before serving (both cores), so no session ever waits on a build.
    build_all(KINDS, DEFAULT_SPACING)
    load_tooth(tooth.fdi)
    server = SessionServer(lambda name: App(name, default_tooth=tooth.fdi), access_code=access_code)
    try:
        asyncio.run(_serve(server, args.host, port))
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
