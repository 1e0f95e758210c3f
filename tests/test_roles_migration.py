"""Migration 0016 (issue #21, Housing First roles): an office's evaluation data from before it survives
the upgrade on both databases, and afterwards clients, case managers and professions are accepted
exactly as the models allow them (the CHECKs the migration writes are the ones a new database has)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from peerdesk.storage import migrate




def _old_office(conn) -> None:
    """Rows as a 0013 database holds them: a study, a staff consent, a response, an interview, a quote."""
    run = lambda sql, **kw: conn.execute(text(sql), kw)  # noqa: E731
    columns = {c["name"] for c in inspect(conn).get_columns("workplace")}
    if "stage_since" in columns:  # a database from 0021 on: a ward has an onboarding stage since a date
        run("INSERT INTO workplace (id, name, organisation, kind, active, version, stage, stage_since) "
            "VALUES (1, 'Avd 1', 'Klinik', 'inpatient', true, 1, 'contacted', '2025-01-01')")
    else:
        run("INSERT INTO workplace (id, name, organisation, kind, active, version) VALUES (1, 'Avd 1', 'Klinik', 'inpatient', true, 1)")
    run("INSERT INTO study (id, name, organisation, start_date, scope_interviews, scope_focus_groups, scope_questionnaires, version) "
        "VALUES (1, 'Studien', 'NSPH', '2025-01-01', true, true, true, 1)")
    run("INSERT INTO consent (id, study_id, informant_role, informant_code, workplace_id, scope_interviews, scope_focus_groups, "
        "scope_questionnaires, signed_on, version) VALUES (1, 1, 'staff', 'P01', 1, true, true, true, '2025-01-10', 1)")
    run("INSERT INTO evaluation_round (id, study_id, number, start_date, status, version) VALUES (1, 1, 1, '2025-02-01', 'collecting', 1)")
    run("INSERT INTO instrument (id, code, edition, name_sv, name_en, scale_min, scale_max, good_end, version) "
        "VALUES (1, 'RKI', 1, 'RKI', 'RKI', 1, 5, 'high', 1)")
    run("INSERT INTO questionnaire_response (id, round_id, instrument_id, respondent_code, informant_role, workplace_id, consent_id, "
        "anonymous, version) VALUES (1, 1, 1, 'ST-1', 'staff', 1, 1, false, 1)")
    run("INSERT INTO interview (id, round_id, kind, informant_role, held_on, participants, version) "
        "VALUES (1, 1, 'individual', 'staff', '2025-03-03', 1, 1)")
    run("INSERT INTO interview_participant (interview_id, consent_id) VALUES (1, 1)")
    run("INSERT INTO quote (id, round_id, informant_role, interview_id, text, status, version) "
        "VALUES (1, 1, 'staff', 1, 'Det har satt sig.', 'approved', 1)")


def _client_consent(conn, id_, code="K01", role="client", profession=None) -> None:
    extra = ", profession" if profession else ""
    conn.execute(text(
        f"INSERT INTO consent (id, study_id, informant_role, informant_code{extra}, scope_interviews, scope_focus_groups, "
        f"scope_questionnaires, version) VALUES (:id, 1, :role, :code{extra.replace(', ', ', :')}, true, true, true, 1)"),
        {"id": id_, "code": code, "role": role, "profession": profession})


def test_0016_keeps_the_data_and_accepts_the_new_roles(empty_db):
    migrate.upgrade_to(empty_db, "0013")
    with empty_db.engine.begin() as conn:
        _old_office(conn)
    with pytest.raises(IntegrityError):  # before: a client is no informant role
        with empty_db.engine.begin() as conn:
            _client_consent(conn, 2)
    migrate.upgrade_to(empty_db)
    assert migrate.schema_state(empty_db).is_current and migrate.schema_matches_models(empty_db) == []
    with empty_db.engine.begin() as conn:
        assert conn.execute(text("SELECT informant_role, informant_code, profession FROM consent")).all() == [("staff", "P01", None)]
        assert conn.execute(text("SELECT respondent_code, informant_role, consent_id FROM questionnaire_response")).all() == [("ST-1", "staff", 1)]
        assert conn.execute(text("SELECT informant_role FROM interview")).scalar() == "staff"
        assert conn.execute(text("SELECT interview_id, consent_id FROM interview_participant")).all() == [(1, 1)]
        assert conn.execute(text("SELECT text, status FROM quote")).all() == [("Det har satt sig.", "approved")]
        _client_consent(conn, 2)
        _client_consent(conn, 3, code="H01", role="case_manager", profession="social_worker")
        conn.execute(text("UPDATE questionnaire_response SET profession = 'dietitian'"))
        conn.execute(text("INSERT INTO quote (id, round_id, informant_role, text, status, version) VALUES (2, 1, 'client', 'Ett hem.', 'draft', 1)"))
    for bad in ({"code": None, "role": "client"}, {"code": "X", "role": "resident"}, {"code": "Y", "role": "staff", "profession": "pilot"}):
        with pytest.raises(IntegrityError):  # still checked: identified by code, a known role, a known profession
            with empty_db.engine.begin() as conn:
                _client_consent(conn, 9, **bad)


def test_new_database_checks_the_same_as_a_migrated_one(empty_db):
    assert migrate.ensure_schema(empty_db) == "created"
    with empty_db.engine.begin() as conn:
        _old_office(conn)
        _client_consent(conn, 2, role="case_manager", profession="nurse")
    with pytest.raises(IntegrityError):
        with empty_db.engine.begin() as conn:
            _client_consent(conn, 3, code=None)
