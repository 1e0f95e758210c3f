"""Backups: online, encrypted, checked; restore round-trips; on both backends via the CLI."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from peerdesk.services.access import SYSTEM
from peerdesk import models as m
from peerdesk.errors import StorageError
from peerdesk.storage.schema import HEAD_REVISION
from peerdesk.storage.backup import backup_sqlite, check_sqlite_backup, restore_sqlite
from peerdesk.storage.keys import DatabaseKey
from peerdesk.storage.schema import HEAD_REVISION
from tests import factories as f
from peerdesk.storage.schema import HEAD_REVISION
from tests.conftest import TEST_KEY
from tests.test_cli import run


def test_backup_while_another_thread_writes_is_consistent_and_encrypted(sqlite_db, tmp_path):
    stop = threading.Event()
    written = []

    def writer():
        i = 0
        while not stop.is_set() and i < 400:
            with sqlite_db.begin(SYSTEM) as s:
                written.append(f.workplace(s, name=f"Avd {i}").id)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            pass
        dest = backup_sqlite(sqlite_db.target.path, TEST_KEY, tmp_path / "b" / "backup.db")
    finally:
        stop.set()
        thread.join()
    assert check_sqlite_backup(dest, TEST_KEY) == HEAD_REVISION
    assert not dest.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(StorageError) as info:
        check_sqlite_backup(dest, DatabaseKey.new_raw())
    assert info.value.key == "error.backup_wrong_key"


def test_restore_round_trips_and_keeps_a_safety_copy(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    with sqlite_db.begin(SYSTEM) as s:
        f.workplace(s, name="Före")
    dest = backup_sqlite(sqlite_db.target.path, TEST_KEY, tmp_path / "backup.db")
    with sqlite_db.begin(SYSTEM) as s:
        f.workplace(s, name="Efter")
    sqlite_db.dispose()
    safety = restore_sqlite(dest, TEST_KEY, sqlite_db.target.path)
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalars(select(m.Workplace.name)).all() == ["Före"]
    assert check_sqlite_backup(safety, TEST_KEY) == HEAD_REVISION


def test_damaged_backup_is_refused_and_the_database_untouched(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    with sqlite_db.begin(SYSTEM) as s:
        f.workplace(s, name="Kvar")
    dest = backup_sqlite(sqlite_db.target.path, TEST_KEY, tmp_path / "backup.db")
    data = bytearray(dest.read_bytes())
    data[5000:5100] = bytes(100)  # flip a stretch of page 2
    dest.write_bytes(bytes(data))
    with pytest.raises(StorageError) as info:
        restore_sqlite(dest, TEST_KEY, sqlite_db.target.path)
    assert info.value.key in ("error.backup_damaged", "error.backup_wrong_key")
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(m.Workplace)) == 1


def test_cli_backup_and_restore(tmp_path):
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "pp", "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    result = run(env, "backup", "-o", str(tmp_path / "one.db"))
    assert result.returncode == 0 and "one.db" in result.stdout
    restored = run(env, "restore", str(tmp_path / "one.db"))
    assert restored.returncode == 0, restored.stderr
    assert len(json.loads(run(env, "list", "people", "--json").stdout)) == 17  # the demo office, with two peer supporters accepted from the applicants
    missing = run(env, "restore", str(tmp_path / "nope.db"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_cli_backup_and_restore_on_postgresql(pg_databases, pg_template, tmp_path):
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DATABASE_URL": pg_databases.url(), "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    dump = tmp_path / "office.pgdump"
    result = run(env, "backup", "-o", str(dump))
    assert result.returncode == 0, result.stderr
    assert run(env, "restore", str(dump)).returncode == 0
    assert len(json.loads(run(env, "list", "workplaces", "--json").stdout)) == 14


def test_scheduled_backup_runs_when_due_and_keeps_the_newest(sqlite_db, tmp_path):
    import os

    from peerdesk.storage.backup import scheduled_backup

    folder = tmp_path / "sched"
    first = scheduled_backup(sqlite_db, 24, 3, folder)
    assert first is not None and check_sqlite_backup(first, TEST_KEY) == HEAD_REVISION
    assert scheduled_backup(sqlite_db, 24, 3, folder) is None  # not due yet
    for i in range(4):  # a day later each time
        for p in folder.glob("*-scheduled.db"):
            st = p.stat()
            os.utime(p, (st.st_atime - 86400 * 2, st.st_mtime - 86400 * 2))
        assert scheduled_backup(sqlite_db, 24, 3, folder) is not None
    assert len(list(folder.glob("*-scheduled.db"))) == 3
