"""Primary Molar 3D: start the chairside viewer.

    python app.py [--host HOST] [--port PORT] [--tooth 85] [--access-code CODE] [--trusted-proxy ADDR]

Serves the page (no browser is opened) and prints its URL. Every browser that connects gets its own
session. Exit status 2 for a bad port, an unknown tooth or a bad option, with a one-line message.
SIGHUP revokes every access pass handed out (browsers must enter the code again); SIGINT/SIGTERM stop.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
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
    p.add_argument("--pass-hours", type=float, default=12.0,
                   help="hours an entered code stays valid in a browser (default 12)")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                   help="reverse proxy (address or network) whose X-Forwarded-For is believed; repeatable")
    p.add_argument("--sessions-per-client", type=int, default=8,
                   help="open sessions allowed from one client address (default 8)")
    p.add_argument("--max-sessions", type=int, default=200, help="open sessions in all (default 200)")
    p.add_argument("--max-connections", type=int, default=None,
                   help="TCP connections in all (default: what the descriptor limit allows)")
    p.add_argument("--connections-per-client", type=int, default=64,
                   help="TCP connections from one address (default 64)")
    p.add_argument("--header-timeout", type=float, default=10.0,
                   help="seconds a connection has to send a whole request, and to idle (default 10)")
    p.add_argument("--export-workers", type=int, default=1, help="processes rendering exports (default 1)")
    p.add_argument("--export-queue", type=int, default=6, help="exports waiting at most (default 6)")
    p.add_argument("--export-minutes", type=float, default=10.0,
                   help="time limit of one export in minutes (default 10)")
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
    loop.add_signal_handler(signal.SIGHUP, server.revoke_passes)
    await stop.wait()
    await server.stop()


def _prepare_meshes(tooth_fdi: str) -> None:
    """Every molar's cache checked (and a damaged one rebuilt, both cores) before anyone is served.

    A damaged file found later, when a student first opens that tooth, would be rebuilt on the shared
    event loop and freeze every session for seconds.
    """
    from meshes import DEFAULT_SPACING, load_tooth
    from meshes import cache as mesh_cache
    from meshes.spec import KINDS

    for kind in KINDS:
        key = mesh_cache.cache_key(kind, DEFAULT_SPACING)
        path = mesh_cache.cache_dir() / f"{kind}-{key}.npz"
        if path.exists():
            try:
                mesh_cache.load(path, key)
            except ValueError as exc:
                print(f"warning: {exc}; rebuilding", file=sys.stderr)
                path.unlink(missing_ok=True)
    mesh_cache.build_all(KINDS, DEFAULT_SPACING)
    load_tooth(tooth_fdi)


def _limits(args) -> str | None:
    """Why the limit options cannot be used, or None."""
    for name in ("sessions_per_client", "max_sessions", "connections_per_client", "export_workers"):
        if getattr(args, name) < 1:
            return f"--{name.replace('_', '-')} must be at least 1"
    if args.max_connections is not None and args.max_connections < 8:
        return "--max-connections must be at least 8"
    if args.export_queue < 0 or min(args.export_minutes, args.pass_hours, args.header_timeout) <= 0:
        return "--export-queue must be >= 0; --export-minutes, --pass-hours and --header-timeout > 0"
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if level := os.environ.get("PRIMARY_MOLAR_LOG"):  # e.g. "info": sessions opened and closed, teeth let go
        logging.getLogger("viewer").setLevel(level.upper())  # printed by the handler trame's server sets
    try:
        port = int(args.port)
    except ValueError:
        return _fail(f"--port must be a whole number from 1 to 65535, not {args.port!r}")
    if not 1 <= port <= 65535:
        return _fail(f"--port must be from 1 to 65535, not {port}")

    from meshes import UnknownToothError, resolve_tooth

    try:
        tooth = resolve_tooth(args.tooth)
    except UnknownToothError as exc:
        return _fail(str(exc))
    from viewer.access import parse_proxies, resolve_code

    try:
        access_code = resolve_code(args.access_code)
        proxies = parse_proxies(args.trusted_proxy)
    except ValueError as exc:
        return _fail(str(exc))
    problem = _limits(args) or _check_port(args.host, port)
    if problem:
        return _fail(problem)

    from viewer import logsafe

    logsafe.configure()
    # Build what the cache lacks before serving (both cores), so no session ever waits on a build.
    _prepare_meshes(tooth.fdi)

    from viewer.app import App
    from viewer.export import pool
    from viewer.serve import SessionServer

    pool.configure(workers=args.export_workers, max_queued=args.export_queue,
                   time_limit_s=60 * args.export_minutes)
    server = SessionServer(
        lambda name: App(name, default_tooth=tooth.fdi), access_code=access_code, trusted_proxies=proxies,
        pass_ttl_s=3600 * args.pass_hours, sessions_per_client=args.sessions_per_client,
        max_sessions=args.max_sessions, max_connections=args.max_connections,
        connections_per_peer=args.connections_per_client, header_timeout_s=args.header_timeout)
    try:
        asyncio.run(_serve(server, args.host, port))
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
