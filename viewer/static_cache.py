"""Static assets served small: a mirror of each asset folder with brotli and gzip copies beside every text
file, and the icon font cut to the glyphs the app uses.

aiohttp's static handler already sends ``name.js.br`` / ``name.js.gz`` when the browser accepts that
encoding and the file exists (Content-Encoding), so this module only prepares the mirror once: files are
hard-linked (no copy, no space) and the compressed siblings are written the first time a set of assets is
seen. The Material Design Icons font (403 KB, ~7400 glyphs) and its 347 KB stylesheet become the few dozen
glyphs named anywhere in the app's sources or by Vuetify's own components (figures: ``python -m bench``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import re
import shutil
from functools import lru_cache
from pathlib import Path

import brotli

COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".json", ".svg", ".map", ".txt", ".wasm", ".ttf"}
MIN_SIZE = 1024  # bytes: below this the encoding's header costs more than it saves
ICON_CSS, ICON_FONT = Path("css/mdi.css"), Path("fonts/materialdesignicons-webfont.woff2")
ICON_NAME = re.compile(r"mdi-[a-z0-9]+(?:-[a-z0-9]+)*")
ICON_RULE = re.compile(r'\.(mdi-[a-z0-9-]+)::before\{content:"\\([0-9A-F]+)"\}')
APP_SOURCES = ("viewer", "scenes")  # where the app names its icons (Python, TOML)


def cache_root() -> Path:
    default = Path(__file__).resolve().parent.parent / ".cache" / "www"
    return Path(os.environ.get("PRIMARY_MOLAR_WWW_CACHE", default))


@lru_cache(maxsize=1)
def app_icons() -> frozenset[str]:
    """Every ``mdi-*`` name in the app's sources: the icons a page can show (a test checks the page)."""
    root = Path(__file__).resolve().parent.parent
    names: set[str] = set()
    for folder in APP_SOURCES:
        for here, dirs, files in os.walk(root / folder):
            dirs[:] = [d for d in dirs if d != "node_modules"]  # the 3D view's build tools (page/view3d)
            for name in files:
                if name.endswith((".py", ".toml", ".js")):
                    names |= set(ICON_NAME.findall(Path(here, name).read_text(errors="ignore")))
    return frozenset(names)


def compressed_mirror(source: str | os.PathLike, root: Path | None = None,
                      icons: frozenset[str] | None = None, page_head: str = "",
                      page_versions: dict[str, str] | None = None) -> Path:
    """A folder with the same files as `source`, plus ``.br``/``.gz`` copies of the compressible ones; an
    icon font in it keeps only the glyphs of `icons` (default: the app's) and of the folder's own scripts;
    its ``index.html`` gets `page_head` before ``</head>`` (the hints that fetch the scripts at once) and
    its own assets at content-addressed URLs (``?v=`` from `page_versions`)."""
    source = Path(source)
    icons = app_icons() if icons is None else icons
    files = sorted(p for p in source.rglob("*") if p.is_file())
    signature = hashlib.sha256(str(source.resolve()).encode() + Path(__file__).read_bytes())  # + this code
    signature.update(f"{sorted(icons)}{page_head}{sorted((page_versions or {}).items())}".encode())
    for path in files:
        stat = path.stat()
        signature.update(f"{path.relative_to(source)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    target = (root or cache_root()) / f"{source.name}-{signature.hexdigest()[:16]}"
    if (target / ".complete").exists():
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
    if (partial / ICON_CSS).exists() and (partial / ICON_FONT).exists():
        own = {n for p in files if p.suffix == ".js" for n in ICON_NAME.findall(p.read_text(errors="ignore"))}
        subset_icons(partial, icons | own)
    for sheet in partial.rglob("*.css"):
        version_urls(sheet)
    page = partial / "index.html"
    if page_head and page.exists():
        html = page.read_text()
        page.unlink()  # a hard link to the installed file: never write through it
        for name, version in (page_versions or {}).items():  # src="vue.global.js", href="./assets/x.css"
            html = re.sub(rf'((?:src|href)="(?:\./)?{re.escape(name)})"', rf'\1?v={version}"', html)
        page.write_text(html.replace("</head>", page_head + "</head>", 1))
    for out in sorted(p for p in partial.rglob("*") if p.is_file()):
        if out.suffix in COMPRESSIBLE and out.stat().st_size >= MIN_SIZE:
            data = out.read_bytes()
            out.with_name(out.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9))
            out.with_name(out.name + ".br").write_bytes(brotli.compress(data, quality=11))
    (partial / ".complete").touch()
    try:
        partial.rename(target)
    except OSError:  # another process finished the same mirror first
        shutil.rmtree(partial, ignore_errors=True)
    return target


def subset_icons(folder: Path, names: set[str] | frozenset[str]) -> list[str]:
    """Rewrite the mirror's icon stylesheet and font to the glyphs of `names`; returns the names kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # it notes the font's odd timestamps, harmless
    css = (folder / ICON_CSS).read_text()
    rules = {name: code for name, code in ICON_RULE.findall(css)}
    kept = sorted(n for n in names if n in rules)
    head = css[:ICON_RULE.search(css).start()]  # @font-face and the .mdi base rules
    head = re.sub(r"@font-face\{[^}]*\}", '@font-face{font-family:"Material Design Icons";'
                  'src:url("../fonts/materialdesignicons-webfont.woff2") format("woff2");'
                  "font-weight:normal;font-style:normal;font-display:block}", head, count=1)
    body = "".join(f'.{n}::before{{content:"\\{rules[n]}"}}' for n in kept)
    font = TTFont(folder / ICON_FONT)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[int(rules[n], 16) for n in kept])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    for path in (folder / ICON_CSS, folder / ICON_FONT):
        path.unlink()  # a hard link to the installed file: never write through it
    (folder / ICON_FONT).write_bytes(buffer.getvalue())
    (folder / ICON_CSS).write_text(head + body + utility_rules(css))
    return kept


def utility_rules(css: str) -> str:
    """mdi.css's rules after the glyphs (sizes, rotations, ``.mdi-spin``): kept, they are small."""
    last = css.rindex('::before{content:"')
    return css[css.index("}", last) + 1:]


def content_hashes(folder: Path) -> dict[str, str]:
    """Each served file's content hash (its relative path -> 12 hex digits): the version in its URL."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix not in (".gz", ".br") and path.name != ".complete":
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return out


CSS_URL = re.compile(r"""url\((["']?)([^"')?#]+)[^"')]*\1\)""")


def version_urls(sheet: Path) -> None:
    """The fonts a stylesheet names, at content-addressed URLs (``?v=<hash>``): kept by the browser too."""
    css = sheet.read_text()

    def versioned(match: re.Match) -> str:
        quote, name = match.groups()
        target = sheet.parent / name
        if "//" in name or not target.is_file():
            return match.group(0)
        return f"url({quote}{name}?v={hashlib.sha256(target.read_bytes()).hexdigest()[:12]}{quote})"

    out = CSS_URL.sub(versioned, css)
    if out != css:
        sheet.unlink()  # may be a hard link to the installed file
        sheet.write_text(out)
