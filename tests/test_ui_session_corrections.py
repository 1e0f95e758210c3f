"""A supervisor corrects a wrongly logged session in the Supervision area: deletes it (after a
confirmation naming its date and kind) or changes who took part, and the overview follows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import audit, supervision
from peerdesk.services.access import SYSTEM
from peerdesk.ui.supervision.session_form import SessionForm
from tests.test_ui_supervision import supervision_area
from tests.test_ui_today import demo_db, open_window, windows  # noqa: F401 - fixtures


def ask(monkeypatch, answer):
    """The confirmation is a modal question: patched to record what it says and answer `answer`."""
    asked = []

    def question(parent, title, text, *args):
        asked.append((title, text))
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def first_person_with_sessions(qtbot, page):
    name = page.rows[0].name
    qtbot.waitUntil(lambda: bool(page.sessions_model.rows) and name in page.person_label.text(), timeout=15000)
    return name


def test_supervisor_deletes_a_session_with_the_delete_key_and_the_overview_recomputes(qtbot, demo_db, windows, monkeypatch):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = supervision_area(qtbot, window).overview
    name = first_person_with_sessions(qtbot, page)
    newest, older = page.sessions_model.rows[0], page.sessions_model.rows[1]
    assert page.row_for(name).last_session == newest.held_on

    page.sessions.setFocus()
    page.sessions.selectRow(0)
    assert page.delete_button.isEnabled() and page.delete_button.text() == "Delete…"
    asked = ask(monkeypatch, QMessageBox.StandardButton.No)
    qtbot.keyClick(page.sessions, Qt.Key.Key_Delete)  # Delete, then No: nothing happens
    assert len(asked) == 1
    ops.wait()
    assert any(r.id == newest.id for r in page.sessions_model.rows)

    asked = ask(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.keyClick(page.sessions, Qt.Key.Key_Delete)
    title, text = asked[0]
    assert title == "Delete session" and newest.held_on.isoformat() in text
    assert ("Individual" if newest.form == "individual" else "") in text and name in text
    qtbot.waitUntil(lambda: name in page.person_label.text() and bool(page.sessions_model.rows)
                    and all(r.id != newest.id for r in page.sessions_model.rows), timeout=15000)
    assert page.sessions_model.rows[0].id == older.id
    qtbot.waitUntil(lambda: page.row_for(name).last_session == older.held_on, timeout=15000)  # the overview recomputed
    assert newest.held_on.isoformat() in page.notice.text()
    ops.wait()
    with demo_db.session(SYSTEM) as s:
        assert s.get(m.SupervisionSession, newest.id) is None
        assert any(e["action"] == "delete" and e["table_name"] == "supervision_session" and e["record_id"] == newest.id
                   and e["username"] == "supervisor" for e in audit.browse(s, limit=50))

    # Undo: the session is back as it was (a new record), and the overview follows again.
    assert page.undo_button.isVisible() and page.undo_button.text() == "Undo"
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert not page.undo_button.isVisible()
    qtbot.waitUntil(lambda: bool(page.sessions_model.rows) and page.sessions_model.rows[0].held_on == newest.held_on
                    and page.sessions_model.rows[0].id != newest.id, timeout=15000)
    qtbot.waitUntil(lambda: page.row_for(name).last_session == newest.held_on, timeout=15000)
    back = page.sessions_model.rows[0]
    assert (back.form, back.duration_minutes, back.participants) == (newest.form, newest.duration_minutes, newest.participants)
    assert "restored" in page.notice.text()
    ops.wait()
    with demo_db.session(SYSTEM) as s:
        assert bool(s.get(m.SupervisionSession, back.id).notes) == bool(newest.has_notes)


def test_the_delete_button_asks_too_and_a_coordinator_has_none(qtbot, demo_db, windows, monkeypatch):
    window, ops, _ = open_window(qtbot, demo_db, "admin", Role.ADMINISTRATOR, windows)
    page = supervision_area(qtbot, window).overview
    first_person_with_sessions(qtbot, page)
    page.sessions.selectRow(0)
    target = page.current_session()
    asked = ask(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert target.held_on.isoformat() in asked[0][1]
    qtbot.waitUntil(lambda: bool(page.sessions_model.rows) and all(r.id != target.id for r in page.sessions_model.rows), timeout=15000)
    ops.wait()

    coordinator, cops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    cpage = supervision_area(qtbot, coordinator).overview
    first_person_with_sessions(qtbot, cpage)
    cpage.sessions.selectRow(0)
    assert cpage.delete_button.isHidden() and not cpage.delete_button.isEnabled()
    asked = ask(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(cpage.sessions, Qt.Key.Key_Delete)
    assert asked == []  # not even asked: the coordinator may not delete sessions
    cops.wait()


def test_supervisor_changes_who_took_part_in_a_group_session_with_the_keyboard(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = supervision_area(qtbot, window).overview
    name = first_person_with_sessions(qtbot, page)
    row = next(i for i, r in enumerate(page.sessions_model.rows) if r.form == "group")
    group = page.sessions_model.rows[row]
    page.sessions.selectRow(row)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, SessionForm), timeout=15000)
    form = page.dialog
    people = form.people
    ticked = [people.item(i).text() for i in range(people.count()) if people.item(i).checkState() == Qt.CheckState.Checked]
    assert sorted(ticked) == sorted(group.participants) and len(ticked) >= 2
    drop = next(p for p in ticked if p != name)
    add = next(people.item(i).text() for i in range(people.count()) if people.item(i).text() not in ticked)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    people.setFocus()
    for text in (drop, add):  # arrow to the name, Space toggles its tick
        people.setCurrentRow(next(i for i in range(people.count()) if people.item(i).text() == text))
        qtbot.keyClick(people, Qt.Key.Key_Space)
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.keyClick(people, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter saves
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=15000)
    ops.wait()
    with demo_db.session(SYSTEM) as s:
        now = supervision.session_info(s, group.id).participants
    assert drop not in now and add in now and name in now and len(now) == len(ticked)

    # Unticking everyone is refused in words, and nothing is lost.
    page.sessions.selectRow(next(i for i, r in enumerate(page.sessions_model.rows) if r.id == group.id))
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, SessionForm) and page.dialog is not form, timeout=15000)
    form = page.dialog
    for i in range(form.people.count()):
        form.people.item(i).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.error.isVisible(), timeout=15000)
    assert "at least one participant" in form.error.text() and form.isVisible()
    form.reject()
    ops.wait()
    with demo_db.session(SYSTEM) as s:
        assert supervision.session_info(s, group.id).participants == now
    assert QApplication.activeModalWidget() is None
