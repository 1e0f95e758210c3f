"""Exporting a register list as it is on screen, by role, audited without personal data."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import AccessDenied
from peerdesk.services import demo, register_export, registers
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.tabular import read_sheet

COORD = Actor(None, "coord", frozenset({m.Role.COORDINATOR}))


@pytest.fixture
def office(sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    return sqlite_db


def test_export_follows_the_filter_and_sort_on_screen_and_is_audited(office, tmp_path):
    path = tmp_path / "people.xlsx"
    with office.begin(COORD) as s:
        n = register_export.export_register(s, "people", path, text="", status="active", sort="first_name", descending=True)
        expected = registers.list_ids(s, "people", "", "active", "first_name", True)
        shown = registers.list_rows(s, "people", expected)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Last name", "First name")
    assert n == len(expected) == len(rows) - 1
    assert [r[1] for r in rows[1:]] == [shown[i][1] for i in expected]  # first names, in the on-screen order
    assert all(r[2] != "left" and r[2] in {"In training", "Certified", "Placed"} for r in rows[1:])  # as the list reads
    with office.session(SYSTEM) as s:
        entry = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export").order_by(m.AuditEvent.id.desc())).first()
    assert entry.username == "coord" and entry.table_name == "peer_supporter"
    assert json.loads(entry.fields) == {"format": "xlsx", "kind": "people", "rows": n}


def test_a_coordinators_export_never_holds_notes_topics_or_personal_numbers(office, tmp_path):
    with office.session(SYSTEM) as s:
        notes = [n for n in s.scalars(select(m.SupervisionSession.notes)) if n]
        topics = [*s.scalars(select(m.SupervisionTopic.name_sv)), *s.scalars(select(m.SupervisionTopic.name_en))]
        pnrs = [p for p in s.scalars(select(m.PeerSupporter.personal_number)) if p]
    assert notes and topics
    text = ""
    names = ("people", "sessions", "placements", "contracts", "workplaces", "tenures", "managers", "cohorts")
    with office.begin(COORD) as s:
        for name in names:
            register_export.export_register(s, name, tmp_path / f"{name}.csv")
    for name in names:  # in place once the unit of work (and its audit entries) committed
        text += (tmp_path / f"{name}.csv").read_text(encoding="utf-8-sig")
    assert not [n for n in notes if n[:30] in text]
    assert not [t for t in topics if t in text]
    assert not [p for p in pnrs if p in text]
    assert read_sheet(tmp_path / "sessions.csv").rows  # the sessions themselves are there


def test_a_register_the_role_may_not_read_is_not_exported(office, tmp_path):
    supervisor = Actor(None, "sup", frozenset({m.Role.SUPERVISOR}))
    with pytest.raises(AccessDenied), office.begin(supervisor) as s:
        register_export.export_register(s, "contracts", tmp_path / "c.csv")
    assert not (tmp_path / "c.csv").exists()


def test_a_text_excel_would_run_as_a_formula_is_written_as_text(sqlite_db, tmp_path):
    from peerdesk.services import records

    with sqlite_db.begin(SYSTEM) as s:
        records.create(s, m.Workplace, name="=HYPERLINK(\"http://x\")", organisation="Org", kind="inpatient")
    with sqlite_db.begin(COORD) as s:
        register_export.export_register(s, "workplaces", tmp_path / "w.xlsx")
        register_export.export_register(s, "workplaces", tmp_path / "w.csv")
    cell = load_workbook(tmp_path / "w.xlsx").active.cell(2, 1)
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert read_sheet(tmp_path / "w.csv").rows[0][1][0].startswith("'=")
