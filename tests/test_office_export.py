"""The full office export: a zip of CSV files + schema.json + README, and its import into a new,
empty database reproduces every table (the audit trail still verifies)."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import Base
from peerdesk.services import audit, demo, office_export
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.auth import login
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from tests.conftest import TEST_KEY, make_sqlite_db


def _dump(db) -> dict[str, list[tuple]]:
    with db.session(SYSTEM) as s:
        return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


@pytest.fixture
def second_db(backend, request, tmp_path):
    if backend == "sqlite":
        folder = tmp_path / "second"
        folder.mkdir()
        database = make_sqlite_db(request.getfixturevalue("sqlite_template"), folder)
        yield database
        database.dispose()
    else:
        yield request.getfixturevalue("pg_databases").open(request.getfixturevalue("pg_template"))


def test_round_trip_reproduces_every_table_of_the_demo_office(db, second_db, tmp_path):
    with db.begin(SYSTEM) as s:
        demo.load_demo(s)
    admin = login(db, "admin", "demo")
    archive = tmp_path / "office.zip"
    with db.begin(admin) as s:
        result = office_export.export_all(s, archive)
    assert result.rows > 500
    before = _dump(db)
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        schema = json.loads(zf.read("schema.json"))
        assert "README.txt" in names and {f"{t.name}.csv" for t in Base.metadata.sorted_tables} <= names
    assert schema["format_version"] == office_export.FORMAT_VERSION
    tables = {t["name"]: t for t in schema["tables"]}
    assert {"columns": ["workplace_id"], "references": {"table": "workplace", "columns": ["id"]}} in tables["placement"]["foreign_keys"]
    assert tables["peer_supporter"]["rows"] == 17
    order = [t["name"] for t in schema["tables"]]
    assert order.index("workplace") < order.index("placement")

    with second_db.begin() as s:
        loaded = office_export.import_all(s, archive, "admin", "demo")
    assert loaded.rows == result.rows
    after = _dump(second_db)
    for name, rows in before.items():
        if name == "audit_event":
            assert after[name][: len(rows)] == rows
            assert len(after[name]) == len(rows) + 1  # + the import itself
        else:
            assert after[name] == rows, name
    with second_db.session(SYSTEM) as s:
        assert audit.verify(s).ok
        assert s.scalars(select(m.AuditEvent.action).order_by(m.AuditEvent.id.desc()).limit(1)).one() == "import_all"
    # The loaded office works: its users log in, new records get fresh ids.
    coordinator = login(second_db, "coordinator", "demo")
    with second_db.begin(coordinator) as s:
        from peerdesk.services import records

        w = records.create(s, m.Workplace, name="Ny avdelning", organisation="Org", kind="inpatient")
        assert w.id > max(r[0] for r in before["workplace"])


def test_import_all_refuses_a_database_with_data_and_a_non_administrator(db, second_db, tmp_path):
    with db.begin(SYSTEM) as s:
        demo.load_demo(s)
    archive = tmp_path / "office.zip"
    with db.begin(login(db, "admin", "demo")) as s:
        office_export.export_all(s, archive)
    with pytest.raises(ValidationError) as err, db.begin() as s:
        office_export.import_all(s, archive, "admin", "demo")
    assert err.value.key == "error.import_all.not_empty"
    for user, password in (("coordinator", "demo"), ("admin", "wrong")):
        with pytest.raises(AccessDenied), second_db.begin() as s:
            office_export.import_all(s, archive, user, password)
    with second_db.session(SYSTEM) as s:
        assert office_export.is_empty(s)  # one transaction: nothing of the refused import stays
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValidationError), second_db.begin() as s:
        office_export.import_all(s, bad, "admin", "demo")


def test_only_an_administrator_exports_everything(db, tmp_path):
    with pytest.raises(AccessDenied), db.begin(Actor(None, "c", frozenset({m.Role.COORDINATOR}))) as s:
        office_export.export_all(s, tmp_path / "x.zip")


def test_an_office_moves_from_sqlite_to_postgresql_with_the_export(sqlite_db, pg_databases, pg_template, tmp_path):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    archive = tmp_path / "office.zip"
    with sqlite_db.begin(login(sqlite_db, "admin", "demo")) as s:
        office_export.export_all(s, archive)
    before = _dump(sqlite_db)
    server = pg_databases.open(pg_template)
    with server.begin() as s:
        office_export.import_all(s, archive, "admin", "demo")
    after = _dump(server)

    def plain(rows):  # SQLite gives naive UTC times, PostgreSQL aware ones: compare the instants
        import datetime as dt

        return [tuple(v.astimezone(dt.timezone.utc).replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo else v
                      for v in row) for row in rows]

    for name, rows in before.items():
        got = after[name][: len(rows)] if name == "audit_event" else after[name]
        assert plain(got) == plain(rows), name
    with server.session(SYSTEM) as s:
        assert audit.verify(s).ok
