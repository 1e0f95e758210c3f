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


def _fresh_python(code: str) -> str:
    """What `code` prints in a new interpreter (imports are per process)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_nothing_heavy_is_imported_before_the_first_paint():
    code = (
        "import sys; import peerdesk.ui.app, peerdesk.ui.main_window, peerdesk.cli;"
        "heavy=[m for m in ('sqlalchemy','alembic','reportlab','keyring','sqlcipher3','psycopg',"
        "'PySide6.QtPdf','PySide6.QtPdfWidgets','PySide6.QtPrintSupport','babel') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    assert _fresh_python(code) == ""


def test_pyside_import_hook_gives_pysides_answers_without_reading_source_through_inspect():
    """PySide asks of every imported module whether it uses PySide6; ours answers from the file's bytes."""
    code = (
        "import sys, json, importlib, linecache\n"
        "import peerdesk.ui.app\n"
        "feature = sys.modules['shibokensupport.feature']\n"
        "ours = feature._mod_uses_pyside\n"
        "assert getattr(ours, 'peerdesk', False), 'not installed'\n"
        "names = ['peerdesk.ui.main_window', 'peerdesk.i18n', 'json', 'sys', 'peerdesk.ui.pyside_import_hook']\n"
        "mods = [importlib.import_module(n) for n in names]\n"
        "before = len(linecache.cache)\n"
        "got = [ours(m) for m in mods]\n"
        "assert len(linecache.cache) == before, 'answered through inspect/linecache'\n"
        "import inspect\n"
        "def pyside_answer(m):\n"
        "    try:\n"
        "        return 'PySide6' in inspect.getsource(m)\n"
        "    except (TypeError, OSError):\n"
        "        return False\n"
        "print(json.dumps([got, [pyside_answer(m) for m in mods]]))\n"
    )
    import json

    got, expected = json.loads(_fresh_python(code))
    assert got == expected == [True, False, False, False, True]
