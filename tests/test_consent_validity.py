"""Issue 16, attack 7: data without a valid consent is never usable — not after a retention deletion,
an expiry or an import.

A retention deletion of a withdrawn consent set its responses' consent_id to NULL, and a patient's
response without a consent counted as an anonymous survey answer: the withdrawn patient's answers
came back into the report and the export. Whether a response is anonymous is now recorded when it is
entered (migration 0012), and a deleted consent takes the data collected under it along."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import consent as consents, evaluation, records, response_import, retention, round_report
from peerdesk.services.access import SYSTEM
from peerdesk.services.consent_forms import format_number
from peerdesk.services.settings import get_setting
from tests import factories as f

TODAY = dt.date(2026, 6, 1)
ANONYMOUS_PATIENTS = 6  # k is 5: the survey's figures show
WITHDRAWN_ON = dt.date(2026, 2, 1)


def _office(s) -> dict:
    """Round 1: six anonymous patient surveys answering 6, and one patient with a consent who answered 1."""
    study = f.study(s)
    rnd = f.round_(s, number=1, study_id=study.id)
    ins = f.instrument(s, "PATIENT")
    for i in range(ANONYMOUS_PATIENTS):
        evaluation.record_response(s, rnd.id, ins.id, f"ANON-{i}", "patient", {1: 6, 2: 6, 3: 6, 4: 6})
    consent = records.create(s, m.Consent, study_id=study.id, informant_role="patient", informant_code="PX-1",
                             form_number=format_number(study.id, 1), signed_on="2025-02-01", valid_until="2027-12-31")
    evaluation.record_response(s, rnd.id, ins.id, "PX-1", "patient", {1: 1, 2: 1, 3: 1, 4: 1}, consent_id=consent.id)
    return {"study": study.id, "round": rnd.id, "instrument": ins.id, "consent": consent.id}


def _seen(s, today) -> tuple[int, list[float], int]:
    """What a reader of the report and of the export sees: n of question 1, the means, the export's rows."""
    data = round_report.gather(s, 1, lang="en", today=today, seed=1)
    rows = round_report.deidentified_rows(s, 1, "PATIENT", today=today, seed=1)
    return data.patient[0].n, [q.mean for q in data.patient], len(rows)


def _delete_due_consents(s, today) -> int:
    due = {g.table: g.ids for g in retention.due_for_deletion(s, today=today)}
    return retention.delete_due(s, "consent", due.get("consent", ()), today=today)


def test_retention_deletion_of_a_withdrawn_consent_does_not_bring_the_answers_back(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s)
        assert _seen(s, TODAY) == (7, [37 / 7] * 4, 7)  # the consented patient's 1s are in
        quote = records.create(s, m.Quote, round_id=ids["round"], informant_role="patient", consent_id=ids["consent"],
                               text="Det hjälpte mig att prata med någon.", status="approved")
        c = s.get(m.Consent, ids["consent"])
        consents.withdraw(s, c.id, c.version, WITHDRAWN_ON, "vill inte")
        assert _seen(s, TODAY) == (6, [6.0] * 4, 6)
    later = WITHDRAWN_ON + dt.timedelta(days=get_setting_days(db) + 1)
    with db.begin(SYSTEM) as s:
        assert _delete_due_consents(s, later) == 1
    with db.session(SYSTEM) as s:
        assert s.get(m.Consent, ids["consent"]) is None
        assert _seen(s, later) == (6, [6.0] * 4, 6)  # the withdrawn patient's answers stay out
        # …because they went with the consent (the form promises use only while the consent holds)
        codes = set(s.scalars(select(m.QuestionnaireResponse.respondent_code)))
        assert "PX-1" not in codes and len(codes) == ANONYMOUS_PATIENTS
        assert s.scalar(select(func.count()).select_from(m.Answer).where(m.Answer.value == 1)) == 0
        assert s.get(m.Quote, quote.id) is None  # a quote collected under it goes too, rather than print unlinked
        detail = s.scalar(select(m.AuditEvent.fields).where(m.AuditEvent.action == "retention_delete"))
        assert '"questionnaire_response": 1' in detail and '"quote": 1' in detail and "PX-1" not in detail


def get_setting_days(db) -> int:
    with db.session(SYSTEM) as s:
        return get_setting(s, "retention.consent_days")


def test_a_response_left_without_its_consent_is_never_anonymous(db):
    """However a response loses its consent (a retention deletion of an older version, a row removed behind
    PeerDesk's back), the missing consent never makes it an anonymous answer."""
    with db.begin(SYSTEM) as s:
        ids = _office(s)
        s.execute(text("UPDATE questionnaire_response SET consent_id = NULL WHERE respondent_code = 'PX-1'"))
    with db.session(SYSTEM) as s:
        assert _seen(s, TODAY) == (6, [6.0] * 4, 6)
        assert s.scalar(select(m.QuestionnaireResponse.anonymous).where(m.QuestionnaireResponse.respondent_code == "PX-1")) is False


def test_an_expired_consent_keeps_the_answers_out_before_and_after_its_retention_deletion(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s)
        c = s.get(m.Consent, ids["consent"])
        records.update(s, m.Consent, c.id, c.version, valid_until="2026-01-31")
        assert _seen(s, dt.date(2026, 1, 15))[0] == 7  # still valid then
        assert _seen(s, TODAY) == (6, [6.0] * 4, 6)  # expired: out
    later = dt.date(2026, 1, 31) + dt.timedelta(days=get_setting_days(db) + 1)
    with db.begin(SYSTEM) as s:
        assert _delete_due_consents(s, later) == 1
    with db.session(SYSTEM) as s:
        assert _seen(s, later) == (6, [6.0] * 4, 6)


