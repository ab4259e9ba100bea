"""Client text in the server's log: quoted briefly and escaped, so a browser can neither flood the log nor
forge lines in it (a newline in a message would start a fake "wrong access code" line)."""

from __future__ import annotations

import logging

MAX_QUOTE = 120  # characters of client text kept in one log line


def quote(value: object, limit: int = MAX_QUOTE) -> str:
    """``value`` as one printable line: control characters escaped, cut to `limit` with its full length."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value[: limit * 4])
        text, total = raw.decode("utf-8", "replace"), len(value)
    else:
        text = value if isinstance(value, str) else repr(value)
        total = len(text)
        text = text[: limit * 4]
    escaped = text.encode("unicode_escape").decode("ascii")
    escaped = escaped.replace('"', '\\"')
    if len(escaped) > limit or total > len(text):
        return f'"{escaped[:limit]}..." ({total} chars)'
    return f'"{escaped}"'


class ClientTextFilter(logging.Filter):
    """Every record one brief line; no tracebacks from wslink and trame (a client's bad call)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > MAX_QUOTE * 4 or any(ch in message for ch in "\r\n\x1b"):
            record.msg, record.args = "%s", (quote(message, MAX_QUOTE * 2),)
        if record.name.startswith(("wslink", "trame")):
            record.exc_info = record.exc_text = None
        return True


def configure(level: int = logging.WARNING) -> logging.Handler:
    """The server's log: stderr, one filtered line per record (idempotent)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if any(isinstance(f, ClientTextFilter) for f in handler.filters):
            return handler
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ClientTextFilter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler
