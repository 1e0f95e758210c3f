"""Restore knows the office and leaves a trace: another office's backup needs an explicit yes, the
database before the restore is kept (PostgreSQL too), and the restored trail records the restore and
how many entries it dropped — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, text

from peerdesk import models as m
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests.test_audit_anchors import office, peerdesk  # noqa: F401 (fixtures)


def _suffix(db) -> str:
    return ".db" if db.target.is_sqlite else ".pgdump"


def _entries(db) -> list:
    with db.session(SYSTEM) as s:
        return s.execute(select(m.AuditEvent.action, m.AuditEvent.fields).order_by(m.AuditEvent.id)).all()


def _workplaces(db) -> list[str]:
    with db.session(SYSTEM) as s:
        return sorted(s.scalars(select(m.Workplace.name)))


def _office_id(db) -> str:
    with db.engine.connect() as conn:
        return json.loads(conn.execute(text("SELECT value FROM office_meta WHERE key = 'office_id'")).scalar())


def test_a_restore_is_audited_with_the_backup_and_the_entries_it_dropped(office, peerdesk, tmp_path):
    backup = tmp_path / f"monday{_suffix(office)}"
    assert peerdesk("backup", "-o", str(backup))[0] == 0
    with office.begin(SYSTEM) as s:
        for i in range(4):
            f.workplace(s, name=f"Efter {i}")
    before = len(_entries(office))
    code, out, err = peerdesk("restore", str(backup))
    assert code == 0, err
    assert not any(name.startswith("Efter") for name in _workplaces(office))
    action, fields = _entries(office)[-1]
    detail = json.loads(fields)
    assert action == "restore" and detail["backup"] == backup.name
    assert detail["before_entries"] == before + 1  # + the restoring administrator's login
    assert detail["dropped"] == detail["before_entries"] - detail["backup_entries"] >= 5  # 4 workplaces and a login
    assert f"{detail['dropped']} audit entries made after the backup were dropped" in out
    safety = Path(next(line for line in out.splitlines() if "before the restore" in line).rsplit(" ", 1)[-1])
    assert safety.name.endswith("-before-restore" + _suffix(office)) and safety.stat().st_size > 0
    code, out, err = peerdesk("audit", "verify")  # anchors of the dropped entries are explained by the restore
    assert code == 0, err
    assert "before a restore were not compared" in out


def test_another_offices_backup_is_refused_unless_asked_for(office, peerdesk, tmp_path):
    backup = tmp_path / f"theirs{_suffix(office)}"
    assert peerdesk("backup", "-o", str(backup))[0] == 0
    theirs = _office_id(office)
    with office.engine.begin() as conn:  # this database now belongs to another office than the backup
        conn.execute(text("UPDATE office_meta SET value = :v WHERE key = 'office_id'"), {"v": json.dumps("ours-0000")})
    with office.begin(SYSTEM) as s:
        f.workplace(s, name="Vår avdelning")
    entries = len(_entries(office))
    code, _, err = peerdesk("restore", str(backup))
    assert code == 1 and "another office" in err and "Nothing was restored" in err
    assert "Vår avdelning" in _workplaces(office) and _office_id(office) == "ours-0000"
    assert len(_entries(office)) == entries + 1  # only the login; the data untouched
    code, out, err = peerdesk("restore", str(backup), "--other-office")
    assert code == 0, err
    assert "another office" in out and "Vår avdelning" not in _workplaces(office)
    assert _office_id(office) == theirs
    action, fields = _entries(office)[-1]
    assert action == "restore" and json.loads(fields)["other_office"] is True
    assert peerdesk("audit", "verify")[0] == 0


def test_each_database_has_its_own_office_id_and_backups_carry_it(office, peerdesk, tmp_path):
    import uuid

    from peerdesk.storage.backup import backup_meta

    ours = _office_id(office)
    assert uuid.UUID(ours)
    backup = tmp_path / f"b{_suffix(office)}"
    assert peerdesk("backup", "-o", str(backup))[0] == 0
    meta = backup_meta(backup, office)
    assert meta["office_id"] == ours and meta["backup_anchor"]["office"] == ours
