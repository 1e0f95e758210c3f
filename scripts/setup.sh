#!/usr/bin/env bash
# Shared by run.sh and test.sh: a virtual environment in .venv with PeerDesk installed.
# Usage: scripts/setup.sh [extras]   e.g. scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# Debian/Ubuntu as root (CI, a fresh office machine): the system libraries Qt needs,
# and for tests the PostgreSQL server and a real keyring. Elsewhere: say what is missing.
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installing system packages: ${missing[*]}"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "Note: these system packages may be needed: ${missing[*]}" >&2
    fi
  fi
}
if command -v dpkg >/dev/null; then
  apt_install python3-venv libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3 \
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 fonts-dejavu-core
  if [ "$extras" = test ]; then
    apt_install postgresql gnome-keyring dbus dbus-x11 libsecret-tools
  fi
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-${extras:-app}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [ -n "$extras" ]; then .venv/bin/python -m pip install -q -e ".[$extras]"; else .venv/bin/python -m pip install -q -e .; fi
  touch "$stamp"
fi
# Bytecode for PeerDesk's own modules, as an installed app has it (this machine may set
# PYTHONDONTWRITEBYTECODE, and then every start would compile them again).
.venv/bin/python -m compileall -q peerdesk main.py >/dev/null || true
