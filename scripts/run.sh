#!/usr/bin/env bash
# Set up (first time) and start PeerDesk on its embedded default: an encrypted SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/peerdesk "$@"
