"""The core stays Qt-free (import-linter contract in pyproject.toml), and startup stays light."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contract_holds():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extras"
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken" in result.stdout


def test_nothing_heavy_is_imported_before_the_first_paint():
    code = (
        "import sys; import peerdesk.ui.app, peerdesk.ui.main_window, peerdesk.cli;"
        "heavy=[m for m in ('sqlalchemy','alembic','reportlab','keyring','sqlcipher3','psycopg') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
