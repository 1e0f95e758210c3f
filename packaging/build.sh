#!/usr/bin/env bash
# Build the PeerDesk app folder for THIS system (Linux or macOS) with PyInstaller, then check
# that it starts: the packaged window must open and paint (offscreen) and a headless command
# must run. Output: dist/PeerDesk/ (on macOS also dist/PeerDesk.app and dist/PeerDesk-macos.zip),
# dist/PeerDesk-<system>.tar.gz on Linux.
#
#   packaging/build.sh            build and check
#   packaging/build.sh --no-check build only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PY=.venv/bin/python
"$PY" -m pip install --quiet -e ".[package]"
rm -rf build/pyinstaller dist/PeerDesk dist/PeerDesk.app
"$PY" -m PyInstaller --noconfirm --clean --workpath build/pyinstaller --distpath dist packaging/peerdesk.spec

if [[ "${1:-}" != "--no-check" ]]; then
  check_home="$(mktemp -d)"
  trap 'rm -rf "$check_home"' EXIT
  export PEERDESK_DATA_DIR="$check_home" PEERDESK_CONFIG="$check_home/config.json" QT_QPA_PLATFORM=offscreen \
         PEERDESK_DB_PASSPHRASE="build check" PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring
  dist/PeerDesk/peerdesk-cli --help >/dev/null
  dist/PeerDesk/peerdesk-cli demo
  PEERDESK_USER=admin PEERDESK_PASSWORD=demo dist/PeerDesk/peerdesk-cli audit verify
  PEERDESK_USER=admin PEERDESK_PASSWORD=demo dist/PeerDesk/peerdesk-cli export-all -o "$check_home/office.zip"
  timeout 120 dist/PeerDesk/PeerDesk --exit-when-painted
  echo "packaged app starts, paints and runs commands"
fi

case "$(uname -s)" in
  Darwin) (cd dist && ditto -c -k --keepParent PeerDesk.app PeerDesk-macos.zip) ;;
  Linux)  tar -C dist -czf "dist/PeerDesk-linux-$(uname -m).tar.gz" PeerDesk ;;
esac
echo "built: dist/PeerDesk"
