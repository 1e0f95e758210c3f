"""The audit trail: one entry per changed object, in the same transaction, append-only, tamper-evident."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from peerdesk import models as m
from peerdesk.services import audit, records, supervision
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.models import Role
from tests import factories as f
from tests.test_cli import run

COORD = Actor(7, "kim", frozenset({Role.COORDINATOR}))


def entries(db, since_id: int = 0) -> list[tuple]:
    with db.session(SYSTEM) as s:
        rows = s.execute(
            select(m.AuditEvent.action, m.AuditEvent.table_name, m.AuditEvent.record_id, m.AuditEvent.fields, m.AuditEvent.username)
            .where(m.AuditEvent.id > since_id).order_by(m.AuditEvent.id)
        ).all()
    return [tuple(r) for r in rows]


def last_id(db) -> int:
    with db.session(SYSTEM) as s:
        return s.scalar(select(func.coalesce(func.max(m.AuditEvent.id), 0)))


def test_each_mutation_writes_one_entry_per_changed_object_with_field_names_only(db):
    start = last_id(db)
    with db.begin(COORD) as s:
        w = f.workplace(s, name="Avdelning Hemlig")
        wid = w.id
    created = entries(db, start)  # the ward and the first step of its onboarding history (contacted, today)
    assert created[0] == ("create", "workplace", wid, None, "kim")
    assert [(e[0], e[1], e[3], e[4]) for e in created[1:]] == [("create", "workplace_stage_change", None, "kim")]
    mark = last_id(db)
    with db.begin(COORD) as s:
        records.update(s, m.Workplace, wid, 1, specialty="psykos", contact_name="Kontakt Hemlig")
    assert entries(db, mark) == [("update", "workplace", wid, json.dumps(["contact_name", "specialty"]), "kim")]
    mark = last_id(db)
    with db.begin(COORD) as s:
        records.delete(s, m.Workplace, wid, 2)
    assert entries(db, mark) == [("delete", "workplace", wid, None, "kim")]
    with db.session(SYSTEM) as s:  # names and values never reach the trail
        dump = " ".join(str(v) for row in s.execute(select(m.AuditEvent.__table__)).all() for v in row)
    assert "Hemlig" not in dump and "psykos" not in dump


def test_a_group_session_writes_one_entry_per_object(db):
    with db.begin(SYSTEM) as s:
        a, b = f.peer(s, "A", "A"), f.peer(s, "B", "B")
    mark = last_id(db)
    with db.begin(SYSTEM) as s:
        supervision.log_session(s, "2025-01-01", [a.id, b.id], form="group", notes="konfidentiellt innehåll")
    got = entries(db, mark)
    assert sorted((e[0], e[1]) for e in got) == [("create", "supervision_participant"), ("create", "supervision_participant"), ("create", "supervision_session")]


def test_a_rolled_back_transaction_writes_no_entry(db):
    mark = last_id(db)
    with pytest.raises(RuntimeError):
        with db.begin(COORD) as s:
            f.workplace(s)
            raise RuntimeError("the user's action failed half-way")
    assert entries(db, mark) == []


def test_the_database_refuses_update_and_delete_of_entries(db):
    with db.begin(COORD) as s:
        f.workplace(s)
    for statement in ("UPDATE audit_event SET username = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    with db.session(SYSTEM) as s:
        assert audit.verify(s).ok


def test_verify_finds_the_first_entry_edited_behind_peerdesks_back(db):
    with db.begin(COORD) as s:
        for i in range(3):
            f.workplace(s, name=f"Avd {i}")
    with db.session(SYSTEM) as s:
        assert audit.verify(s).ok
        target = s.scalars(select(m.AuditEvent.id).order_by(m.AuditEvent.id)).all()[1]
    with db.engine.begin() as conn:  # someone with the key edits the file directly
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        conn.execute(text("UPDATE audit_event SET username = 'nobody' WHERE id = :id"), {"id": target})
    with db.session(SYSTEM) as s:
        result = audit.verify(s)
    assert not result.ok and result.broken_at == target


def test_cli_audit_verify_and_export(tmp_path):
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "pp", "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    ok = run(env, "audit", "verify")
    assert ok.returncode == 0 and "unbroken" in ok.stdout
    exported = run(env, "audit", "export", "-o", str(tmp_path / "audit.csv"))
    assert exported.returncode == 0
    lines = (tmp_path / "audit.csv").read_text().splitlines()
    assert lines[0] == "id,at,username,action,table_name,record_id,fields" and any(",Login," in line for line in lines)
    codes = run(env, "audit", "export", "--codes")
    assert codes.returncode == 0 and ",login,app_user," in codes.stdout
    assert run({**env, "PEERDESK_USER": "coordinator"}, "audit", "verify").returncode == 1  # administrators only
    # Tamper with the file directly, with the key, as an intruder would.
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey

    db = open_database(DatabaseTarget("sqlite", path=tmp_path / "peerdesk.db"), DatabaseKey(passphrase="pp"))
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text("DELETE FROM audit_event WHERE id = 5"))
    db.dispose()
    broken = run(env, "audit", "verify")
    assert broken.returncode == 4 and "broken at entry 6" in broken.stderr
