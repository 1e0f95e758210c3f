"""In the window (issue 21, R3): the evaluator logs a focus group with its guide, interviewer, minutes and
place by typing, moves its transcript forward (and is told why it cannot go back or be deleted without a
date), and records a ward's patient survey forms handed out and returned — the draft report's response rate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo, round_report
from peerdesk.services.access import SYSTEM
from peerdesk.ui.evaluation.interview_dialog import InterviewDialog
from tests.test_ui_evaluation import open_evaluation_page


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll() if hasattr(widget, "selectAll") else None
    qtbot.keyClicks(widget, text)


def test_evaluator_types_an_interviews_details_its_transcript_status_and_a_wards_forms(qtbot, sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    page.resize(1024, 640)
    assert page.round.number == 3
    panel = page.rounds_panel
    page.tabs.setCurrentWidget(panel)

    # 1. A focus group: kind chosen with the keyboard, two consents typed, the staff guide follows the role.
    panel.interview_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(panel, "dialog", None), InterviewDialog) and panel.dialog.isVisible(), timeout=5000)
    dialog = panel.dialog
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # individual -> group -> focus group
    assert dialog.kind.currentText() == "Focus group"
    for number in ("F-1100", "F-1104"):
        qtbot.keyClicks(dialog.picker.number, number)
        qtbot.keyClick(dialog.picker.number, Qt.Key.Key_Return)
    assert dialog.role.currentData() == "staff"
    assert dialog.guide.currentText() == "Interview guide for staff (Appendix 2), version 1"
    dialog.interviewer.setFocus()
    qtbot.keyClicks(dialog.interviewer, "U")  # the combo's own search by the first letters
    assert dialog.interviewer.currentText() == "Utvärderare Demo"
    _type(qtbot, dialog.duration, "75")
    _type(qtbot, dialog.place, "Biblioteket")
    dialog.held_on.clear()
    qtbot.keyClicks(dialog.held_on, "2026-11-20")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "logged" in panel.message.text(), timeout=5000)
    with sqlite_db.session(SYSTEM) as s:
        iv = s.scalar(select(m.Interview).where(m.Interview.held_on == "2026-11-20"))
        guide = s.get(m.InterviewGuide, iv.guide_id)
        assert (iv.kind, guide.code, guide.edition, iv.duration_minutes, iv.place) == (m.InterviewKind.FOCUS_GROUP, "GUIDE-STAFF", 1, 75,
                                                                                        "Biblioteket")
        assert s.get(m.User, iv.interviewer_id).username == "evaluator"
        interview_id = iv.id

    # 2. Its transcript: deletion needs a date, forward steps are saved, a step back is refused with the reason.
    interviews = page.interviews
    page.tabs.setCurrentWidget(interviews)
    qtbot.waitUntil(lambda: any(r.id == interview_id for r in interviews.rows), timeout=5000)
    interviews.select(interview_id)
    row = interviews.table.currentRow()
    shown = [interviews.table.item(row, c).text() for c in range(interviews.table.columnCount())]
    assert shown[1:] == ["Focus group", "Staff member", "2", "Interview guide for staff (Appendix 2), version 1", "Utvärderare Demo",
                         "75", "Recorded"]

    def step(status: str, day: str = "") -> None:
        interviews.status.setCurrentIndex(interviews.status.findData(status))
        interviews.day.clear()
        if day:
            qtbot.keyClicks(interviews.day, day)
        before = interviews.message.text()
        interviews.status_button.click()
        qtbot.waitUntil(lambda: interviews.message.text() != before, timeout=5000)

    step("deleted")
    assert interviews.message.text() == "Enter the date the recording was deleted."
    step("coded")
    assert interviews.message.text() == "Transcript status changed: Coded."
    qtbot.waitUntil(lambda: interviews.table.item(interviews.table.currentRow(), 7).text() == "Coded", timeout=5000)
    step("transcribed")
    assert "only moves forward" in interviews.message.text()
    step("deleted", "2026-11-30")
    qtbot.waitUntil(lambda: interviews.table.item(interviews.table.currentRow(), 7).text() == "Recording deleted 2026-11-30", timeout=5000)

    # An interview's details are corrected afterwards, by typing in its details dialog.
    from peerdesk.ui.evaluation.interviews_panel import DetailsDialog

    interviews.details_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(interviews, "dialog", None), DetailsDialog) and interviews.dialog.isVisible(), timeout=5000)
    details = interviews.dialog
    assert (details.duration.text(), details.place.text()) == ("75", "Biblioteket")
    assert details.guide.currentText() == "Interview guide for staff (Appendix 2), version 1"
    _type(qtbot, details.duration, "80")
    with qtbot.waitSignal(interviews.dialog.accepted, timeout=5000):
        qtbot.keyClick(details.duration, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: interviews.table.item(interviews.table.currentRow(), 6).text() == "80", timeout=5000)

    # 3. A ward's patient survey forms: chosen ward, typed counts, the contact person typed in; Enter saves.
    logistics = page.logistics
    page.tabs.setCurrentWidget(logistics)
    qtbot.waitUntil(lambda: logistics.ward.count() == 4 and logistics.table.rowCount() == 4, timeout=5000)
    logistics.ward.setCurrentIndex(logistics.ward.findText("Avdelning 7, beroendevård"))
    assert logistics.role.currentData() == "patient"
    _type(qtbot, logistics.handed_out, "10")
    logistics.by.lineEdit().clear()
    qtbot.keyClicks(logistics.by.lineEdit(), "Kontaktperson Två")
    _type(qtbot, logistics.returned, "11")  # more back than handed out: refused, nothing lost
    qtbot.keyClick(logistics.returned, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "More forms returned (11) than handed out (10)" in logistics.message.text(), timeout=5000)
    assert logistics.handed_out.text() == "10" and logistics.by.currentText() == "Kontaktperson Två"
    logistics.returned.clear()
    qtbot.keyClicks(logistics.returned, "5")
    with qtbot.waitSignal(logistics.loaded, timeout=5000):
        qtbot.keyClick(logistics.returned, Qt.Key.Key_Return)
    rows = [[logistics.table.item(r, c).text() for c in range(5)] for r in range(logistics.table.rowCount())]
    assert ["Avdelning 7, beroendevård", "Patients", "10", "Kontaktperson Två", "5"] in rows
    ops.wait()
    with sqlite_db.session(SYSTEM) as s:
        data = round_report.gather(s, 3, lang="en")
    rates = {label: rest for label, *rest in data.response_rates}
    # Three wards' 6 handed out (and 3 back) each, and the 10 typed. The demo's patient questionnaire count is
    # hidden in the method table (it would give a hidden count of the patient survey back), so the 14 returned
    # and the rate are hidden with it.
    assert dict((label, c) for label, _i, _g, c in data.method)["Patients"] is None
    assert rates["Patients"] == [28, None, None, None]
