"""Supervision: the overview and its cadence, confidential notes per role, reassignment,
group sessions and check-in attendance (also for someone who left), the summary PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.services import alerts, audit, supervision, supervision_overview as so, supervision_summary
from peerdesk.services import supervisor_assignment as assignment
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.cadence import Cadence, next_due, overdue_spans
from peerdesk.services.records import create, update
from tests import factories as f

START = dt.date(2026, 1, 5)  # a Monday
NOTE = "NOTE-7f3a: talked about the night shift and her sister"


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def actor(u) -> Actor:
    return Actor(u.id, u.username, frozenset(r.role for r in u.roles))


@pytest.fixture
def office(db):
    """Two supervisors, a coordinator, an evaluator, an administrator; Kim (sup1's) placed at day 0,
    Alex (sup1's) placed too; a session for Kim on day 3 with a known note, written by sup1."""
    with db.begin(SYSTEM) as s:
        users = {
            "sup1": f.user(s, "sup1"), "sup2": f.user(s, "sup2"), "stand_in": f.user(s, "stand_in"),
            "coord": f.user(s, "coord", (m.Role.COORDINATOR,)), "eval": f.user(s, "eval", (m.Role.EVALUATOR,)),
            "admin": f.user(s, "admin", (m.Role.ADMINISTRATOR,)),
        }
        ward = f.workplace(s)
        kim = f.peer(s, "Kim", "Placerad", supervisor_id=users["sup1"].id, status="placed")
        alex = f.peer(s, "Alex", "Andersson", supervisor_id=users["sup1"].id, status="placed")
        for p in (kim, alex):
            create(s, m.Placement, peer_supporter_id=p.id, workplace_id=ward.id, start_date=START)
        supervision.ensure_default_topics(s)
        topic = s.query(m.SupervisionTopic).first()
        ses = supervision.log_session(s, day(3), [kim.id], supervisor_id=users["sup1"].id, topic_ids=[topic.id], notes=NOTE)
        out = {name: actor(u) for name, u in users.items()}
        out.update(kim=kim.id, alex=alex.id, ward=ward.id, session=ses.id, topic=topic.name_en)
    return out


# ------------------------------------------------------------------ cadence and the overview
def test_overview_shows_my_peers_with_the_alerts_cadence(db, office):
    with db.session(office["sup1"]) as s:
        rows = {r.name: r for r in so.overview(s, today=day(9), mine=True)}
        assert set(rows) == {"Kim Placerad", "Alex Andersson"}
        kim, alex = rows["Kim Placerad"], rows["Alex Andersson"]
        assert (kim.last_session, kim.due, kim.status, kim.days) == (day(3), day(10), "due_soon", -1)
        assert (alex.last_session, alex.due, alex.status, alex.days) == (None, day(7), "overdue", 2)  # never seen: from the start
        assert kim.workplace_name == "Avdelning T"
        flagged = {a.peer_supporter_id for a in alerts.compute_alerts(s, today=day(9)) if a.kind == "supervision_overdue"}
        assert flagged == {r.peer_supporter_id for r in rows.values() if r.status == "overdue"}
        assert {a.peer_supporter_id for a in alerts.compute_alerts(s, today=day(9))} == {office["alex"]}
    with db.session(office["sup2"]) as s:
        assert so.overview(s, today=day(9), mine=True) == []  # sup2 supervises nobody
        assert len(so.overview(s, today=day(9))) == 2  # but may look at the whole office's dates
        assert alerts.compute_alerts(s, today=day(9)) == []  # and has no overdue alerts of their own
    with db.session(office["coord"]) as s:
        assert {a.peer_supporter_id for a in alerts.compute_alerts(s, today=day(9)) if a.kind == "supervision_overdue"} == {office["alex"]}


def test_logging_a_session_turns_overdue_into_on_track(db, office):
    with db.begin(office["sup1"]) as s:
        supervision.log_session(s, day(9), [office["alex"]], supervisor_id=office["sup1"].user_id)
    with db.session(office["sup1"]) as s:
        alex = [r for r in so.overview(s, today=day(9), mine=True) if r.peer_supporter_id == office["alex"]][0]
        assert (alex.status, alex.due) == ("on_track", day(16))  # weekly: "due soon" only the day before
        assert [r.status for r in so.overview(s, today=day(15), mine=True) if r.peer_supporter_id == office["alex"]] == ["due_soon"]
        assert alex.peer_supporter_id not in {a.peer_supporter_id for a in alerts.compute_alerts(s, today=day(9))
                                              if a.kind == "supervision_overdue"}
        later = {r.peer_supporter_id: r for r in so.overview(s, today=day(120), mine=True)}
        assert later[office["alex"]].status == "overdue"  # nobody seen since


def test_due_this_week_keeps_only_overdue_and_due_by_sunday(db, office):
    today = day(2)  # Wednesday; Sunday is day(6)
    assert so.week_end(today) == day(6) and so.week_end(day(6)) == day(6) and so.week_end(day(7)) == day(13)
    with db.session(office["coord"]) as s:
        assert {r.name for r in so.overview(s, today=today, due_by=so.week_end(today))} == set()  # Alex due day 7, Kim day 10
        assert {r.name for r in so.overview(s, today=day(7), due_by=so.week_end(day(7)))} == {"Kim Placerad", "Alex Andersson"}


def test_month_view_shows_who_was_seen_when_and_how(db, office):
    with db.begin(office["sup1"]) as s:
        supervision.log_session(s, day(20), [office["kim"], office["alex"]], form="group")
        supervision.log_session(s, day(40), [office["alex"]], form="phone")  # February
    with db.session(office["coord"]) as s:
        view = so.month_view(s, 2026, 1, [office["kim"], office["alex"]])
        assert view.days == 31 and [n for _, n in view.people] == ["Kim Placerad", "Alex Andersson"]
        assert view.seen[office["kim"]] == {8: "individual", 25: "group"}
        assert view.seen[office["alex"]] == {25: "group"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-20, max_value=200), max_size=12), st.integers(min_value=0, max_value=220),
       st.one_of(st.none(), st.integers(min_value=0, max_value=120)))
