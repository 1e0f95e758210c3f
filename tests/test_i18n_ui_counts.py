"""What a person reads where the window counts things: "1 öppen påminnelse", "1 träff", in Swedish and English."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk import i18n
from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import records
from peerdesk.services.access import SYSTEM, Actor
from tests import factories as f

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def ops_for(qtbot):
    from peerdesk.ui.operations import ALL_POOLS, Operations

    made = []

    def make(db, widget, roles=frozenset({Role.COORDINATOR})):
        with db.begin(SYSTEM) as s:
            uid = f.user(s, "kim", tuple(roles)).id
        ops = Operations(db, Actor(uid, "kim", frozenset(roles)), widget)
        made.append(ops)
        return ops

    yield make
    for ops in made:
        assert ops.wait(10000)
        ALL_POOLS.discard(ops.pool)


def _ward_with_a_new_manager(s, name: str) -> None:
    """A ward whose one open alert is its new manager."""
    ward = f.workplace(s, name=name)
    boss = records.create(s, m.Manager, name=f"Chef {name}")
    records.create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=boss.id, start_date=TODAY - dt.timedelta(days=3))
    # Staff were briefed yesterday, without the new manager: the ward was contacted, the manager still needs briefing.
    records.create(s, m.Briefing, workplace_id=ward.id, held_on=TODAY - dt.timedelta(days=1))


@pytest.mark.parametrize(("lang", "expected"), [
    ("sv", ["0 öppna påminnelser", "1 öppen påminnelse", "2 öppna påminnelser"]),
    ("en", ["0 open alerts", "1 open alert", "2 open alerts"]),
])
def test_the_today_page_counts_its_alerts_in_words_that_agree(qtbot, sqlite_db, ops_for, monkeypatch, lang, expected):
    from peerdesk.ui.today.today_page import TodayPage

    monkeypatch.setattr(i18n, "_current", lang)
    page = TodayPage(today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show()
    ops = ops_for(sqlite_db, page)
    seen = []
    for wards in (0, 1, 2):
        if wards:
            with sqlite_db.begin(SYSTEM) as s:
                _ward_with_a_new_manager(s, f"Avdelning {wards}")
        with qtbot.waitSignal(page.loaded, timeout=10000):
            page.refresh(ops)
        seen.append(page.status.text())
    assert [text.split(",")[0] for text in seen] == expected
    assert seen[1].endswith(i18n.format_date(TODAY, lang))


@pytest.mark.parametrize(("lang", "expected"), [("sv", ["0 träffar", "1 träff", "2 träffar"]), ("en", ["0 matches", "1 match", "2 matches"])])
def test_search_counts_its_matches_in_words_that_agree(qtbot, sqlite_db, ops_for, monkeypatch, lang, expected):
    from peerdesk.ui.search.search import SearchDialog

    monkeypatch.setattr(i18n, "_current", lang)
    with sqlite_db.begin(SYSTEM) as s:
        f.peer(s, "Kim", "Ekberg")
        f.peer(s, "Alex", "Ekholm")
    box = SearchDialog(None)
    qtbot.addWidget(box)
    box.ops = ops_for(sqlite_db, box)
    box.start()
    seen = []
    for typed in ("Zzyx", "Ekberg", "Ek"):
        before = box.status.text()
        box.field.clear()
        qtbot.keyClicks(box.field, typed)
        qtbot.waitUntil(lambda: box.status.text() not in ("", before), timeout=5000)
        seen.append(box.status.text())
    assert seen == expected
