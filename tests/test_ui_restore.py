"""Restore in the window: the administrator picks a backup, confirms; another office's backup needs its
own, explicit confirmation; Settings warns when the audit trail's protections are gone."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select, text

from peerdesk import models as m
from peerdesk.services.access import SYSTEM
from peerdesk.storage.backup import backup_sqlite
from tests import factories as f
from tests.conftest import TEST_KEY
from tests.test_ui_registers import WAIT, demo_db, demo_template, finish, open_window  # noqa: F401 (fixtures)


def _office_id(db) -> str:
    with db.engine.connect() as conn:
        return json.loads(conn.execute(text("SELECT value FROM office_meta WHERE key = 'office_id'")).scalar())


def _workplaces(db) -> set[str]:
    with db.session(SYSTEM) as s:
        return set(s.scalars(select(m.Workplace.name)))


def _answer(qtbot, area, button_of) -> None:
    """Wait for the confirmation and click one of its buttons, as a person would."""
    qtbot.waitUntil(lambda: area.restore_confirm is not None and area.restore_confirm.isVisible(), timeout=WAIT)
    qtbot.mouseClick(button_of(area.restore_confirm), Qt.MouseButton.LeftButton)


def test_another_offices_backup_is_restored_only_after_its_own_confirmation(qtbot, demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    backup = tmp_path / "theirs.db"
    backup_sqlite(demo_db.target.path, TEST_KEY, backup)
    theirs = _office_id(demo_db)
    with demo_db.engine.begin() as conn:  # from here on, the database is another office than the backup
        conn.execute(text("UPDATE office_meta SET value = :v WHERE key = 'office_id'"), {"v": json.dumps("ours-1")})
    with demo_db.begin(SYSTEM) as s:
        f.workplace(s, name="Bara hos oss")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    window = open_window(qtbot, demo_db, "admin")
    window.sidebar.select("settings")
    area = window.pages["settings"]

    qtbot.mouseClick(area.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.restore_confirm is not None and area.restore_confirm.isVisible(), timeout=WAIT)
    assert "ANOTHER OFFICE" in area.restore_confirm.text() and "theirs.db" in area.restore_confirm.text()
    assert area.restore_go.text() == "Restore the other office's backup"
    _answer(qtbot, area, lambda box: box.button(QMessageBox.StandardButton.Cancel))  # changed their mind
    finish(window)
    assert "Bara hos oss" in _workplaces(demo_db) and _office_id(demo_db) == "ours-1"

    qtbot.mouseClick(area.restore_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, area, lambda box: area.restore_go)
    qtbot.waitUntil(lambda: "Restored from theirs.db" in window.statusBar().currentMessage(), timeout=WAIT)
    assert "Bara hos oss" not in _workplaces(demo_db) and _office_id(demo_db) == theirs
    with demo_db.session(SYSTEM) as s:
        action, fields = s.execute(select(m.AuditEvent.action, m.AuditEvent.fields)
                                   .where(m.AuditEvent.action == "restore").order_by(m.AuditEvent.id.desc())).first()
    assert json.loads(fields)["other_office"] is True and json.loads(fields)["backup"] == "theirs.db"
    assert window.ops is None  # logged out: the next login sees the restored office
    window.session.login_dialog.reject()
    finish_all(qtbot)


def test_this_offices_backup_asks_once_and_settings_warns_when_the_triggers_are_gone(qtbot, demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    backup = tmp_path / "monday.db"
    backup_sqlite(demo_db.target.path, TEST_KEY, backup)
    with demo_db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_delete"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    window = open_window(qtbot, demo_db, "admin")
    window.sidebar.select("settings")
    area = window.pages["settings"]
    qtbot.waitUntil(lambda: area.protection_warning.isVisible(), timeout=WAIT)
    assert "no longer protected" in area.protection_warning.text() and "audit_event_no_delete" in area.protection_warning.text()
    qtbot.mouseClick(area.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.restore_confirm is not None and area.restore_confirm.isVisible(), timeout=WAIT)
    assert "ANOTHER OFFICE" not in area.restore_confirm.text() and area.restore_go.text() == "Restore"
    _answer(qtbot, area, lambda box: area.restore_go)
    qtbot.waitUntil(lambda: "Restored from monday.db" in window.statusBar().currentMessage(), timeout=WAIT)
    window.session.login_dialog.reject()
    finish_all(qtbot)


def finish_all(qtbot) -> None:
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.processEvents()
