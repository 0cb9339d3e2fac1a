#!/usr/bin/env bash
# Build the one-folder bundle into dist/alpr-console (Linux here; same spec on Windows).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller \
  installer/alpr-console.spec
cp installer/linux/alpr-console.desktop dist/alpr-console/
echo "bundle: dist/alpr-console ($(du -sh dist/alpr-console | cut -f1))"
