"""Encryption at rest is real, keys come from the keyring or a passphrase, bad situations read well."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from peerdesk.services.access import SYSTEM
from peerdesk import models as m
from peerdesk.errors import StorageError
from peerdesk.services import supervision
from peerdesk.storage import netshare
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from peerdesk.storage.keys import DatabaseKey
from peerdesk.storage.opening import open_current
from tests import factories as f
from tests.conftest import TEST_KEY

SECRET = "Hemlig-Anteckning-4711-Åsa"


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file()]


def test_known_string_is_not_in_the_file_its_wal_or_any_other_file(sqlite_db):
    folder = Path(sqlite_db.target.path).parent
    with sqlite_db.begin(SYSTEM) as s:
        p = f.peer(s, first=SECRET, last="Öberg")
        supervision.log_session(s, "2025-01-01", [p.id], notes=SECRET * 20)
    wal = Path(str(sqlite_db.target.path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the change should still be in the WAL"
    for path in _files(folder):
        data = path.read_bytes()
        assert SECRET.encode() not in data and SECRET.encode("utf-16-le") not in data, path.name
    with sqlite_db.engine.connect() as conn:  # after a checkpoint too
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # temp data stays in memory
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    for path in _files(folder):
        assert SECRET.encode() not in path.read_bytes(), path.name
    assert not Path(sqlite_db.target.path).read_bytes().startswith(b"SQLite format 3")
    with sqlite_db.session(SYSTEM) as s:  # …while the app reads it back fine
        assert s.query(m.PeerSupporter).one().first_name == SECRET


def test_wrong_key_is_refused_cleanly(sqlite_db):
    path = sqlite_db.target.path
    sqlite_db.dispose()
    for key in (DatabaseKey.new_raw(), DatabaseKey(passphrase="not the key")):
        with pytest.raises(StorageError) as info:
            open_database(DatabaseTarget("sqlite", path=path), key)
        assert info.value.key == "error.wrong_key"
        assert "could not be unlocked" in info.value.message
    plain = sqlite3.connect(path)  # nor can a plain SQLite read it
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM sqlite_master").fetchall()
    plain.close()


def test_unencrypted_file_is_refused(tmp_path):
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError) as info:
        open_database(DatabaseTarget("sqlite", path=path), TEST_KEY)
    assert info.value.key == "error.database_not_encrypted"


def test_missing_database_is_reported_not_created(tmp_path):
    with pytest.raises(StorageError) as info:
        open_current(target=DatabaseTarget("sqlite", path=tmp_path / "none.db"))
    assert info.value.key == "error.database_missing"
    assert not (tmp_path / "none.db").exists()


def test_network_share_is_refused_with_a_pointer_to_postgresql(tmp_path, monkeypatch):
    mounts = [(str(tmp_path), "cifs"), ("/", "ext4")]
    assert netshare.is_network_path(tmp_path / "x.db", mounts)
    assert not netshare.is_network_path(Path("/var/x.db"), mounts)
    assert netshare.is_network_path(Path("//server/share/x.db"), [])
    monkeypatch.setattr(netshare, "_mount_table", lambda: mounts)
    with pytest.raises(StorageError) as info:
        open_database(DatabaseTarget("sqlite", path=tmp_path / "x.db"), TEST_KEY, create=True)
    assert "PostgreSQL" in info.value.message
    assert not (tmp_path / "x.db").exists()


def test_no_keyring_means_passphrase_never_plaintext(tmp_path, no_keyring):
    target = DatabaseTarget("sqlite", path=tmp_path / "p.db")
    with pytest.raises(StorageError) as info:  # no way to ask: refuse instead of writing plaintext
        open_current(create=True, target=target)
    assert info.value.key == "error.passphrase_needed"
    assert not target.path.exists()
    asked = []
    opened = open_current(create=True, target=target, ask=lambda new: asked.append(new) or "correct horse battery")
    assert asked == [True] and opened.key_source == "passphrase" and opened.db.encrypted
    opened.db.dispose()
    assert not target.path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(StorageError) as info:
        open_current(target=target, ask=lambda new: "wrong horse")
    assert info.value.key == "error.wrong_key"
    opened = open_current(target=target, ask=lambda new: "correct horse battery")
    assert opened.schema == "current"
    opened.db.dispose()


def test_locked_keyring_falls_back_to_the_passphrase(tmp_path, locked_keyring):
    target = DatabaseTarget("sqlite", path=tmp_path / "l.db")
    opened = open_current(create=True, target=target, ask=lambda new: "a passphrase")
    assert opened.key_source == "passphrase"
    opened.db.dispose()


def test_recovery_key_opens_the_database_when_the_keyring_lost_it(tmp_path):
    key = DatabaseKey.new_raw()
    db = open_database(DatabaseTarget("sqlite", path=tmp_path / "r.db"), key, create=True)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x)"))
    db.dispose()
    typed = key.recovery_text().upper().replace("-", " ")
    db = open_database(DatabaseTarget("sqlite", path=tmp_path / "r.db"), DatabaseKey.from_user_input(typed))
    db.dispose()
    assert "5e5e" not in repr(TEST_KEY)  # key material never shows up in reprs or logs


KEYRING_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.opening import open_current
    target = DatabaseTarget("sqlite", path=Path(sys.argv[1]))
    first = open_current(create=True, target=target, ask=None)
    first.db.dispose()
    again = open_current(target=target, ask=None)  # no passphrase anywhere: the keyring holds the key
    again.db.dispose()
    print(json.dumps({"first": first.key_source, "again": again.key_source, "recovery": bool(first.recovery_key)}))
    """
)


