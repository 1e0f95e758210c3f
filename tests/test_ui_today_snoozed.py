"""Snoozed alerts on the Today page: the coordinator sees which alerts were put aside, why and until
when, and brings one back with a click — it is in the main list again at once, and the trail says so."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.i18n import t
from peerdesk.models import Role
from peerdesk.services import alerts
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.ui.today.snoozed_dialog import SnoozedDialog
from tests.test_ui_today import demo_db, key_for, open_window, rows, windows  # noqa: F401 - fixtures


def test_coordinator_lists_the_snoozed_alerts_and_brings_one_back(qtbot, demo_db, windows):
    today = dt.date.today()
    coordinator = Actor(demo_db.users["coordinator"], "coordinator", frozenset({Role.COORDINATOR}))
    with demo_db.begin(coordinator) as s:
        gap = next(a for a in alerts.compute_alerts(s, today=today) if a.kind == "contact_gap")
        alerts.acknowledge(s, gap.key, "Ny chef tillsätts i januari", today + dt.timedelta(days=30), today=today)
    window, ops, badges = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = window.today
    assert gap.key not in {a.key for a in page.alerts} and "contact_gap" not in [a.kind for a in page.alerts]
    assert page.snoozed_button.text() == "Snoozed alerts (1)…" and page.snoozed_button.isEnabled()
    open_before = badges[-1]["workplaces"]

    qtbot.mouseClick(page.snoozed_button, Qt.MouseButton.LeftButton)
    dialog = page.form
    assert isinstance(dialog, SnoozedDialog) and dialog.isVisible()
    item = dialog.tree.topLevelItem(0)
    assert dialog.tree.topLevelItemCount() == 1
    assert "Öppenvårdsmottagning Väster" in item.text(0) and item.text(2) == "Ny chef tillsätts i januari"
    assert item.text(1) == (today + dt.timedelta(days=30)).isoformat()
    button = dialog.buttons[gap.key]
    assert button.text() == "Bring back" and "Öppenvårdsmottagning Väster" in button.accessibleName()

    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert gap.key in {a.key for a in page.alerts}  # back in the main list at once
    assert any("Öppenvårdsmottagning Väster" in r for r in rows(page)[f"{t('ui.alerts.kind.contact_gap')} (1)"])
    assert key_for(page, "contact_gap", "Öppenvårdsmottagning Väster") in page.ack_buttons
    assert badges[-1]["workplaces"] == open_before + 1
    assert dialog.tree.topLevelItemCount() == 0 and dialog.empty.isVisible()
    assert page.snoozed_button.text() == "Snoozed alerts (0)…" and not page.snoozed_button.isEnabled()
    dialog.reject()
    ops.wait()
    with demo_db.session(SYSTEM) as s:
        assert s.scalar(select(m.AlertAck.id).where(m.AlertAck.alert_key == gap.key)) is None
        trail = s.execute(select(m.AuditEvent.username, m.AuditEvent.action).where(m.AuditEvent.table_name == "alert_ack")
                          .order_by(m.AuditEvent.id)).all()
        assert trail == [("coordinator", "create"), ("coordinator", "delete")]


def test_snoozing_from_today_then_bringing_it_back_with_the_keyboard(qtbot, demo_db, windows):
    assert t("ui.today.snoozed.bring_back", "sv") == "Återställ"
    assert t("ui.today.snoozed.button", "sv", n=1) == "Undanlagda påminnelser (1)…"
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = window.today
    assert not page.snoozed_button.isEnabled()
    key = key_for(page, "new_manager", "Bostad Först Älvstaden")
    qtbot.mouseClick(page.ack_buttons[key], Qt.MouseButton.LeftButton)
    form = page.form
    qtbot.keyClicks(form.reason, "Mote bokat nasta vecka")  # keyClicks types ASCII only
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert key not in {a.key for a in page.alerts} and page.snoozed_button.isEnabled()
    page.snoozed_button.setFocus()
    qtbot.keyClick(page.snoozed_button, Qt.Key.Key_Space)  # the keyboard opens it too
    dialog = page.form
    assert isinstance(dialog, SnoozedDialog) and list(dialog.buttons) == [key]
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.keyClick(dialog.buttons[key], Qt.Key.Key_Space)
    assert key in {a.key for a in page.alerts} and key in page.action_buttons
    dialog.reject()
    ops.wait()
