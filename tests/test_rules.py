"""Each rule rejects bad data with a readable message and writes nothing, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from peerdesk.services.access import SYSTEM
from peerdesk import models as m
from peerdesk.errors import ConflictError, ValidationError
from peerdesk.services import evaluation, records, supervision, workplaces
from peerdesk.services.validation import normalise_personal_number
from tests import factories as f

D = dt.date


def count(db, model) -> int:
    with db.session(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(model))


def rejected(db, action, key: str, field: str | None = None) -> ValidationError:
    """Run `action(session)` in one unit of work, expect the error, and return it."""
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            action(s)
    err = info.value
    assert err.key == key, err.message
    if field:
        assert err.field == field
    assert err.message and "{" not in err.message and err.key not in err.message
    return err


@pytest.fixture
def base(db):
    with db.begin(SYSTEM) as s:
        p, w, mgr = f.peer(s), f.workplace(s), f.manager(s)
        ids = {"peer": p.id, "ward": w.id, "manager": mgr.id}
    return ids


@pytest.mark.parametrize(
    "model, fields",
    [
        (m.Cohort, dict(name="K", start_date="2025-02-01", end_date="2025-01-31")),
        (m.Study, dict(name="S", organisation="O", start_date="2025-02-01", end_date="2025-01-01")),
        (m.EvaluationRound, dict(number=3, start_date="2025-02-01", end_date="2025-01-01")),
    ],
)
def test_end_before_start_is_refused(db, model, fields):
    err = rejected(db, lambda s: records.create(s, model, **fields), "error.end_before_start", "end_date")
    assert "End date" in err.message
    assert count(db, model) == 0


def test_contract_rules(db, base):
    pid = base["peer"]
    with db.begin(SYSTEM) as s:
        records.create(s, m.ContractPeriod, peer_supporter_id=pid, employer="F", form="fixed_term", start_date="2025-01-01", end_date="2025-06-30")
    make = lambda **kw: (lambda s: records.create(s, m.ContractPeriod, peer_supporter_id=pid, employer="F", **kw))  # noqa: E731
    err = rejected(db, make(form="fixed_term", start_date="2025-06-30", end_date="2025-12-31"), "error.contract_overlap", "start_date")
    assert "2025-01-01" in err.message
    rejected(db, make(form="permanent", start_date="2025-03-01"), "error.contract_overlap")  # open end overlaps too
    rejected(db, make(form="fixed_term", start_date="2025-08-01"), "error.fixed_term_needs_end", "end_date")
    rejected(db, make(form="fixed_term", start_date="2025-08-01", end_date="2025-07-01"), "error.end_before_start")
    rejected(db, make(form="fixed_term", start_date="2025-08-01", end_date="2025-09-01", extent_percent=120), "error.out_of_range", "extent_percent")
    rejected(db, make(form="fixed_term", start_date="2025-13-01", end_date="2025-09-01"), "error.invalid_date", "start_date")
    rejected(db, make(form="permanentish", start_date="2025-08-01"), "error.invalid_choice", "form")
    assert count(db, m.ContractPeriod) == 1
    with db.begin(SYSTEM) as s:  # the day after the first period ends is fine
        records.create(s, m.ContractPeriod, peer_supporter_id=pid, employer="F", form="permanent", start_date="2025-07-01")
    assert count(db, m.ContractPeriod) == 2


def test_overlap_check_on_update_too(db, base):
    pid = base["peer"]
    with db.begin(SYSTEM) as s:
        records.create(s, m.ContractPeriod, peer_supporter_id=pid, employer="F", form="fixed_term", start_date="2025-01-01", end_date="2025-06-30")
        second = records.create(s, m.ContractPeriod, peer_supporter_id=pid, employer="F", form="fixed_term", start_date="2025-07-01", end_date="2025-12-31")
        sid, v = second.id, second.version
    rejected(db, lambda s: records.update(s, m.ContractPeriod, sid, v, start_date="2025-06-01"), "error.contract_overlap")
    with db.session(SYSTEM) as s:
        assert s.get(m.ContractPeriod, sid).start_date == D(2025, 7, 1)


def test_tenure_overlap_unless_acting(db, base):
    w, mgr = base["ward"], base["manager"]
    with db.begin(SYSTEM) as s:
        records.create(s, m.ManagerTenure, workplace_id=w, manager_id=mgr, start_date="2024-01-01")
        other = f.manager(s, "Annan Chef").id
    err = rejected(db, lambda s: records.create(s, m.ManagerTenure, workplace_id=w, manager_id=other, start_date="2025-01-01"), "error.tenure_overlap")
    assert "acting" in err.message
    with db.begin(SYSTEM) as s:
        records.create(s, m.ManagerTenure, workplace_id=w, manager_id=other, start_date="2025-01-01", end_date="2025-03-01", acting=True)
    assert count(db, m.ManagerTenure) == 2
    # change_manager refuses a start before the current manager's start, and changes nothing
    rejected(db, lambda s: workplaces.change_manager(s, w, "2023-12-01", manager_id=other), "error.change_before_current_start")
    with db.session(SYSTEM) as s:
        assert workplaces.current_tenure(s, w, D(2025, 6, 1)).manager_id == mgr
        assert s.scalar(select(m.ManagerTenure.end_date).where(m.ManagerTenure.acting.is_(False))) is None


def test_peer_supporter_rules(db, base):
    rejected(db, lambda s: records.create(s, m.PeerSupporter, first_name="", last_name="X"), "error.required", "first_name")
    rejected(db, lambda s: records.create(s, m.PeerSupporter, first_name="A", last_name="B", personal_number="19811218-9877"), "error.personal_number_checksum")
    rejected(db, lambda s: records.create(s, m.PeerSupporter, first_name="A", last_name="B", personal_number="1234"), "error.personal_number_format")
    rejected(db, lambda s: records.create(s, m.PeerSupporter, first_name="A", last_name="B", status="left"), "error.left_needs_date", "left_on")
    rejected(db, lambda s: records.create(s, m.PeerSupporter, first_name="A", last_name="B", email="not-an-address"), "error.invalid_email")
    with db.begin(SYSTEM) as s:
        records.create(s, m.PeerSupporter, first_name="A", last_name="B", personal_number="811218-9876")
    rejected(db, lambda s: records.create(s, m.PeerSupporter, first_name="C", last_name="D", personal_number="198112189876"), "error.duplicate", "personal_number")
    assert count(db, m.PeerSupporter) == 2


def test_personal_number_normalisation():
    assert normalise_personal_number("811218-9876", today=D(2026, 1, 1)) == "19811218-9876"
    assert normalise_personal_number("19811218 9876") == "19811218-9876"
    with pytest.raises(ValidationError):
        normalise_personal_number("19810231-1234")


def test_placement_and_session_rules(db, base):
    p, w = base["peer"], base["ward"]
    rejected(db, lambda s: records.create(s, m.Placement, peer_supporter_id=p, workplace_id=w, start_date="2025-01-01", extent_percent=0), "error.out_of_range")
    rejected(db, lambda s: records.create(s, m.Placement, peer_supporter_id=p, workplace_id=999, start_date="2025-01-01"), "error.reference", "workplace_id")
    with db.begin(SYSTEM) as s:
        other = f.peer(s, "B", "B").id
    rejected(db, lambda s: supervision.log_session(s, "2025-01-01", []), "error.session_needs_participant")
    rejected(db, lambda s: supervision.log_session(s, "2025-01-01", [p, other], form="individual"), "error.individual_one_participant")
    rejected(db, lambda s: supervision.log_session(s, "2025-01-01", [p], duration_minutes=0), "error.out_of_range", "duration_minutes")
    rejected(db, lambda s: supervision.log_session(s, "1 jan", [p]), "error.invalid_date", "held_on")
    assert count(db, m.SupervisionSession) == 0 and count(db, m.SessionParticipant) == 0


def test_answers_outside_the_scale_are_refused(db):
    with db.begin(SYSTEM) as s:
        r, ins = f.round_(s), f.instrument(s, "DREEM-OK")
        rid, iid = r.id, ins.id
    err = rejected(db, lambda s: evaluation.record_response(s, rid, iid, "R1", "staff", {1: 6}), "error.answer_out_of_scale", "item_1")
    assert "between 1 and 5" in err.message
    rejected(db, lambda s: evaluation.record_response(s, rid, iid, "R1", "staff", {99: 1}), "error.unknown_item")
    assert count(db, m.QuestionnaireResponse) == 0 and count(db, m.Answer) == 0


def test_consent_must_identify_its_informant(db):
    with db.begin(SYSTEM) as s:
        st = f.study(s).id
    rejected(db, lambda s: records.create(s, m.Consent, study_id=st, informant_role="staff"), "error.informant_code_or_name")
    rejected(db, lambda s: records.create(s, m.Consent, study_id=st, informant_role="peer_supporter"), "error.required", "peer_supporter_id")
    rejected(db, lambda s: records.create(s, m.Consent, study_id=st, informant_role="patient", informant_code="X", signed_on="2025-02-01", valid_until="2025-01-01"), "error.end_before_start", "valid_until")
    assert count(db, m.Consent) == 0


def test_database_constraints_hold_even_when_services_are_bypassed(db, base):
    """The schema itself refuses what the services refuse, with a readable message."""
    rows = [
        m.ContractPeriod(peer_supporter_id=base["peer"], employer="F", form=m.EmploymentForm.FIXED_TERM, start_date=D(2025, 2, 1), end_date=D(2025, 1, 1), extent_percent=50),
        m.ContractPeriod(peer_supporter_id=base["peer"], employer="F", form=m.EmploymentForm.FIXED_TERM, start_date=D(2025, 2, 1), extent_percent=50),
        m.Placement(peer_supporter_id=base["peer"], workplace_id=base["ward"], start_date=D(2025, 2, 1), extent_percent=150),
        m.Placement(peer_supporter_id=base["peer"], workplace_id=4242, start_date=D(2025, 2, 1), extent_percent=50),
    ]
    expected = ["error.check.end_after_start", "error.check.fixed_term_has_end", "error.check.extent_range", "error.reference"]
    for row, key in zip(rows, expected):
        with pytest.raises(ValidationError) as info:
            with db.begin(SYSTEM) as s:
                s.add(row)
                records.flush(s)
        assert info.value.key == key
        assert "constraint" not in info.value.message.lower()
    assert count(db, m.ContractPeriod) == 0 and count(db, m.Placement) == 0


def test_concurrent_edit_raises_conflict_instead_of_overwriting(db, base):
    pid = base["peer"]
    with db.session(SYSTEM) as s:  # two colleagues open the same form
        loaded = records.snapshot(records.get(s, m.PeerSupporter, pid))
        version = records.get(s, m.PeerSupporter, pid).version
    with db.begin(SYSTEM) as s:  # the first saves a new phone number
        records.update(s, m.PeerSupporter, pid, version, phone="070-111")
    with pytest.raises(ConflictError) as info:  # the second saves on top of the old version
        with db.begin(SYSTEM) as s:
            records.update(s, m.PeerSupporter, pid, version, original=loaded, phone="070-222", region="Norr")
    assert info.value.changes == {"phone": "070-111"}
    assert "phone" in info.value.message
    with db.session(SYSTEM) as s:
        p = s.get(m.PeerSupporter, pid)
        assert (p.phone, p.region) == ("070-111", None)


def test_race_between_read_and_write_is_caught_by_the_version_column(db, base):
    """Two sessions read version 1; both write. The second write matches no row and is refused."""
    pid = base["peer"]
    s1, s2 = db.session(SYSTEM), db.session(SYSTEM)
    try:
        a = s1.get(m.PeerSupporter, pid)
        b = s2.get(m.PeerSupporter, pid)
        a.phone = "1"
        s1.commit()
        b.phone = "2"
        with pytest.raises(ConflictError):
            records.flush(s2)
        s2.rollback()
    finally:
        s1.close()
        s2.close()
    with db.session(SYSTEM) as s:
        assert s.get(m.PeerSupporter, pid).phone == "1"


def test_delete_with_stale_version_is_refused(db, base):
    with db.begin(SYSTEM) as s:
        records.update(s, m.Workplace, base["ward"], 1, specialty="psykos")
    with pytest.raises(ConflictError):
        with db.begin(SYSTEM) as s:
            records.delete(s, m.Workplace, base["ward"], 1)
    assert count(db, m.Workplace) == 1
