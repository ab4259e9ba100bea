"""Access code for the practice network: a passer-by on the Wi-Fi cannot open the viewer.

Pure logic, no web framework: viewer/serve.py asks `check_code` before it accepts a session. The code is
set at start-up with ``--access-code CODE`` or the environment variable ``PM3D_ACCESS_CODE`` (the flag wins).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, field

ENV_VAR = "PM3D_ACCESS_CODE"
MIN_LENGTH = 4
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to read out and type on a tablet


def normalize(code: str | None) -> str:
    """What is compared: Unicode NFC, case folded, inner and outer spaces and dashes removed."""
    if code is None:
        return ""
    text = unicodedata.normalize("NFC", str(code)).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


def check_code(expected: str | None, offered: str | None) -> bool:
    """True only if a code is configured and the offered one matches it (constant-time comparison).

    An empty or missing expected code never matches: "no code configured" is decided by the caller
    (`required`), not by letting anything in.
    """
    want, got = normalize(expected), normalize(offered)
    if not want:
        return False
    return hmac.compare_digest(want.encode("utf-8"), got.encode("utf-8"))


def resolve_code(flag_value: str | None = None, environ: dict | None = None) -> str | None:
    """The configured code: ``--access-code`` value, else $PM3D_ACCESS_CODE, else None (no code).

    A flag given but empty (``--access-code ''``, an unset shell variable) is refused, never read as
    "open": whoever typed it meant to lock the server.
    """
    env = os.environ if environ is None else environ
    if flag_value is not None and not flag_value.strip():
        raise ValueError("--access-code is empty: give a code of at least "
                         f"{MIN_LENGTH} letters or digits, or leave the flag out to serve without one")
    code = flag_value if flag_value is not None else env.get(ENV_VAR) or None
    if code is not None and len(normalize(code)) < MIN_LENGTH:
        raise ValueError(f"access code must have at least {MIN_LENGTH} letters or digits")
    return code


def required(expected: str | None) -> bool:
    return bool(normalize(expected))


def generate_code(length: int = 6) -> str:
    """A fresh random code, e.g. for a start-up script that prints it for the dentist."""
    return "".join(secrets.choice(ALPHABET) for _ in range(max(MIN_LENGTH, length)))


@dataclass
class Throttle:
    """Slows guessing: after `limit` wrong codes from one client within `window_s`, refuse it for `lock_s`."""

    limit: int = 5
    window_s: float = 300.0
    lock_s: float = 300.0
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)

    def allowed(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return self._locked_until.get(client, 0.0) <= now

    def attempt(self, expected: str | None, offered: str | None, client: str, now: float | None = None):
        """Check a code for one client; False while locked out, whatever the code."""
        now = time.monotonic() if now is None else now
        if not self.allowed(client, now):
            return False
        if check_code(expected, offered):
            self._failures.pop(client, None)
            return True
        if len(self._failures) + len(self._locked_until) > 10_000:  # many addresses: forget the stale ones
            self._forget_stale(now)
        recent = [t for t in self._failures.get(client, []) if now - t < self.window_s] + [now]
        self._failures[client] = recent
        if len(recent) >= self.limit:
            self._locked_until[client] = now + self.lock_s
            self._failures.pop(client, None)
        return False

    def _forget_stale(self, now: float) -> None:
        self._locked_until = {c: t for c, t in self._locked_until.items() if t > now}
        self._failures = {c: ts for c, ts in self._failures.items() if ts and now - ts[-1] < self.window_s}


@dataclass
class Passes:
    """The session cookies handed out after the right code: each expires after `ttl_s`, all can be revoked.

    Kept in memory only, so a restart revokes every pass too. `revoke_all` is what SIGHUP calls (app.py).
    """

    ttl_s: float = 12 * 3600.0  # a school or clinic day
    limit: int = 10_000  # passes kept at once; the oldest goes first (a flood of logins cannot grow memory)
    _expires: dict[str, float] = field(default_factory=dict)

    def issue(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        self._drop_expired(now)
        while len(self._expires) >= self.limit:
            self._expires.pop(next(iter(self._expires)))
        token = secrets.token_urlsafe(32)
        self._expires[token] = now + self.ttl_s
        return token

    def valid(self, token: str | None, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        expires = self._expires.get(token or "")
        if expires is None:
            return False
        if expires <= now:
            self._expires.pop(token, None)
            return False
        return True

    def revoke_all(self) -> int:
        n = len(self._expires)
        self._expires.clear()
        return n

    def _drop_expired(self, now: float) -> None:
        for token in [t for t, e in self._expires.items() if e <= now]:
            del self._expires[token]


def parse_proxies(values: list[str] | tuple[str, ...] | None) -> tuple[ipaddress._BaseNetwork, ...]:
    """``--trusted-proxy`` values (addresses or networks, e.g. 10.0.0.5 or 10.0.0.0/24); ValueError if bad."""
    out = []
    for value in values or ():
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"--trusted-proxy must be an IP address or network, not {value!r}") from None
    return tuple(out)


def _trusted(address: str, proxies: tuple[ipaddress._BaseNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str | None, forwarded_for: str | None,
                   proxies: tuple[ipaddress._BaseNetwork, ...] = ()) -> str:
    """Who is asking: the peer, unless the peer is a configured proxy; then the address that proxy saw.

    X-Forwarded-For is read right to left, skipping our own proxies: its leftmost entries are whatever
    the client wrote and are never believed. From any other peer the header is ignored, so a student
    cannot pose as someone else to dodge (or cause) a lockout.
    """
    peer = peer or "?"
    if not proxies or not _trusted(peer, proxies) or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage where an address should be: count it against the proxy's peer
    return peer
