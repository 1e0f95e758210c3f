"""A ward's onboarding on SQLCipher and PostgreSQL: stage rules and history, planned / held / cancelled
briefings, the automatic move to "staff briefed", the upgrade of existing data, audit, roles, calendar events."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select, text

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import Occurrence, Role
from peerdesk.services import onboarding, workplaces
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import update
from tests import factories as f

D = dt.date
T0 = dt.date.today()
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731


def coordinator(s, name="coord"):
    u = f.user(s, name, (Role.COORDINATOR,))
    return Actor(u.id, u.username, frozenset({Role.COORDINATOR}))


def stage_of(s, wid):
    return s.get(m.Workplace, wid).stage.value


def test_a_new_ward_starts_contacted_with_its_first_history_row(db):
    with db.begin(SYSTEM) as s:
        who = coordinator(s)
    with db.begin(who) as s:
        wid = f.workplace(s).id
    with db.session(who) as s:
        assert stage_of(s, wid) == "contacted" and s.get(m.Workplace, wid).stage_since == T0
        [first] = onboarding.stage_history(s, wid)
        assert (first.stage, first.from_date, first.by, first.note) == ("contacted", T0, "Coord", None)


def test_stage_moves_forward_freely_back_and_to_ended_only_with_a_note(db):
    with db.begin(SYSTEM) as s:
        wid = f.workplace(s).id
    with db.engine.begin() as conn:  # registered a month ago
        conn.execute(text("UPDATE workplace SET stage_since = :d"), {"d": day(-30)})
        conn.execute(text("UPDATE workplace_stage_change SET from_date = :d"), {"d": day(-30)})
    with db.begin(SYSTEM) as s:
        onboarding.change_stage(s, wid, "interested", day(-20))
        onboarding.change_stage(s, wid, "agreement_signed", day(-10), note="Signed by the clinic head")
        with pytest.raises(ValidationError) as same:
            onboarding.change_stage(s, wid, "agreement_signed")
        assert same.value.key == "error.stage_unchanged"
        with pytest.raises(ValidationError) as future:
            onboarding.change_stage(s, wid, "staff_briefed", day(1))
        assert future.value.key == "error.stage_in_future"
        with pytest.raises(ValidationError) as before:
            onboarding.change_stage(s, wid, "staff_briefed", day(-11))
        assert before.value.key == "error.stage_before_current" and before.value.params["date"] == day(-10).isoformat()
        with pytest.raises(ValidationError) as back:
            onboarding.change_stage(s, wid, "interested")
        assert back.value.key == "error.stage_needs_note" and back.value.field == "note"
        with pytest.raises(ValidationError) as end:
            onboarding.change_stage(s, wid, "ended", day(-5))
        assert end.value.key == "error.stage_needs_note"
        with pytest.raises(ValidationError):
            onboarding.change_stage(s, wid, "nowhere")
        onboarding.change_stage(s, wid, "paused", day(-5))  # a pause needs no reason
        onboarding.change_stage(s, wid, "agreement_signed", day(-2))  # resuming from a pause is not a move back
        onboarding.change_stage(s, wid, "interested", day(-1), note="New manager wants to think again")
    with db.session(SYSTEM) as s:
        assert stage_of(s, wid) == "interested" and s.get(m.Workplace, wid).stage_since == day(-1)
        steps = onboarding.stage_history(s, wid)
        assert [(x.stage, x.from_date) for x in steps] == [
            ("interested", day(-1)), ("agreement_signed", day(-2)), ("paused", day(-5)), ("agreement_signed", day(-10)),
            ("interested", day(-20)), ("contacted", day(-30))]
        assert steps[0].note == "New manager wants to think again"


def test_the_stage_cannot_be_changed_behind_the_history_s_back(db):
    with db.begin(SYSTEM) as s:
        wid = f.workplace(s).id
    with pytest.raises(ValidationError) as exc, db.begin(SYSTEM) as s:
        update(s, m.Workplace, wid, s.get(m.Workplace, wid).version, stage="placement_running")
    assert exc.value.key == "error.stage_only_by_change"
    with db.begin(SYSTEM) as s:  # the ordinary fields still change
        version = s.get(m.Workplace, wid).version
        update(s, m.Workplace, wid, version, contact_name="Eva på avdelningen")


def _at_agreement(s, name="Avdelning T"):
    ward = f.workplace(s, name, address="Sjukhusvägen 1, Göteborg")
    onboarding.change_stage(s, ward.id, "interested")
    onboarding.change_stage(s, ward.id, "agreement_signed")
    return ward.id


def test_plan_then_mark_held_moves_the_ward_to_staff_briefed_in_the_history(db):
    with db.begin(SYSTEM) as s:
        who = coordinator(s)
    with db.begin(who) as s:
        wid = _at_agreement(s)
        boss = f.manager(s, "Chef Chefsson")
        with pytest.raises(ValidationError) as past:
            onboarding.plan_briefing(s, wid, day(-1))
        assert past.value.key == "error.planned_in_past"
        b = onboarding.plan_briefing(s, wid, day(7), manager_ids=[boss.id], invited=["Undersköterska Ann", "Skötare Bo"],
                                     held_by_id=who.user_id, staff_total=20)
        bid = b.id
        assert b.status == Occurrence.PLANNED and all(not a.attended for a in b.attendees)
    with db.session(who) as s:
        assert stage_of(s, wid) == "agreement_signed"  # planned is not briefed
        [row] = onboarding.ward_briefings(s, wid)
        assert (row.status, row.held_on, row.staff_total) == ("planned", day(7), 20)
        invited = {name: aid for aid, name, _ in row.invited}
    with pytest.raises(ValidationError) as future, db.begin(who) as s:
        onboarding.mark_held(s, bid, day(1), came=[invited["Chef Chefsson"]])
    assert future.value.key == "error.held_in_future"
    with pytest.raises(ValidationError) as over, db.begin(who) as s:
        onboarding.mark_held(s, bid, T0, staff_count=25)  # of the 20 planned for
    assert over.value.key == "error.staff_total_below_reached"
    with db.begin(who) as s:
        onboarding.mark_held(s, bid, T0, came=[invited["Chef Chefsson"], invited["Skötare Bo"]], staff_attendees=["Sjuksköterska Cia"],
                             staff_count=14)
    with db.session(who) as s:
        b = s.get(m.Briefing, bid)
        assert (b.status, b.held_on, b.staff_count, b.staff_total) == (Occurrence.HELD, T0, 14, 20)
        assert {(a.name or "manager", a.attended) for a in b.attendees} == {
            ("manager", True), ("Undersköterska Ann", False), ("Skötare Bo", True), ("Sjuksköterska Cia", True)}
        assert stage_of(s, wid) == "staff_briefed"
        latest = onboarding.stage_history(s, wid)[0]
        assert (latest.stage, latest.from_date, latest.briefing_id, latest.by) == ("staff_briefed", T0, bid, "Coord")
    with db.begin(who) as s:
        with pytest.raises(ValidationError) as again:
            onboarding.mark_held(s, bid, T0)
        assert again.value.key == "error.briefing_not_planned"


def test_a_manager_only_or_follow_up_meeting_does_not_brief_the_staff_and_later_stages_stay(db):
    with db.begin(SYSTEM) as s:
        wid = _at_agreement(s)
        other = f.workplace(s, "Redan igång")
        onboarding.change_stage(s, other.id, "placement_running")
        b1 = onboarding.plan_briefing(s, wid, T0)
        b2 = onboarding.plan_briefing(s, wid, T0, kind="follow_up")
        b3 = onboarding.plan_briefing(s, other.id, T0)
        ids = b1.id, b2.id, b3.id
    with db.begin(SYSTEM) as s:
        onboarding.mark_held(s, ids[0], T0, staff_count=0)  # managers only
        onboarding.mark_held(s, ids[1], T0, staff_count=5)  # a follow-up
        onboarding.mark_held(s, ids[2], T0, staff_count=5)  # a ward already further on
    with db.session(SYSTEM) as s:
        assert stage_of(s, wid) == "agreement_signed" and stage_of(s, other.id) == "placement_running"


def test_cancel_a_planned_briefing_only(db):
    with db.begin(SYSTEM) as s:
        wid = _at_agreement(s)
        bid = onboarding.plan_briefing(s, wid, day(3)).id
        onboarding.cancel_briefing(s, bid, "Ward short of staff")
        b = s.get(m.Briefing, bid)
        assert b.status == Occurrence.CANCELLED and b.summary == "Ward short of staff"
        with pytest.raises(ValidationError) as exc:
            onboarding.cancel_briefing(s, bid)
        assert exc.value.key == "error.briefing_not_planned"
        with pytest.raises(ValidationError):
            onboarding.mark_held(s, bid, T0)


def test_changes_are_audited_with_field_names_only(db):
    with db.begin(SYSTEM) as s:
        who = coordinator(s)
    with db.begin(who) as s:
        wid = _at_agreement(s)
        bid = onboarding.plan_briefing(s, wid, day(2), invited=["Namn Namnsson"]).id
    with db.session(SYSTEM) as s:
        rows = s.execute(select(m.AuditEvent.action, m.AuditEvent.table_name, m.AuditEvent.username, m.AuditEvent.fields)
                         .where(m.AuditEvent.table_name.in_(["workplace_stage_change", "briefing", "briefing_attendee", "workplace"]))).all()
        tables = {(a, tb) for a, tb, _u, _f in rows}
        assert {("create", "workplace_stage_change"), ("update", "workplace"), ("create", "briefing"),
                ("create", "briefing_attendee")} <= tables
        assert all(u == "coord" for *_x, u, _f in rows)
        assert not any("Namn" in (fl or "") for *_x, fl in rows)
        assert bid


def test_roles_supervisor_and_evaluator_cannot_move_or_plan(db):
    with db.begin(SYSTEM) as s:
        wid = f.workplace(s).id
        sup = f.user(s, "sup", (Role.SUPERVISOR,))
        ev = f.user(s, "eva", (Role.EVALUATOR,))
        admin = f.user(s, "adm", (Role.ADMINISTRATOR,))
    for uid, name, role in ((sup.id, "sup", Role.SUPERVISOR), (ev.id, "eva", Role.EVALUATOR)):
        with db.begin(Actor(uid, name, frozenset({role}))) as s:
            with pytest.raises(AccessDenied):
                onboarding.change_stage(s, wid, "interested")
            with pytest.raises(AccessDenied):
                onboarding.plan_briefing(s, wid, day(3))
    with db.session(Actor(ev.id, "eva", frozenset({Role.EVALUATOR}))) as s:
        with pytest.raises(AccessDenied):
            onboarding.board(s)
    with db.begin(Actor(admin.id, "adm", frozenset({Role.ADMINISTRATOR}))) as s:
        onboarding.change_stage(s, wid, "interested")
        onboarding.set_office_contact(s, wid, admin.id)
        assert onboarding.ward_onboarding(s, wid)["office_contact"] == "Adm"


def test_board_groups_active_wards_by_stage_with_the_next_planned_briefing(db):
    with db.begin(SYSTEM) as s:
        a = _at_agreement(s, "Avd A")
        b = f.workplace(s, "Avd B").id
        f.workplace(s, "Nedlagd", active=False)
        onboarding.plan_briefing(s, a, day(20))
        onboarding.plan_briefing(s, a, day(9))
    with db.session(SYSTEM) as s:
        cols = onboarding.board(s)
        assert list(cols) == ["contacted", "interested", "agreement_signed", "staff_briefed", "placement_running", "paused", "ended"]
        assert [c.workplace_id for c in cols["contacted"]] == [b]
        [card] = cols["agreement_signed"]
        assert (card.name, card.next_briefing) == ("Avd A", day(9))


def test_briefing_events_for_the_calendar_name_the_ward_not_people(db):
    with db.begin(SYSTEM) as s:
        me, other = coordinator(s, "me"), coordinator(s, "other")
        wid = _at_agreement(s)
        boss = f.manager(s, "Chef Chefsson")
        mine = onboarding.plan_briefing(s, wid, day(5), manager_ids=[boss.id], invited=["Ann"], held_by_id=me.user_id).id
        theirs = onboarding.plan_briefing(s, wid, day(6), held_by_id=other.user_id).id
        gone = onboarding.plan_briefing(s, wid, day(7), held_by_id=me.user_id).id
        onboarding.cancel_briefing(s, gone)
        workplaces.log_briefing(s, wid, day(-3), held_by_id=me.user_id, staff_count=3)
        onboarding.plan_briefing(s, wid, day(90), held_by_id=me.user_id)  # outside the range
    with db.session(me) as s:
        events = onboarding.briefing_events(s, me, start=day(-10), end=day(30), mine=False)
        assert [e.uid for e in events][1:] == [f"briefing-{mine}@peerdesk", f"briefing-{theirs}@peerdesk", f"briefing-{gone}@peerdesk"]
        # the cancelled one is exported as cancelled, so a calendar that imported it as planned drops it
        assert [e.status for e in events] == [Occurrence.HELD, Occurrence.PLANNED, Occurrence.PLANNED, Occurrence.CANCELLED]
        e = events[1]
        assert (e.kind, e.start, e.title, e.location, e.organiser_id) == (
            "briefing", day(5), "Briefing: Avdelning T", "Sjukhusvägen 1, Göteborg", me.user_id)
        assert not any("Chef" in x.title or "Ann" in x.title for x in events)
        assert len(onboarding.briefing_events(s, me, start=day(-10), end=day(30), mine=True)) == 3


def test_board_reads_2000_wards_from_the_stage_column(db):
    """2,000 wards on the board (one indexed select; no timing asserted here, speed claims come from benchmarks)."""
    with db.begin(SYSTEM) as s:
        s.execute(m.Workplace.__table__.insert(), [
            {"name": f"Avd {i}", "organisation": "K", "kind": "inpatient", "active": True, "version": 1,
             "stage": list(m.OnboardingStage)[i % 7].value, "stage_since": day(-i % 200)} for i in range(2000)])
    with db.session(SYSTEM) as s:
        cols = onboarding.board(s)
    assert sum(len(c) for c in cols.values()) == 2000
    assert {stage: len(c) for stage, c in cols.items() if c} == {stage: 2000 // 7 + (i < 2000 % 7)
                                                                  for i, stage in enumerate(m.OnboardingStage)}


def test_upgrade_derives_each_existing_ward_s_stage_from_its_data(backend, request, tmp_path):
    from peerdesk.storage import migrate
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from tests.conftest import TEST_KEY

    if backend == "sqlite":
        db = open_database(DatabaseTarget("sqlite", path=tmp_path / "old.db"), TEST_KEY, create=True)
    else:
        db = request.getfixturevalue("pg_databases").open()
    migrate.upgrade_to(db, "0018")
    with db.engine.begin() as conn:
        for name in ("Running", "Briefed", "Managers only", "Nothing"):
            conn.execute(text("INSERT INTO workplace (name, organisation, kind, active, version) VALUES (:n, 'K', 'inpatient', true, 1)"),
                         {"n": name})
        ids = dict(conn.execute(text("SELECT name, id FROM workplace")).fetchall())
        conn.execute(text("INSERT INTO peer_supporter (first_name, last_name, status, version) VALUES ('A', 'B', 'placed', 1)"))
        pid = conn.execute(text("SELECT id FROM peer_supporter")).scalar()
        conn.execute(text("INSERT INTO placement (peer_supporter_id, workplace_id, start_date, extent_percent, version) "
                          "VALUES (:p, :w, :d, 50, 1)"), {"p": pid, "w": ids["Running"], "d": day(-100)})
        conn.execute(text("INSERT INTO placement (peer_supporter_id, workplace_id, start_date, end_date, extent_percent, version) "
                          "VALUES (:p, :w, :d, :e, 50, 1)"), {"p": pid, "w": ids["Briefed"], "d": day(-400), "e": day(-200)})
        for w, d, staff in (("Briefed", -300, 8), ("Briefed", -50, 6), ("Managers only", -20, 0), ("Running", -120, 4)):
            conn.execute(text("INSERT INTO briefing (workplace_id, held_on, kind, staff_count, version) VALUES (:w, :d, 'briefing', :n, 1)"),
                         {"w": ids[w], "d": day(d), "n": staff})
    migrate.upgrade_to(db, "0021")
    with db.engine.connect() as conn:
        got = {n: (st, str(since)[:10]) for n, st, since in conn.execute(text("SELECT name, stage, stage_since FROM workplace"))}
        assert got["Running"] == ("placement_running", day(-100).isoformat())
        assert got["Briefed"] == ("staff_briefed", day(-50).isoformat())
        assert got["Managers only"][0] == "contacted" and got["Nothing"][0] == "contacted"
        assert conn.execute(text("SELECT count(*) FROM workplace_stage_change WHERE note = 'migration 0021'")).scalar() == 4
        assert {r[0] for r in conn.execute(text("SELECT status FROM briefing"))} == {"held"}
    db.dispose()
