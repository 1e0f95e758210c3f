"""Migrations: a new database is created at the current schema; an older one is upgraded
after a backup; one written by a newer PeerDesk is refused and left untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from peerdesk.errors import StorageError
from peerdesk.storage import migrate
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from peerdesk.storage.schema import HEAD_REVISION, KNOWN_REVISIONS
from tests.conftest import TEST_KEY




def test_known_revisions_match_the_migration_scripts():
    assert migrate.script_heads() == [HEAD_REVISION]
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    chain = [s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()]
    assert tuple(reversed(chain)) == KNOWN_REVISIONS


def test_new_database_is_created_at_the_current_schema_matching_the_models(empty_db):
    assert migrate.schema_state(empty_db).is_new
    assert migrate.ensure_schema(empty_db) == "created"
    assert migrate.schema_state(empty_db).is_current
    assert migrate.schema_matches_models(empty_db) == []
    assert migrate.ensure_schema(empty_db) == "current"


def _insert_audit(conn):
    conn.execute(text("INSERT INTO audit_event (at, action, hash) VALUES (:at, 'login', 'h')"), {"at": dt.datetime(2025, 1, 1)})


def test_older_database_is_upgraded_after_a_backup_and_keeps_its_data(empty_db, tmp_path):
    migrate.upgrade_to(empty_db, "0001")
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO workplace (name, organisation, kind, active, version) VALUES ('Avd 1', 'Klinik', 'inpatient', true, 1)"))
        _insert_audit(conn)
        conn.execute(text("UPDATE audit_event SET action = 'x'"))  # 0001 had no append-only rule yet
    state = migrate.schema_state(empty_db)
    assert state.needs_upgrade and state.revision == "0001"
    backups = tmp_path / "backups"
    if empty_db.target.is_sqlite:
        assert migrate.ensure_schema(empty_db, backup_dir=backups) == "upgraded"
        (backup,) = backups.glob("*.db")
        old = open_database(DatabaseTarget("sqlite", path=backup), TEST_KEY)
        with old.engine.connect() as conn:  # the backup is the database as it was, readable with the key
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
            assert conn.execute(text("SELECT name FROM workplace")).scalar() == "Avd 1"
        old.dispose()
    else:
        migrate.upgrade_to(empty_db)  # PostgreSQL backups use pg_dump; covered by the backup tests
    assert migrate.schema_state(empty_db).is_current
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM workplace")).scalar() == "Avd 1"
    with pytest.raises(DBAPIError, match="append-only"):
        with empty_db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET action = 'tampered'"))
    with pytest.raises(DBAPIError, match="append-only"):
        with empty_db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event"))


def test_upgrade_can_be_left_to_the_administrator(empty_db):
    migrate.upgrade_to(empty_db, "0001")
    with pytest.raises(StorageError) as info:
        migrate.ensure_schema(empty_db, allow_upgrade=False)
    assert info.value.key == "error.upgrade_needed" and "peerdesk db upgrade" in info.value.message
    assert migrate.schema_state(empty_db).revision == "0001"


def test_database_from_a_newer_version_is_refused_and_untouched(empty_db):
    migrate.ensure_schema(empty_db)
    with empty_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(StorageError) as info:
        migrate.ensure_schema(empty_db)
    assert info.value.key == "error.schema_newer"
    assert "newer PeerDesk" in info.value.message and "0099" in info.value.message
    assert migrate.schema_state(empty_db).revision == "0099"


def test_a_database_that_is_not_peerdesks_is_refused(empty_db):
    with empty_db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id integer primary key)"))
    with pytest.raises(StorageError) as info:
        migrate.ensure_schema(empty_db)
    assert info.value.key == "error.not_peerdesk_database"
