"""The coordinator keeps the grant register in the window: types a new grant with a report date, sees the
report come due on Today, opens the grant from the alert, marks the report sent, and the alert is gone."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import accounts
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.operations import Operations


@pytest.fixture
def office(sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        uid = accounts.create_user(s, "coord", "Coordinator", "long-enough-pw", [Role.COORDINATOR]).id
        s.add(m.Workplace(name="Avdelning 21", organisation="Psykiatri", kind=m.WorkplaceKind.INPATIENT, region="Västra regionen", version=1))
    sqlite_db.uid = uid
    return sqlite_db


@pytest.fixture
def window(qtbot, office):
    from peerdesk.ui.operations import ALL_POOLS

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1024, 640)
    w.show()
    ops = Operations(office, Actor(office.uid, "coord", frozenset({Role.COORDINATOR})), w)
    with qtbot.waitSignal(w.today.loaded, timeout=15000):
        w.attach(ops, "0019")
    yield w
    assert ops.wait(10000)
    ALL_POOLS.discard(ops.pool)


def typed(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll() if hasattr(widget, "selectAll") else None
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def test_coordinator_adds_a_grant_with_a_report_and_marks_it_sent_and_today_clears(qtbot, window, office):
    today = dt.date.today()
    due = today + dt.timedelta(days=10)
    assert not window.sidebar.items["funding"].isHidden()
    window.sidebar.select("funding")
    area = window.pages["funding"]
    page = area.grants
    qtbot.waitUntil(lambda: page.widgets["workplace_id"].count() == 1)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    typed(qtbot, page.widgets["funder"], "Region Halland")
    typed(qtbot, page.widgets["reference"], "RV 2026-12")
    typed(qtbot, page.widgets["start_date"], (today - dt.timedelta(days=100)).isoformat())
    typed(qtbot, page.widgets["end_date"], "2025-01-01")  # before the start: the service says so under the field
    typed(qtbot, page.widgets["amount_sek"], "1 200 000")
    typed(qtbot, page.widgets["region"], "Halland")
    typed(qtbot, page.due, due.isoformat())
    typed(qtbot, page.report_title, "Progress report")
    qtbot.mouseClick(page.add_report_button, Qt.MouseButton.LeftButton)
    assert [page.report_list.topLevelItem(0).text(i) for i in (1, 2)] == ["Progress report", "not sent"]
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.errors["end_date"].isVisible())
    assert "before" in page.errors["end_date"].text()
    assert page.widgets["funder"].text() == "Region Halland"  # nothing typed is lost
    typed(qtbot, page.widgets["end_date"], (today + dt.timedelta(days=700)).isoformat())
    with qtbot.waitSignal(window.ops.data_changed, timeout=10000):
        qtbot.keyClick(page.widgets["amount_sek"], Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 1)
    row = page.table.topLevelItem(0)
    assert [row.text(i) for i in (0, 1, 3, 4)] == ["Region Halland", "RV 2026-12", "1 200 000", "Halland"]
    assert row.text(5) != ""  # the next report due

    # Today: the report is due in ten days, with "Open the grant" beside it.
    qtbot.waitUntil(lambda: window.today.counts.get("funder_report_due") == 1, timeout=10000)
    [alert] = [a for a in window.today.alerts if a.kind == "funder_report_due"]
    button = window.today.action_buttons[alert.key]
    assert button.text() == "Open the grant"
    window.sidebar.select("today")
    page.new()  # the form is elsewhere; the alert's action opens the grant again
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.grant_id == alert.record_id and page.report_list.topLevelItemCount() == 1)
    assert window.stack.currentWidget() is area

    page.report_list.setCurrentItem(page.report_list.topLevelItem(0))
    typed(qtbot, page.sent_on, today.isoformat())
    with qtbot.waitSignal(window.ops.data_changed, timeout=10000):
        qtbot.mouseClick(page.mark_sent_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.today.counts.get("funder_report_due") == 0, timeout=10000)
    assert all(a.kind != "funder_report_due" for a in window.today.alerts)
    qtbot.waitUntil(lambda: page.report_list.topLevelItemCount() == 1 and page.report_list.topLevelItem(0).text(2) != "not sent")
    with office.session(SYSTEM) as s:
        assert s.scalars(select(m.GrantReport.sent_on)).all() == [today]


def test_supervisors_do_not_get_the_funding_area(qtbot, office):
    from peerdesk.ui.operations import ALL_POOLS

    with office.begin(SYSTEM) as s:
        uid = accounts.create_user(s, "sup", "Supervisor", "long-enough-pw", [Role.SUPERVISOR]).id
    w = MainWindow()
    qtbot.addWidget(w)
    ops = Operations(office, Actor(uid, "sup", frozenset({Role.SUPERVISOR})), w)
    with qtbot.waitSignal(w.today.loaded, timeout=15000):
        w.attach(ops, "0019")
    assert w.sidebar.items["funding"].isHidden() and w.page_for("funding") is None
    assert ops.wait(10000)
    ALL_POOLS.discard(ops.pool)


def test_a_contract_given_a_grant_that_ends_before_it_is_saved_with_a_note_under_the_grant(qtbot, window, office):
    """The Grant picker in Contracts: a period running past its grant is saved, and the form says so."""
    from peerdesk.services import funding
    from peerdesk.services.records import create

    today = dt.date.today()
    with office.begin(SYSTEM) as s:
        gid = funding.save_grant(s, None, {"funder": "Region Halland", "reference": "RH-1", "start_date": today - dt.timedelta(days=100),
                                           "end_date": today + dt.timedelta(days=30)})
        person = create(s, m.PeerSupporter, first_name="Anna", last_name="Berg")
        cid = create(s, m.ContractPeriod, peer_supporter_id=person.id, employer="Föreningen", form="fixed_term",
                     start_date=today - dt.timedelta(days=10), end_date=today + dt.timedelta(days=200)).id
    window.sidebar.select("contracts")
    panel = window.pages["contracts"].contracts
    form = panel.form
    combo = form.widgets["grant_id"]
    qtbot.waitUntil(lambda: combo.findData(gid) >= 0)
    with qtbot.waitSignal(form.loaded, timeout=10000):
        panel.open(cid)
    combo.setFocus()
    qtbot.keyClicks(combo.lineEdit(), f"Region Halland (RH-1) {(today + dt.timedelta(days=30)).isoformat()}")  # as the picker shows it
    qtbot.keyClick(combo, Qt.Key.Key_Tab)
    assert form.value("grant_id") == gid
    with qtbot.waitSignal(form.saved, timeout=10000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.errors["grant_id"].isVisible())
    assert "Region Halland (RH-1)" in form.errors["grant_id"].text() and "Saved anyway" in form.errors["grant_id"].text()
    with office.session(SYSTEM) as s:
        assert s.get(m.ContractPeriod, cid).grant_id == gid
