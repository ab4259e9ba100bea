#!/usr/bin/env bash
# Chairside: one process on a laptop or small box in the practice, reached by the tablet over the
# practice network. Usage: deploy/chairside/start.sh [--access-code CODE] [--port 8080]
# The access code can also come from $PM3D_ACCESS_CODE; without either, a fresh code is made and printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
PORT="${PORT:-8080}"
CODE="${PM3D_ACCESS_CODE:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --access-code) CODE="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$CODE" ]; then
  CODE="$("$PYTHON" -c 'from viewer.access import generate_code; print(generate_code())')"
fi
export PM3D_ACCESS_CODE="$CODE"
ADDR="$(hostname -I 2>/dev/null | awk '{print $1}')"
echo "Access code for the tablet: $CODE"
echo "On the tablet open: http://${ADDR:-this-computer}:${PORT}/"
# 0.0.0.0: listen on the practice network, not only on this computer.
if "$PYTHON" app.py --help 2>/dev/null | grep -q -- "--access-code"; then
  exec "$PYTHON" app.py --host 0.0.0.0 --port "$PORT" --access-code "$CODE"
fi
echo "WARNING: this app.py does not check access codes yet; anyone on the network can open it." >&2
exec "$PYTHON" app.py --host 0.0.0.0 --port "$PORT"