def test_overdue_spans_replay_the_alert_rule_day_by_day(offsets, until, intro):
    cad = Cadence(91, 7, 31)
    start = day(0)
    dates = [day(o) for o in offsets]
    intro_end = day(intro) if intro is not None else None
    spans = overdue_spans(cad, start, None, intro_end, dates, day(until))
    for n in range(0, until + 1):
        today = day(n)
        last = max((d for d in dates if d <= today), default=None)
        overdue = today > next_due(cad, start, intro_end, last).due
        assert overdue == any(a <= today <= b for a, b in spans), (n, spans)


# ------------------------------------------------------------------ confidential notes, every role
def test_notes_and_topics_only_for_those_allowed_and_every_read_audited(db, office):
    sid = office["session"]
    for who in ("admin", "sup1"):
        with db.begin(office[who]) as s:
            secret = supervision.read_confidential(s, sid)
            assert secret.notes == NOTE and secret.topics == (office["topic"],)
    for who, error in (("sup2", AccessDenied), ("coord", AccessDenied), ("eval", AccessDenied)):
        with db.begin(office[who]) as s:
            with pytest.raises(error) as exc:
                supervision.read_confidential(s, sid)
            assert NOTE not in str(exc.value)
            with pytest.raises(AccessDenied):
                supervision.read_notes(s, sid)
    with db.session(office["coord"]) as s:
        info = supervision.sessions_of(s, office["kim"])[0]
        assert (info.held_on, info.form, info.may_read, info.has_notes) == (day(3), "individual", False, None)
        assert NOTE not in repr(info) and office["topic"] not in repr(info)
    with db.session(office["eval"]) as s:
        with pytest.raises(AccessDenied):
            supervision.sessions_of(s, office["kim"])
    with db.session(SYSTEM) as s:
        reads = [e for e in audit.browse(s, action="read_notes") if e["record_id"] == sid]
        assert sorted(e["username"] for e in reads) == ["admin", "sup1"]


