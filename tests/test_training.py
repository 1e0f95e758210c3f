"""The course (issue #20, training): course days, attendance per participant and day, the attendance rule
for certification with its edges, certification, roles, the audit, the register extract and erasure, and
course days as calendar events. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.i18n import t
from peerdesk.services import data_rights, training
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.settings import set_setting
from peerdesk.services.training import Trainer
from tests import factories as f

D = dt.date
TODAY = D(2025, 6, 1)
START = D(2025, 2, 3)
ADMIN = Actor(None, "admin-test", frozenset({m.Role.ADMINISTRATOR}))
COORD = Actor(None, "coord-test", frozenset({m.Role.COORDINATOR}))
SUPER = Actor(None, "super-test", frozenset({m.Role.SUPERVISOR}))
EVAL = Actor(None, "eval-test", frozenset({m.Role.EVALUATOR}))


def _course(db, days: int = 12, people: int = 3, held: int | None = None) -> tuple[int, list[int], list[int]]:
    """A cohort with `days` course days a week apart, `held` of them held with everyone present; and `people` participants."""
    with db.begin(SYSTEM) as s:
        cohort = f.cohort(s, name="Kull X", start=START, end=START + dt.timedelta(days=7 * days + 7))
        pids = [f.peer(s, first=f"Deltagare{i}", last="Testsson", cohort_id=cohort.id).id for i in range(people)]
        day_ids = [training.add_day(s, cohort.id, START + dt.timedelta(days=7 * i), f"Tema {i + 1}").id for i in range(days)]
        for day_id in day_ids[: days if held is None else held]:
            training.record_attendance(s, day_id, pids, today=TODAY)
        return cohort.id, pids, day_ids


def _mark(db, day_ids, present_ids, actor=COORD):
    for day_id in day_ids:
        with db.begin(actor) as s:
            training.record_attendance(s, day_id, present_ids, today=TODAY)


# ------------------------------------------------------------------ course days
def test_course_days_lie_within_the_cohort_period_one_a_date_with_a_theme(db):
    with db.begin(SYSTEM) as s:
        cohort = f.cohort(s, start=D(2025, 1, 10), end=D(2025, 2, 20))
        cid = cohort.id
        day = training.add_day(s, cid, "2025-01-10", "Återhämtning")
        assert day.status == m.Occurrence.PLANNED and day.place is None
    for bad, key in (("2025-01-09", "error.training.day_outside_cohort"), ("2025-02-21", "error.training.day_outside_cohort"),
                     ("2025-01-10", "error.training.day_taken")):
        with pytest.raises(ValidationError) as err:
            with db.begin(COORD) as s:
                training.add_day(s, cid, bad, "Tema")
        assert err.value.key == key and err.value.field == "day"
    with pytest.raises(ValidationError) as err:
        with db.begin(COORD) as s:
            training.add_day(s, cid, "2025-01-20", "  ")
    assert err.value.field == "theme"
    with db.begin(COORD) as s:  # the same date in another cohort is fine; editing keeps the rules
        other = f.cohort(s, name="Kull Y", start=D(2025, 1, 1), end=D(2025, 3, 1))
        training.add_day(s, other.id, "2025-01-10", "Samma dag, annan kull")
        training.add_day(s, cid, "2025-01-17", "Rollspel")
    with pytest.raises(ValidationError):
        with db.begin(COORD) as s:
            second = s.scalar(select(m.CourseDay).where(m.CourseDay.theme == "Rollspel"))
            training.edit_day(s, second.id, second.version, day="2025-01-10", theme="Rollspel", place=None)
    with db.begin(COORD) as s:
        second = s.scalar(select(m.CourseDay).where(m.CourseDay.theme == "Rollspel"))
        training.edit_day(s, second.id, second.version, day="2025-01-24", theme="Rollspel och svåra samtal", place="Kansliet")
        assert [d.theme for d in training.course_days(s, cid)] == ["Återhämtning", "Rollspel och svåra samtal"]


def test_trainers_are_office_staff_guests_and_pioneers_of_earlier_cohorts(db):
    with db.begin(SYSTEM) as s:
        earlier = f.cohort(s, name="Kull 1", start=D(2024, 1, 1), end=D(2024, 2, 1))
        pioneer = f.peer(s, first="Pia", last="Pionjär", cohort_id=earlier.id, certified_on=D(2024, 2, 10), status="certified")
        uncertified = f.peer(s, first="Ej", last="Klar", cohort_id=earlier.id)
        user = f.user(s, "kursledare", roles=(m.Role.COORDINATOR,))
        cohort = f.cohort(s)
        same = f.peer(s, first="Samma", last="Kull", cohort_id=cohort.id, certified_on=D(2025, 3, 1))
        day = training.add_day(s, cohort.id, "2025-01-10", "Egen erfarenhet som verktyg")
        ids = dict(pioneer=pioneer.id, uncertified=uncertified.id, user=user.id, same=same.id, day=day.id, cohort=cohort.id)
    with db.begin(COORD) as s:
        training.set_trainers(s, ids["day"], [Trainer(user_id=ids["user"]), Trainer(peer_supporter_id=ids["pioneer"]),
                                              Trainer(guest_name="Grace Guest", guest_organisation="Recovery College London")])
    with db.session(COORD) as s:
        (info,) = training.course_days(s, ids["cohort"])
        assert info.trainers == ("Kursledare", "Pia Pionjär (peer supporter, Kull 1)", "Grace Guest, Recovery College London")
    for bad in ([Trainer(peer_supporter_id=ids["uncertified"])], [Trainer(peer_supporter_id=ids["same"])],
                [Trainer(user_id=ids["user"], guest_name="Två på en gång")], [Trainer(guest_organisation="Bara en organisation")]):
        with pytest.raises(ValidationError):
            with db.begin(COORD) as s:
                training.set_trainers(s, ids["day"], bad)
    with db.begin(COORD) as s:  # replacing the list replaces it
        training.set_trainers(s, ids["day"], [Trainer(guest_name="Grace Guest")])
        assert training.course_days(s, ids["cohort"])[0].trainers == ("Grace Guest",)


# ------------------------------------------------------------------ attendance
def test_attendance_is_recorded_for_the_whole_day_in_one_call_and_audited(db):
    cohort_id, pids, day_ids = _course(db, days=3, people=3, held=0)
    with db.begin(COORD) as s:
        day = training.record_attendance(s, day_ids[0], [pids[0]], excused_ids=[pids[1]], today=TODAY)
        assert day.status == m.Occurrence.HELD  # attendance taken: the day was held
    with db.session(COORD) as s:
        grid = training.course_grid(s, cohort_id)
        assert {(p, d): v for (p, d), v in grid.marks.items()} == {
            (pids[0], day_ids[0]): "present", (pids[1], day_ids[0]): "excused", (pids[2], day_ids[0]): "absent"}
        assert [p.progress.attended for p in grid.participants] == [1, 0, 0]
    with db.begin(COORD) as s:  # recorded again: the new marks replace the old
        training.record_attendance(s, day_ids[0], [pids[1], pids[2]], today=TODAY)
    with db.session(ADMIN) as s:
        marks = training.course_grid(s, cohort_id).marks
        assert [marks[(p, day_ids[0])] for p in pids] == ["absent", "present", "present"]
        audited = s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.table_name == "course_attendance")).all()
        assert audited.count("create") == 3 and audited.count("update") == 3
    with db.begin(SYSTEM) as s:
        stranger = f.peer(s, first="Inte", last="Med").id
    for call, key in (
        (lambda s: training.record_attendance(s, day_ids[1], [stranger], today=TODAY), "error.training.not_in_cohort"),
        (lambda s: training.record_attendance(s, day_ids[1], [pids[0]], excused_ids=[pids[0]], today=TODAY),
         "error.training.present_and_excused"),
        (lambda s: training.record_attendance(s, day_ids[2], pids, today=START), "error.training.attendance_in_future"),
    ):
        with pytest.raises(ValidationError) as err:
            with db.begin(COORD) as s:
                call(s)
        assert err.value.key == key
    with db.begin(COORD) as s:
        day = s.get(m.CourseDay, day_ids[1])
        training.set_day_status(s, day.id, day.version, "cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        with db.begin(COORD) as s:
            training.record_attendance(s, day_ids[1], pids, today=TODAY)
    with pytest.raises(ValidationError):  # a day cannot be held before its date
        with db.begin(COORD) as s:
            day = s.get(m.CourseDay, day_ids[2])
            training.set_day_status(s, day.id, day.version, "held", today=START)


# ------------------------------------------------------------------ the rule
def test_the_rule_counts_held_days_only_and_rounds_up(db):
    cohort_id, pids, day_ids = _course(db, days=12, people=4, held=0)
    a, b, c, d = pids
    # Ten of the twelve days held. a: all ten; b: eight (exactly 80 %); c: seven; d: nine, one of them a day later cancelled.
    _mark(db, day_ids[:7], [a, b, c, d])
    _mark(db, day_ids[7:8], [a, b, d])
    _mark(db, day_ids[8:10], [a])
    with db.session(COORD) as s:
        verdict = training.can_certify(s, a)
        assert not verdict.ok and verdict.key == "training.rule.still_planned" and verdict.params == {"n": 2}
        assert verdict.reason("en") == "The course is not over: 2 course days are still planned."
        grid = training.course_grid(s, cohort_id)
        still = {p.id: p.progress.can_still_meet for p in grid.participants}
        # 12 days at the end needs 10: a (10 + 2) and b (8 + 2) can make it, c (7 + 2) and d (8 + 2) … d can, c cannot
        assert still == {a: True, b: True, c: False, d: True}
    for day_id in day_ids[10:]:  # the last two days are cancelled: ten held days, 8 needed
        with db.begin(COORD) as s:
            day = s.get(m.CourseDay, day_id)
            training.set_day_status(s, day_id, day.version, m.Occurrence.CANCELLED)
    with db.begin(COORD) as s:  # d was present on a day that is then cancelled: it no longer counts
        day = s.get(m.CourseDay, day_ids[7])
        training.set_day_status(s, day.id, day.version, "cancelled")
    with db.session(COORD) as s:
        verdicts = {p: training.can_certify(s, p) for p in pids}
        # nine held days now (one of the ten cancelled): 0.8 × 9 = 7.2, rounded up to 8
        assert {p: (v.progress.attended, v.progress.held, v.progress.needed) for p, v in verdicts.items()} == {
            a: (9, 9, 8), b: (7, 9, 8), c: (7, 9, 8), d: (7, 9, 8)}
        assert verdicts[a].ok and not verdicts[b].ok
        assert verdicts[b].reason("en") == "Attended 7 of 9 days, 8 needed."
        assert verdicts[b].reason("sv") == "Närvarade 7 av 9 dagar, 8 behövs."
    with db.begin(COORD) as s:  # the cancelled day held after all: the marks come back
        day = s.get(m.CourseDay, day_ids[7])
        training.set_day_status(s, day.id, day.version, "held", today=TODAY)
    with db.session(COORD) as s:
        progress = {p: training.can_certify(s, p).progress for p in pids}
        assert {p: (x.attended, x.held, x.needed) for p, x in progress.items()} == {a: (10, 10, 8), b: (8, 10, 8), c: (7, 10, 8),
                                                                                   d: (8, 10, 8)}
        assert training.can_certify(s, b).ok  # exactly at the share: 8 of 10 is 80 %
        assert not training.can_certify(s, c).ok
    with db.begin(ADMIN) as s:  # 0.7 × 10 is exactly 7 (not 7.000…1 rounded up to 8)
        set_setting(s, "training.min_attendance_share", 0.7)
        assert training.can_certify(s, c).ok and training.can_certify(s, c).progress.needed == 7
    with pytest.raises(ValidationError):
        with db.begin(ADMIN) as s:
            set_setting(s, "training.min_attendance_share", 1.5)


def test_rounding_of_the_needed_days():
    assert [training.needed_days(0.8, n) for n in (0, 1, 5, 9, 10, 11, 12)] == [0, 1, 4, 8, 8, 9, 10]
    assert training.needed_days(0.7, 10) == 7 and training.needed_days(0.9, 10) == 9 and training.needed_days(1.0, 12) == 12


# ------------------------------------------------------------------ certification
def test_certify_is_refused_with_the_reason_and_allowed_when_the_rule_is_met(db):
    cohort_id, pids, day_ids = _course(db, days=12, people=3, held=0)
    ok, short, override = pids
    _mark(db, day_ids[:8], pids)
    _mark(db, day_ids[8:], [ok])  # ok: 12 of 12; short and override: 8 of 12 (10 needed)
    last = START + dt.timedelta(days=7 * 11)
    with pytest.raises(ValidationError) as err:
        with db.begin(COORD) as s:
            training.certify(s, short, last, today=TODAY)
    assert err.value.key == "training.rule.too_few" and str(err.value) == "Attended 8 of 12 days, 10 needed."
    with pytest.raises(AccessDenied):  # a coordinator cannot override the rule
        with db.begin(COORD) as s:
            training.certify(s, short, last, override_reason="Tog igen dagarna enskilt", today=TODAY)
    with pytest.raises(ValidationError) as err:  # not before the course's last day, not in the future
        with db.begin(COORD) as s:
            training.certify(s, ok, last - dt.timedelta(days=1), today=TODAY)
    assert err.value.key == "error.training.certified_before_end"
    with pytest.raises(ValidationError):
        with db.begin(COORD) as s:
            training.certify(s, ok, TODAY + dt.timedelta(days=1), today=TODAY)
    with db.begin(COORD) as s:
        cert = training.certify(s, ok, last + dt.timedelta(days=3), today=TODAY)
        assert (cert.days_attended, cert.days_held, cert.override_reason) == (12, 12, None)
    with db.begin(ADMIN) as s:
        training.certify(s, override, last + dt.timedelta(days=3), override_reason="Tog igen två dagar enskilt", today=TODAY)
    with db.session(ADMIN) as s:
        people = {p: s.get(m.PeerSupporter, p) for p in pids}
        assert people[ok].certified_on == last + dt.timedelta(days=3) and people[ok].status == m.PeerStatus.CERTIFIED
        assert people[short].certified_on is None and people[short].status == m.PeerStatus.IN_TRAINING
        row = s.scalar(select(m.Certification).where(m.Certification.peer_supporter_id == override))
        assert row.override_reason == "Tog igen två dagar enskilt" and (row.days_attended, row.days_held) == (8, 12)
        audited = s.execute(select(m.AuditEvent.table_name, m.AuditEvent.action, m.AuditEvent.fields)
                            .where(m.AuditEvent.record_id == ok, m.AuditEvent.table_name == "peer_supporter",
                                   m.AuditEvent.action == "update")).all()
        assert any("certified_on" in (fields or "") for _t, _a, fields in audited)
        assert s.scalar(select(func.count()).select_from(m.AuditEvent).where(m.AuditEvent.table_name == "course_certification")) == 2
    with pytest.raises(ValidationError) as err:  # once is enough
        with db.begin(ADMIN) as s:
            training.certify(s, ok, TODAY, today=TODAY)
    assert err.value.key == "error.training.already_certified"


def test_roles_administrator_and_coordinator_write_the_supervisor_reads_the_evaluator_sees_nothing(db):
    cohort_id, pids, day_ids = _course(db, days=2, people=1, held=0)
    writes = (
        lambda s: training.add_day(s, cohort_id, START + dt.timedelta(days=3), "Tema"),
        lambda s: training.record_attendance(s, day_ids[0], pids, today=TODAY),
        lambda s: training.set_trainers(s, day_ids[0], [Trainer(guest_name="Gäst")]),
        lambda s: training.certify(s, pids[0], TODAY, today=TODAY),
    )
    for actor in (SUPER, EVAL):
        for call in writes:
            with pytest.raises(AccessDenied):
                with db.begin(actor) as s:
                    call(s)
    with db.session(SUPER) as s:
        assert len(training.course_grid(s, cohort_id).days) == 2
    with pytest.raises(AccessDenied):
        with db.session(EVAL) as s:
            training.course_grid(s, cohort_id)


# ------------------------------------------------------------------ calendars
def test_course_days_as_calendar_events_with_theme_and_place_and_mine(db):
    with db.begin(SYSTEM) as s:
        teacher = f.user(s, "larare", roles=(m.Role.COORDINATOR,))
        other = f.user(s, "annan", roles=(m.Role.COORDINATOR,))
        cohort = f.cohort(s)
        part = f.peer(s, first="Hemlig", last="Deltagare", cohort_id=cohort.id)
        first = training.add_day(s, cohort.id, "2025-01-10", "Återhämtning", place="Folkets hus")
        second = training.add_day(s, cohort.id, "2025-01-17", "Rollspel")
        third = training.add_day(s, cohort.id, "2025-02-20", "Vårdens struktur")
        training.set_trainers(s, first.id, [Trainer(user_id=teacher.id), Trainer(guest_name="Gäst")])
        training.set_trainers(s, second.id, [Trainer(user_id=other.id)])
        training.set_day_status(s, second.id, second.version, "cancelled")
        ids = (teacher.id, first.id, second.id, third.id, part.id)
    teacher_id, first_id, second_id, third_id, _ = ids
    me = Actor(teacher_id, "larare", frozenset({m.Role.COORDINATOR}))
    with db.session(me) as s:
        events = training.course_day_events(s, me, start=D(2025, 1, 1), end=D(2025, 1, 31), mine=False)
        assert [(e.uid, e.kind, e.start, e.title, e.location, e.status) for e in events] == [
            (f"course_day-{first_id}@peerdesk", "course_day", D(2025, 1, 10), "Course day: Återhämtning", "Folkets hus", m.Occurrence.PLANNED),
            (f"course_day-{second_id}@peerdesk", "course_day", D(2025, 1, 17), "Course day: Rollspel", None, m.Occurrence.CANCELLED),
        ]
        assert events[0].organiser_id == teacher_id and all("Hemlig" not in e.title for e in events)
        assert [e.start for e in training.course_day_events(s, me, start=D(2025, 1, 1), end=D(2025, 12, 31), mine=True)] == [D(2025, 1, 10)]
    from peerdesk.i18n import set_language

    set_language("sv")
    try:
        with db.session(me) as s:
            assert training.course_day_events(s, me, start=D(2025, 2, 20), end=D(2025, 2, 20), mine=False)[0].title == \
                "Utbildningsdag: Vårdens struktur"
    finally:
        set_language("en")


# ------------------------------------------------------------------ data rights
def test_attendance_is_in_the_register_extract_and_goes_with_an_erasure(db):
    cohort_id, pids, day_ids = _course(db, days=3, people=2, held=2)
    with db.begin(SYSTEM) as s:
        training.set_trainers(s, day_ids[0], [Trainer(guest_name="Gästen Utbildare", guest_organisation="NSPH")])
    person = pids[0]
    with db.begin(ADMIN) as s:
        extract = data_rights.register_extract(s, "peer_supporter", person, today=TODAY, lang="sv")
    sections = {sec.table: sec for sec in extract.sections}
    assert len(sections["course_attendance"].rows) == 2 and all(r["status"] == "present" for r in sections["course_attendance"].rows)
    assert sections["course_day"].context and {r["theme"] for r in sections["course_day"].rows} == {"Tema 1", "Tema 2"}
    training_group = next(g for g in extract.groups if g.key == "training")
    part = next(p for p in training_group.parts if p.table == "course_attendance")
    assert part.title == "Närvaro på kursdagar" and {it.heading for it in part.items} == {"Kursdag 2025-02-03", "Kursdag 2025-02-10"}
    assert all(("Tema", f"Tema {i}") in it.fields for i, it in enumerate(sorted(part.items, key=lambda it: it.fields), 1))
    assert all(("Status", "Närvarande") in it.fields for it in part.items), part.items
    with db.begin(ADMIN) as s:
        plan = data_rights.erasure_plan(s, "peer_supporter", person, today=TODAY)
        assert plan.delete["course_attendance"] == 2
        data_rights.erase_person(s, "peer_supporter", person, plan, today=TODAY)
    with db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.CourseAttendance).where(m.CourseAttendance.peer_supporter_id == person)) == 0
        assert s.scalar(select(func.count()).select_from(m.CourseAttendance).where(m.CourseAttendance.peer_supporter_id == pids[1])) == 2
        assert s.scalar(select(func.count()).select_from(m.CourseDay).where(m.CourseDay.cohort_id == cohort_id)) == 3
