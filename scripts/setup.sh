#!/usr/bin/env bash
# Creates .venv in the checkout and installs the pinned dependencies (idempotent).
# Usage: scripts/setup.sh [test]   -- "test" also installs the test tools and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
extras=""
[ "${1:-}" = "test" ] && extras="[test]"
stamp=".venv/.installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".$extras"
    touch "$stamp"
fi
if [ "${1:-}" = "test" ] && ! command -v chromium >/dev/null; then
    # Debian's Chromium drives the end-to-end tests; no browser is downloaded at run time.
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
if [ "${1:-}" = "test" ]; then
    # The 3D view's bundle (viewer/page/static/view3d.js) is committed; the tests build it again from its
    # source with the pinned vtk.js and esbuild (package-lock.json) and compare. Needs Node.js and npm.
    js=viewer/page/view3d
    if ! command -v npm >/dev/null; then
        SUDO=""
        [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
    fi
    if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
        npm ci --prefix "$js" --no-audit --no-fund --loglevel=error
    fi
fi
