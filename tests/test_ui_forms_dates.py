"""Dates the way people type them, and dialogs that neither save an empty form nor lose the focus
(issue 15, items 3 and 4). Driven with the keyboard, read back from the database."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services.access import SYSTEM
from peerdesk.ui.supervision.session_form import SessionForm
from peerdesk.ui.today.forms import AcknowledgeForm, BriefingForm
from tests.test_ui_supervision import supervision_area
from tests.test_ui_today import demo_db, key_for, open_window, windows  # noqa: F401 - fixtures

WAIT = 15000


def focused():
    return QApplication.focusWidget()


def open_session_form(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = supervision_area(qtbot, window).overview
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on a person: the session form
    form = page.dialog
    assert isinstance(form, SessionForm)
    form.activateWindow()
    qtbot.waitUntil(lambda: focused() is form.held_on, timeout=WAIT)  # the focus starts on the first field
    return window, ops, form


def type_date(qtbot, field, text: str) -> None:
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def last_session_date(db) -> dt.date:
    with db.begin(SYSTEM) as s:
        return s.scalar(select(m.SupervisionSession.held_on).order_by(m.SupervisionSession.id.desc()).limit(1))


def sessions(db) -> int:
    with db.begin(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(m.SupervisionSession))


@pytest.mark.parametrize("typed", ["2026-11-28", "20261128", "28/11/2026"])
def test_a_date_typed_into_the_session_form_is_kept_exactly(qtbot, demo_db, windows, typed):
    window, ops, form = open_session_form(qtbot, demo_db, windows)
    qtbot.keyClicks(form.held_on, typed)  # straight away, as a person does: the first field, its text replaced
    with qtbot.waitSignal(window.today.loaded, timeout=WAIT):
        qtbot.keyClick(form.held_on, Qt.Key.Key_Return)  # Enter in the date field saves
    assert not form.isVisible()
    assert last_session_date(demo_db) == dt.date(2026, 11, 28)
    ops.wait()


def test_tab_leaves_the_date_field_in_one_press_and_a_bad_date_is_named_not_saved(qtbot, demo_db, windows):
    window, ops, form = open_session_form(qtbot, demo_db, windows)
    qtbot.keyClick(form.held_on, Qt.Key.Key_Tab)
    assert focused() is form.duration  # not the month, then the day, of the same field
    before = sessions(demo_db)
    form.held_on.setFocus()
    type_date(qtbot, form.held_on, "31/02/2026")
    qtbot.keyClick(form.held_on, Qt.Key.Key_Return)
    note = form.note_for(form.held_on)
    assert note.isVisible() and "“31/02/2026” is not a date" in note.text()
    assert form.isVisible() and focused() is form.held_on and form.held_on.text() == "31/02/2026"  # kept as typed
    ops.wait()
    assert sessions(demo_db) == before


def test_alt_down_opens_the_calendar_and_enter_takes_its_day(qtbot, demo_db, windows):
    window, ops, form = open_session_form(qtbot, demo_db, windows)
    type_date(qtbot, form.held_on, "2026-11-03")
    qtbot.keyClick(form.held_on, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = form.held_on.popup.calendar
    assert form.held_on.popup.isVisible() and calendar.selectedDate().toPython() == dt.date(2026, 11, 3)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Right)  # one day on
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert not form.held_on.popup.isVisible() and form.held_on.text() == "2026-11-04"
    assert focused() is form.held_on
    form.reject()
    ops.wait()


def test_a_future_session_date_warns_first_and_still_saves(qtbot, demo_db, windows):
    window, ops, form = open_session_form(qtbot, demo_db, windows)
    ahead = dt.date.today() + dt.timedelta(days=40)
    type_date(qtbot, form.held_on, ahead.strftime("%Y%m%d"))
    before = sessions(demo_db)
    qtbot.keyClick(form.held_on, Qt.Key.Key_Return)  # first Enter: the warning, nothing saved yet
    note = form.note_for(form.held_on)
    assert note.isVisible() and f"{ahead.isoformat()} is in the future" in note.text()
    assert form.isVisible() and form.save_button.text() == "Save anyway" and focused() is form.held_on
    ops.wait()
    assert sessions(demo_db) == before
    with qtbot.waitSignal(window.today.loaded, timeout=WAIT):
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # the person has seen it: saved
    assert not form.isVisible() and last_session_date(demo_db) == ahead
    ops.wait()


def _counts(db) -> tuple[int, int]:
    with db.begin(SYSTEM) as s:
        return (s.scalar(select(func.count()).select_from(m.AlertAck)),
                s.scalar(select(func.count()).select_from(m.Briefing)))


def test_enter_on_the_empty_acknowledge_and_briefing_dialogs_saves_nothing(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = window.today
    before = _counts(demo_db)

    qtbot.mouseClick(page.ack_buttons[key_for(page, "contact_gap", "Öppenvårdsmottagning Väster")], Qt.MouseButton.LeftButton)
    ack = page.form
    assert isinstance(ack, AcknowledgeForm)
    ack.activateWindow()
    qtbot.waitUntil(lambda: focused() is ack.reason, timeout=WAIT)  # the first field, not Save
    qtbot.keyClick(ack.reason, Qt.Key.Key_Return)
    assert ack.isVisible() and ack.note_for(ack.reason).isVisible()
    assert ack.note_for(ack.reason).text() == "Reason is required." and focused() is ack.reason
    qtbot.keyClick(ack.reason, Qt.Key.Key_Return)  # and again: still nothing, the focus stays where typing helps
    assert ack.isVisible() and focused() is ack.reason
    ack.reject()

    qtbot.mouseClick(page.action_buttons[key_for(page, "new_manager", "Bostad Först Älvstaden")], Qt.MouseButton.LeftButton)
    brief = page.form
    assert isinstance(brief, BriefingForm)
    brief.activateWindow()
    qtbot.waitUntil(lambda: focused() is brief.held_on, timeout=WAIT)
    qtbot.keyClick(brief.held_on, Qt.Key.Key_Return)
    assert brief.isVisible() and brief.note_for(brief.summary).isVisible() and focused() is brief.summary
    assert not brief.note_for(brief.held_on).isVisible()  # today's date is fine
    ops.wait()
    assert _counts(demo_db) == before

    qtbot.keyClicks(brief.summary, "Presented the programme to the new manager")  # now it saves, with Ctrl+Enter
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(brief.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _counts(demo_db) == (before[0], before[1] + 1)
    from peerdesk.ui.common.saved_notice import SavedNotice

    notice = window.statusBar().findChild(SavedNotice)  # and the window says so
    assert notice.isVisible() and notice.label.text() == f"Saved: {brief.windowTitle()}."
    ops.wait()


def test_the_errors_are_not_clipped_at_1024x640_in_swedish(qtbot, demo_db, windows, monkeypatch):
    from peerdesk import i18n

    monkeypatch.setattr(i18n, "_current", "sv")
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    window.resize(1024, 640)
    page = window.today
    qtbot.mouseClick(page.action_buttons[key_for(page, "new_manager", "Bostad Först Älvstaden")], Qt.MouseButton.LeftButton)
    brief = page.form
    brief.activateWindow()
    qtbot.waitUntil(lambda: focused() is brief.held_on, timeout=WAIT)
    type_date(qtbot, brief.held_on, "2026-13-45")
    qtbot.keyClick(brief.held_on, Qt.Key.Key_Return)
    qtbot.wait(50)
    notes = [brief.note_for(brief.held_on), brief.note_for(brief.summary)]
    assert all(n.isVisible() for n in notes) and "är inget datum" in notes[0].text()
    assert notes[1].text().endswith("måste fyllas i.")
    assert brief.height() <= 640 and brief.width() <= 1024
    for label in brief.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            assert label.heightForWidth(label.width()) <= label.height(), label.text()  # every line shows
            assert label.geometry().bottom() <= label.parentWidget().height()
    assert focused() is brief.held_on  # the first field in trouble, not Cancel
    brief.reject()
    ops.wait()


def test_a_check_in_date_ahead_is_sent_at_once_because_it_plans_the_meeting(qtbot):
    """The Check-ins tab's Schedule form: a date ahead is no typo to warn about, it plans the meeting."""
    from peerdesk.ui.supervision.checkins_page import MeetingForm

    today = dt.date.today()
    form = MeetingForm(today)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: focused() is form.held_on, timeout=WAIT)
    ahead = today + dt.timedelta(days=3)
    type_date(qtbot, form.held_on, ahead.strftime("%d/%m/%Y"))
    sent = []
    form.submitted.connect(sent.append)
    qtbot.keyClick(form.held_on, Qt.Key.Key_Return)
    assert len(sent) == 1 and sent[0]["held_on"] == ahead


@pytest.mark.parametrize("make", ["briefing"])
def test_a_future_check_in_or_briefing_date_warns_once_then_is_sent(qtbot, make):
    from peerdesk.ui.supervision.checkins_page import MeetingForm

    today = dt.date.today()
    form = MeetingForm(today) if make == "checkin" else BriefingForm("Avdelning 21", "Tomas Hedlund", today)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: focused() is form.held_on, timeout=WAIT)
    if make == "briefing":
        qtbot.keyClicks(form.summary, "Plan for the spring")
    ahead = today + dt.timedelta(days=3)
    type_date(qtbot, form.held_on, ahead.strftime("%d/%m/%Y"))
    sent = []
    form.submitted.connect(sent.append)
    qtbot.keyClick(form.held_on, Qt.Key.Key_Return)
    assert sent == [] and "is in the future" in form.note_for(form.held_on).text()
    qtbot.keyClick(form.held_on, Qt.Key.Key_Return)
    assert len(sent) == 1 and sent[0]["held_on"] == ahead
