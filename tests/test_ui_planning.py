"""The Done-when scenario: a supervisor logs in, opens the supervision month view, plans next month's sessions
as the cadence asks for their caseload, sees them as planned (italic "P" on a tinted cell) beside held ones,
and exports the calendar (only the save dialog is patched); the written file parses with those sessions."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from peerdesk import models as m
from peerdesk.services.access import SYSTEM
from peerdesk.ui.main_window import MainWindow
from tests.test_ui_accounts import log_in
from tests.test_ui_today import demo_db  # noqa: F401 - fixture


@pytest.fixture
def window(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PEERDESK_USER", raising=False)
    monkeypatch.delenv("PEERDESK_PASSWORD", raising=False)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1024, 640)
    w.show()
    yield w
    if w.ops is not None:
        w.ops.wait()


def _next_month(today: dt.date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def planned_cells(page):
    out = {}
    for r in range(page.table.rowCount()):
        for c in range(page.table.columnCount()):
            item = page.table.item(r, c)
            if item is not None and item.text().endswith("P"):
                out[(page.table.verticalHeaderItem(r).text(), c + 1)] = item
    return out


def test_a_supervisor_plans_next_month_and_exports_it_to_a_calendar_file(qtbot, demo_db, window, tmp_path, monkeypatch):
    log_in(qtbot, window, demo_db, "supervisor", "demo")
    ops = window.ops
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Ctrl+4: Supervision
    area = window.pages["supervision"]
    qtbot.waitUntil(lambda: bool(area.overview.rows), timeout=15000)
    area.tabs.setCurrentWidget(area.month)
    page = area.month
    qtbot.waitUntil(lambda: page.view is not None and bool(page.view.people), timeout=15000)
    held_now = {(n, d) for (pid, n) in page.view.people for d in page.view.seen.get(pid, {})}  # held: letters

    year, month = _next_month(dt.date.today())
    qtbot.mouseClick(page.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view is not None and (page.view.year, page.view.month) == (year, month), timeout=15000)
    before = planned_cells(page)

    qtbot.mouseClick(page.plan_month_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=15000)
    form = page.dialog
    proposal = list(form.proposal)
    assert proposal and all(p.day.month == month for p in proposal)
    assert form.list.count() == len(proposal) and proposal[0].name in form.list.item(0).text()
    form.time.selectAll()
    qtbot.keyClicks(form.time, "09:30")
    qtbot.keyClicks(form.location, "Kontoret")
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    expected = {(p.name, p.day.day) for p in proposal}
    qtbot.waitUntil(lambda: expected <= set(planned_cells(page)), timeout=15000)
    cells = planned_cells(page)
    assert set(cells) - set(before) == expected
    for key in expected:
        item = cells[key]
        assert item.font().italic() and item.background().color().name().lower() == "#fff4cc"
        assert "09:30" in item.toolTip() and "Kontoret" in item.toolTip()

    # Planned beside held: back in this month the held letters are unchanged, upright.
    qtbot.mouseClick(page.prev, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view is not None and page.view.month == dt.date.today().month, timeout=15000)
    for name, day in sorted(held_now)[:3]:
        held_item = page.table.item([page.table.verticalHeaderItem(r).text() for r in range(page.table.rowCount())].index(name), day - 1)
        assert held_item.text()[:1] in "IGTV" and not held_item.font().italic()

    target = tmp_path / "out" / "peerdesk-kalender.ics"
    target.parent.mkdir()
    offered = {}

    def save_dialog(parent, title, default, filters):
        offered.update(title=title, default=default, filters=filters)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert offered["default"].startswith("peerdesk-kalender-") and offered["default"].endswith(".ics")
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = cal.walk("VEVENT")
    starts = {(e.decoded("dtstart").date(), str(e["location"]), str(e["status"])) for e in events
              if isinstance(e.decoded("dtstart"), dt.datetime)}
    for p in proposal:
        assert (p.day, "Kontoret", "CONFIRMED") in starts
    text = target.read_bytes().decode().replace("\r\n ", "")
    for p in proposal:
        assert p.name not in text and p.name.split()[-1] not in text  # no names in a calendar that leaves the office
    with demo_db.session(SYSTEM) as s:
        from sqlalchemy import select

        assert s.scalar(select(m.AuditEvent.username).where(m.AuditEvent.action == "export")) == "supervisor"


def test_cancel_a_planned_session_from_the_month_view(qtbot, demo_db, window, monkeypatch):
    log_in(qtbot, window, demo_db, "supervisor", "demo")
    ops = window.ops
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    area = window.pages["supervision"]
    qtbot.waitUntil(lambda: bool(area.overview.rows), timeout=15000)
    area.tabs.setCurrentWidget(area.month)
    page = area.month
    qtbot.waitUntil(lambda: page.view is not None and bool(page.view.people), timeout=15000)
    if not planned_cells(page):  # the demo's planned sessions may fall in next month
        qtbot.mouseClick(page.next, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.view is not None and page.view.month != dt.date.today().month, timeout=15000)
    cells = planned_cells(page)
    assert cells
    (name, day), _item = sorted(cells.items())[0]
    row = [page.table.verticalHeaderItem(r).text() for r in range(page.table.rowCount())].index(name)
    assert not page.cancel_button.isEnabled()
    page.table.setCurrentCell(row, day - 1)
    assert page.cancel_button.isEnabled() and page.held_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(ops.data_changed, timeout=15000):
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (name, day) not in planned_cells(page), timeout=15000)

