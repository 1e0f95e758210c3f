"""`contract_decision_due` at its edges, on SQLCipher and PostgreSQL, with an injected "today": from exactly N days
before the end while undecided or decided-not-told, never for a period without an end or once it has ended,
cleared by the day the person was told; a continued period's new period gets its own alert later; and never
beside a `contract_ending` for the same period."""

from __future__ import annotations

import datetime as dt

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import alerts
from peerdesk.services import contract_decisions as cd
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from peerdesk.services.settings import set_setting
from tests import factories as f

D = dt.date
T0 = D(2026, 3, 2)
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731
KIND = "contract_decision_due"


def found(s, today, kind=KIND):
    return {a.key: a for a in alerts.compute_alerts(s, today=today) if a.kind == kind}


def setup(db, end=day(60), form="fixed_term"):
    with db.begin(SYSTEM) as s:
        admin = f.user(s, "admin1", (Role.ADMINISTRATOR,))
        peer = f.peer(s, "Mats", "Engström")
        c = create(s, m.ContractPeriod, peer_supporter_id=peer.id, employer="Föreningen", form=form, start_date=day(-200), end_date=end)
        return Actor(admin.id, "admin1", frozenset({Role.ADMINISTRATOR})), peer.id, c.id


def test_from_exactly_n_days_before_the_end_until_the_end(db):
    admin, pid, cid = setup(db)
    key = f"{KIND}:{cid}"
    with db.session(admin) as s:
        assert found(s, day(-1)) == {}  # 61 days ahead
        a = found(s, day(0))[key]  # exactly 60 days ahead
        assert (a.area, a.concerns, a.overdue_days, a.severity, a.person_name, a.record_id) == (
            "employment", day(60), -60, "medium", "Mats Engström", cid)
        assert found(s, day(29))[key].severity == "high"  # the last month: LAS's minimum notice
        assert found(s, day(60))[key].overdue_days == 0  # the last day
        assert found(s, day(61)) == {}  # ended: too late to decide
        assert found(s, day(0), "contract_ending") == {}  # one alert for one fact
    with db.begin(SYSTEM) as s:
        set_setting(s, "alerts.contract_decision_days", 30)
    with db.session(admin) as s:
        assert found(s, day(29)) == {} and key in found(s, day(30))
        # Outside the shorter decision window, the old contract_ending is the heads-up; inside it, not.
        assert set(found(s, day(29), "contract_ending")) == {f"contract_ending:{cid}"}
        assert found(s, day(30), "contract_ending") == {}


def test_decided_but_not_told_still_fires_and_told_clears_it(db):
    admin, pid, cid = setup(db)
    key = f"{KIND}:{cid}"
    with db.begin(admin) as s:
        before = found(s, day(10))[key].fingerprint
        cd.record_decision(s, cid, "ends", today=day(10))
    with db.session(admin) as s:
        a = found(s, day(10))[key]  # decided, not yet told: still due, as a new fact (a snooze of "undecided" does not hide it)
        assert a.fingerprint != before
        assert found(s, day(10), "contract_ending") == {}  # the end is intended
    with db.begin(admin) as s:
        cd.record_told(s, cid, day(12), today=day(12))
    with db.session(admin) as s:
        assert found(s, day(12)) == {} and found(s, day(59)) == {}


def test_a_period_without_end_never_raises_it(db):
    admin, _pid, cid = setup(db, end=None, form="permanent")
    with db.session(admin) as s:
        for n in (0, 30, 365):
            assert found(s, day(n)) == {}


def test_a_continued_period_s_new_period_gets_its_own_alert_later(db):
    admin, pid, cid = setup(db)
    with db.begin(admin) as s:
        follow = cd.record_decision(s, cid, "continues", end_date=day(150), today=day(5)).follow_on_id
        cd.record_told(s, cid, day(6), today=day(6))
    with db.session(admin) as s:
        assert found(s, day(6)) == {}
        assert found(s, day(89)) == {}  # the new period ends at day(150): 61 days ahead
        assert set(found(s, day(90))) == {f"{KIND}:{follow}"}


def test_only_administrator_and_coordinator_see_it(db):
    _admin, _pid, cid = setup(db)
    with db.begin(SYSTEM) as s:
        users = {r: f.user(s, f"u{r.value}", (r,)).id for r in Role}
    for role, uid in users.items():
        with db.session(Actor(uid, f"u{role.value}", frozenset({role}))) as s:
            assert bool(found(s, day(0))) == (role in (Role.ADMINISTRATOR, Role.COORDINATOR)), role
