"""The coordinator moves a ward from "agreement signed" to "staff briefed" by marking its planned briefing
as held — from the alert on Today, on the ward's page, by keyboard and mouse at 1024x640 — and the
placement_at_unbriefed_ward alert clears."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import accounts, onboarding
from peerdesk.services.access import SYSTEM
from peerdesk.services.records import create
from peerdesk.ui.workplaces.onboarding_forms import MarkHeldForm
from tests import factories
from tests.test_ui_accounts import log_in, open_area, window  # noqa: F401 - the fixture

WARD = "Avdelning 2, allmänpsykiatri"
TODAY = dt.date.today()


@pytest.fixture
def office(sqlite_db, monkeypatch, tmp_path):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PEERDESK_USER", raising=False)
    monkeypatch.delenv("PEERDESK_PASSWORD", raising=False)
    with sqlite_db.begin(SYSTEM) as s:
        kim = accounts.create_user(s, "kim", "Kim Coordinator", "kim password", [Role.COORDINATOR])
        ward = factories.workplace(s, name=WARD, address="Sjukhusvägen 2, Halmstad")
        onboarding.change_stage(s, ward.id, "interested")
        onboarding.change_stage(s, ward.id, "agreement_signed")
        peer = factories.peer(s, "Robin", "Falk")
        create(s, m.Placement, peer_supporter_id=peer.id, workplace_id=ward.id, start_date=TODAY - dt.timedelta(days=3),
               extent_percent=50)
        onboarding.plan_briefing(s, ward.id, TODAY, invited=["Undersköterska Ann", "Skötare Bo"], held_by_id=kim.id, staff_total=20)
        sqlite_db.ward_id = ward.id
    return sqlite_db


def test_coordinator_marks_the_planned_briefing_held_and_the_unbriefed_ward_alert_clears(qtbot, office, window):  # noqa: F811
    log_in(qtbot, window, office, "kim", "kim password")
    today = window.today
    qtbot.waitUntil(lambda: "placement_at_unbriefed_ward" in today.count_labels, timeout=10000)
    assert today.count_labels["placement_at_unbriefed_ward"].text() == "1"
    assert today.count_labels["planned_briefing_overdue"].text() == "0"  # planned for today: not overdue
    key = f"placement_at_unbriefed_ward:{office.ward_id}"
    button = today.action_buttons[key]
    assert button.text() == "Open the ward" and WARD in button.accessibleName()

    # Open the ward from the alert: the Workplaces area shows its page, at "agreement signed".
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    area = window.pages["workplaces"]
    assert window.stack.currentWidget() is area and area.currentWidget() is area.workplaces
    panel = area.history.onboarding
    qtbot.waitUntil(lambda: panel.info.get("id") == office.ward_id and panel.isVisible(), timeout=10000)
    assert panel.stage.text().startswith("Stage: Agreement signed since")
    assert panel.list.currentItem().text(1) == "Planned"  # the planned briefing is the one chosen

    qtbot.mouseClick(panel.held_button, Qt.MouseButton.LeftButton)
    form = panel.form
    assert isinstance(form, MarkHeldForm) and form.isVisible() and WARD in form.context.text()
    # The date, typed; who of the invited came (Space ticks the current one); another who came; staff reached.
    form.held_on.setFocus()
    form.held_on.selectAll()
    qtbot.keyClicks(form.held_on, TODAY.strftime("%Y-%m-%d"))
    qtbot.keyClick(form.held_on, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.came
    form.came.setCurrentRow(1)
    qtbot.keyClick(form.came, Qt.Key.Key_Space)
    assert form.came.item(1).checkState() == Qt.CheckState.Checked and form.came.item(0).checkState() == Qt.CheckState.Unchecked
    qtbot.keyClick(form.came, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.others
    qtbot.keyClicks(form.others, "Cia Lund")
    form.reached.setFocus()
    form.reached.selectAll()
    qtbot.keyClicks(form.reached, "14")
    with qtbot.waitSignal(panel.form.finished, timeout=10000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.stage.text().startswith("Stage: Staff briefed since"), timeout=10000)
    assert panel.list.topLevelItem(0).text(1) == "Held" and panel.list.topLevelItem(0).text(3) == "14 / 20"
    assert "Undersköterska Ann ✗" in panel.list.topLevelItem(0).text(4)
    assert panel.history.texts()[0][:2] == ["Staff briefed", TODAY.isoformat()]
    assert panel.history.texts()[0][3] == "Briefing held"

    # The board shows the ward under "staff briefed".
    area.setCurrentWidget(area.board)
    qtbot.waitUntil(lambda: area.board.cards("staff_briefed") == [WARD], timeout=10000)
    assert area.board.cards("agreement_signed") == []

    # And on Today the alert is gone.
    open_area(qtbot, window, "today")
    qtbot.waitUntil(lambda: today.count_labels["placement_at_unbriefed_ward"].text() == "0", timeout=10000)
    assert key not in today.action_buttons
    with office.session(SYSTEM) as s:
        b = s.query(m.Briefing).one()
        assert (b.status, b.held_on, b.staff_count, b.staff_total) == (m.Occurrence.HELD, TODAY, 14, 20)
        assert sorted((a.name, a.attended) for a in b.attendees) == [("Cia Lund", True), ("Skötare Bo", True),
                                                                     ("Undersköterska Ann", False)]
