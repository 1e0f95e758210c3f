"""The audit trail in words: actions, tables and changed fields translated, times local, codes stored as they were."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from peerdesk import i18n
from peerdesk import models as m
from peerdesk.i18n import catalogue
from peerdesk.models import Role
from peerdesk.services import accounts, audit, audit_display, supervision
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent


def _written_codes() -> tuple[set[str], set[str]]:
    """Every action and table code the code base can write: the flush listener's create/update/delete on
    every mapped table, and every literal action/table given to audit.record()."""
    actions, tables = set(audit_display.CHANGES), {mp.local_table.name for mp in m.Base.registry.mappers} - {"audit_event"}
    for path in (ROOT / "peerdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record" \
                    and getattr(node.func.value, "id", None) == "audit":
                args = node.args + [k.value for k in node.keywords if k.arg in ("action", "table")]
                assert len(args) >= 2 and isinstance(args[1], ast.Constant), f"{path.name}:{node.lineno}: a literal action, please"
                actions.add(args[1].value)
                if len(args) > 2 and isinstance(args[2], ast.Constant) and args[2].value:
                    tables.add(args[2].value)
    return actions, tables


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_action_table_and_field_the_code_can_write_has_a_translation(lang):
    actions, tables = _written_codes()
    assert {"read_notes", "login", "export", "erase"} <= actions and "supervision_participant" in tables  # the scan works
    cat = catalogue(lang)
    assert not sorted(a for a in actions if f"ui.audit.action.{a}" not in cat)
    assert not sorted(tb for tb in tables if f"extract.table.{tb}" not in cat)
    fields = {a.key for mp in m.Base.registry.mappers if mp.local_table.name != "audit_event" for a in mp.column_attrs}
    assert not sorted(fd for fd in fields - {"version", "created_at", "updated_at"} if f"field.{fd}" not in cat)


def test_display_translates_and_keeps_an_unknown_code_as_it_is():
    row = {"id": 7, "at": dt.datetime(2026, 1, 5, 9, 30, 1, 999999), "username": "sara", "action": "update",
           "table_name": "supervision_participant", "record_id": 3, "fields": '["held_on"]'}
    shown = audit_display.display_row(row, "sv")
    assert (shown["action"], shown["table_name"], shown["fields"]) == ("Ändrad", "Deltagande i handledning", "Datum")
    assert audit_display.fields_text('{"rows": 3, "kind": "people"}', "sv") == f"Rader: 3; Slag: {i18n.t('kind.people', 'sv')}"
    assert audit_display.action_text("from_a_newer_version", "sv") == "from_a_newer_version"
    assert row["action"] == "update"  # the stored row is left as it was


@pytest.fixture
def stockholm(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_the_swedish_audit_page_shows_words_and_local_time(qtbot, sqlite_db, monkeypatch, stockholm, tmp_path):
    from peerdesk.ui.audit.audit_page import AuditPage
    from peerdesk.ui.operations import Operations

    monkeypatch.setattr(i18n, "_current", "sv")
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "boss", "Boss", "admin password", [Role.ADMINISTRATOR])
        peer = f.peer(s, "Kim", "Berg")
        ses = supervision.log_session(s, dt.date(2026, 1, 5), [peer.id])
        sid, version = ses.id, ses.version
    admin = login(sqlite_db, "boss", "admin password")
    with sqlite_db.begin(admin) as s:
        supervision.move_session(s, sid, version, dt.date(2026, 1, 6))
    with sqlite_db.session(SYSTEM) as s:
        stored = s.execute(select(m.AuditEvent).where(m.AuditEvent.table_name == "supervision_participant",
                                                      m.AuditEvent.action == "update")).scalars().one()
        stored_at = stored.at
    assert stored.fields == '["held_on"]'  # the code stays in the trail; only the display is translated

    page = AuditPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, admin, page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.attach(ops)
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    moved = [r for r in rows if r[3] == "Ändrad" and r[4] == "Deltagande i handledning"]
    assert moved and moved[0][6] == "Datum", rows
    local = stored_at.replace(tzinfo=dt.timezone.utc).astimezone()
    assert local.utcoffset() == dt.timedelta(hours=1)  # Stockholm in January
    assert moved[0][1] == local.strftime("%Y-%m-%d %H:%M:%S")  # local time, to the second, no microseconds
    assert "Tid" in headers and "UTC" not in " ".join(headers)
    shown = {code for r in rows for code in r[3:5] + r[6:7]}
    assert not shown & {"update", "create", "login", "supervision_participant", "supervision_session", '["held_on"]'}
    assert "Inloggning" in {r[3] for r in rows}

    # The filter offers the actions in words and still filters on the stored code.
    index = page.action.findText(audit_display.action_text("update", "sv"))
    assert index > 0
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.action.setCurrentIndex(index)
    assert {model.index(r, 3).data() for r in range(model.rowCount())} == {"Ändrad"}

    target = tmp_path / "audit.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.export_button.click()
    exported = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["action"] for r in exported} == {"Ändrad"} and "Datum" in {r["fields"] for r in exported}
    ops.wait()
    with sqlite_db.session(SYSTEM) as s:
        assert audit.verify(s).ok  # translating on display left the chain intact