def _rows(*rows: tuple[str, str]) -> list[dict[str, str]]:
    return [{"respondent_code": code, "role": "patient", "consent": consent, "1": "1", "2": "1", "3": "1", "4": "1"}
            for code, consent in rows]


def test_an_imported_response_naming_an_unknown_consent_is_refused_not_made_anonymous(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s)
    rows = _rows(("IMP-1", format_number(ids["study"], 99_999)))  # a well-formed number no consent has
    with db.begin(SYSTEM) as s:
        preview = response_import.preview(s, ids["round"], ids["instrument"], rows)
    assert [p.row for p in preview.problems] == [2] and "Consent" in preview.problems[0].message
    with pytest.raises(ValidationError):
        with db.begin(SYSTEM) as s:
            response_import.commit(s, ids["round"], ids["instrument"], rows)
    with db.session(SYSTEM) as s:
        assert _seen(s, TODAY)[0] == 7 and s.scalar(select(func.count()).select_from(m.QuestionnaireResponse)) == 7


def test_an_imported_response_under_a_withdrawn_consent_stays_unusable(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s)
        c = s.get(m.Consent, ids["consent"])
        consents.withdraw(s, c.id, c.version, WITHDRAWN_ON, None)
        # the same patient's answers to a second, paper copy, typed in with the form number in lower case
        assert response_import.commit(s, ids["round"], ids["instrument"], _rows(("IMP-2", f" {format_number(ids['study'], 1).lower()} "))) == 1
    with db.session(SYSTEM) as s:
        imported = s.scalar(select(m.QuestionnaireResponse).where(m.QuestionnaireResponse.respondent_code == "IMP-2"))
        assert imported.consent_id == ids["consent"] and imported.anonymous is False
        assert _seen(s, TODAY) == (6, [6.0] * 4, 6)


def test_anonymous_is_fixed_when_entered_and_only_for_a_patient_without_consent(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s)
        with pytest.raises(ValidationError):
            evaluation.record_response(s, ids["round"], ids["instrument"], "S-1", "staff", {1: 3}, anonymous=True)
        with pytest.raises(ValidationError):
            evaluation.record_response(s, ids["round"], ids["instrument"], "PX-2", "patient", {1: 3}, consent_id=ids["consent"],
                                       anonymous=True)
        with pytest.raises(ValidationError):
            evaluation.record_response(s, ids["round"], ids["instrument"], "PX-3", "patient", {1: 3}, consent_id=99_999)
        px = s.scalar(select(m.QuestionnaireResponse).where(m.QuestionnaireResponse.respondent_code == "PX-1"))
        with pytest.raises(ValidationError):  # unlinking it and calling it anonymous is refused
            records.update(s, m.QuestionnaireResponse, px.id, px.version, consent_id=None, anonymous=True)


# ------------------------------------------------------------------ the migration


def test_the_migration_keeps_existing_anonymous_answers_usable_and_nothing_else(empty_db):
    from peerdesk.storage import migrate

    migrate.upgrade_to(empty_db, "0009")
    with empty_db.engine.begin() as conn:
        run = lambda sql: conn.execute(text(sql))  # noqa: E731
        run("INSERT INTO study (id, name, organisation, start_date, scope_interviews, scope_focus_groups, scope_questionnaires, version)"
            " VALUES (1, 'Studie', 'Föreningen', '2025-01-01', true, true, true, 1)")
        run("INSERT INTO evaluation_round (id, study_id, number, start_date, status, version) VALUES (1, 1, 1, '2025-03-01', 'collecting', 1)")
        run("INSERT INTO instrument (id, code, edition, name_sv, name_en, scale_min, scale_max, good_end, extra_value, version)"
            " VALUES (1, 'PATIENT', 1, 'Patientenkät', 'Patient survey', 1, 7, 'high', 0, 1)")
        run("INSERT INTO consent (id, study_id, informant_role, informant_code, scope_interviews, scope_focus_groups, scope_questionnaires,"
            " signed_on, valid_until, version) VALUES (1, 1, 'patient', 'PX', true, true, true, '2025-02-01', '2027-12-31', 1)")
        for rid, code, role, consent in ((1, "ANON", "patient", "NULL"), (2, "PX", "patient", "1"), (3, "STAFF", "staff", "NULL")):
            run(f"INSERT INTO questionnaire_response (id, round_id, instrument_id, respondent_code, informant_role, consent_id, version)"
                f" VALUES ({rid}, 1, 1, '{code}', '{role}', {consent}, 1)")
    migrate.upgrade_to(empty_db)
    with empty_db.engine.connect() as conn:
        flags = dict(conn.execute(text("SELECT respondent_code, anonymous FROM questionnaire_response")).all())
    assert {code: bool(v) for code, v in flags.items()} == {"ANON": True, "PX": False, "STAFF": False}
    with empty_db.session(SYSTEM) as s:
        rows = round_report.deidentified_rows(s, 1, "PATIENT", today=TODAY, seed=1)
    assert len(rows) == 2  # the anonymous answer and the consented one; the staff answer without consent is not
