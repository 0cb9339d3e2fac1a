#!/usr/bin/env bash
# Shared set-up for the README commands: apt packages (when root and missing), venv, pip.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

APT_PKGS=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 fonts-dejavu-core libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
  libpulse0 xvfb xauth libespeak-ng1 espeak-ng sox poppler-utils ffmpeg
)
[ "${WITH_POSTGRES:-0}" = 1 ] && APT_PKGS+=(postgresql)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing apt packages: ${missing[*]}"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}; command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
REQ=${REQUIREMENTS:-requirements.txt}
.venv/bin/pip install -q -r "$REQ" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/pip install -q --no-deps -r requirements-models.txt 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "from cv2 import version; assert version.headless, 'non-headless OpenCV installed'"
