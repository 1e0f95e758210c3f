"""The alert rules at their edges, on SQLCipher and PostgreSQL, with an injected "today"."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, NotFoundError, ValidationError
from peerdesk.models import Role
from peerdesk.services import alerts, supervision, workplaces
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create, update
from peerdesk.services.settings import set_setting
from tests import factories as f

D = dt.date
T0 = D(2026, 3, 2)  # a Monday; every scenario is relative to it
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731


def keys(s, today, kind=None):
    return {a.key for a in alerts.compute_alerts(s, today=today) if kind is None or a.kind == kind}


def one(s, today, kind):
    found = [a for a in alerts.compute_alerts(s, today=today) if a.kind == kind]
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ managers and briefings
def test_new_manager_from_the_day_the_tenure_starts_until_that_manager_is_briefed(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        old, new = f.manager(s, "Gammal Chef"), f.manager(s, "Ny Chef")
        create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=old.id, start_date=day(-400))
        workplaces.log_briefing(s, ward.id, day(-390), manager_ids=[old.id])
        workplaces.log_briefing(s, ward.id, day(-10), kind="follow_up")
        tenure = workplaces.change_manager(s, ward.id, day(0), manager_id=new.id)
        ward_id, new_id, tenure_id = ward.id, new.id, tenure.id
    with db.session(SYSTEM) as s:
        assert keys(s, day(-1), "new_manager") == set()  # yesterday the old, briefed manager still ran the ward
        a = one(s, day(0), "new_manager")  # the tenure starts today: the alert is there at once
        assert (a.key, a.overdue_days, a.concerns, a.workplace_id, a.manager_id) == (f"new_manager:{tenure_id}", 0, day(0), ward_id, new_id)
        assert a.manager_name == "Ny Chef" and a.workplace_name == "Avdelning T"
        assert one(s, day(45), "new_manager").overdue_days == 45 and one(s, day(45), "new_manager").severity == "high"
    with db.begin(SYSTEM) as s:  # a briefing the day before the tenure started does not count
        workplaces.log_briefing(s, ward_id, day(-1), manager_ids=[new_id])
    with db.session(SYSTEM) as s:
        assert keys(s, day(5), "new_manager") == {f"new_manager:{tenure_id}"}
    with db.begin(SYSTEM) as s:  # one on the first day does
        workplaces.log_briefing(s, ward_id, day(0), manager_ids=[new_id])
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "new_manager") == set()
        assert keys(s, day(5), "new_manager") == set()


def test_acting_manager_overlapping_the_ordinary_one_needs_a_briefing_too(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        ordinary, acting = f.manager(s, "Ordinarie"), f.manager(s, "Tillförordnad")
        create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=ordinary.id, start_date=day(-300))
        workplaces.log_briefing(s, ward.id, day(-290), manager_ids=[ordinary.id])
        t = create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=acting.id, start_date=day(-20), end_date=day(40), acting=True)
        tid = t.id
    with db.session(SYSTEM) as s:
        a = one(s, day(0), "new_manager")
        assert a.record_id == tid and a.severity == "medium"
        # The acting tenure ends while the ordinary manager continues: not a ward left without a manager.
        assert keys(s, day(30), "tenure_ending") == set() and keys(s, day(50), "no_manager") == set()
        assert keys(s, day(41), "new_manager") == set()  # the acting tenure is over


def test_ward_without_manager_and_tenure_ending_without_successor(db):
    with db.begin(SYSTEM) as s:
        never = f.workplace(s, "Aldrig chef")
        ward = f.workplace(s, "Slutar snart")
        boss = f.manager(s)
        t = create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=boss.id, start_date=day(-500), end_date=day(20))
        workplaces.log_briefing(s, ward.id, day(-490), manager_ids=[boss.id])
        never_id, ward_id, tid = never.id, ward.id, t.id
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "no_manager") == {f"no_manager:{never_id}"}
        assert keys(s, day(-11), "tenure_ending") == set()  # 31 days ahead: outside the 30-day notice
        ending = one(s, day(-10), "tenure_ending")  # exactly 30 days ahead
        assert ending.record_id == tid and ending.overdue_days == -30
        assert keys(s, day(20), "no_manager") == {f"no_manager:{never_id}"}  # last day of the tenure: still managed
        gone = [a for a in alerts.compute_alerts(s, today=day(21)) if a.key == f"no_manager:{ward_id}"]
        assert gone and gone[0].concerns == day(21) and gone[0].overdue_days == 0
    with db.begin(SYSTEM) as s:  # a successor recorded: neither alert
        create(s, m.ManagerTenure, workplace_id=ward_id, manager_id=f.manager(s, "Efterträdare").id, start_date=day(21))
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "tenure_ending") == set()
        assert f"no_manager:{ward_id}" not in keys(s, day(25))
        assert keys(s, day(25), "new_manager")  # but the successor needs a briefing


def test_contact_gap_exactly_at_the_threshold_and_one_day_over(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        boss = f.manager(s)
        create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=boss.id, start_date=day(-400))
        workplaces.log_briefing(s, ward.id, day(-300), manager_ids=[boss.id])
        workplaces.log_briefing(s, ward.id, day(0), kind=m.ContactKind.FOLLOW_UP)
        ward_id = ward.id
        inactive_id = f.workplace(s, "Avslutad", active=False).id  # no alerts for wards the office left
    with db.session(SYSTEM) as s:
        assert keys(s, day(183), "contact_gap") == set()
        assert not any(a.workplace_id == inactive_id for a in alerts.compute_alerts(s, today=day(400)))
        a = one(s, day(184), "contact_gap")
        assert (a.key, a.overdue_days, a.concerns) == (f"contact_gap:{ward_id}", 1, day(183))
        assert keys(s, day(-1), "contact_gap") == {f"contact_gap:{ward_id}"}  # the day before the follow-up: 299 days
    with db.begin(SYSTEM) as s:
        set_setting(s, "alerts.contact_gap_days", 400)
    with db.session(SYSTEM) as s:
        assert keys(s, day(300), "contact_gap") == set()


# ------------------------------------------------------------------ supervision
@pytest.fixture
def placed(db):
    """A peer supporter placed from T0, intro ending after 91 days, no sessions yet."""
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        peer = f.peer(s, "Kim", "Placerad")
        other = f.peer(s, "Alex", "Gruppsson")
        p = create(s, m.Placement, peer_supporter_id=peer.id, workplace_id=ward.id, start_date=day(0))
        create(s, m.Placement, peer_supporter_id=other.id, workplace_id=ward.id, start_date=day(-400))
        return {"peer": peer.id, "other": other.id, "placement": p.id, "ward": ward.id}


def test_never_supervised_counts_from_the_placement_start_weekly_in_the_intro(db, placed):
    with db.session(SYSTEM) as s:
        assert f"supervision_overdue:{placed['peer']}" not in keys(s, day(7))
        a = [x for x in alerts.compute_alerts(s, today=day(8)) if x.key == f"supervision_overdue:{placed['peer']}"][0]
        assert a.concerns == day(7) and a.overdue_days == 1 and a.person_name == "Kim Placerad" and a.workplace_id == placed["ward"]
        assert keys(s, day(-1), "supervision_overdue") == {f"supervision_overdue:{placed['other']}"}  # not placed yet


def test_group_session_counts_for_every_participant_and_monthly_after_the_intro(db, placed):
    with db.begin(SYSTEM) as s:
        supervision.log_session(s, day(5), [placed["peer"], placed["other"]], form="group", duration_minutes=90)
    with db.session(SYSTEM) as s:
        assert keys(s, day(12), "supervision_overdue") == set()  # both covered by the one group session
        assert keys(s, day(13), "supervision_overdue") == {f"supervision_overdue:{placed['peer']}"}  # weekly in the intro
        assert keys(s, day(36), "supervision_overdue") == {f"supervision_overdue:{placed['peer']}"}  # monthly: due on day 36
        assert keys(s, day(37), "supervision_overdue") == {f"supervision_overdue:{placed['peer']}", f"supervision_overdue:{placed['other']}"}
    with db.begin(SYSTEM) as s:
        supervision.log_session(s, day(100), [placed["peer"]])  # after the intro (91 days): monthly
    with db.session(SYSTEM) as s:
        assert f"supervision_overdue:{placed['peer']}" not in keys(s, day(131))
        assert f"supervision_overdue:{placed['peer']}" in keys(s, day(132))
        # A session after "today" (what-if in the past) does not count.
        assert f"supervision_overdue:{placed['peer']}" in keys(s, day(20))


def test_placement_intro_end_and_ended_placement(db, placed):
    with db.begin(SYSTEM) as s:
        p = s.get(m.Placement, placed["placement"])
        update(s, m.Placement, p.id, p.version, intro_end=day(3))
        supervision.log_session(s, day(5), [placed["peer"]])
    with db.session(SYSTEM) as s:
        assert f"supervision_overdue:{placed['peer']}" not in keys(s, day(20))  # intro over at day 3: monthly from the session
        assert f"supervision_overdue:{placed['peer']}" in keys(s, day(37))
    with db.begin(SYSTEM) as s:
        p = s.get(m.Placement, placed["placement"])
        update(s, m.Placement, p.id, p.version, end_date=day(30))
    with db.session(SYSTEM) as s:
        assert f"supervision_overdue:{placed['peer']}" not in keys(s, day(37))  # placement ended


# ------------------------------------------------------------------ employment
def fixed(s, peer_id, start, end, **kw):
    return create(s, m.ContractPeriod, peer_supporter_id=peer_id, employer="Föreningen", form="fixed_term", start_date=start, end_date=end, **kw)


def test_contract_ending_within_the_notice_window_unless_a_following_period_exists(db):
    with db.begin(SYSTEM) as s:
        # The office does not use decisions (0 days): contract_ending is the rule it was. With decisions,
        # contract_decision_due takes its place inside the decision window (tests/test_contract_decision_alert.py).
        set_setting(s, "alerts.contract_decision_days", 0)
        peer = f.peer(s)
        c = fixed(s, peer.id, day(-100), day(60))
        pid, cid = peer.id, c.id
    with db.session(SYSTEM) as s:
        assert keys(s, day(-1), "contract_ending") == set()  # 61 days ahead
        a = one(s, day(0), "contract_ending")  # exactly 60 days ahead
        assert (a.key, a.overdue_days, a.peer_supporter_id, a.person_name) == (f"contract_ending:{cid}", -60, pid, "Test Person")
        assert one(s, day(60), "contract_ending").overdue_days == 0
        assert keys(s, day(61), "contract_ending") == set()  # ended: no longer "ending"
    with db.begin(SYSTEM) as s:
        fixed(s, pid, day(61), day(200))
    with db.session(SYSTEM) as s:
        assert f"contract_ending:{cid}" not in keys(s, day(0))


def test_fixed_term_limit_warns_ahead_and_not_at_exactly_the_limit(db):
    with db.begin(SYSTEM) as s:
        a_peer, b_peer = f.peer(s, "Exakt", "Gräns"), f.peer(s, "Över", "Gräns")
        # 365 days in two periods: exactly the limit, not over it.
        fixed(s, a_peer.id, day(-300), day(-101))  # 200 days
        fixed(s, a_peer.id, day(-100), day(64))  # 165 days
        # 366 days: one day over, on day 65.
        fixed(s, b_peer.id, day(-300), day(-101))
        fixed(s, b_peer.id, day(-100), day(65))
        b_id = b_peer.id
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "fixed_term_limit") == set()  # the crossing (day 65) is 65 days ahead; warning is 60 days
        a = one(s, day(5), "fixed_term_limit")
        assert a.peer_supporter_id == b_id and a.concerns == day(65) and a.overdue_days == -60 and a.severity == "medium"
    with db.begin(SYSTEM) as s:  # converted to permanent employment: no warning
        create(s, m.ContractPeriod, peer_supporter_id=b_id, employer="Föreningen", form="permanent", start_date=day(66))
    with db.session(SYSTEM) as s:
        assert keys(s, day(5), "fixed_term_limit") == {f"fixed_term_limit:{b_id}"}  # still fixed-term today
        assert keys(s, day(66), "fixed_term_limit") == set()


def test_fixed_term_periods_older_than_the_window_do_not_count(db):
    with db.begin(SYSTEM) as s:
        peer = f.peer(s)
        fixed(s, peer.id, D(2019, 1, 1), D(2020, 12, 31))  # two years, but more than five years back
        fixed(s, peer.id, day(-100), day(100))
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "fixed_term_limit") == set()


def test_placement_without_contract_and_contract_without_placement(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        peer, idle = f.peer(s, "Utan", "Avtal"), f.peer(s, "Utan", "Placering")
        p = create(s, m.Placement, peer_supporter_id=peer.id, workplace_id=ward.id, start_date=day(-30), end_date=day(100))
        fixed(s, peer.id, day(-30), day(50))
        c = fixed(s, idle.id, day(-60), day(200))
        create(s, m.Placement, peer_supporter_id=idle.id, workplace_id=ward.id, start_date=day(-60), end_date=day(-11))
        pid, cid, peer_id = p.id, c.id, peer.id
    with db.session(SYSTEM) as s:
        gap = one(s, day(0), "placement_without_contract")
        assert gap.key == f"placement_without_contract:{pid}" and gap.concerns == day(51) and gap.overdue_days == -51
        idle_alert = one(s, day(0), "contract_without_placement")
        assert idle_alert.key == f"contract_without_placement:{cid}" and idle_alert.concerns == day(-10)
        assert keys(s, day(-20), "contract_without_placement") == set()  # still placed then
    with db.begin(SYSTEM) as s:
        fixed(s, peer_id, day(51), day(120))
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "placement_without_contract") == set()


# ------------------------------------------------------------------ consent
def test_consent_expiring_expired_and_withdrawn_while_in_an_unfinished_round(db):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        peer = f.peer(s)
        soon = create(s, m.Consent, study_id=study.id, informant_role="staff", informant_code="P01", signed_on=day(-100), valid_until=day(30))
        later = create(s, m.Consent, study_id=study.id, informant_role="staff", informant_code="P02", signed_on=day(-100), valid_until=day(31))
        out = create(s, m.Consent, study_id=study.id, informant_role="peer_supporter", peer_supporter_id=peer.id, signed_on=day(-100),
                     valid_until=day(300), withdrawn_on=day(-5))
        rnd = f.round_(s, study_id=study.id)
        update(s, m.EvaluationRound, rnd.id, rnd.version, status="collecting")
        q = create(s, m.Quote, round_id=rnd.id, informant_role="peer_supporter", consent_id=out.id, text="Ett citat.")
        ids = {"soon": soon.id, "later": later.id, "out": out.id, "round": rnd.id, "quote": q.id}
    with db.session(SYSTEM) as s:
        found = {a.key: a for a in alerts.compute_alerts(s, today=day(0)) if a.area == "consent"}
        assert set(found) == {f"consent_expiring:{ids['soon']}", f"consent_withdrawn_in_use:{ids['out']}"}
        assert found[f"consent_withdrawn_in_use:{ids['out']}"].overdue_days == 5
        assert found[f"consent_withdrawn_in_use:{ids['out']}"].person_name == "Test Person"
        assert found[f"consent_expiring:{ids['soon']}"].person_name == "P01"
        assert f"consent_expired:{ids['soon']}" in keys(s, day(31))
    with db.begin(SYSTEM) as s:  # once the round is reported, the withdrawn consent feeds no unfinished round
        r = s.get(m.EvaluationRound, ids["round"])
        update(s, m.EvaluationRound, r.id, r.version, status="reported")
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "consent_withdrawn_in_use") == set()


# ------------------------------------------------------------------ roles
def test_each_role_sees_its_own_alerts(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)  # no manager, never contacted
        peer = f.peer(s)
        create(s, m.Placement, peer_supporter_id=peer.id, workplace_id=ward.id, start_date=day(-60))
        study = f.study(s)
        create(s, m.Consent, study_id=study.id, informant_role="staff", informant_code="P1", signed_on=day(-10), valid_until=day(5))
    areas = {}
    for role in Role:
        with db.session(Actor(None, role.value, frozenset({role}))) as s:
            areas[role] = {a.area for a in alerts.compute_alerts(s, today=day(0))}
    assert areas[Role.ADMINISTRATOR] == {"workplaces", "supervision", "employment", "consent"}
    assert areas[Role.COORDINATOR] == {"workplaces", "supervision", "employment"}
    assert areas[Role.SUPERVISOR] == {"supervision"}
    assert areas[Role.EVALUATOR] == {"consent"}
    with db.session(Actor(None, "nobody", frozenset())) as s:
        with pytest.raises(AccessDenied):
            alerts.compute_alerts(s, today=day(0))


# ------------------------------------------------------------------ acknowledge / snooze
def test_snooze_hides_until_the_date_and_the_alert_returns_when_the_fact_changes(db):
    with db.begin(SYSTEM) as s:
        user = f.user(s, "samordnare", roles=(Role.COORDINATOR,))
        ward = f.workplace(s)
        t = create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=f.manager(s).id, start_date=day(-3))
        workplaces.log_briefing(s, ward.id, day(-3), kind="follow_up")
        coordinator = Actor(user.id, user.username, frozenset({Role.COORDINATOR}))
        key, tid = f"new_manager:{t.id}", t.id
    with db.begin(coordinator) as s:
        with pytest.raises(ValidationError) as no_reason:
            alerts.acknowledge(s, key, "  ", day(10), today=day(0))
        assert no_reason.value.field == "reason"
        with pytest.raises(ValidationError) as past:
            alerts.acknowledge(s, key, "Möte bokat", day(-1), today=day(0))
        assert past.value.field == "until"
        with pytest.raises(NotFoundError):
            alerts.acknowledge(s, "new_manager:999999", "x", day(1), today=day(0))
        alerts.acknowledge(s, key, "Informationsmöte bokat den 12:e", day(10), today=day(0))
    with db.session(coordinator) as s:
        assert key not in keys(s, day(0)) and key not in keys(s, day(10))
        assert key in keys(s, day(11))  # the snooze is over
        snoozed = [a for a in alerts.compute_alerts(s, today=day(5), include_snoozed=True) if a.key == key][0]
        assert snoozed.snoozed_until == day(10) and snoozed.snooze_reason.startswith("Informationsmöte") and not snoozed.open
        assert alerts.count_by(alerts.compute_alerts(s, today=day(5), include_snoozed=True))["kinds"].get("new_manager", 0) == 0
        # Audited through the session: who acknowledged which alert record.
        audit = s.execute(select(m.AuditEvent.username, m.AuditEvent.action).where(m.AuditEvent.table_name == "alert_ack")).all()
        assert audit == [("samordnare", "create")]
        ack = s.scalar(select(m.AlertAck))
        assert ack.user_id == user.id and ack.kind == "new_manager"
    with db.begin(SYSTEM) as s:  # the tenure's start is corrected: a different fact, the alert is back
        t = s.get(m.ManagerTenure, tid)
        update(s, m.ManagerTenure, tid, t.version, start_date=day(-2))
    with db.session(coordinator) as s:
        assert key in keys(s, day(5))


def test_a_supervisor_cannot_acknowledge_a_ward_alert(db):
    with db.begin(SYSTEM) as s:
        ward_id = f.workplace(s).id
    with db.begin(Actor(None, "sup", frozenset({Role.SUPERVISOR}))) as s:
        with pytest.raises(NotFoundError):
            alerts.acknowledge(s, f"no_manager:{ward_id}", "inte min sak", day(3), today=day(0))


def test_bring_back_removes_the_snooze_at_once_audited_and_only_for_alerts_one_sees(db):
    with db.begin(SYSTEM) as s:
        coord = f.user(s, "samordnare", roles=(Role.COORDINATOR,))
        ward = f.workplace(s)
        t = create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=f.manager(s).id, start_date=day(-3))
        workplaces.log_briefing(s, ward.id, day(-3), kind="follow_up")
        coordinator = Actor(coord.id, coord.username, frozenset({Role.COORDINATOR}))
        key = f"new_manager:{t.id}"
    with db.begin(coordinator) as s:
        alerts.acknowledge(s, key, "Möte bokat", day(10), today=day(0))
    with db.begin(Actor(None, "sup", frozenset({Role.SUPERVISOR}))) as s:
        with pytest.raises(NotFoundError):  # not an alert a supervisor sees
            alerts.bring_back(s, key, today=day(2))
    with db.begin(coordinator) as s:
        assert key not in keys(s, day(2))
        assert alerts.bring_back(s, key, today=day(2)) == 1
        assert key in keys(s, day(2))  # open again at once, also for the days the snooze would have covered
        with pytest.raises(NotFoundError):  # nothing left to bring back
            alerts.bring_back(s, key, today=day(2))
    with db.session(SYSTEM) as s:
        assert s.scalar(select(m.AlertAck.id)) is None
        trail = s.execute(select(m.AuditEvent.username, m.AuditEvent.action).where(m.AuditEvent.table_name == "alert_ack")
                          .order_by(m.AuditEvent.id)).all()
        assert trail == [("samordnare", "create"), ("samordnare", "delete")]


def test_every_kind_and_severity_reads_in_both_languages():
    from peerdesk.i18n import catalogue

    for lang in ("sv", "en"):
        texts = catalogue(lang)
        for kind in alerts.KINDS:
            assert f"ui.alerts.kind.{kind}" in texts, (lang, kind)
        for severity in alerts.SEVERITIES:
            assert f"ui.alerts.severity.{severity}" in texts, (lang, severity)
        for role in m.InformantRole:
            assert f"ui.alerts.informant.{role.value}" in texts, (lang, role)
    assert set(alerts.KINDS.values()) == set(alerts.AREA_ROLES) == set(alerts.RULES)


def test_a_placement_far_ahead_does_not_alert_yet(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        peer = f.peer(s)
        p = create(s, m.Placement, peer_supporter_id=peer.id, workplace_id=ward.id, start_date=day(61))
        pid = p.id
    with db.session(SYSTEM) as s:
        assert keys(s, day(0), "placement_without_contract") == set()  # 61 days ahead: beyond the 60-day notice window
        assert keys(s, day(1), "placement_without_contract") == {f"placement_without_contract:{pid}"}
