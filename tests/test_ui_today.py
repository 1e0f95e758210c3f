"""The coordinator's morning on the Today page: see what needs doing, do it from the alert, see it go."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import demo
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.operations import Operations
from peerdesk.ui.today.forms import AcknowledgeForm, BriefingForm, FollowUpForm, SessionForm


@pytest.fixture
def demo_db(sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        users = {u.username: u.id for u in s.scalars(select(m.User))}
    sqlite_db.users = users
    return sqlite_db


@pytest.fixture
def windows():
    """Windows opened by a test: their operations are waited for, and their pools forgotten once the
    window (which owns them) is gone, so the next test's running-thread check sees only its own."""
    from peerdesk.ui.operations import ALL_POOLS

    opened = []
    yield opened
    for ops in opened:
        assert ops.wait(10000), "a background job was left running"
        ALL_POOLS.discard(ops.pool)


def open_window(qtbot, db, username, role, windows):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    ops = Operations(db, Actor(db.users[username], username, frozenset({role})), window)
    windows.append(ops)
    badges = []
    window.today.counts_changed.connect(badges.append)
    with qtbot.waitSignal(window.today.loaded, timeout=15000):
        window.attach(ops, "0003")
    return window, ops, badges


def rows(page):
    """What the person sees in the list: (group text, [row texts]) per kind."""
    out = {}
    for i in range(page.tree.topLevelItemCount()):
        group = page.tree.topLevelItem(i)
        out[group.text(0)] = [group.child(j).text(0) for j in range(group.childCount())]
    return out


def key_for(page, kind, text):
    found = [a.key for a in page.alerts if a.kind == kind and text in (a.workplace_name or "") + (a.person_name or "")]
    assert len(found) == 1, (kind, text, [a.key for a in page.alerts])
    return found[0]


def test_coordinator_logs_a_briefing_for_a_new_manager_and_the_alert_goes(qtbot, demo_db, windows):
    window, ops, badges = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = window.today
    assert page.count_labels["new_manager"].text() == "3"
    # The register counts are still on the start page; they come just after the alerts.
    qtbot.waitUntil(lambda: window.overview.values["people"].text() == "17")
    assert "New manager without a briefing (3)" in rows(page)
    assert any("Bostad Först Älvstaden" in r for r in rows(page)["New manager without a briefing (3)"])
    assert "consent_expiring" not in page.count_labels  # not the coordinator's
    first_badges = badges[-1]
    assert first_badges["workplaces"] >= 5 and "consent" not in first_badges

    key = key_for(page, "new_manager", "Bostad Först Älvstaden")
    manager_id = page.alert(key).manager_id
    button = page.action_buttons[key]
    assert button.text() == "Log briefing" and "Bostad Först Älvstaden" in button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = page.form
    assert isinstance(form, BriefingForm) and form.isVisible()
    assert "Bostad Först Älvstaden" in form.context.text() and "Tomas Hedlund" in form.context.text()
    qtbot.keyClicks(form.summary, "Gick igenom peer support-rollen med nya chefen.")
    form.staff.setValue(7)
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert page.count_labels["new_manager"].text() == "2"
    assert key not in {a.key for a in page.alerts} and key not in page.action_buttons
    assert not any("Bostad Först" in r for r in rows(page).get("New manager without a briefing (2)", []))
    assert badges[-1]["workplaces"] == first_badges["workplaces"] - 1
    with demo_db.session(SYSTEM) as s:  # really saved, with the manager as attendee and the coordinator as host
        b = s.scalars(select(m.Briefing).order_by(m.Briefing.id.desc())).first()
        assert b.held_on == dt.date.today() and b.staff_count == 7 and b.held_by_id == demo_db.users["coordinator"]
        assert [a.manager_id for a in b.attendees] == [manager_id]
    ops.wait()