def test_a_stand_in_reads_own_notes_and_edits_only_what_they_may_read(db, office):
    with db.begin(office["stand_in"]) as s:
        ses = supervision.log_session(s, day(10), [office["kim"]], supervisor_id=office["stand_in"].user_id, notes="stand-in note")
        sid, version = ses.id, ses.version
    with db.begin(office["stand_in"]) as s:
        assert supervision.read_confidential(s, sid).notes == "stand-in note"
        with pytest.raises(AccessDenied):
            supervision.read_confidential(s, office["session"])  # sup1's session with Kim: not theirs
    with db.begin(office["sup2"]) as s:
        with pytest.raises(AccessDenied):
            supervision.edit_session(s, sid, version, held_on=day(10), duration_minutes=30, form="phone", topic_ids=[], notes="x")
    with db.begin(office["sup1"]) as s:  # Kim's assigned supervisor
        supervision.edit_session(s, sid, version, held_on=day(11), duration_minutes=30, form="phone", topic_ids=[], notes="fixed")
    with db.session(SYSTEM) as s:
        ses = s.get(m.SupervisionSession, sid)
        assert (ses.held_on, ses.notes, ses.participants[0].held_on) == (day(11), "fixed", day(11))


def test_reassigning_keeps_history_and_moves_access(db, office):
    with db.begin(office["coord"]) as s:
        assert assignment.reassign_caseload(s, office["sup1"].user_id, office["sup2"].user_id) == 2
    with db.begin(office["sup2"]) as s:
        assert supervision.read_confidential(s, office["session"]).notes == NOTE  # access moved with Kim
        assert {r.name for r in so.overview(s, today=day(9), mine=True)} == {"Kim Placerad", "Alex Andersson"}
    with db.begin(office["sup1"]) as s:
        with pytest.raises(AccessDenied):  # the author too: access moved
            supervision.read_confidential(s, office["session"])
        assert so.overview(s, today=day(9), mine=True) == []
    with db.session(office["coord"]) as s:
        history = assignment.history(s, office["kim"])
        assert [h.supervisor_name for h in history] == ["Sup2", "Sup1"]
        assert history[0].end_date is None and history[1].end_date == dt.date.today()
        assert len(supervision.sessions_of(s, office["kim"])) == 1  # the sessions stay
    with db.begin(office["coord"]) as s:
        with pytest.raises(ValidationError) as exc:
            assignment.reassign(s, [office["kim"]], office["coord"].user_id)  # not a supervisor
        assert exc.value.field == "supervisor_id"
    with db.begin(office["sup1"]) as s:
        with pytest.raises(AccessDenied):  # a supervisor cannot move people to themselves
            assignment.reassign(s, [office["kim"]], office["sup1"].user_id)


def test_changing_the_supervisor_on_the_person_form_also_keeps_history(db, office):
    with db.begin(office["coord"]) as s:
        p = s.get(m.PeerSupporter, office["alex"])
        update(s, m.PeerSupporter, p.id, p.version, supervisor_id=office["sup2"].user_id)
        new = f.peer(s, "Ny", "Person", supervisor_id=office["sup2"].user_id)
        new_id = new.id
    with db.session(office["coord"]) as s:
        assert [h.supervisor_name for h in assignment.history(s, office["alex"])] == ["Sup2", "Sup1"]
        assert [(h.supervisor_name, h.end_date) for h in assignment.history(s, new_id)] == [("Sup2", None)]


