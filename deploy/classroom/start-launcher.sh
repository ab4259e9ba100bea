#!/usr/bin/env bash
# Classroom, one process per student: Kitware's wslink launcher starts `app.py` on a free port of
# 9001-9060 for each session request (POST /launcher {"application": "pm3d"}) and answers with its URL.
# Usage: deploy/classroom/start-launcher.sh   (from any directory)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
mkdir -p /tmp/pm3d-launcher/logs
touch /tmp/pm3d-launcher/proxy-mapping.txt
"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' deploy/classroom/launcher.json
exec "$PYTHON" -m wslink.launcher deploy/classroom/launcher.json
