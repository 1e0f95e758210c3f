"""The onboarding alerts at their edges, on SQLCipher and PostgreSQL, with an injected "today":
placement_at_unbriefed_ward, planned_briefing_overdue, stalled_onboarding — and a planned briefing
that does not clear a new manager's alert."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import alerts, onboarding, workplaces
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from peerdesk.services.settings import set_setting
from tests import factories as f

T0 = dt.date.today()
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731


def keys(s, today, kind):
    return {a.key for a in alerts.compute_alerts(s, today=today) if a.kind == kind}


def placement(s, wid, start, end=None):
    p = f.peer(s)
    return create(s, m.Placement, peer_supporter_id=p.id, workplace_id=wid, start_date=start, end_date=end, extent_percent=50)


def test_placement_at_unbriefed_ward_until_a_staff_briefing_is_held(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        onboarding.change_stage(s, ward.id, "interested")
        onboarding.change_stage(s, ward.id, "agreement_signed")
        p = placement(s, ward.id, day(10))
        planned = onboarding.plan_briefing(s, ward.id, day(5))
        workplaces.log_briefing(s, ward.id, day(-30), staff_count=0)  # managers only: not the staff
        workplaces.log_briefing(s, ward.id, day(-20), kind="follow_up", staff_count=6)  # a follow-up is no briefing
        wid, pid, bid = ward.id, p.id, planned.id
    key = f"placement_at_unbriefed_ward:{wid}"
    with db.session(SYSTEM) as s:
        th = alerts.Thresholds.load(s)
        assert keys(s, day(10) - dt.timedelta(days=th.contract_notice_days + 1), "placement_at_unbriefed_ward") == set()
        a = next(a for a in alerts.compute_alerts(s, today=day(10 - th.contract_notice_days)) if a.key == key)
        assert (a.severity, a.record_id, a.concerns) == ("medium", pid, day(10))  # starts within the horizon
        assert keys(s, T0, "placement_at_unbriefed_ward") == {key}  # planned is not briefed
        running = next(a for a in alerts.compute_alerts(s, today=day(10)) if a.key == key)
        assert running.severity == "high" and running.overdue_days == 0
    with db.begin(SYSTEM) as s:
        onboarding.mark_held(s, bid, T0, staff_count=9, staff_total=15)
    with db.session(SYSTEM) as s:
        assert keys(s, day(10), "placement_at_unbriefed_ward") == set()
        assert keys(s, day(-1), "placement_at_unbriefed_ward") == {key}  # on the eve of the briefing it was not yet briefed
        assert s.get(m.Workplace, wid).stage.value == "staff_briefed"


def test_placement_at_unbriefed_ward_ignores_ended_placements_and_inactive_wards(db):
    with db.begin(SYSTEM) as s:
        ended = f.workplace(s, "Slut")
        placement(s, ended.id, day(-100), day(-1))
        closed = f.workplace(s, "Stängd", active=False)
        placement(s, closed.id, day(-10))
        two = f.workplace(s, "Två")
        placement(s, two.id, day(-5))
        first = placement(s, two.id, day(-50))
        ids = ended.id, two.id, first.id
    with db.session(SYSTEM) as s:
        found = [a for a in alerts.compute_alerts(s, today=T0) if a.kind == "placement_at_unbriefed_ward"]
        assert [(a.workplace_id, a.record_id, a.overdue_days) for a in found] == [(ids[1], ids[2], 50)]  # one per ward
        assert keys(s, day(-1), "placement_at_unbriefed_ward") >= {f"placement_at_unbriefed_ward:{ids[0]}"}  # its last day


def test_planned_briefing_overdue_from_the_day_after_until_held_or_cancelled(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        a = onboarding.plan_briefing(s, ward.id, day(3)).id
        b = onboarding.plan_briefing(s, ward.id, day(4)).id
        c = onboarding.plan_briefing(s, ward.id, day(5)).id
    with db.session(SYSTEM) as s:
        assert keys(s, day(3), "planned_briefing_overdue") == set()  # the day itself is not overdue
        assert keys(s, day(4), "planned_briefing_overdue") == {f"planned_briefing_overdue:{a}"}
        late = [x for x in alerts.compute_alerts(s, today=day(30)) if x.kind == "planned_briefing_overdue"]
        assert {(x.record_id, x.overdue_days, x.concerns) for x in late} == {(a, 27, day(3)), (b, 26, day(4)), (c, 25, day(5))}
        assert {x.severity for x in late} == {"high"} and all(x.severity == "medium" for x in alerts.compute_alerts(s, today=day(10))
                                                              if x.kind == "planned_briefing_overdue")
    with db.begin(SYSTEM) as s:
        onboarding.mark_held(s, a, T0)  # held early (typed today) — no longer planned
        onboarding.cancel_briefing(s, b, "Ward closed for the summer")
    with db.session(SYSTEM) as s:
        assert keys(s, day(30), "planned_briefing_overdue") == {f"planned_briefing_overdue:{c}"}


def test_stalled_onboarding_after_the_setting_not_at_it_and_not_when_paused_ended_or_running(db):
    with db.begin(SYSTEM) as s:
        names = ("Kontaktad", "Avtal", "Pausad", "Slut", "Igång", "Inaktiv")
        ids = {n: f.workplace(s, n, active=n != "Inaktiv").id for n in names}
        onboarding.change_stage(s, ids["Avtal"], "agreement_signed")
        onboarding.change_stage(s, ids["Pausad"], "paused")
        onboarding.change_stage(s, ids["Slut"], "ended", note="No money")
        onboarding.change_stage(s, ids["Igång"], "placement_running")
        set_setting(s, "alerts.stalled_onboarding_days", 45)
    with db.session(SYSTEM) as s:
        assert keys(s, day(45), "stalled_onboarding") == set()  # exactly 45 days at the stage: allowed
        found = {a.workplace_id: a for a in alerts.compute_alerts(s, today=day(46)) if a.kind == "stalled_onboarding"}
        assert set(found) == {ids["Kontaktad"], ids["Avtal"]}
        assert (found[ids["Avtal"]].concerns, found[ids["Avtal"]].overdue_days, found[ids["Avtal"]].severity) == (day(45), 1, "low")
    with db.begin(SYSTEM) as s:  # a move starts the clock again
        onboarding.change_stage(s, ids["Avtal"], "staff_briefed", T0)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE workplace SET stage_since = :d WHERE id = :w"), {"d": day(-10), "w": ids["Kontaktad"]})
    with db.session(SYSTEM) as s:
        assert {a.workplace_id for a in alerts.compute_alerts(s, today=day(40)) if a.kind == "stalled_onboarding"} == {ids["Kontaktad"]}


def test_a_planned_briefing_does_not_clear_a_new_manager_alert_a_held_one_does(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        boss = f.manager(s, "Ny Chef")
        tenure = workplaces.change_manager(s, ward.id, day(-10), manager_id=boss.id)
        bid = onboarding.plan_briefing(s, ward.id, T0, manager_ids=[boss.id]).id
        key = f"new_manager:{tenure.id}"
    with db.session(SYSTEM) as s:
        assert keys(s, T0, "new_manager") == {key}
        assert keys(s, day(1), "new_manager") == {key}  # its day has passed, still only planned
    with db.begin(SYSTEM) as s:
        invite = s.get(m.Briefing, bid).attendees[0].id
        onboarding.mark_held(s, bid, T0, came=[])  # held, but the manager did not come
    with db.session(SYSTEM) as s:
        assert keys(s, T0, "new_manager") == {key}
    with db.begin(SYSTEM) as s:
        b2 = onboarding.plan_briefing(s, ward.id, T0, manager_ids=[boss.id]).id
        invite = s.get(m.Briefing, b2).attendees[0].id
        onboarding.mark_held(s, b2, T0, came=[invite])
    with db.session(SYSTEM) as s:
        assert keys(s, T0, "new_manager") == set()


def test_a_planned_briefing_is_no_contact_for_the_contact_gap(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        workplaces.log_briefing(s, ward.id, day(-400), kind="follow_up")
        onboarding.plan_briefing(s, ward.id, T0)
        wid = ward.id
    with db.session(SYSTEM) as s:
        assert keys(s, day(1), "contact_gap") == {f"contact_gap:{wid}"}


def test_the_onboarding_alerts_are_the_coordinator_s_not_the_supervisor_s(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s)
        placement(s, ward.id, day(-1))
        onboarding.plan_briefing(s, ward.id, T0)
        sup = f.user(s, "sup", (Role.SUPERVISOR,))
        co = f.user(s, "co", (Role.COORDINATOR,))
    with db.session(Actor(co.id, "co", frozenset({Role.COORDINATOR}))) as s:
        kinds = {a.kind for a in alerts.compute_alerts(s, today=day(100))}
        assert {"placement_at_unbriefed_ward", "planned_briefing_overdue", "stalled_onboarding"} <= kinds
        assert all(alerts.KINDS[k] == "workplaces" for k in ("placement_at_unbriefed_ward", "planned_briefing_overdue", "stalled_onboarding"))
    with db.session(Actor(sup.id, "sup", frozenset({Role.SUPERVISOR}))) as s:
        kinds = {a.kind for a in alerts.compute_alerts(s, today=day(100))}
        assert not kinds & {"placement_at_unbriefed_ward", "planned_briefing_overdue", "stalled_onboarding"}
