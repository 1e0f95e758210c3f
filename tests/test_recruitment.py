"""Recruitment: applicants, the decision, and acceptance into a cohort in one step — what is carried over to
the peer supporter, what stays behind and when the recruitment retention setting deletes it; refusals,
audit, roles, and the register extract and erasure of an applicant. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.services import data_rights, recruitment, retention
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import snapshot
from peerdesk.services.settings import set_setting
from tests import factories as f

D = dt.date
ADMIN = Actor(None, "admin-test", frozenset({m.Role.ADMINISTRATOR}))
COORD = Actor(None, "coord-test", frozenset({m.Role.COORDINATOR}))
SUPERVISOR = Actor(None, "sup-test", frozenset({m.Role.SUPERVISOR}))
EVALUATOR = Actor(None, "eval-test", frozenset({m.Role.EVALUATOR}))

DETAILS = dict(first_name="Nora", last_name="Lind", email="nora.lind@example.se", phone="070-111 22 33",
               address="Storgatan 1, 411 01 Göteborg", region="Västra Götaland")


def _setup(db):
    with db.begin(SYSTEM) as s:
        third = f.cohort(s, name="Kull 3", start=D(2026, 2, 2), end=D(2026, 4, 30))
        ended = f.cohort(s, name="Kull 1", start=D(2024, 1, 10), end=D(2024, 3, 1))
        interviewer = f.user(s, "coord1", roles=(m.Role.COORDINATOR,))
        return third.id, ended.id, interviewer.id


def _applicant(db, actor=COORD, **extra):
    with db.begin(actor) as s:
        aid = recruitment.add_applicant(s, **DETAILS, source="care_referral", applied_on=D(2025, 10, 1),
                                        story_received_on=D(2025, 10, 8), **extra)
        return aid


def _interviewed(db, user_id):
    aid = _applicant(db)
    with db.begin(COORD) as s:
        row = recruitment.get_applicant(s, aid)
        recruitment.record_interview(s, aid, row.version, D(2025, 11, 3), [user_id], ["Pia Berg (kull 1)"])
    return aid


# ------------------------------------------------------------------ add, edit, validation
def test_an_applicant_is_added_and_listed_where_they_stand(db):
    third, _ended, uid = _setup(db)
    aid = _applicant(db)
    with db.session(COORD) as s:
        (row,) = recruitment.list_applicants(s)
        assert (row.name, row.source, row.stage, row.decision) == ("Nora Lind", "care_referral", "story_received", "pending")
        assert recruitment.list_applicants(s, stage="interviewed") == []
    with db.begin(COORD) as s:
        recruitment.record_interview(s, aid, row.version, "2025-11-03", [uid], ["Pia Berg (kull 1)", " "])
    with db.session(COORD) as s:
        (row,) = recruitment.list_applicants(s, stage="interviewed")
        assert row.interviewed_on == D(2025, 11, 3) and row.interviewers == ("Coord1", "Pia Berg (kull 1)")
        assert row.interviewer_user_ids == (uid,) and row.interviewer_names == ("Pia Berg (kull 1)",)
        assert recruitment.list_applicants(s, stage="story_received") == []


@pytest.mark.parametrize("fields, key, field", [
    (dict(first_name=" ", last_name="Lind"), "error.required", "first_name"),
    (dict(first_name="Nora", last_name=""), "error.required", "last_name"),
    (dict(first_name="Nora", last_name="Lind", email="inte-en-adress"), "error.invalid_email", "email"),
    (dict(first_name="Nora", last_name="Lind", source="tidningen"), "error.invalid_choice", "source"),
    (dict(first_name="Nora", last_name="Lind", applied_on="2025-10-10", story_received_on="2025-10-01"),
     "error.story_before_application", "story_received_on"),
    (dict(first_name="Nora", last_name="Lind", applied_on="31 februari"), "error.invalid_date", "applied_on"),
])
def test_bad_input_is_refused_with_a_message_naming_the_field(sqlite_db, fields, key, field):
    with pytest.raises(ValidationError) as err, sqlite_db.begin(COORD) as s:
        recruitment.add_applicant(s, **fields)
    assert (err.value.key, err.value.field) == (key, field)
    assert str(err.value)  # a readable text
    with sqlite_db.session(COORD) as s:
        assert recruitment.list_applicants(s) == []


def test_the_interview_cannot_come_before_the_story_nor_name_unknown_users(sqlite_db):
    _setup(sqlite_db)
    aid = _applicant(sqlite_db)
    with sqlite_db.session(COORD) as s:
        version = recruitment.get_applicant(s, aid).version
    with pytest.raises(ValidationError) as err, sqlite_db.begin(COORD) as s:
        recruitment.record_interview(s, aid, version, D(2025, 10, 1), [], ["Pia"])
    assert err.value.key == "error.interview_before_story"
    with pytest.raises(ValidationError) as err, sqlite_db.begin(COORD) as s:
        recruitment.record_interview(s, aid, version, D(2025, 11, 1), [99999], [])
    assert err.value.key == "error.reference"


# ------------------------------------------------------------------ accept: one step, what is carried over
def test_accepting_makes_a_peer_supporter_in_the_cohort_with_exactly_the_carried_over_details(db):
    third, _ended, uid = _setup(db)
    aid = _interviewed(db, uid)
    with db.begin(ADMIN) as s:
        done = recruitment.accept(s, aid, third, on=D(2025, 11, 20), reason="Stark berättelse")
    with db.session(ADMIN) as s:
        peer = s.get(m.PeerSupporter, done.peer_supporter_id)
        got = snapshot(peer)
        expected = {k: None for k in got} | DETAILS | {"status": "in_training", "cohort_id": third}
        assert got == expected  # the details, the cohort, in training — and nothing else (no personal number, no notes)
        a = s.get(m.Applicant, aid)
        # The person's details moved: held once, on the peer supporter.
        assert all(getattr(a, k) is None for k in DETAILS)
        assert (a.decision, a.cohort_id, a.decided_on, a.peer_supporter_id) == ("accepted", third, D(2025, 11, 20), peer.id)
        assert (a.source, a.story_received_on, a.interviewed_on, a.decision_reason) == ("care_referral", D(2025, 10, 8), D(2025, 11, 3), "Stark berättelse")
        assert len(a.interviewers) == 2
        (row,) = recruitment.list_applicants(s, stage="accepted", cohort_id=third)
        assert row.name == "Nora Lind" and row.cohort_name == "Kull 3" and row.email == DETAILS["email"]
        # Audited, with ids only.
        event = s.execute(select(m.AuditEvent).where(m.AuditEvent.action == "accept_applicant")).scalar_one()
        assert event.record_id == aid and json.loads(event.fields) == {"cohort_id": third, "peer_supporter_id": peer.id}
        assert "Nora" not in " ".join(e.fields or "" for e in s.scalars(select(m.AuditEvent)))
        assert s.scalar(select(func.count()).select_from(m.AuditEvent).where(
            m.AuditEvent.action == "create", m.AuditEvent.table_name == "peer_supporter")) == 1


def test_accepting_twice_or_into_a_missing_or_ended_cohort_is_refused_and_changes_nothing(db):
    third, ended, uid = _setup(db)
    aid = _interviewed(db, uid)
    for cohort, key in ((ended, "error.cohort_ended"), (None, "error.cohort_unknown"), (987654, "error.cohort_unknown"),
                        (2**40, "error.cohort_unknown")):
        with pytest.raises(ValidationError) as err, db.begin(ADMIN) as s:
            recruitment.accept(s, aid, cohort, on=D(2025, 11, 20))
        assert err.value.key == key
    with db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.PeerSupporter)) == 0
        assert s.get(m.Applicant, aid).decision == "pending"
    with db.begin(ADMIN) as s:
        recruitment.accept(s, aid, third, on=D(2025, 11, 20))
    with pytest.raises(ValidationError) as err, db.begin(ADMIN) as s:
        recruitment.accept(s, aid, third, on=D(2025, 11, 21))
    assert err.value.key == "error.applicant_already_accepted"
    with pytest.raises(ValidationError) as err, db.begin(ADMIN) as s:
        recruitment.decide(s, aid, "declined", "ångrat", on=D(2025, 11, 21))
    assert err.value.key == "error.applicant_already_accepted"
    with pytest.raises(ValidationError) as err, db.begin(ADMIN) as s:
        recruitment.edit_applicant(s, aid, s.get(m.Applicant, aid).version, first_name="Ny")
    assert err.value.key == "error.applicant_details_on_peer"
    with db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.PeerSupporter)) == 1


def test_a_failure_half_way_leaves_no_peer_supporter_behind(sqlite_db, monkeypatch):
    third, _ended, uid = _setup(sqlite_db)
    aid = _interviewed(sqlite_db, uid)
    from peerdesk.services import audit

    def broken(*a, **k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError), sqlite_db.begin(ADMIN) as s:
        recruitment.accept(s, aid, third, on=D(2025, 11, 20))
    with sqlite_db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.PeerSupporter)) == 0
        assert s.get(m.Applicant, aid).first_name == "Nora"


def test_not_now_and_declined_need_a_reason(sqlite_db):
    _setup(sqlite_db)
    aid = _applicant(sqlite_db)
    with pytest.raises(ValidationError) as err, sqlite_db.begin(COORD) as s:
        recruitment.decide(s, aid, "declined", "  ")
    assert err.value.field == "decision_reason"
    with pytest.raises(ValidationError) as err, sqlite_db.begin(COORD) as s:
        recruitment.decide(s, aid, "accepted", "ok")
    assert err.value.key == "error.invalid_choice"
    with sqlite_db.begin(COORD) as s:
        recruitment.decide(s, aid, "not_now", "Sök gärna igen om ett år", on=D(2025, 11, 20))
    with sqlite_db.session(COORD) as s:
        (row,) = recruitment.list_applicants(s, stage="not_now")
        assert (row.decision_reason, row.decided_on, row.name) == ("Sök gärna igen om ett år", D(2025, 11, 20), "Nora Lind")


# ------------------------------------------------------------------ roles
@pytest.mark.parametrize("actor", [SUPERVISOR, EVALUATOR], ids=["supervisor", "evaluator"])
def test_only_administrators_and_coordinators_recruit(sqlite_db, actor):
    third, _e, _u = _setup(sqlite_db)
    aid = _applicant(sqlite_db)
    for call in (lambda s: recruitment.list_applicants(s), lambda s: recruitment.add_applicant(s, first_name="A", last_name="B"),
                 lambda s: recruitment.accept(s, aid, third), lambda s: recruitment.decide(s, aid, "declined", "x")):
        with pytest.raises(AccessDenied), sqlite_db.begin(actor) as s:
            call(s)


# ------------------------------------------------------------------ retention
def _decided(db, third, uid):
    """Four applicants decided on 2025-11-20: accepted, declined, not now; and one still pending."""
    accepted = _interviewed(db, uid)
    declined, not_now = _applicant(db), _applicant(db)
    pending = _applicant(db)
    with db.begin(ADMIN) as s:
        peer = recruitment.accept(s, accepted, third, on=D(2025, 11, 20)).peer_supporter_id
        recruitment.decide(s, declined, "declined", "passar inte nu", on=D(2025, 11, 20))
        recruitment.decide(s, not_now, "not_now", "för tidigt", on=D(2025, 11, 20))
    return accepted, declined, not_now, pending, peer


def test_retention_deletes_decided_applicants_the_day_after_the_setting_s_months_and_keeps_the_peer(db):
    third, _e, uid = _setup(db)
    accepted, declined, not_now, pending, peer = _decided(db, third, uid)
    with db.session(ADMIN) as s:
        assert retention.retention_days(s, "applicant") == 365
        # 12 months after the decision (2026-11-20) the record is still kept …
        assert "applicant" not in {g.table for g in retention.due_for_deletion(s, today=D(2026, 11, 20))}
        # … the day after, it is due: every decided applicant, never a pending one.
        due = {g.table: g.ids for g in retention.due_for_deletion(s, today=D(2026, 11, 21))}
    assert due["applicant"] == tuple(sorted((accepted, declined, not_now)))
    with db.begin(ADMIN) as s:
        assert retention.delete_due(s, "applicant", list(due["applicant"]) + [pending], today=D(2026, 11, 21)) == 3
    with db.session(ADMIN) as s:
        assert [a.id for a in s.scalars(select(m.Applicant))] == [pending]
        assert s.scalar(select(func.count()).select_from(m.ApplicantInterviewer)) == 0
        p = s.get(m.PeerSupporter, peer)  # the peer supporter stays, with what was carried over
        assert (p.full_name, p.email, p.cohort_id) == ("Nora Lind", DETAILS["email"], third)
        deleted = s.scalars(select(m.AuditEvent.table_name).where(m.AuditEvent.action == "delete")).all()
        assert deleted.count("applicant") == 3 and deleted.count("applicant_interviewer") == 2


def test_the_recruitment_setting_counts_calendar_months(sqlite_db):
    third, _e, uid = _setup(sqlite_db)
    _decided(sqlite_db, third, uid)
    with sqlite_db.begin(ADMIN) as s:
        set_setting(s, "retention.recruitment_months", 3)
        assert "applicant" not in {g.table for g in retention.due_for_deletion(s, today=D(2026, 2, 20))}
        assert len({g.table: g.ids for g in retention.due_for_deletion(s, today=D(2026, 2, 21))}["applicant"]) == 3
    assert retention.months_before(D(2026, 3, 31), 1) == D(2026, 2, 28)
    assert retention.months_before(D(2026, 1, 15), 13) == D(2024, 12, 15)


# ------------------------------------------------------------------ register extract and erasure
def test_an_applicant_gets_a_register_extract_and_is_erased_completely(db, tmp_path):
    third, _e, uid = _setup(db)
    aid = _interviewed(db, uid)
    with db.begin(ADMIN) as s:
        assert ("applicant", aid, "Nora Lind") in data_rights.person_choices(s)
        extract = data_rights.register_extract(s, "applicant", aid, today=D(2025, 12, 1))
        data_rights.write_register_extract(s, "applicant", aid, pdf_path=str(tmp_path / "x.pdf"))
    sections = {sec.table: sec for sec in extract.sections}
    assert sections["applicant"].rows[0]["email"] == DETAILS["email"]
    assert sections["applicant"].rows[0]["story_received_on"] == "2025-10-08"
    assert len(sections["applicant_interviewer"].rows) == 2
    assert extract.person_name == "Nora Lind"
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "x.pdf").pages)
    assert "Ansökan till peer support-utbildningen" in text and "Skriftlig berättelse inkom" in text
    with db.begin(ADMIN) as s:
        plan = data_rights.erasure_plan(s, "applicant", aid)
        assert plan.person_row_goes and plan.delete == {"applicant": 1, "applicant_interviewer": 2}
        data_rights.erase_person(s, "applicant", aid, plan)
    with db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.Applicant)) == 0
        assert s.scalar(select(func.count()).select_from(m.ApplicantInterviewer)) == 0


def test_an_accepted_applicant_s_leftover_record_is_in_the_peer_supporter_s_extract_and_erasure(db):
    third, _e, uid = _setup(db)
    aid = _interviewed(db, uid)
    with db.begin(ADMIN) as s:
        peer = recruitment.accept(s, aid, third, on=D(2025, 11, 20)).peer_supporter_id
        assert ("applicant", aid, " ".join(DETAILS[k] for k in ("first_name", "last_name"))) not in data_rights.person_choices(s)
        extract = data_rights.register_extract(s, "peer_supporter", peer, today=D(2025, 12, 1))
    sections = {sec.table: sec for sec in extract.sections}
    assert sections["applicant"].rows[0]["source"] == "care_referral"
    assert "applicant_interviewer" in sections
    with db.begin(ADMIN) as s:
        plan = data_rights.erasure_plan(s, "peer_supporter", peer)
        assert plan.delete["applicant"] == 1 and plan.delete["applicant_interviewer"] == 2
        data_rights.erase_person(s, "peer_supporter", peer, plan)
    with db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.Applicant)) == 0
