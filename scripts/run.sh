#!/usr/bin/env bash
# Sets up .venv if needed and starts the app on every interface, so a tablet on the same network can open it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py --host "${HOST:-0.0.0.0}" --port "${PORT:-8080}" "$@"