# ------------------------------------------------------------------ group sessions and check-ins
def test_group_session_counts_once_for_each_and_refuses_someone_who_had_left(db, office):
    with db.begin(office["coord"]) as s:
        p = s.get(m.PeerSupporter, office["alex"])
        update(s, m.PeerSupporter, p.id, p.version, status="left", left_on=day(15))
    with db.begin(office["sup1"]) as s:
        ses = supervision.log_session(s, day(14), [office["kim"], office["alex"]], form="group", duration_minutes=120)
        group_id = ses.id
    with db.begin(office["sup1"]) as s:
        with pytest.raises(ValidationError) as exc:
            supervision.log_session(s, day(20), [office["kim"], office["alex"]], form="group")
        assert exc.value.field == "participants" and "Alex" not in exc.value.message
    with db.session(office["sup1"]) as s:
        assert s.query(m.SupervisionSession).count() == 2  # nothing half-saved
        assert [x.id for x in supervision.sessions_of(s, office["alex"])] == [group_id]  # their history stays
        rows = {r.peer_supporter_id: r for r in so.overview(s, today=day(16), mine=True)}
        assert office["alex"] not in rows and rows[office["kim"]].last_session == day(14)
        with pytest.raises(ValidationError):
            supervision.log_session(s, day(20), [office["kim"], office["alex"]], form="individual")


def test_checkin_attendance_and_history_including_someone_who_left(db, office):
    with db.begin(office["coord"]) as s:
        first = supervision.schedule_checkin(s, day(10), "Avstämning januari", location="Kontoret").id
        second = supervision.schedule_checkin(s, day(40), "Avstämning februari").id
        supervision.record_attendance(s, first, {office["kim"]: "present", office["alex"]: "excused"})
        supervision.record_attendance(s, first, {office["alex"]: "absent"})  # corrected
        p = s.get(m.PeerSupporter, office["alex"])
        update(s, m.PeerSupporter, p.id, p.version, status="left", left_on=day(20))
    with db.begin(office["coord"]) as s:
        with pytest.raises(ValidationError) as exc:
            supervision.record_attendance(s, second, {office["kim"]: "present", office["alex"]: "absent"})
        assert exc.value.field == "attendance"
    with db.begin(office["coord"]) as s:
        supervision.record_attendance(s, second, {office["kim"]: "present"})
        with pytest.raises(ValidationError):
            supervision.record_attendance(s, second, {office["kim"]: "maybe"})
    with db.session(office["sup2"]) as s:
        rows = {r.title: r for r in supervision.checkins(s)}
        assert (rows["Avstämning januari"].present, rows["Avstämning januari"].excused, rows["Avstämning januari"].absent) == (1, 0, 1)
        assert (rows["Avstämning februari"].present, rows["Avstämning februari"].absent) == (1, 0)
        assert supervision.attendance_history(s, office["alex"]) == [(day(10), "Avstämning januari", "absent")]
        assert [h[2] for h in supervision.attendance_history(s, office["kim"])] == ["present", "present"]
        sheet_feb = {name for _, name, _ in supervision.attendance_sheet(s, second)}
        assert "Alex Andersson" not in sheet_feb and "Kim Placerad" in sheet_feb  # had left by then
        sheet_jan = {name: status for _, name, status in supervision.attendance_sheet(s, first)}
        assert sheet_jan["Alex Andersson"] == "absent"  # marked before leaving: still shown


# ------------------------------------------------------------------ the summary for funders
def test_summary_counts_per_month_and_overdue_spans_for_the_office(db, office):
    with db.begin(office["sup1"]) as s:
        supervision.log_session(s, day(20), [office["kim"], office["alex"]], form="group")
        supervision.log_session(s, day(40), [office["alex"]], form="phone")
    with db.begin(office["coord"]) as s:
        meeting = supervision.schedule_checkin(s, day(12), "Avstämning")
        supervision.record_attendance(s, meeting.id, {office["kim"]: "present", office["alex"]: "absent"})
    with db.begin(office["coord"]) as s:
        data = supervision_summary.gather(s, START, day(45), today=day(45))
    assert data.scope == "office" and data.months == [(2026, 1), (2026, 2)]
    people = {p.label: p for p in data.people}
    assert people["Kim Placerad"].per_month == [2, 0] and people["Alex Andersson"].per_month == [1, 1]
    # Kim: seen day 3 and 20; due day 10 -> overdue day 11-19; due day 27 -> overdue 28..45
    assert people["Kim Placerad"].overdue == [(day(11), day(19)), (day(28), day(45))]
    # Alex: never seen until day 20: due day 7 -> 8..19; then due 27 -> 28..39; seen 40, due 47
    assert people["Alex Andersson"].overdue == [(day(8), day(19)), (day(28), day(39))]
    assert people["Alex Andersson"].overdue_days == 12 + 12
    assert (people["Kim Placerad"].present, people["Alex Andersson"].absent) == (1, 1)
    assert [(mt.title, mt.present, mt.absent) for mt in data.meetings] == [("Avstämning", 1, 1)]
    with db.begin(office["sup1"]) as s:
        with pytest.raises(ValidationError):
            supervision_summary.gather(s, day(10), day(5))


