"""Planned supervision sessions and check-in meetings: plan, mark held, cancel; only held ones count
(cadence, overdue alert, overview, registers); "next month as the cadence asks"; roles; audit; migration."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.services import alerts, registers, supervision, supervision_overview as so
from peerdesk.services import supervision_planning as planning
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from tests import factories as f

START = dt.date(2026, 1, 5)  # Kim's and Alex's placements start (a Monday)
TODAY = dt.date(2026, 11, 25)


def actor(u) -> Actor:
    return Actor(u.id, u.username, frozenset(r.role for r in u.roles))


@pytest.fixture
def office(db):
    """sup1 supervises Kim (monthly phase, last held session 20 Nov) and Nova (placed 23 Nov: weekly phase,
    last held session 30 Nov); sup2 supervises Robin."""
    with db.begin(SYSTEM) as s:
        users = {"sup1": f.user(s, "sup1"), "sup2": f.user(s, "sup2"), "coord": f.user(s, "coord", (m.Role.COORDINATOR,)),
                 "admin": f.user(s, "admin", (m.Role.ADMINISTRATOR,))}
        ward = f.workplace(s)
        kim = f.peer(s, "Kim", "Placerad", supervisor_id=users["sup1"].id, status="placed")
        nova = f.peer(s, "Nova", "Nyström", supervisor_id=users["sup1"].id, status="placed")
        robin = f.peer(s, "Robin", "Annan", supervisor_id=users["sup2"].id, status="placed")
        create(s, m.Placement, peer_supporter_id=kim.id, workplace_id=ward.id, start_date=START)
        create(s, m.Placement, peer_supporter_id=nova.id, workplace_id=ward.id, start_date=dt.date(2026, 11, 23))
        create(s, m.Placement, peer_supporter_id=robin.id, workplace_id=ward.id, start_date=START)
        supervision.log_session(s, dt.date(2026, 11, 20), [kim.id], supervisor_id=users["sup1"].id)
        supervision.log_session(s, dt.date(2026, 11, 30), [nova.id], supervisor_id=users["sup1"].id)
        out = {name: actor(u) for name, u in users.items()}
        out.update(kim=kim.id, nova=nova.id, robin=robin.id)
    return out


def _overdue(s, today):
    return {a.peer_supporter_id for a in alerts.compute_alerts(s, today=today) if a.kind == "supervision_overdue"}


def test_plan_mark_held_and_cancel_with_the_audit_trail(db, office):
    with db.begin(office["sup1"]) as s:
        ses = planning.plan_session(s, "2026-12-03", [office["kim"]], starts_at="10:00", location="Kontoret, rum 3")
        sid, version = ses.id, ses.version
        assert (ses.status, ses.starts_at, ses.location, ses.notes) == (m.Occurrence.PLANNED, dt.time(10, 0), "Kontoret, rum 3", None)
        assert [p.status for p in ses.participants] == [m.Occurrence.PLANNED]
        other = planning.plan_session(s, "2026-12-10", [office["kim"]])
        oid, oversion = other.id, other.version
    with pytest.raises(ValidationError) as info, db.begin(office["sup1"]) as s:
        planning.mark_session_held(s, sid, version)  # 3 December has not come yet
    assert info.value.key == "error.held_in_future"
    with db.begin(office["sup1"]) as s:
        held = planning.mark_session_held(s, sid, version, held_on="2026-11-24")  # it took place earlier than planned
        assert (held.status, held.held_on) == (m.Occurrence.HELD, dt.date(2026, 11, 24))
        assert [(p.status, p.held_on) for p in held.participants] == [(m.Occurrence.HELD, dt.date(2026, 11, 24))]
        cancelled = planning.cancel_session(s, oid, oversion)
        assert cancelled.status == m.Occurrence.CANCELLED
    with pytest.raises(ValidationError) as info, db.begin(office["sup1"]) as s:
        planning.cancel_session(s, oid, oversion + 1)  # already cancelled: nothing more to cancel
    assert info.value.key == "error.session_not_planned"
    with db.session(SYSTEM) as s:
        trail = s.execute(select(m.AuditEvent.action, m.AuditEvent.table_name, m.AuditEvent.record_id, m.AuditEvent.username)
                          .where(m.AuditEvent.table_name == "supervision_session")).all()
        assert ("create", "supervision_session", sid, "sup1") in trail
        assert ("update", "supervision_session", sid, "sup1") in trail
        assert ("update", "supervision_session", oid, "sup1") in trail


def test_a_planned_session_has_no_notes_until_it_is_held_then_the_session_form_writes_them(db, office):
    with db.begin(office["sup1"]) as s:
        ses = planning.plan_session(s, "2026-11-23", [office["kim"]])
        sid, version = ses.id, ses.version
    with pytest.raises(ValidationError) as info, db.begin(office["sup1"]) as s:
        supervision.edit_session(s, sid, version, held_on="2026-11-23", duration_minutes=60, form="individual",
                                 topic_ids=[], notes="Talked about nights")
    assert info.value.key == "error.planned_has_no_notes"
    with db.begin(office["sup1"]) as s:
        version = planning.mark_session_held(s, sid, version).version
    with db.begin(office["sup1"]) as s:
        supervision.edit_session(s, sid, version, held_on="2026-11-23", duration_minutes=60, form="individual",
                                 topic_ids=[], notes="Talked about nights")
        assert supervision.read_notes(s, sid) == "Talked about nights"


def test_a_planned_session_does_not_satisfy_the_cadence_nor_clear_the_overdue_alert(db, office):
    day = dt.date(2026, 12, 28)  # Kim is due 21 December (20 Nov + 31 days)
    with db.begin(office["sup1"]) as s:
        assert office["kim"] in _overdue(s, day)
        ses = planning.plan_session(s, "2026-12-22", [office["kim"]])  # planned, and its day has passed
        sid, version = ses.id, ses.version
    with db.session(office["sup1"]) as s:
        assert office["kim"] in _overdue(s, day)
        row = {r.peer_supporter_id: r for r in so.overview(s, today=day)}[office["kim"]]
        assert (row.last_session, row.status) == (dt.date(2026, 11, 20), "overdue")
        assert supervision.latest_session_dates(s, [office["kim"]]) == {office["kim"]: dt.date(2026, 11, 20)}
        assert [x.held_on for x in supervision.sessions_of(s, office["kim"])] == [dt.date(2026, 11, 20)]
    with db.begin(office["sup1"]) as s:
        s.execute(text("UPDATE supervision_session SET held_on = :d WHERE id = :i"), {"d": dt.date(2026, 11, 22), "i": sid})
        s.execute(text("UPDATE supervision_participant SET held_on = :d WHERE session_id = :i"), {"d": dt.date(2026, 11, 22), "i": sid})
        s.expire_all()
        planning.mark_session_held(s, sid, version)  # now it took place: the cadence counts it
    with db.session(office["sup1"]) as s:
        assert office["kim"] not in _overdue(s, dt.date(2026, 12, 20))
        assert supervision.latest_session_dates(s, [office["kim"]]) == {office["kim"]: dt.date(2026, 11, 22)}


def test_the_month_view_shows_planned_beside_held_and_the_registers_only_held(db, office):
    with db.begin(office["sup1"]) as s:
        planning.plan_session(s, "2026-11-27", [office["kim"]], starts_at="09:30")
        cancelled = planning.plan_session(s, "2026-11-26", [office["kim"]])
        planning.cancel_session(s, cancelled.id, cancelled.version)
    with db.session(office["sup1"]) as s:
        view = so.month_view(s, 2026, 11, [office["kim"], office["nova"]])
        assert view.seen[office["kim"]] == {20: "individual"}
        assert set(view.planned[office["kim"]]) == {27}  # the cancelled one is not shown as planned
        assert view.planned[office["kim"]][27].starts_at == dt.time(9, 30)
        held_ids = registers.list_ids(s, "sessions")
        assert len(held_ids) == 2  # Kim's and Nova's held sessions; neither the planned nor the cancelled one
        overview = registers.person_overview(s, office["kim"])
        assert (overview.supervision_count, overview.supervision_last) == (1, "2026-11-20")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_next_month_as_the_cadence_asks_weekly_and_monthly(db, office):
    with db.session(office["sup1"]) as s:
        proposal = planning.cadence_proposal(s, 2026, 12, today=TODAY)
        got = [(p.name, p.day, p.interval_days) for p in proposal]
    assert got == [
        ("Nova Nyström", dt.date(2026, 12, 7), 7),  # weekly in the intro phase: from the session on 30 Nov
        ("Nova Nyström", dt.date(2026, 12, 14), 7),
        ("Kim Placerad", dt.date(2026, 12, 21), 31),  # monthly after it: 20 Nov + 31 days
        ("Nova Nyström", dt.date(2026, 12, 21), 7),
        ("Nova Nyström", dt.date(2026, 12, 28), 7),
    ]


def test_planning_next_month_makes_the_sessions_and_counts_those_already_planned(db, office):
    with db.begin(office["sup1"]) as s:
        planning.plan_session(s, "2026-12-10", [office["nova"]], starts_at="13:00")  # already planned
        made = planning.plan_by_cadence(s, 2026, 12, starts_at="10:00", location="Kontoret", today=TODAY)
    with db.session(office["sup1"]) as s:
        rows = s.execute(select(m.SupervisionSession.held_on, m.SessionParticipant.peer_supporter_id, m.SupervisionSession.status,
                                m.SupervisionSession.supervisor_id, m.SupervisionSession.location)
                         .join(m.SessionParticipant).where(m.SupervisionSession.id.in_(made))).all()
    nova = sorted(d for d, pid, *_ in rows if pid == office["nova"])
    # weekly: due 7 Dec (from 30 Nov), then the planned 10 Dec counts, and weekly on from it
    assert nova == [dt.date(2026, 12, 7), dt.date(2026, 12, 17), dt.date(2026, 12, 24), dt.date(2026, 12, 31)]
    assert [d for d, pid, *_ in rows if pid == office["kim"]] == [dt.date(2026, 12, 21)]
    assert {(st, sup, loc) for _d, _p, st, sup, loc in rows} == {(m.Occurrence.PLANNED, office["sup1"].user_id, "Kontoret")}
    assert office["robin"] not in {pid for _d, pid, *_ in rows}  # not sup1's caseload


def test_a_supervisor_plans_only_for_their_own_caseload(db, office):
    with pytest.raises(AccessDenied) as info, db.begin(office["sup1"]) as s:
        planning.plan_session(s, "2026-12-03", [office["robin"]])
    assert info.value.key == "error.plan_not_your_caseload"
    with pytest.raises(AccessDenied), db.begin(office["sup1"]) as s:
        planning.plan_by_cadence(s, 2026, 12, supervisor_id=office["sup2"].user_id, today=TODAY)
    with pytest.raises(AccessDenied), db.begin(office["coord"]) as s:
        planning.plan_session(s, "2026-12-03", [office["kim"]])
    with db.begin(office["sup1"]) as s:
        sid = planning.plan_session(s, "2026-12-03", [office["kim"]]).id
        version = s.get(m.SupervisionSession, sid).version
    with pytest.raises(AccessDenied), db.begin(office["sup2"]) as s:
        planning.cancel_session(s, sid, version)  # not theirs
    with db.begin(office["admin"]) as s:
        planning.plan_session(s, "2026-12-04", [office["robin"]], supervisor_id=office["sup2"].user_id)


def test_check_in_meetings_planned_then_held_or_cancelled(db, office):
    with db.begin(office["coord"]) as s:
        meeting = planning.plan_checkin(s, "2026-11-20", "Avstämning november", starts_at="14:00", location="Kontoret")
        mid, version = meeting.id, meeting.version
        later = planning.plan_checkin(s, "2026-12-18", "Avstämning december")
        lid, lversion = later.id, later.version
    with pytest.raises(ValidationError) as info, db.begin(office["coord"]) as s:
        supervision.record_attendance(s, mid, {office["kim"]: "present"})  # not held yet
    assert info.value.key == "error.meeting_not_held"
    with db.begin(office["coord"]) as s:
        planning.mark_checkin_held(s, mid, version)
        supervision.record_attendance(s, mid, {office["kim"]: "present"})
        planning.cancel_checkin(s, lid, lversion)
    with db.session(office["coord"]) as s:
        rows = {r.id: r for r in supervision.checkins(s)}
        assert (rows[mid].status, rows[mid].present, rows[mid].starts_at) == ("held", 1, dt.time(14, 0))
        assert rows[lid].status == "cancelled"
        assert supervision.attendance_history(s, office["kim"]) == [(dt.date(2026, 11, 20), "Avstämning november", "present")]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_bad_times_and_places_are_refused_clearly(db, office):
    with pytest.raises(ValidationError) as info, db.begin(office["sup1"]) as s:
        planning.plan_session(s, "2026-12-03", [office["kim"]], starts_at="25:99")
    assert info.value.key == "error.invalid_time"
    with pytest.raises(ValidationError) as info, db.begin(office["sup1"]) as s:
        planning.plan_session(s, "2026-12-03", [office["kim"]], location="x" * 201)
    assert info.value.key == "error.too_long"


def test_existing_sessions_and_meetings_become_held_in_the_migration(backend, request, tmp_path):
    from peerdesk.storage import migrate
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from tests.conftest import TEST_KEY

    if backend == "sqlite":
        database = open_database(DatabaseTarget("sqlite", path=tmp_path / "old.db"), TEST_KEY, create=True)
    else:
        database = request.getfixturevalue("pg_databases").open()
    migrate.upgrade_to(database, "0018")
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO peer_supporter (first_name, last_name, status, version) VALUES ('Kim', 'K', 'placed', 1)"))
        pid = conn.execute(text("SELECT id FROM peer_supporter")).scalar()
        conn.execute(text("INSERT INTO supervision_session (held_on, duration_minutes, form, notes, version) "
                          "VALUES ('2026-01-10', 60, 'individual', 'kept', 1)"))
        sid = conn.execute(text("SELECT id FROM supervision_session")).scalar()
        conn.execute(text("INSERT INTO supervision_participant (session_id, peer_supporter_id, held_on) VALUES (:s, :p, '2026-01-10')"),
                     {"s": sid, "p": pid})
        conn.execute(text("INSERT INTO checkin_meeting (held_on, title, version) VALUES ('2026-01-12', 'Avstämning', 1)"))
    migrate.upgrade_to(database)
    assert migrate.schema_matches_models(database) == []
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT status, notes, starts_at, location FROM supervision_session")).one() == ("held", "kept", None, None)
        assert conn.execute(text("SELECT status FROM supervision_participant")).scalar() == "held"
        assert conn.execute(text("SELECT status, title FROM checkin_meeting")).one() == ("held", "Avstämning")
    database.dispose()

