"""The coordinator's course days (issue #20, training), driven as a person does: record a day's attendance
from the keyboard in the grid, see the count change, certify a participant who meets the rule and print the
certificate (only the print dialog's exec is patched); a participant who does not meet the rule gets the
reason in words. Plus the area in the main window at 1024x640."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import accounts, training
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.services.settings import set_setting
from peerdesk.ui.operations import Operations
from peerdesk.ui.training.area import TrainingArea
from tests import factories as f

D = dt.date
FIRST = D(2025, 1, 13)


def _course(db):
    """Kull 3: twelve course days, eleven held. Bo Ek attended 9 of them, Cia Lund 8, Åsa Öberg all; the last
    day (its date has come) is still planned, with no attendance yet."""
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "samordnare", "Sam Ordnare", "coordinator password", [Role.COORDINATOR])
        set_setting(s, "office.name", "Föreningen Brukarkraft")
        cohort = f.cohort(s, name="Kull 3", start=D(2025, 1, 10), end=D(2025, 4, 30))
        bo = f.peer(s, first="Bo", last="Ek", cohort_id=cohort.id)
        cia = f.peer(s, first="Cia", last="Lund", cohort_id=cohort.id)
        asa = f.peer(s, first="Åsa", last="Öberg", cohort_id=cohort.id)
        days = [training.add_day(s, cohort.id, FIRST + dt.timedelta(days=7 * i), f"Tema {i + 1}").id for i in range(12)]
        for i, day_id in enumerate(days[:11]):
            present = [asa.id] + ([bo.id] if i < 9 else []) + ([cia.id] if i < 8 else [])
            training.record_attendance(s, day_id, present)
        return cohort.id, bo.id, cia.id, asa.id


def _area(qtbot, db, cohort_id):
    area = TrainingArea(Operations(db, login(db, "samordnare", "coordinator password")))
    qtbot.addWidget(area)
    area.resize(1024, 640)
    area.show()
    page = area.course
    bar = area.tabBar()  # applicants come first; the person clicks the Course days tab
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(area.indexOf(page)).center())
    with qtbot.waitSignal(page.loaded, timeout=10000):
        area.start()
    if page.cohort_id() != cohort_id:
        with qtbot.waitSignal(page.loaded, timeout=10000):
            page.select_cohort(cohort_id)
    return area, page


def _count(page, row: int) -> str:
    return page.grid.item(row, 0).toolTip()  # the count comes first, the days after it; in full in its tooltip


def _print_to_pdf(monkeypatch, target):
    def accept(dialog):
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(150)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)


def test_the_coordinator_records_a_day_by_keyboard_certifies_and_prints_the_certificate(qtbot, sqlite_db, tmp_path, monkeypatch):
    cohort_id, bo, cia, asa = _course(sqlite_db)
    area, page = _area(qtbot, sqlite_db, cohort_id)
    grid = page.grid
    assert [grid.verticalHeaderItem(r).text() for r in range(3)] == ["Bo Ek", "Cia Lund", "Åsa Öberg"]
    assert page.days.rowCount() == 12 and page.days.item(11, 3).text() == "Planned"
    assert _count(page, 0).startswith("9 of 11 days (9 needed)")  # 0.8 × 11 = 8.8: 9 needed, and the course is not over
    assert grid.item(0, 1).text() == "✓" and grid.item(0, 11).text() == "–"

    # The last day, by keyboard: to its column, Åsa present (Space), then Bo present (Space) — Cia is absent.
    grid.setFocus()
    grid.setCurrentCell(2, 1)
    for _ in range(11):
        qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert (grid.currentRow(), grid.currentColumn()) == (2, 12)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert page.days.item(11, 3).text() == "Held"  # attendance taken: the day was held
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert (grid.currentRow(), grid.currentColumn()) == (0, 12)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert grid.item(0, 12).text() == "✓" and grid.item(1, 12).text() == "–" and grid.item(2, 12).text() == "✓"
    assert _count(page, 0) == "10 of 12 days (10 needed) · meets the attendance rule"
    assert _count(page, 1) == "8 of 12 days (10 needed) · can no longer meet the attendance rule"
    assert "Saved: Bo Ek" in page.status.text()
    assert page.grid.item(0, 0).text() == "10 of 12 days (10 needed)"
    assert page.progress.text() == "Bo Ek: 10 of 12 days (10 needed) · meets the attendance rule"

    # Bo meets the rule: Certify…, type the date, Save.
    grid.setCurrentCell(0, 12)
    assert page.certify_button.isEnabled() and not page.certificate_button.isEnabled()
    qtbot.mouseClick(page.certify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=10000)
    form = page.dialog
    assert form.context.text() == "The participant meets the attendance rule." and form.reason is None
    form.on.selectAll()
    qtbot.keyClicks(form.on, "2025-04-10")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.keyClick(form.on, Qt.Key.Key_Return)
    assert not form.isVisible()
    assert "certified on" in _count(page, 0) and page.certificate_button.isEnabled()
    with sqlite_db.session(SYSTEM) as s:
        person = s.get(m.PeerSupporter, bo)
        assert person.certified_on == D(2025, 4, 10) and person.status == m.PeerStatus.CERTIFIED

    # Certificate…: the preview, then Print… (the print dialog accepted, printing to a PDF file).
    target = tmp_path / "printed.pdf"
    _print_to_pdf(monkeypatch, target)
    qtbot.mouseClick(page.certificate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.isVisible(), timeout=10000)
    assert page.preview.page_count == 1
    qtbot.mouseClick(page.preview.print_button, Qt.MouseButton.LeftButton)
    assert target.exists()
    page.preview.close()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.AuditEvent.record_id).where(m.AuditEvent.action == "print_certificate")) == bo

    # Cia does not: the dialog says why, and Save is refused with the same words.
    grid.setCurrentCell(1, 1)
    qtbot.mouseClick(page.certify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not form and page.dialog is not None and page.dialog.isVisible(), timeout=10000)
    refused = page.dialog
    assert refused.context.text() == "Attended 8 of 12 days, 10 needed."
    qtbot.mouseClick(refused.save_button, Qt.MouseButton.LeftButton)
    note = refused.note_for(refused.on)
    qtbot.waitUntil(lambda: note.isVisible() and note.text() == "Attended 8 of 12 days, 10 needed.", timeout=10000)
    assert refused.isVisible() and refused.save_button.isEnabled()
    refused.reject()
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.PeerSupporter, cia).certified_on is None
    area.course.ops.wait()


def test_a_click_toggles_and_a_future_day_says_why(qtbot, sqlite_db):
    cohort_id, bo, cia, asa = _course(sqlite_db)
    with sqlite_db.begin(SYSTEM) as s:  # a day far ahead: attendance cannot be taken yet
        s.get(m.Cohort, cohort_id).end_date = D(2199, 1, 1)
        training.add_day(s, cohort_id, D(2199, 1, 1), "Framtiden")
    area, page = _area(qtbot, sqlite_db, cohort_id)
    grid = page.grid
    rect = grid.visualRect(grid.model().index(1, 1))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert grid.item(1, 1).text() == "–"  # Cia was present on day 1: a click made it absent
    assert _count(page, 1).startswith("7 of 11 days")
    grid.setCurrentCell(0, grid.columnCount() - 1)  # the day in 2199
    qtbot.keyClick(grid, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: "come" in page.status.text(), timeout=10000)
    assert page.status.text() == "Attendance can be recorded only once the course day has come."
    page.ops.wait()


def test_the_area_is_in_the_sidebar_and_fits_a_small_window(qtbot, sqlite_db):
    from peerdesk.ui.main_window import AREAS, AREA_NEEDS

    assert "training" in AREAS and AREA_NEEDS["training"] == ("applicants",)  # administrators and coordinators
    cohort_id, *_ = _course(sqlite_db)
    area, page = _area(qtbot, sqlite_db, cohort_id)
    assert area.tabText(area.indexOf(page)) == "Course days" and area.currentWidget() is page
    QApplication.processEvents()
    for w in (page.certify_button, page.certificate_button, page.add_button, page.grid, page.days):
        assert w.isVisible() and w.geometry().right() <= area.width()
    page.ops.wait()
