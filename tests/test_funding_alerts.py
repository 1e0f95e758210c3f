"""grant_ending and funder_report_due at their edges, on SQLCipher and PostgreSQL, with an injected "today"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import alerts, funding
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.funding import ReportLine
from peerdesk.services.records import create
from peerdesk.services.settings import set_setting
from tests import factories as f

D = dt.date
T0 = D(2026, 3, 2)
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731


def found(s, today, kind):
    return [a for a in alerts.compute_alerts(s, today=today) if a.kind == kind]


def a_grant(s, end, funder="Allmänna arvsfonden", reference="2024/0815", start=D(2024, 1, 1), reports=()):
    return funding.save_grant(s, None, {"funder": funder, "reference": reference, "start_date": start, "end_date": end},
                              reports=[ReportLine(None, due, title) for due, title in reports])


def contract(s, person, start, end, grant_id, form="fixed_term"):
    return create(s, m.ContractPeriod, peer_supporter_id=person, employer="Föreningen", form=form, start_date=start,
                  end_date=end, grant_id=grant_id).id


def test_grant_ending_from_n_days_before_its_end_while_contracts_run_past_it(db):
    with db.begin(SYSTEM) as s:
        gid = a_grant(s, end=day(90))
        anna, bo, cia = f.peer(s, "Anna", "A").id, f.peer(s, "Bo", "B").id, f.peer(s, "Cia", "C").id
        contract(s, anna, D(2025, 1, 1), day(200), gid)  # runs past the end
        contract(s, bo, D(2025, 1, 1), None, gid, form="permanent")  # open-ended
        contract(s, cia, D(2025, 1, 1), day(90), gid)  # ends with the grant: fine
    with db.session(SYSTEM) as s:
        assert found(s, day(-1), "grant_ending") == []  # 91 days before the end
        [a] = found(s, day(0), "grant_ending")  # exactly 90 days before: the alert is there
        assert (a.key, a.area, a.concerns, a.overdue_days, a.record_id, a.count, a.severity) == (
            f"grant_ending:{gid}", "funding", day(90), -90, gid, 2, "medium")
        assert a.subject == "Allmänna arvsfonden (2024/0815)" and a.person_name is None
        assert found(s, day(70), "grant_ending")[0].severity == "high"  # the last month
        json = a.as_json()
        assert json["subject"] == "Allmänna arvsfonden (2024/0815)" and json["count"] == 2
    with db.begin(SYSTEM) as s:  # the office moves the threshold: 30 days
        set_setting(s, "alerts.grant_ending_days", 30)
    with db.session(SYSTEM) as s:
        assert found(s, day(0), "grant_ending") == [] and len(found(s, day(60), "grant_ending")) == 1


def test_no_alert_when_contracts_end_with_the_grant_or_have_follow_on_funding(db):
    with db.begin(SYSTEM) as s:
        old = a_grant(s, end=day(30))
        new = a_grant(s, end=D(2028, 12, 31), funder="Region Skåne", reference="RS-1", start=day(31))
        anna, bo = f.peer(s, "Anna", "A").id, f.peer(s, "Bo", "B").id
        contract(s, anna, D(2025, 1, 1), day(30), old)
        contract(s, anna, day(31), day(400), new)  # follow-on: the day after, another grant
        # Bo's placement is paid by the old grant past its end; his contract moves to the new money the day after.
        ward = f.workplace(s)
        contract(s, bo, D(2025, 1, 1), day(30), old)
        contract(s, bo, day(31), day(400), new)
        create(s, m.Placement, peer_supporter_id=bo, workplace_id=ward.id, start_date=D(2025, 1, 1), grant_id=old)
    with db.session(SYSTEM) as s:
        assert found(s, day(0), "grant_ending") == []
    with db.begin(SYSTEM) as s:  # a gap of one day is no follow-on: the placement now counts
        c = s.scalars(select(m.ContractPeriod).where(m.ContractPeriod.peer_supporter_id == bo, m.ContractPeriod.grant_id == new)).one()
        c.start_date = day(32)
        s.flush()
    with db.session(SYSTEM) as s:
        [a] = found(s, day(0), "grant_ending")
        assert (a.record_id, a.count) == (old, 1)


def test_a_follow_on_paid_by_the_same_grant_or_by_none_is_not_follow_on_funding(db):
    with db.begin(SYSTEM) as s:
        gid = a_grant(s, end=day(30))
        ward = f.workplace(s)
        anna = f.peer(s, "Anna", "A").id
        contract(s, anna, day(31), day(400), None)  # a next period, but nobody pays for it
        create(s, m.Placement, peer_supporter_id=anna, workplace_id=ward.id, start_date=D(2025, 1, 1), grant_id=gid)
    with db.session(SYSTEM) as s:
        assert [a.count for a in found(s, day(0), "grant_ending")] == [1]


def test_a_grant_that_already_ended_alerts_while_its_contracts_still_run_and_the_end_moving_brings_it_back(db):
    with db.begin(SYSTEM) as s:
        gid = a_grant(s, end=day(-10))
        anna = f.peer(s, "Anna", "A").id
        cid = contract(s, anna, D(2025, 1, 1), day(20), gid)
    with db.session(SYSTEM) as s:
        [a] = found(s, day(0), "grant_ending")
        assert (a.overdue_days, a.severity) == (10, "high")
        assert found(s, day(21), "grant_ending") == []  # the contract is over: nothing left to do
    with db.begin(SYSTEM) as s:
        alerts.acknowledge(s, f"grant_ending:{gid}", "new decision expected", day(60), today=day(0))
    with db.session(SYSTEM) as s:
        assert found(s, day(0), "grant_ending") == []  # snoozed
    with db.begin(SYSTEM) as s:  # the funder extends the grant a little: a new fact, the alert is back
        funding.save_grant(s, gid, {"end_date": day(5)})
    with db.session(SYSTEM) as s:
        [a] = found(s, day(0), "grant_ending")
        assert a.concerns == day(5)
    with db.begin(SYSTEM) as s:  # extended past the contract: done
        funding.save_grant(s, gid, {"end_date": day(20)})
        assert s.get(m.ContractPeriod, cid).grant_id == gid
    with db.session(SYSTEM) as s:
        assert found(s, day(0), "grant_ending") == []


def test_funder_report_due_within_n_days_or_overdue_until_marked_sent(db):
    with db.begin(SYSTEM) as s:
        gid = a_grant(s, end=D(2027, 12, 31), funder="Region Skåne", reference="RS-9",
                      reports=[(day(30), "Lägesrapport"), (day(31), "Ekonomisk redovisning")])
        first, second = funding.get_grant(s, gid).reports
    with db.session(SYSTEM) as s:
        assert found(s, day(-1), "funder_report_due") == []
        [a] = found(s, day(0), "funder_report_due")  # due exactly 30 days ahead
        assert (a.key, a.record_id, a.concerns, a.overdue_days, a.severity, a.subject) == (
            f"funder_report_due:{first.id}", gid, day(30), -30, "medium", "Region Skåne (RS-9) – Lägesrapport")
        assert len(found(s, day(1), "funder_report_due")) == 2
        overdue = [a for a in found(s, day(35), "funder_report_due") if a.record_id == gid and a.concerns == day(30)][0]
        assert (overdue.overdue_days, overdue.severity) == (5, "high")
    with db.begin(SYSTEM) as s:
        funding.mark_report_sent(s, first.id, T0)
    with db.session(SYSTEM) as s:
        assert [a.key for a in found(s, day(35), "funder_report_due")] == [f"funder_report_due:{second.id}"]
    with db.begin(SYSTEM) as s:  # undone: it is due again
        funding.mark_report_sent(s, first.id, None)
    with db.session(SYSTEM) as s:
        assert len(found(s, day(35), "funder_report_due")) == 2


def test_only_administrators_and_coordinators_see_funding_alerts(db):
    with db.begin(SYSTEM) as s:
        gid = a_grant(s, end=day(10), reports=[(day(5), "Slutrapport")])
        contract(s, f.peer(s).id, D(2025, 1, 1), None, gid, form="permanent")
        ids = {r: f.user(s, r.value, roles=(r,)).id for r in Role}
    for role, uid in ids.items():
        with db.session(Actor(uid, role.value, frozenset({role}))) as s:
            kinds = {a.kind for a in alerts.compute_alerts(s, today=T0)} & {"grant_ending", "funder_report_due"}
            assert kinds == ({"grant_ending", "funder_report_due"} if role in (Role.ADMINISTRATOR, Role.COORDINATOR) else set()), role


def test_follow_on_funding_is_counted_from_this_grants_end_not_another_grants(db):
    """Anna's next period starts the day after some other grant ends: that is no follow-on for this grant."""
    with db.begin(SYSTEM) as s:
        gid = a_grant(s, end=day(30))
        other = a_grant(s, end=day(200), funder="Stiftelsen", reference="S-1")
        later = a_grant(s, end=D(2029, 12, 31), funder="Kommunen", reference="K-1", start=day(100))
        anna = f.peer(s, "Anna", "A").id
        contract(s, anna, D(2025, 1, 1), day(200), gid)  # runs past this grant's end
        contract(s, anna, day(201), day(500), later)  # starts the day after *the other* grant ends
        assert other
    with db.session(SYSTEM) as s:
        assert [(a.record_id, a.count) for a in found(s, day(0), "grant_ending")] == [(gid, 1)]
