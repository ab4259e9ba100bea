#!/usr/bin/env bash
# Classroom, one process for everyone: every browser tab gets its own App (own state) inside one server
# process. Lighter than one process per student, but one crash or one long render stalls the whole class.
# Two equivalent ways: our app.py (viewer/serve.py: one App per websocket), or trame's serve tool.
# Usage: deploy/classroom/start-multisession.sh [app|trame] [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
MODE="${1:-app}"
PORT="${2:-8080}"
case "$MODE" in
  app) exec "$PYTHON" app.py --host 0.0.0.0 --port "$PORT" ;;
  trame) exec "$PYTHON" -m trame.tools.serve --exec viewer.app:App --host 0.0.0.0 --port "$PORT" ;;
  *) echo "usage: $0 [app|trame] [PORT]" >&2; exit 2 ;;
esac
