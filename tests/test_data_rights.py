"""Withdrawal reaches the data; the register extract covers every table that references a person;
erasure leaves no reference; retention lists and deletes what is due."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import String, Text, func, select

from peerdesk import models as m
from peerdesk.errors import ConflictError
from peerdesk.models import Base
from peerdesk.services import consent as consent_svc
from peerdesk.services import consent_use, data_rights, demo, retention
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from peerdesk.services.settings import set_setting
from tests import factories as f

D = dt.date
TODAY = D(2026, 11, 25)
ADMIN = Actor(None, "admin-test", frozenset({m.Role.ADMINISTRATOR}))


def _fk_columns_to(table_name: str) -> list[tuple[str, str]]:
    """Independent of the service: every column in the schema with a foreign key to `table_name`."""
    return [(t.name, fk.parent.name) for t in Base.metadata.sorted_tables for fk in t.foreign_keys if fk.column.table.name == table_name]


def test_the_walk_reaches_every_table_that_references_a_person_or_their_consents():
    for person in ("peer_supporter", "manager"):
        reached = data_rights.tables_reached_from(person)
        direct = {t for t, _ in _fk_columns_to(person)}
        assert direct <= reached, direct - reached
        via_consent = {t for t, _ in _fk_columns_to("consent")}
        assert via_consent <= reached, via_consent - reached
        via_responses = {t for t, _ in _fk_columns_to("questionnaire_response")}
        assert via_responses <= reached
    # An applicant (until accepted, a data subject of their own) and what is recorded about their application.
    assert {t for t, _ in _fk_columns_to("applicant")} <= data_rights.tables_reached_from("applicant")
    assert "applicant" in data_rights.tables_reached_from("peer_supporter")  # an accepted applicant's leftover record


# ------------------------------------------------------------------ withdrawal reaches the data
def _evaluation(db):
    with db.begin(SYSTEM) as s:
        st = f.study(s)
        ward = f.workplace(s)
        peer = f.peer(s)
        peer_c = create(s, m.Consent, study_id=st.id, informant_role="peer_supporter", peer_supporter_id=peer.id, form_number="1-00001-x",
                        signed_on=D(2025, 2, 1), valid_until=D(2027, 12, 31))
        staff_c = create(s, m.Consent, study_id=st.id, informant_role="staff", informant_code="P01", workplace_id=ward.id,
                         signed_on=D(2025, 2, 1), valid_until=D(2027, 12, 31), scope_interviews=False)
        expired = create(s, m.Consent, study_id=st.id, informant_role="staff", informant_code="P02",
                         signed_on=D(2025, 2, 1), valid_until=D(2025, 6, 30))
        rnd = f.round_(s, study_id=st.id)
        ins = f.instrument(s)
        from peerdesk.services import evaluation

        for code, c in (("A", peer_c), ("B", staff_c), ("C", expired)):
            evaluation.record_response(s, rnd.id, ins.id, code, c.informant_role, {1: 2}, consent_id=c.id)
        evaluation.record_response(s, rnd.id, ins.id, "ANON", "patient", {1: 3})
        return st.id, rnd.id, peer_c.id, staff_c.id, expired.id


def test_withdrawal_excludes_the_data_from_later_reports_and_lists_the_earlier_ones(db):
    study_id, round_id, peer_c, staff_c, expired = _evaluation(db)
    on = D(2026, 1, 10)
    with db.begin(ADMIN) as s:
        assert consent_use.usable_consent_ids(s, study_id, "questionnaires", on) == {peer_c, staff_c}
        assert consent_use.usable_consent_ids(s, study_id, "interviews", on) == {peer_c}  # staff never covered interviews
        responses = s.execute(select(m.QuestionnaireResponse.respondent_code, m.QuestionnaireResponse.consent_id,
                                     m.QuestionnaireResponse.anonymous).order_by(m.QuestionnaireResponse.respondent_code)).all()
        used = consent_use.filter_usable(s, responses, lambda r: r.consent_id, study_id, "questionnaires", on)
        assert [r.respondent_code for r in used] == ["A", "B"]
        with_anon = consent_use.filter_usable(s, responses, lambda r: r.consent_id, study_id, "questionnaires", on, anonymous_of=lambda r: r.anonymous)
        assert [r.respondent_code for r in with_anon] == ["A", "ANON", "B"]
        first_run = consent_use.record_report_run(s, "round_report", [r.consent_id for r in used], study_id=study_id, round_id=round_id,
                                                  scope="questionnaires", output="omgang1.pdf")
    with db.begin(ADMIN) as s:
        c = s.get(m.Consent, peer_c)
        consent_svc.withdraw(s, peer_c, c.version, "2026-02-01", "Vill inte medverka")
    with db.begin(ADMIN) as s:
        later = D(2026, 2, 1)
        assert consent_use.usable_consent_ids(s, study_id, "questionnaires", later) == {staff_c}
        used = consent_use.filter_usable(s, responses, lambda r: r.consent_id, study_id, "questionnaires", later)
        assert [r.respondent_code for r in used] == ["B"]
        second_run = consent_use.record_report_run(s, "export", [r.consent_id for r in used], study_id=study_id)
        affected = consent_use.reports_affected_by(s, peer_c)
        assert [(r.id, r.kind, r.output) for r in affected] == [(first_run, "round_report", "omgang1.pdf")]
        assert [r.id for r in consent_use.reports_affected_by(s, staff_c)] == [first_run, second_run]
        assert list(consent_use.withdrawn_consents_in_reports(s)) == [peer_c]
        # Reports are audited with counts, never names or codes.
        fields = s.scalars(select(m.AuditEvent.fields).where(m.AuditEvent.action == "report")).all()
        assert fields and all("P01" not in x and "Test" not in x for x in fields)
    with db.begin(ADMIN) as s:  # undoing a withdrawal registered by mistake brings the data back, and is recorded
        c = s.get(m.Consent, peer_c)
        consent_svc.undo_withdrawal(s, peer_c, c.version)
        assert consent_use.usable_consent_ids(s, study_id, "questionnaires", D(2026, 2, 2)) == {peer_c, staff_c}
        changes = s.scalars(select(m.AuditEvent.fields).where(m.AuditEvent.table_name == "consent", m.AuditEvent.record_id == peer_c,
                                                              m.AuditEvent.action == "update")).all()
        assert len(changes) == 2


def test_an_evaluator_may_ask_but_a_coordinator_may_not(sqlite_db):
    from peerdesk.errors import AccessDenied

    study_id, *_ = _evaluation(sqlite_db)
    with sqlite_db.session(Actor(None, "e", frozenset({m.Role.EVALUATOR}))) as s:
        assert consent_use.usable_consent_ids(s, study_id, "questionnaires", D(2026, 1, 1))
    with pytest.raises(AccessDenied):
        with sqlite_db.session(Actor(None, "c", frozenset({m.Role.COORDINATOR}))) as s:
            consent_use.usable_consent_ids(s, study_id, "questionnaires", D(2026, 1, 1))


# ------------------------------------------------------------------ register extract and erasure
def _demo(db):
    with db.begin(SYSTEM) as s:
        demo.load_demo(s, today=TODAY)


def _person(s, first, last):
    return s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == first, m.PeerSupporter.last_name == last))


def _references(s, table_name: str, person_id: int) -> dict[str, int]:
    out = {}
    for t, col in _fk_columns_to(table_name):
        table = Base.metadata.tables[t]
        n = s.scalar(select(func.count()).select_from(table).where(table.c[col] == person_id))
        if n:
            out[f"{t}.{col}"] = n
    return out


def test_register_extract_covers_every_table_that_references_the_person(db, tmp_path):
    _demo(db)
    with db.begin(ADMIN) as s:
        pid = _person(s, "Åsa", "Öberg")
        study_id = s.scalar(select(m.Study.id))
        from peerdesk.services import consent_forms

        consent_forms.print_prefilled_form(s, study_id, tmp_path / "f.pdf", peer_supporter_id=pid)
        consent_id = s.scalar(select(m.Consent.id).where(m.Consent.peer_supporter_id == pid))
        consent_use.record_report_run(s, "round_report", [consent_id], study_id=study_id)
        direct = _references(s, "peer_supporter", pid)
        assert len(direct) >= 6  # placements, contracts, supervision, check-ins, consent, printed form
        extract = data_rights.register_extract(s, "peer_supporter", pid, today=TODAY)
    sections = {sec.table: sec for sec in extract.sections if not sec.context}
    for ref, n in direct.items():
        table, column = ref.split(".")
        assert table in sections, ref
        assert sum(1 for row in sections[table].rows if row[column] == pid) == n, ref
    for table in ("questionnaire_response", "answer", "report_run_consent"):  # reached through the consent
        assert sections[table].rows, table
    assert {sec.table for sec in extract.sections if sec.context} >= {"supervision_session", "workplace", "report_run"}
    # PDF and machine-readable copy.
    from peerdesk.reports.register_extract import build_register_extract

    out = tmp_path / "extract.pdf"
    build_register_extract(extract, out, "sv")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Registerutdrag" in text and "Åsa Öberg" in text and "Anställningsperioder" in text and "Samtycken" in text
    data = json.loads(json.dumps(extract.as_json()))
    assert data["person"]["id"] == pid and {s_["table"] for s_ in data["sections"]} >= set(sections)
    with db.session(ADMIN) as s:  # reading it is audited, with counts only
        detail = s.scalar(select(m.AuditEvent.fields).where(m.AuditEvent.action == "register_extract"))
        assert "Åsa" not in detail and json.loads(detail)["tables"] >= 8


def _texts_anywhere(s, needle: str) -> list[str]:
    hits = []
    for table in Base.metadata.sorted_tables:
        for col in table.columns:
            if isinstance(col.type, (String, Text)) and not getattr(col.type, "enum_class", None):
                if s.scalar(select(func.count()).select_from(table).where(col.like(f"%{needle}%"))):
                    hits.append(f"{table.name}.{col.name}")
    return hits


def test_erasure_of_a_manager_leaves_no_reference_and_says_exactly_what_goes(db):
    _demo(db)
    with db.begin(ADMIN) as s:
        mid = s.scalar(select(m.Manager.id).where(m.Manager.name == "Karin Holm"))
        before = _references(s, "manager", mid)
        assert before and _texts_anywhere(s, "Karin Holm")
        plan = data_rights.erasure_plan(s, "manager", mid, today=TODAY)
    assert plan.person_row_goes and not plan.keep
    assert plan.delete["manager"] == 1 and plan.delete["consent"] == 1 and plan.delete["manager_tenure"] == before["manager_tenure.manager_id"]
    with db.begin(ADMIN) as s:
        data_rights.erase_person(s, "manager", mid, plan, today=TODAY)
    with db.session(ADMIN) as s:
        assert s.get(m.Manager, mid) is None
        assert _references(s, "manager", mid) == {}
        assert _texts_anywhere(s, "Karin Holm") == []
        erased = s.scalars(select(m.AuditEvent.fields).where(m.AuditEvent.action == "erase")).all()
        assert erased and not any("Karin" in x for x in erased)


def test_erasure_keeps_employment_records_for_their_period_and_clears_the_rest(db):
    _demo(db)
    with db.begin(ADMIN) as s:
        pid = _person(s, "Åsa", "Öberg")
        plan = data_rights.erasure_plan(s, "peer_supporter", pid, today=TODAY)
    assert not plan.person_row_goes and plan.keep["contract_period"][0] == 2 and "contract_period" not in plan.delete
    assert plan.delete["consent"] == 1 and plan.delete["supervision_participant"] > 5 and "email" in plan.anonymise
    with db.begin(ADMIN) as s:
        data_rights.erase_person(s, "peer_supporter", pid, plan, today=TODAY)
    with db.session(ADMIN) as s:
        assert _references(s, "peer_supporter", pid) == {"contract_period.peer_supporter_id": 2}
        p = s.get(m.PeerSupporter, pid)
        assert p.email is None and p.phone is None and p.full_name == "Åsa Öberg"


def test_erasure_without_records_to_keep_removes_every_reference(db):
    _demo(db)
    with db.begin(ADMIN) as s:
        set_setting(s, "retention.contract_period_days", 30)
        pid = _person(s, "Elin", "Strand")  # left 200 days ago; her only contract ended then
        plan = data_rights.erasure_plan(s, "peer_supporter", pid, today=TODAY)
        assert plan.person_row_goes and plan.delete["contract_period"] == 1
        assert _texts_anywhere(s, "elin.strand")
    with pytest.raises(ConflictError):  # the plan shown no longer holds: nothing happens
        with db.begin(ADMIN) as s:
            f.peer  # noqa: B018
            create(s, m.CheckInAttendance, meeting_id=s.scalar(select(m.CheckInMeeting.id)), peer_supporter_id=pid, status="excused")
            data_rights.erase_person(s, "peer_supporter", pid, plan, today=TODAY)
    with db.begin(ADMIN) as s:
        data_rights.erase_person(s, "peer_supporter", pid, plan, today=TODAY)
    with db.session(ADMIN) as s:
        assert _references(s, "peer_supporter", pid) == {}
        assert s.get(m.PeerSupporter, pid) is None
        assert _texts_anywhere(s, "elin.strand") == []


# ------------------------------------------------------------------ retention
def test_retention_lists_what_is_due_and_deletes_only_that(sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        old = f.peer(s, first="Gammal", last="Person", status="left", left_on=D(2020, 1, 1))
        create(s, m.ContractPeriod, peer_supporter_id=old.id, employer="Föreningen", form="fixed_term", start_date=D(2015, 1, 1), end_date=D(2015, 12, 31))
        recent = f.peer(s, first="Ny", last="Person")
        create(s, m.ContractPeriod, peer_supporter_id=recent.id, employer="Föreningen", form="fixed_term", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))
        old_id = old.id
    with sqlite_db.begin(ADMIN) as s:
        due = {g.table: g.ids for g in retention.due_for_deletion(s, today=TODAY)}
        assert list(due) == ["contract_period"]  # the person waits until the employment record is gone
        assert retention.delete_due(s, "contract_period", due["contract_period"], today=TODAY) == 1
    with sqlite_db.begin(ADMIN) as s:
        due = {g.table: g.ids for g in retention.due_for_deletion(s, today=TODAY)}
        assert due == {"peer_supporter": (old_id,)}
        assert retention.delete_due(s, "peer_supporter", [old_id, 999], today=TODAY) == 1
    with sqlite_db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(m.PeerSupporter)) == 1


def test_the_demo_shows_a_withdrawn_consent_whose_data_is_in_earlier_reports(sqlite_db):
    _demo(sqlite_db)
    with sqlite_db.session(ADMIN) as s:
        affected = consent_use.withdrawn_consents_in_reports(s)
        (consent_id,) = affected
        assert [r.output for r in affected[consent_id]] == ["omgang-1.pdf", "omgang-2.pdf"]
        assert s.get(m.Consent, consent_id).withdrawn_on is not None