def test_real_os_keyring_holds_the_raw_key(tmp_path):
    """Against the real Secret Service (gnome-keyring in a private D-Bus session)."""
    needed = [shutil.which(x) for x in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")]
    if not all(needed):
        if os.environ.get("PEERDESK_REQUIRE_KEYRING") == "1":
            pytest.fail("gnome-keyring, dbus and libsecret-tools are required here")
        pytest.skip("gnome-keyring / dbus-run-session / secret-tool not installed")
    db_path = tmp_path / "k.db"
    script = tmp_path / "k.py"
    script.write_text(KEYRING_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "PEERDESK_DB_PASSPHRASE", "DBUS_SESSION_BUS_ADDRESS")}
    env["HOME"] = str(tmp_path)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    inner = (
        "echo -n test-login | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
        f"'{sys.executable}' '{script}' '{db_path}' && "
        f"secret-tool search --all service PeerDesk 2>&1 | grep -c 'attribute.username = sqlite:'"
    )
    result = subprocess.run(["dbus-run-session", "--", "sh", "-c", inner], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert json.loads(lines[0]) == {"first": "keyring", "again": "keyring", "recovery": True}
    assert lines[-1] == "1"
    assert not db_path.read_bytes().startswith(b"SQLite format 3")


def test_a_new_database_on_a_keyring_keeps_its_key_there_and_shows_it_once(tmp_path, keyring_backend, monkeypatch):
    from peerdesk.storage.keys import KEYRING_SERVICE, confirms_recovery

    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE", raising=False)
    target = DatabaseTarget("sqlite", path=tmp_path / "k.db")
    first = open_current(create=True, target=target, ask=None)  # nobody to ask: the keyring is enough
    first.db.dispose()
    stored = keyring_backend.items[(KEYRING_SERVICE, f"sqlite:{target.path.resolve()}")]
    assert first.key_source == "keyring" and first.recovery_key.replace("-", "") == stored
    groups = first.recovery_key.split("-")
    assert len(groups) == 8 and all(len(g) == 8 for g in groups)
    assert confirms_recovery(f" {groups[-1].upper()} ", first.recovery_key)
    assert not confirms_recovery(groups[0], first.recovery_key) and not confirms_recovery("", first.recovery_key)
    again = open_current(target=target, ask=None)
    again.db.dispose()
    assert again.key_source == "keyring" and again.recovery_key == ""  # shown once, at creation only


def test_a_named_passphrase_makes_a_passphrase_database_even_with_a_keyring(tmp_path, keyring_backend, monkeypatch):
    monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", "chosen by the script")
    target = DatabaseTarget("sqlite", path=tmp_path / "p.db")
    opened = open_current(create=True, target=target)
    opened.db.dispose()
    assert opened.key_source == "passphrase" and opened.recovery_key == "" and keyring_backend.items == {}


def test_a_new_file_that_could_not_be_finished_leaves_no_key_behind(tmp_path, keyring_backend, monkeypatch):
    from peerdesk.storage import migrate

    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE", raising=False)

    def broken(db, allow_upgrade=True):
        raise StorageError("error.disk_full")

    monkeypatch.setattr(migrate, "ensure_schema", broken)
    target = DatabaseTarget("sqlite", path=tmp_path / "n.db")
    with pytest.raises(StorageError):
        open_current(create=True, target=target)
    assert not target.path.exists() and keyring_backend.items == {}

