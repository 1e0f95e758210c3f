"""The administrator browses, filters, verifies and exports the audit trail in the app."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QFileDialog

from peerdesk.models import Role
from peerdesk.services import accounts
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.ui.audit.audit_page import AuditPage
from peerdesk.ui.operations import Operations
from tests import factories as f


def test_admin_filters_verifies_and_exports(qtbot, qtmodeltester, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "boss", "Boss", "admin password", [Role.ADMINISTRATOR])
        accounts.create_user(s, "kim", "Kim", "coord password", [Role.COORDINATOR])
    kim = login(sqlite_db, "kim", "coord password")
    with sqlite_db.begin(kim) as s:
        f.workplace(s)
    admin = login(sqlite_db, "boss", "admin password")
    page = AuditPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, admin, page)
    with qtbot.waitSignal(page.loaded):
        page.attach(ops)
    assert page.model.rowCount() >= 4
    qtmodeltester.check(page.model, force_py=True)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.keyClicks(page.username, "kim")
    users = {page.model.index(r, 2).data() for r in range(page.model.rowCount())}
    actions = {page.model.index(r, 3).data() for r in range(page.model.rowCount())}
    assert users == {"kim"} and actions == {"Login", "Created"}  # the stored codes login and create, in words
    with qtbot.waitSignal(page.loaded):
        page.verify_button.click()
    assert "unbroken" in page.status.text()
    target = tmp_path / "audit.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.export_button.click()
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["username"] for r in rows} == {"kim"} and len(rows) == 3  # login; the ward, and its first onboarding step
    ops.wait()


def test_a_coordinator_sees_no_audit_trail(qtbot, sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "kim", "Kim", "coord password", [Role.COORDINATOR])
    page = AuditPage()
    qtbot.addWidget(page)
    ops = Operations(sqlite_db, login(sqlite_db, "kim", "coord password"), page)
    page.attach(ops)
    qtbot.waitUntil(lambda: "not allowed" in page.status.text(), timeout=5000)
    assert page.model.rowCount() == 0
    ops.wait()
