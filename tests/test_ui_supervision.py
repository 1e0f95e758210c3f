"""The supervisor's day in the Supervision area, as a person works it: keyboard only from the
overview, a group session, reading notes (and a coordinator who cannot), check-ins, the month
view, reassigning and the summary PDF."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from peerdesk.models import Role
from peerdesk.services.access import SYSTEM
from peerdesk.services.demo import NOTES
from peerdesk.ui.supervision.notes_dialog import NotesDialog
from peerdesk.ui.supervision.session_form import SessionForm
from tests.test_ui_today import demo_db, open_window, windows  # noqa: F401 - fixtures


def supervision_area(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Ctrl+4: the fourth area
    area = window.pages["supervision"]
    assert window.stack.currentWidget() is area
    qtbot.waitUntil(lambda: bool(area.overview.rows), timeout=15000)
    return area


def test_supervisor_logs_a_monthly_session_from_the_overview_with_the_keyboard_only(qtbot, demo_db, windows):
    from peerdesk import models as m
    from peerdesk.services import supervision
    from peerdesk.services.records import create
    from tests import factories as f

    today = dt.date.today()
    with demo_db.begin(SYSTEM) as s:  # placed half a year ago, last seen 40 days ago: a monthly session is 9 days overdue
        sup = demo_db.users["supervisor"]
        maja = f.peer(s, "Maja", "Månadsson", supervisor_id=sup, status="placed")
        ward = s.query(m.Workplace).first()
        create(s, m.Placement, peer_supporter_id=maja.id, workplace_id=ward.id, start_date=today - dt.timedelta(days=180))
        supervision.log_session(s, today - dt.timedelta(days=40), [maja.id], supervisor_id=sup)
    window, ops, badges = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    overdue_before = badges[-1]["supervision"]
    area = supervision_area(qtbot, window)
    page = area.overview
    maja_row = page.row_for("Maja Månadsson")
    assert (maja_row.status, maja_row.interval_days, maja_row.days) == ("overdue", 31, 9)
    # Most urgent first: the demo's two overdue people (Linnea Björk, Robin Falk), then Maja.
    assert page.rows[0].days > page.rows[1].days > 9 and page.rows[2] is maja_row
    assert QApplication.focusWidget() is page.table
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert "Overdue (9 days ago)" == page.model.index(page.table.currentIndex().row(), 5).data()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on the person: the session form, date today
    form = page.dialog
    assert isinstance(form, SessionForm) and "Maja Månadsson" in form.context.text()
    assert form.held_on.date() == today and form.duration.value() == 60
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and form.isAncestorOf(QApplication.focusWidget()))
    with qtbot.waitSignal(window.today.loaded, timeout=15000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter again: saved
    assert not form.isVisible()
    qtbot.waitUntil(lambda: page.row_for("Maja Månadsson").status == "on_track", timeout=15000)
    row = page.row_for("Maja Månadsson")
    assert (row.last_session, row.due) == (today, today + dt.timedelta(days=31))
    assert badges[-1]["supervision"] == overdue_before - 1  # the Today badge followed
    ops.wait()


def test_group_session_notes_are_read_by_the_supervisor_and_logged_but_hidden_from_the_coordinator(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = supervision_area(qtbot, window).overview
    qtbot.mouseClick(page.group_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, SessionForm), timeout=15000)
    form = page.dialog
    names = [page.rows[0].name, page.rows[1].name]
    for i in range(form.people.count()):
        if form.people.item(i).text() in names:
            form.people.item(i).setCheckState(Qt.CheckState.Checked)
    form.topics.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(form.notes, "GROUPNOTE-91 we planned the spring")
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.keyClick(form.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter saves from the notes
    qtbot.waitUntil(lambda: not form.isVisible())
    target = page.row_for(names[1])
    page.table.selectRow(page.rows.index(target))
    qtbot.waitUntil(lambda: bool(page.sessions_model.rows) and page.sessions_model.rows[0].form == "group", timeout=15000)
    page.sessions.selectRow(0)
    assert page.read_button.isEnabled()
    qtbot.mouseClick(page.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, NotesDialog), timeout=15000)
    assert "GROUPNOTE-91" in page.dialog.notes.toPlainText() and page.dialog.topics.text() != "–"
    page.dialog.reject()
    ops.wait()
    with demo_db.session(SYSTEM) as s:
        from peerdesk.services import audit

        assert any(e["action"] == "read_notes" and e["username"] == "supervisor" for e in audit.browse(s, limit=20))

    coordinator, cops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    cpage = supervision_area(qtbot, coordinator).overview
    assert not cpage.log_button.isVisible() and not cpage.read_button.isVisible() and cpage.reassign_button.isVisible()
    cpage.table.selectRow(cpage.rows.index(cpage.row_for(names[1])))
    qtbot.waitUntil(lambda: bool(cpage.sessions_model.rows), timeout=15000)
    shown = [cpage.sessions_model.index(r, c).data() for r in range(cpage.sessions_model.rowCount())
             for c in range(cpage.sessions_model.columnCount())]
    assert "–" in shown and not any("GROUPNOTE" in (x or "") or any(n[:20] in (x or "") for n in NOTES) for x in shown)
    cpage.read_notes()  # even if called, nothing is shown: the service refuses
    cops.wait()
    assert not isinstance(cpage.dialog, NotesDialog)
    cops.wait()


def test_checkin_meeting_attendance_and_history(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    area = supervision_area(qtbot, window)
    area.tabs.setCurrentWidget(area.checkins)
    page = area.checkins
    qtbot.mouseClick(page.schedule_button, Qt.MouseButton.LeftButton)
    form = page.dialog
    form.title.setText("Avstämning december")
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.title == "Avstämning december" for r in page.model.rows), timeout=15000)
    page.table.selectRow([r.title for r in page.model.rows].index("Avstämning december"))
    qtbot.mouseClick(page.attendance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not form and page.dialog is not None, timeout=15000)
    sheet = page.dialog
    name = next(iter(sheet.names))
    sheet.mark(name, "excused")
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(sheet.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.title == "Avstämning december" and r.excused == 1 for r in page.model.rows), timeout=15000)
    page.person.setCurrentIndex(page.person.findData(sheet.names[name]))
    qtbot.waitUntil(lambda: any(row[1] == "Avstämning december" for row in page.history_model.rows), timeout=15000)
    row = [r[1] for r in page.history_model.rows].index("Avstämning december")
    assert page.history_model.index(row, 2).data() == "Excused"  # what the person sees in the history
    ops.wait()


def test_month_view_follows_the_overview_and_shows_todays_session(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    area = supervision_area(qtbot, window)
    page = area.overview
    name = page.rows[0].name
    page.table.selectRow(0)
    page.log_session()
    form = page.dialog
    form.form_kind.setCurrentIndex(form.form_kind.findData("phone"))
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    area.tabs.setCurrentWidget(area.month)
    qtbot.waitUntil(lambda: area.month.view is not None and area.month.cell(name, dt.date.today().day) == "T", timeout=15000)
    qtbot.mouseClick(area.month.prev, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.month.view is not None and area.month.view.month != dt.date.today().month, timeout=15000)
    ops.wait()


def test_coordinator_reassigns_and_makes_the_summary_pdf_without_notes(qtbot, demo_db, windows, tmp_path):
    from pypdf import PdfReader

    from tests import factories as f

    with demo_db.begin(SYSTEM) as s:
        f.user(s, "karin", (Role.SUPERVISOR,))  # a second supervisor takes over
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = supervision_area(qtbot, window).overview
    page.table.selectRow(0)
    name = page.rows[0].name
    page.reassign()
    dialog = page.dialog
    qtbot.waitUntil(lambda: dialog.to.count() == 2, timeout=15000)
    dialog.to.setCurrentIndex(dialog.to.findText("Karin"))
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: page.history_label.text().count("(") == 2 and name in page.person_label.text(), timeout=15000)
    assert page.history_label.text().index("Karin") < page.history_label.text().index("Handledare Demo")  # newest first
    assert page.row_for(name).supervisor_name == "Karin"
    qtbot.mouseClick(page.summary_button, Qt.MouseButton.LeftButton)
    summary = page.dialog
    out = tmp_path / "sammanstallning.pdf"
    summary.path.setText(str(out))
    summary.start.setDate(summary.start.date().replace(year=summary.start.date().year - 3))
    qtbot.mouseClick(summary.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: summary.written is not None, timeout=30000)
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Supervision summary" in text and name in text
    assert not any(note[:40] in text for note in NOTES)
    summary.path.setText(str(tmp_path / "no-such-folder" / "x.pdf"))
    qtbot.mouseClick(summary.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not exist" in summary.status.text(), timeout=30000)
    ops.wait()


def test_coordinator_chooses_a_supervisor_on_the_person_form_and_the_history_keeps_both(qtbot, demo_db, windows):
    from tests import factories as f
    from tests.test_ui_registers import keys, open_row, wait_loaded

    with demo_db.begin(SYSTEM) as s:
        f.user(s, "karin", (Role.SUPERVISOR,))
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    window.sidebar.select("people")
    panel = window.pages["people"].people
    wait_loaded(qtbot, panel.list)
    keys(qtbot, panel.list.filter, "öberg")
    wait_loaded(qtbot, panel.list, 1)
    open_row(qtbot, panel)
    chooser = panel.form.widgets["supervisor_id"]
    qtbot.waitUntil(lambda: chooser.findText("Karin") >= 0, timeout=15000)
    assert chooser.currentText() == "Handledare Demo"
    chooser.setCurrentIndex(chooser.findText("Karin"))
    with qtbot.waitSignal(panel.form.saved, timeout=15000):
        qtbot.mouseClick(panel.form.save_button, Qt.MouseButton.LeftButton)
    ops.wait()
    from peerdesk import models as m
    from peerdesk.services import supervisor_assignment

    with demo_db.session(SYSTEM) as s:
        pid = s.query(m.PeerSupporter).filter_by(last_name="Öberg").one().id
        assert [h.supervisor_name for h in supervisor_assignment.history(s, pid)] == ["Karin", "Handledare Demo"]


def test_supervisor_edits_the_topic_list_and_the_session_form_offers_it(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = supervision_area(qtbot, window).overview
    qtbot.mouseClick(page.topics_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(lambda: "Conflict" in dialog.names(), timeout=15000)
    dialog.name_sv.setText("Nätverk och anhöriga")
    dialog.name_en.setText("Network and relatives")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Network and relatives" in dialog.names(), timeout=15000)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # empty name: a message, nothing added
    qtbot.waitUntil(dialog.error.isVisible, timeout=15000)
    conflict = dialog.list.findItems("Conflict", Qt.MatchFlag.MatchExactly)[0]
    conflict.setCheckState(Qt.CheckState.Unchecked)  # retired
    ops.wait()
    dialog.reject()
    qtbot.waitUntil(lambda: any(name == "Network and relatives" for _, name in page.topics), timeout=15000)
    page.table.selectRow(0)
    page.log_session()
    offered = [page.dialog.topics.item(i).text() for i in range(page.dialog.topics.count())]
    assert "Network and relatives" in offered and "Conflict" not in offered
    page.dialog.reject()
    ops.wait()


def test_supervisor_corrects_a_session_and_the_list_shows_the_new_date(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = supervision_area(qtbot, window).overview
    name = page.rows[0].name
    qtbot.waitUntil(lambda: bool(page.sessions_model.rows) and name in page.person_label.text(), timeout=15000)
    page.sessions.selectRow(0)
    first = page.sessions_model.rows[0]
    assert page.edit_button.isEnabled()
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, SessionForm), timeout=15000)
    form = page.dialog
    assert form.held_on.date() == first.held_on and form.windowTitle() in ("Edit session", "Ändra samtal")
    form.held_on.setDate(form.held_on.date() - dt.timedelta(days=1))
    form.notes.setPlainText("EDITED-NOTE-55")
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.id == first.id and r.held_on == first.held_on - dt.timedelta(days=1)
                                for r in page.sessions_model.rows), timeout=15000)
    ops.wait()
    from peerdesk import models as m

    with demo_db.session(SYSTEM) as s:
        assert s.get(m.SupervisionSession, first.id).notes == "EDITED-NOTE-55"
