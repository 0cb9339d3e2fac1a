#!/usr/bin/env bash
# README command 1: set everything up and start the console (demo feed, embedded SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
export QT_API=pyside6
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "no screen found: running on a virtual X server (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1600x900x24" .venv/bin/python main.py --demo "$@"
fi
exec .venv/bin/python main.py --demo "$@"