def test_summary_scope_follows_the_role(db, office):
    with db.begin(office["sup2"]) as s:
        assert supervision_summary.gather(s, START, day(30)).people == []  # sup2's caseload is empty
    with db.begin(office["sup1"]) as s:
        data = supervision_summary.gather(s, START, day(30), names=False)
        assert data.scope == "caseload"
        assert [p.label for p in data.people] == ["Peer supporter 1", "Peer supporter 2"]  # the same word in Swedish
    with db.begin(office["eval"]) as s:
        with pytest.raises(AccessDenied):
            supervision_summary.gather(s, START, day(30))


def test_summary_codes_are_not_in_surname_order(db, office):
    """Attack 9 of issue #16: `--codes` numbered people in surname order, so the roster mapped the codes
    back. Each person here has a different number of sessions, which tells them apart in a coded summary;
    over many summaries the codes must not follow the surnames (nor any one order)."""
    with db.begin(SYSTEM) as s:
        peers = [office["alex"], office["kim"]]  # Andersson, Placerad
        for surname in ("Berg", "Dahl", "Ek", "Lund"):
            p = f.peer(s, "Test", surname, supervisor_id=office["sup1"].user_id, status="placed")
            create(s, m.Placement, peer_supporter_id=p.id, workplace_id=office["ward"], start_date=START)
            peers.append(p.id)
        peers.sort(key=lambda pid: s.get(m.PeerSupporter, pid).last_name)
        for n, pid in enumerate(peers):  # the n-th surname has n + 2 sessions (Kim has one already)
            for k in range(n + 2 - (pid == office["kim"])):
                supervision.log_session(s, day(1 + k), [pid], supervisor_id=office["sup1"].user_id)
    alphabetical = [n + 2 for n in range(len(peers))]
    orders = set()
    for seed in range(20):
        with db.begin(office["coord"]) as s:
            data = supervision_summary.gather(s, START, day(30), names=False, today=day(30), seed=seed)
        assert [p.label for p in data.people] == [f"Peer supporter {n}" for n in range(1, len(peers) + 1)]
        orders.add(tuple(p.total for p in data.people))
    assert orders != {tuple(alphabetical)} and len(orders) > 10  # drawn anew for every summary, not in surname order
    with db.begin(office["coord"]) as s:  # with names, the surname order stays (a list for the office itself)
        assert [p.total for p in supervision_summary.gather(s, START, day(30), today=day(30)).people] == alphabetical


def test_summary_pdf_never_contains_notes_or_topics_for_any_role(db, office, tmp_path):
    from pypdf import PdfReader

    from peerdesk.reports.supervision_summary import build

    for who in ("admin", "coord", "sup1"):
        with db.begin(office[who]) as s:
            data = supervision_summary.gather(s, START, day(45), today=day(45))
        path = tmp_path / f"{who}.pdf"
        pages = build(data, str(path))
        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        assert pages >= 1 and "Kim Placerad" in text and "2026-01" in text
        assert "NOTE-7f3a" not in text and "night shift" not in text and office["topic"] not in text
    with db.session(SYSTEM) as s:
        assert len([e for e in audit.browse(s, action="supervision_summary")]) == 3
