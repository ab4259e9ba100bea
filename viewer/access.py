"""Access code for the practice network: a passer-by on the Wi-Fi cannot open the viewer.

Pure logic, no web framework: viewer/serve.py asks `check_code` before it accepts a session. The code is
set at start-up with ``--access-code CODE`` or the environment variable ``PM3D_ACCESS_CODE`` (the flag wins).
"""

from __future__ import annotations

import hmac
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
    """The configured code: ``--access-code`` value, else $PM3D_ACCESS_CODE, else None (no code)."""
    env = os.environ if environ is None else environ
    code = flag_value if flag_value not in (None, "") else env.get(ENV_VAR) or None
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
        recent = [t for t in self._failures.get(client, []) if now - t < self.window_s] + [now]
        self._failures[client] = recent
        if len(recent) >= self.limit:
            self._locked_until[client] = now + self.lock_s
            self._failures.pop(client, None)
        return False
