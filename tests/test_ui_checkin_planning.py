"""Check-in meetings planned ahead, as a coordinator does it in the window: Schedule with a date two weeks
ahead plans the meeting (not held, no attendance yet, in the calendar export); a planned one can be
cancelled; on its day, recording who came marks it held."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from peerdesk.models import Role
from peerdesk.services import supervision_planning
from peerdesk.services.access import SYSTEM
from tests.test_ui_registers import type_into
from tests.test_ui_supervision import supervision_area
from tests.test_ui_today import demo_db, open_window, windows  # noqa: F401 - fixtures

WAIT = 15000


def _row(page, title):
    return next((r for r in page.model.rows if r.title == title), None)


def _select(qtbot, page, title):
    qtbot.waitUntil(lambda: _row(page, title) is not None, timeout=WAIT)
    page.table.selectRow([r.title for r in page.model.rows].index(title))


def _status_text(page, title):
    row = [r.title for r in page.model.rows].index(title)
    return page.model.index(row, page.model.columns.index("meeting_status")).data()


def test_a_meeting_two_weeks_ahead_is_planned_can_be_cancelled_and_one_whose_day_has_come_is_held_by_its_attendance(
        qtbot, demo_db, windows, monkeypatch):
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    area = supervision_area(qtbot, window)
    area.tabs.setCurrentWidget(area.checkins)
    page = area.checkins
    ahead = dt.date.today() + dt.timedelta(days=14)

    qtbot.mouseClick(page.schedule_button, Qt.MouseButton.LeftButton)
    form = page.dialog
    type_into(qtbot, form.held_on, ahead.isoformat())
    qtbot.keyClick(form.held_on, Qt.Key.Key_Tab)
    type_into(qtbot, form.title, "Avstamning om tva veckor")
    with qtbot.waitSignal(ops.data_changed, timeout=WAIT):
        qtbot.keyClick(form.title, Qt.Key.Key_Return)  # Enter saves, once: a date ahead is no mistake here
    _select(qtbot, page, "Avstamning om tva veckor")
    assert _row(page, "Avstamning om tva veckor").held_on == ahead
    assert _status_text(page, "Avstamning om tva veckor") == "Planned"
    assert not page.attendance_button.isEnabled()  # nobody can have come yet
    assert page.cancel_button.isEnabled()
    mid = _row(page, "Avstamning om tva veckor").id
    with demo_db.session(SYSTEM) as s:  # in the calendar as a planned meeting
        events = {e.uid: e for e in supervision_planning.check_in_events(s, None, start=ahead, end=ahead, mine=False)}
    ours = [e for uid, e in events.items() if uid == f"check_in-{mid}@peerdesk"]
    assert [(e.start if not isinstance(e.start, dt.datetime) else e.start.date(), e.status.value) for e in ours] == [(ahead, "planned")]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(ops.data_changed, timeout=WAIT):
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row(page, "Avstamning om tva veckor").status == "cancelled", timeout=WAIT)
    assert _status_text(page, "Avstamning om tva veckor") == "Cancelled"

    # One planned earlier for today: its day has come, so recording attendance marks it held first.
    from peerdesk.services.access import Actor

    with demo_db.begin(Actor(ops.actor.user_id, "coordinator", frozenset({Role.COORDINATOR}))) as s:
        supervision_planning.plan_checkin(s, dt.date.today(), "Planerad i dag")
    page.reload()
    _select(qtbot, page, "Planerad i dag")
    qtbot.waitUntil(page.attendance_button.isEnabled, timeout=WAIT)
    previous = page.dialog
    qtbot.mouseClick(page.attendance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not previous and page.dialog is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: _row(page, "Planerad i dag").status == "held", timeout=WAIT)
    sheet = page.dialog
    name = next(iter(sheet.names))
    sheet.mark(name, "present")
    with qtbot.waitSignal(ops.data_changed, timeout=WAIT):
        qtbot.mouseClick(sheet.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row(page, "Planerad i dag").present == 1, timeout=WAIT)
    assert _status_text(page, "Planerad i dag") == "Held"
    ops.wait()
