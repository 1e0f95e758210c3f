"""The SQLCipher file format: new files use HMAC-SHA256 page authentication (AES-256 and the KDF as
before); files written by earlier PeerDesk versions (SQLCipher 4 defaults, HMAC-SHA512) still open
everywhere, and are upgraded once on open, after a backup, with no data lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from peerdesk import models as m
from peerdesk.errors import StorageError
from peerdesk.services import supervision
from peerdesk.services.access import SYSTEM
from peerdesk.storage import cipher
from peerdesk.storage.backup import backup_sqlite, check_sqlite_backup, restore_sqlite
from peerdesk.storage.cipher import CIPHER_FORMAT, LEGACY_CIPHER_FORMAT
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from peerdesk.storage.keys import DatabaseKey
from peerdesk.storage.migrate import ensure_schema
from peerdesk.storage.opening import open_current
from peerdesk.storage.schema import HEAD_REVISION
from tests import factories as f
from tests.conftest import TEST_KEY

NOTE = "Samtal om gränser och återhämtning"


def _dump(path: Path, key: DatabaseKey) -> dict:
    """Every row of every table, to compare files cell by cell."""
    conn, _ = cipher.unlock(path, key)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
    finally:
        conn.close()


def _old_peerdesk_file(folder: Path, key: DatabaseKey) -> Path:
    """A database as PeerDesk wrote it before this format: a bare `PRAGMA key`, SQLCipher 4's defaults."""
    made = folder / "made.db"
    db = open_database(DatabaseTarget("sqlite", path=made), key, create=True)
    ensure_schema(db)
    with db.begin(SYSTEM) as s:
        p = f.peer(s, first="Åsa", last="Öberg")
        supervision.log_session(s, "2025-03-01", [p.id], notes=NOTE * 10)
    db.dispose()
    old = folder / "peerdesk.db"
    src, _ = cipher.unlock(made, key)
    src.execute("ATTACH DATABASE ? AS old KEY ?", (str(old), key.attach_value()))  # no cipher pragmas: the defaults
    src.execute("SELECT sqlcipher_export('old')").fetchall()
    src.execute("DETACH DATABASE old")
    src.close()
    plain_key = sqlcipher.connect(str(old))  # exactly how the earlier version opened it
    plain_key.execute(key.pragma())
    assert plain_key.execute("PRAGMA cipher_settings").fetchall()[-2][0] == "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;"
    assert plain_key.execute("SELECT count(*) FROM peer_supporter").fetchone()[0] == 1
    plain_key.execute("PRAGMA journal_mode = WAL").fetchall()
    plain_key.close()
    return old


def test_a_new_file_is_aes256_with_hmac_sha256_pages(tmp_path):
    db = open_database(DatabaseTarget("sqlite", path=tmp_path / "n.db"), TEST_KEY, create=True)
    ensure_schema(db)
    assert db.cipher_format == CIPHER_FORMAT
    with db.engine.connect() as conn:
        settings = {r[0] for r in conn.exec_driver_sql("PRAGMA cipher_settings")}
        assert conn.exec_driver_sql("PRAGMA cipher").scalar().lower() == "aes-256-cbc"
    db.dispose()
    assert {"PRAGMA cipher_use_hmac = 1;", "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
            "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512;", "PRAGMA kdf_iter = 256000;"} <= settings
    with pytest.raises(StorageError) as info:  # the format is part of the file: the defaults do not open it
        cipher.unlock(tmp_path / "n.db", TEST_KEY, (LEGACY_CIPHER_FORMAT,))
    assert info.value.key == "error.wrong_key"


def test_an_older_file_opens_without_being_changed(tmp_path):
    old = _old_peerdesk_file(tmp_path, TEST_KEY)
    before = _dump(old, TEST_KEY)
    db = open_database(DatabaseTarget("sqlite", path=old), TEST_KEY)
    assert db.cipher_format == LEGACY_CIPHER_FORMAT
    with db.session(SYSTEM) as s:
        assert s.query(m.SupervisionSession).one().notes == NOTE * 10
    db.dispose()
    assert cipher.unlock(old, TEST_KEY)[1] == LEGACY_CIPHER_FORMAT
    assert _dump(old, TEST_KEY) == before
    with pytest.raises(StorageError) as info:
        open_database(DatabaseTarget("sqlite", path=old), DatabaseKey.new_raw())
    assert info.value.key == "error.wrong_key"


