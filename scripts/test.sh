#!/usr/bin/env bash
# Sets up .venv with the test tools (and Debian's Chromium) if needed, then runs the linter and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
