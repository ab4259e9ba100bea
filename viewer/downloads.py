"""Files a session made for its user (a video, an offline page), served once by an unguessable URL.

Nothing here names a patient: a file is the tooth and the procedure, kept in the session's own temporary
folder and forgotten (and deleted by ``viewer.share.logic``) when the session closes. ``viewer.serve`` answers
``GET /download/<token>/<name>`` from this table.
"""

from __future__ import annotations

import secrets
from pathlib import Path

_files: dict[str, Path] = {}


def publish(path: Path) -> str:
    """A relative URL for ``path`` (the page is served at the root, so it resolves beside index.html)."""
    token = secrets.token_urlsafe(18)
    _files[token] = Path(path)
    return f"download/{token}/{Path(path).name}"


def lookup(token: str, name: str) -> Path | None:
    path = _files.get(token)
    if path is None or path.name != name or not path.is_file():
        return None
    return path


def forget(url: str) -> None:
    parts = url.split("/")
    if len(parts) == 3:
        _files.pop(parts[1], None)