@pytest.mark.parametrize("key", [TEST_KEY, DatabaseKey(passphrase="en 'gammal' lösenfras")], ids=["raw", "passphrase"])
def test_open_current_upgrades_an_older_file_once_after_a_backup(tmp_path, monkeypatch, key):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", key.raw_hex or key.passphrase)
    old = _old_peerdesk_file(tmp_path, key)
    before = _dump(old, key)
    opened = open_current(target=DatabaseTarget("sqlite", path=old))
    assert opened.schema == "current" and opened.db.cipher_format == CIPHER_FORMAT
    with opened.db.session(SYSTEM) as s:
        assert s.query(m.SupervisionSession).one().notes == NOTE * 10
    with opened.db.begin(SYSTEM) as s:  # and it takes new writes
        f.workplace(s, name="Efter uppgraderingen")
    opened.db.dispose()
    after = _dump(old, key)
    assert cipher.unlock(old, key)[1] == CIPHER_FORMAT
    assert all(set(rows) <= set(after[t]) for t, rows in before.items())  # nothing lost…
    assert {t for t in before if before[t] != after[t]} == {"workplace", "workplace_stage_change", "audit_event"}  # …only the new write added (a ward and its first onboarding step)
    (backup,) = (tmp_path / "data" / "backups").glob("*-before-cipher-upgrade.db")
    assert _dump(backup, key) == before and cipher.unlock(backup, key)[1] == LEGACY_CIPHER_FORMAT
    assert check_sqlite_backup(backup, key) == HEAD_REVISION
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("peerdesk.db")) == ["peerdesk.db"]
    again = open_current(target=DatabaseTarget("sqlite", path=old))  # once: nothing more to do
    again.db.dispose()
    assert len(list((tmp_path / "data" / "backups").glob("*.db"))) == 1


def test_no_upgrade_while_another_process_has_the_file_open(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", TEST_KEY.raw_hex)
    old = _old_peerdesk_file(tmp_path, TEST_KEY)
    before = _dump(old, TEST_KEY)
    other = open_database(DatabaseTarget("sqlite", path=old), TEST_KEY)  # e.g. the GUI while the CLI starts
    with other.session(SYSTEM) as s:
        assert s.query(m.PeerSupporter).count() == 1
    opened = open_current(target=DatabaseTarget("sqlite", path=old))
    assert opened.db.cipher_format == LEGACY_CIPHER_FORMAT  # left as it was, and it works
    with opened.db.begin(SYSTEM) as s:
        f.workplace(s, name="Under tiden")
    with other.session(SYSTEM) as s:
        assert s.query(m.Workplace).one().name == "Under tiden"
    opened.db.dispose()
    other.dispose()
    assert not (tmp_path / "data" / "backups").exists() or not list((tmp_path / "data" / "backups").iterdir())
    with_write = _dump(old, TEST_KEY)
    assert {t for t in before if before[t] != with_write[t]} == {"workplace", "workplace_stage_change", "audit_event"}
    opened = open_current(target=DatabaseTarget("sqlite", path=old))  # the next start, alone: upgraded
    assert opened.db.cipher_format == CIPHER_FORMAT
    opened.db.dispose()
    assert _dump(old, TEST_KEY) == with_write


def test_backups_keep_the_format_and_an_older_backup_restores_into_a_new_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    old = _old_peerdesk_file(tmp_path, TEST_KEY)
    old_backup = backup_sqlite(old, TEST_KEY, tmp_path / "old-backup.db")
    assert cipher.unlock(old_backup, TEST_KEY)[1] == LEGACY_CIPHER_FORMAT
    assert check_sqlite_backup(old_backup, TEST_KEY) == HEAD_REVISION
    current = tmp_path / "current" / "peerdesk.db"
    current.parent.mkdir()
    db = open_database(DatabaseTarget("sqlite", path=current), TEST_KEY, create=True)
    ensure_schema(db)
    with db.begin(SYSTEM) as s:
        f.workplace(s, name="Skrivs över")
    db.dispose()
    assert cipher.unlock(backup_sqlite(current, TEST_KEY, tmp_path / "new-backup.db"), TEST_KEY)[1] == CIPHER_FORMAT
    restore_sqlite(old_backup, TEST_KEY, current)
    assert cipher.unlock(current, TEST_KEY)[1] == CIPHER_FORMAT  # converted on the way in
    assert _dump(current, TEST_KEY) == _dump(old_backup, TEST_KEY)
    assert not list(current.parent.glob("*.restoring*"))
    fresh = tmp_path / "fresh" / "peerdesk.db"  # no database yet: restored in the current format
    fresh.parent.mkdir()
    restore_sqlite(old_backup, TEST_KEY, fresh)
    assert cipher.unlock(fresh, TEST_KEY)[1] == CIPHER_FORMAT
    assert _dump(fresh, TEST_KEY) == _dump(old_backup, TEST_KEY)
    shutil.rmtree(tmp_path / "fresh")
