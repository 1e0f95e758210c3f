#!/usr/bin/env bash
# Set up (first time) and run every test: domain tests on encrypted SQLite and on a real
# PostgreSQL server started for the run, UI tests offscreen, the Qt-free import contract.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
if [ "${CI:-}" = true ]; then
  # In CI nothing may be skipped for lack of a server or keyring.
  export PEERDESK_REQUIRE_POSTGRES=1 PEERDESK_REQUIRE_KEYRING=1
fi
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
