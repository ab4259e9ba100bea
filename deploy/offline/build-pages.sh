#!/usr/bin/env bash
# Offline pages for any web server or CDN: one self-contained HTML file per tooth, plus an index.
# Usage: deploy/offline/build-pages.sh OUT_DIR [TOOTH ...]   (default teeth: 54 55 64 65 74 75 84 85)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
OUT="${1:?usage: $0 OUT_DIR [TOOTH ...]}"
shift
TEETH=("$@")
[ ${#TEETH[@]} -gt 0 ] || TEETH=(54 55 64 65 74 75 84 85)
mkdir -p "$OUT"
{
  echo '<!doctype html><meta charset="utf-8"><title>Primary molars</title><h1>Primary molars</h1><ul>'
  for t in "${TEETH[@]}"; do
    "$PYTHON" -m viewer.export offline --tooth "$t" --out "$OUT/tooth-$t.html" >&2
    echo "<li><a href=\"tooth-$t.html\">Tooth $t</a></li>"
  done
  echo '</ul>'
} > "$OUT/index.html"
echo "wrote $OUT/index.html and ${#TEETH[@]} pages" >&2