def test_coordinator_adds_a_follow_up_period_and_snoozes_an_alert(qtbot, demo_db, windows):
    from peerdesk.services.settings import set_setting

    with demo_db.begin(SYSTEM) as s:  # an office without contract decisions: the follow-up period straight from the alert
        set_setting(s, "alerts.contract_decision_days", 0)
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = window.today
    ending = sorted((a for a in page.alerts if a.kind == "contract_ending"), key=lambda a: a.overdue_days)[-1]
    before = int(page.count_labels["contract_ending"].text())
    qtbot.mouseClick(page.action_buttons[ending.key], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.form, FollowUpForm), timeout=10000)
    form = page.form
    assert form.start == ending.concerns + dt.timedelta(days=1) and form.employer.text() == "Föreningen Brukarkraft"
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert int(page.count_labels["contract_ending"].text()) == before - 1
    assert ending.key not in {a.key for a in page.alerts}

    gap = key_for(page, "contact_gap", "Öppenvårdsmottagning Väster")
    qtbot.mouseClick(page.ack_buttons[gap], Qt.MouseButton.LeftButton)
    form = page.form
    assert isinstance(form, AcknowledgeForm)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # no reason given: the form says why and stays
    note = form.note_for(form.reason)  # said under the field itself, at once, and the typing goes there
    assert note.isVisible() and note.text() == "Reason is required." and form.isVisible()
    assert form.focusWidget() is form.reason
    qtbot.keyClicks(form.reason, "Ny chef tillsatts i januari, vi tar kontakt da")
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert gap not in {a.key for a in page.alerts}
    ops.wait()


def test_supervisor_sees_only_supervision_and_logs_a_session(qtbot, demo_db, windows):
    window, ops, badges = open_window(qtbot, demo_db, "supervisor", Role.SUPERVISOR, windows)
    page = window.today
    assert set(page.count_labels) == {"supervision_overdue"} and set(badges[-1]) == {"supervision"}
    key = key_for(page, "supervision_overdue", "Robin Falk")
    assert page.action_buttons[key].text() == "Log session"
    qtbot.mouseClick(page.action_buttons[key], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.form, SessionForm), timeout=10000)
    form = page.form
    assert isinstance(form, SessionForm) and "Robin Falk" in form.context.text()
    assert form.topics is not None and form.topics.count() == 6  # the office's topics, as in the Supervision area
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert key not in {a.key for a in page.alerts}
    assert badges[-1]["supervision"] == 1
    ops.wait()


def test_everything_on_the_page_has_an_accessible_name_and_takes_focus(qtbot, demo_db, windows):
    window, ops, _ = open_window(qtbot, demo_db, "admin", Role.ADMINISTRATOR, windows)
    page = window.today
    assert page.tree.accessibleName() and page.tree.focusPolicy() != Qt.FocusPolicy.NoFocus
    for button in [*page.action_buttons.values(), *page.ack_buttons.values()]:
        assert button.accessibleName() and button.focusPolicy() & Qt.FocusPolicy.TabFocus
    for label in page.count_labels.values():
        assert label.accessibleName()
    # Enter on a row opens its action, as a click on the button would.
    key = next(k for k in page.action_buttons if k.startswith("new_manager:"))
    item = next(page.tree.topLevelItem(0).child(j) for j in range(page.tree.topLevelItem(0).childCount())
                if page.tree.topLevelItem(0).child(j).data(0, Qt.ItemDataRole.UserRole) == key)
    page.tree.setCurrentItem(item)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert isinstance(page.form, BriefingForm)
    page.form.reject()
    # The Menu key offers the same two things for the current row.
    menu = page.menu_for(key)
    assert [a.text() for a in menu.actions()] == ["Log briefing", "Acknowledge/snooze…"]
    menu.actions()[1].trigger()
    assert isinstance(page.form, AcknowledgeForm)
    page.form.reject()
    ops.wait()


def test_a_long_kind_shows_its_most_urgent_rows_then_show_all(qtbot, demo_db, windows, monkeypatch):
    """At national scale a kind can have thousands of alerts: the list shows the first few (most overdue
    first, with their buttons), the count says how many there are, and 'show all' adds the rest."""
    from peerdesk.ui.today import today_page

    monkeypatch.setattr(today_page, "ROWS_PER_KIND", 1)
    window, ops, _ = open_window(qtbot, demo_db, "coordinator", Role.COORDINATOR, windows)
    page = window.today
    kind = next(k for k, n in page.counts.items() if n > 1)
    from peerdesk.i18n import t

    label = f"{t(f'ui.alerts.kind.{kind}')} ({page.counts[kind]})"
    group = next(page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount()) if page.tree.topLevelItem(i).text(0) == label)
    assert group.childCount() == 2
    more = group.child(1)
    assert more.text(0) == f"… and {page.counts[kind] - 1} more: show all"
    # The group heading and the 'show all' row read across the whole row, not cut off at the first column.
    assert group.isFirstColumnSpanned() and more.isFirstColumnSpanned()
    first = [a for a in page.alerts if a.kind == kind][0]
    assert group.child(0).data(0, Qt.ItemDataRole.UserRole) == first.key and first.key in page.ack_buttons
    page.tree.itemActivated.emit(more, 0)
    assert group.childCount() == page.counts[kind]
    assert all(a.key in page.ack_buttons for a in page.alerts if a.kind == kind)
