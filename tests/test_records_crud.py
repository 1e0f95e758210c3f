"""Every entity can be created, read, changed and deleted through the services, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from peerdesk.services.access import SYSTEM
from peerdesk import models as m
from peerdesk.services import records, supervision, workplaces, evaluation, consent as consents
from tests import factories as f

D = dt.date


def _graph(s):
    """One of everything an entity may point to."""
    g = {}
    g["user"] = f.user(s)
    g["cohort"] = f.cohort(s)
    g["peer"] = f.peer(s, cohort_id=g["cohort"].id, supervisor_id=g["user"].id)
    g["ward"] = f.workplace(s)
    g["manager"] = f.manager(s)
    g["study"] = f.study(s)
    g["round"] = f.round_(s, study_id=g["study"].id)
    g["instrument"] = f.instrument(s)
    s.flush()
    return g


# (model, fields to create with, a change to make) — fields may use the graph.
CASES = [
    (m.Cohort, lambda g: dict(name="Kull X", start_date="2025-05-01"), dict(location="Kansliet")),
    (m.PeerSupporter, lambda g: dict(first_name="Åsa", last_name="Öberg", personal_number="19811218-9876"), dict(phone="070-1")),
    (m.Workplace, lambda g: dict(name="Bostad Först", organisation="Kommunen", kind="municipal"), dict(specialty="Housing First")),
    (m.Manager, lambda g: dict(name="Ny Chef"), dict(title="Enhetschef")),
    (m.ManagerTenure, lambda g: dict(workplace_id=g["ward"].id, manager_id=g["manager"].id, start_date="2025-01-01"), dict(end_date=D(2025, 12, 31))),
    (m.Briefing, lambda g: dict(workplace_id=g["ward"].id, held_on="2025-02-01"), dict(staff_count=7)),
    (m.Placement, lambda g: dict(peer_supporter_id=g["peer"].id, workplace_id=g["ward"].id, start_date="2025-03-01", extent_percent=50), dict(extent_percent=75)),
    (m.ContractPeriod, lambda g: dict(peer_supporter_id=g["peer"].id, employer="Föreningen", form="fixed_term", start_date="2025-03-01", end_date="2025-12-31"), dict(funding_source="Arvsfonden")),
    (m.SupervisionSession, lambda g: dict(held_on="2025-04-01", duration_minutes=60, form="individual"), dict(duration_minutes=45)),
    (m.CheckInMeeting, lambda g: dict(held_on="2025-04-10", title="Avstämning"), dict(location="Kansliet")),
    (m.Study, lambda g: dict(name="Studie 2", organisation="Föreningen", start_date="2025-01-01"), dict(contact="x@example.se")),
    (m.Consent, lambda g: dict(study_id=g["study"].id, informant_role="staff", informant_code="P01", signed_on="2025-02-01", valid_until="2026-02-01"), dict(scope_interviews=False)),
    (m.EvaluationRound, lambda g: dict(number=7, start_date="2025-06-01"), dict(status="collecting")),
    (m.Interview, lambda g: dict(round_id=g["round"].id, kind="group", informant_role="staff", held_on="2025-03-10", participants=4), dict(participants=5)),
    (m.Instrument, lambda g: dict(code="NEW", name_sv="Nytt", name_en="New", scale_min=1, scale_max=5), dict(scale_max=7)),
    (m.QuestionnaireResponse, lambda g: dict(round_id=g["round"].id, instrument_id=g["instrument"].id, respondent_code="R1", informant_role="staff"), dict(respondent_code="R2")),
    (m.Quote, lambda g: dict(round_id=g["round"].id, informant_role="staff", text="Det fungerar bra."), dict(status="approved")),
    (m.User, lambda g: dict(username="newuser", display_name="New User"), dict(display_name="Renamed")),
]


@pytest.mark.parametrize("model, make, change", CASES, ids=[c[0].__name__ for c in CASES])
def test_create_read_update_delete(db, model, make, change):
    with db.begin(SYSTEM) as s:
        g = _graph(s)
        fields = make(g)
    with db.begin(SYSTEM) as s:
        obj = records.create(s, model, **fields)
        record_id, version = obj.id, obj.version
    with db.session(SYSTEM) as s:
        obj = records.get(s, model, record_id)
        for key, value in fields.items():
            got = getattr(obj, key)
            got = got.value if hasattr(got, "value") else got
            expected = dt.date.fromisoformat(value) if isinstance(value, str) and key.endswith(("_date", "_on", "until")) else value
            assert got == expected, key
    with db.begin(SYSTEM) as s:
        obj = records.update(s, model, record_id, version, **change)
        assert obj.version == version + 1
    with db.session(SYSTEM) as s:
        obj = records.get(s, model, record_id)
        for key, value in change.items():
            got = getattr(obj, key)
            assert (got.value if hasattr(got, "value") else got) == value
        new_version = obj.version
    with db.begin(SYSTEM) as s:
        records.delete(s, model, record_id, new_version)
    with db.session(SYSTEM) as s:
        assert s.get(model, record_id) is None


def test_change_manager_ends_current_tenure_and_starts_new_one(db):
    with db.begin(SYSTEM) as s:
        ward, old = f.workplace(s), f.manager(s, "Gammal Chef")
        records.create(s, m.ManagerTenure, workplace_id=ward.id, manager_id=old.id, start_date=D(2024, 1, 1))
        ward_id = ward.id
    with db.begin(SYSTEM) as s:
        new = workplaces.change_manager(s, ward_id, "2025-06-01", new_manager={"name": "Ny Chef"})
        new_id = new.id
    with db.session(SYSTEM) as s:
        tenures = s.scalars(select(m.ManagerTenure).where(m.ManagerTenure.workplace_id == ward_id).order_by(m.ManagerTenure.start_date)).all()
        assert [(t.start_date, t.end_date) for t in tenures] == [(D(2024, 1, 1), D(2025, 5, 31)), (D(2025, 6, 1), None)]
        assert workplaces.current_tenure(s, ward_id, D(2025, 6, 1)).id == new_id
        assert workplaces.current_tenure(s, ward_id, D(2025, 5, 31)).manager.name == "Gammal Chef"


def test_group_session_logged_once_for_every_participant(db):
    with db.begin(SYSTEM) as s:
        a, b, c = f.peer(s, "A", "A"), f.peer(s, "B", "B"), f.peer(s, "C", "C")
        supervision.ensure_default_topics(s)
        topic = s.scalars(select(m.SupervisionTopic)).first()
        supervision.log_session(s, "2025-04-02", [a.id, b.id, c.id], form="group", duration_minutes=120, topic_ids=[topic.id], notes="konfidentiellt")
        ids = (a.id, b.id, c.id)
    with db.session(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(m.SupervisionSession)) == 1
        assert supervision.latest_session_dates(s) == {i: D(2025, 4, 2) for i in ids}


def test_checkin_attendance_and_briefing_attendees(db):
    with db.begin(SYSTEM) as s:
        a, b = f.peer(s, "A", "A"), f.peer(s, "B", "B")
        meeting = supervision.schedule_checkin(s, "2025-05-05", "Avstämning")
        supervision.record_attendance(s, meeting.id, {a.id: "present", b.id: "excused"})
        supervision.record_attendance(s, meeting.id, {b.id: "absent"})
        ward, mgr = f.workplace(s), f.manager(s)
        briefing = workplaces.log_briefing(s, ward.id, "2025-05-06", manager_ids=[mgr.id], staff_attendees=["Sjuksköterska"], staff_count=5)
        meeting_id, briefing_id = meeting.id, briefing.id
    with db.session(SYSTEM) as s:
        marks = {x.peer_supporter_id: x.status for x in s.get(m.CheckInMeeting, meeting_id).attendance}
        assert sorted(v.value for v in marks.values()) == ["absent", "present"]
        attendees = s.get(m.Briefing, briefing_id).attendees
        assert {(x.role, x.manager_id is not None) for x in attendees} == {("manager", True), ("staff", False)}


def test_consent_withdrawal_and_undo(db):
    with db.begin(SYSTEM) as s:
        st = f.study(s)
        c = records.create(s, m.Consent, study_id=st.id, informant_role="patient", informant_code="PAT-1", signed_on="2025-02-01")
        cid, v = c.id, c.version
    with db.begin(SYSTEM) as s:
        c = consents.withdraw(s, cid, v, "2025-03-01", "vill inte")
        v = c.version
    with db.session(SYSTEM) as s:
        c = s.get(m.Consent, cid)
        assert c.withdrawn_on == D(2025, 3, 1) and not consents.is_active(c, D(2025, 3, 2))
    with db.begin(SYSTEM) as s:
        consents.undo_withdrawal(s, cid, v)
    with db.session(SYSTEM) as s:
        assert consents.is_active(s.get(m.Consent, cid), D(2025, 3, 2))


def test_questionnaire_answers_with_a_blank(db):
    with db.begin(SYSTEM) as s:
        r, ins = f.round_(s), f.instrument(s, "PATIENT")
        resp = evaluation.record_response(s, r.id, ins.id, "PAT-01", "patient", {1: 7, 2: 0, 3: None, 4: 1}, comments={5: "Bra"})
        rid = resp.id
    with db.session(SYSTEM) as s:
        answers = {a.item_id: (a.value, a.text) for a in s.get(m.QuestionnaireResponse, rid).answers}
        assert sorted(v for v, _ in answers.values() if v is not None) == [0, 1, 7]
        assert sum(1 for v, t in answers.values() if v is None and t is None) == 1
        assert any(t == "Bra" for _, t in answers.values())


def test_no_diagnosis_field_anywhere():
    for table in m.Base.metadata.tables.values():
        for column in table.columns:
            assert "diagnos" not in column.name.lower(), f"{table.name}.{column.name}"
