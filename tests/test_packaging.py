"""The packaged app (packaging/peerdesk.spec): what the bundle needs is in the spec, and — when a
built folder is given in PEERDESK_TEST_BUNDLE (packaging/build.sh makes one) — it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "peerdesk.spec"


def test_the_spec_ships_the_files_read_at_run_time(monkeypatch, tmp_path):
    spec = SPEC.read_text(encoding="utf-8")
    from peerdesk.storage.migrate import MIGRATIONS_DIR

    # Translations, instruments and icons are read from resources_dir(), which follows sys._MEIPASS …
    assert '(str(ROOT / "resources"), "resources")' in spec
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    from peerdesk.paths import resources_dir

    assert resources_dir() == tmp_path / "resources"
    # … and Alembic reads the migration scripts as files beside peerdesk/storage/migrate.py.
    assert MIGRATIONS_DIR.relative_to(ROOT).as_posix() == "peerdesk/storage/migrations"
    assert '"peerdesk/storage/migrations")' in spec
    assert 'console=False' in spec and 'name="peerdesk-cli", console=True' in spec
    assert "launcher.py" in spec and (ROOT / "packaging" / "launcher.py").exists()


BUNDLE = os.environ.get("PEERDESK_TEST_BUNDLE")


@pytest.mark.skipif(not BUNDLE, reason="set PEERDESK_TEST_BUNDLE=dist/PeerDesk after packaging/build.sh")
def test_the_built_bundle_runs_commands_and_paints_its_window(tmp_path):
    folder = Path(BUNDLE)
    exe = ".exe" if sys.platform == "win32" else ""
    env = {**os.environ, "PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_CONFIG": str(tmp_path / "config.json"),
           "PEERDESK_DB_PASSPHRASE": "bundle test", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "QT_QPA_PLATFORM": "offscreen", "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    env.pop("PEERDESK_DATABASE_URL", None)

    def run(name, *args):
        return subprocess.run([str(folder / f"{name}{exe}"), *args], env=env, capture_output=True, text=True, timeout=180)

    demo = run("peerdesk-cli", "demo")
    assert demo.returncode == 0, demo.stderr
    assert run("peerdesk-cli", "audit", "verify").returncode == 0
    exported = run("peerdesk-cli", "export-all", "-o", str(tmp_path / "office.zip"))
    assert exported.returncode == 0, exported.stderr
    # pyreadstat and pandas are imported only when a .sav is written: the bundle must hold them all the same.
    sav = run("peerdesk-cli", "export-round", "3", "--format", "sav", "-o", str(tmp_path / "round3.sav"))
    assert sav.returncode == 0, sav.stderr
    assert (tmp_path / "round3.sav").read_bytes()[:4] == b"$FL2"  # an SPSS system file
    assert run("PeerDesk", "--exit-when-painted").returncode == 0
