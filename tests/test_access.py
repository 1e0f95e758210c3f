"""Deny by default: every service operation × every role, and the confidential-notes rule."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from sqlalchemy import select

import peerdesk.services as services_pkg
from peerdesk import models as m
from peerdesk.errors import AccessDenied
from peerdesk.models import Role
from peerdesk.services import access, supervision
from peerdesk.services.access import SYSTEM, Actor
from tests import factories as f

A, C, S, E = Role.ADMINISTRATOR, Role.COORDINATOR, Role.SUPERVISOR, Role.EVALUATOR
OFFICE = {A, C, S}
EVERYONE = {A, C, S, E}

# The rule for every declared operation. A new operation without a line here fails the test.
EXPECTED_OPERATIONS = {
    "contract_decisions.las_facts": {A, C},
    "contract_decisions.record_decision": {A, C},
    "contract_decisions.undo_decision": {A, C},
    "contract_decisions.record_told": {A, C},
    "contract_decisions.letter_data": {A, C},
    "contract_decisions.decision_state": {A, C},
    "workplaces.current_tenure": OFFICE,
    "workplaces.change_manager": {A, C},
    "workplaces.log_briefing": {A, C},
    "onboarding.change_stage": {A, C},
    "onboarding.date_first_contact": {A, C},
    "onboarding.stage_history": OFFICE,
    "onboarding.set_office_contact": {A, C},
    "onboarding.office_people": OFFICE,
    "onboarding.plan_briefing": {A, C},
    "onboarding.mark_held": {A, C},
    "onboarding.cancel_briefing": {A, C},
    "onboarding.ward_briefings": OFFICE,
    "onboarding.board": OFFICE,
    "onboarding.ward_onboarding": OFFICE,
    "onboarding.briefing_events": OFFICE,
    "training.add_day": {A, C},
    "training.edit_day": {A, C},
    "training.set_day_status": {A, C},
    "training.set_trainers": {A, C},
    "training.record_attendance": {A, C},
    "training.can_certify": OFFICE,
    "training.certify": {A, C},
    "training.course_days": OFFICE,
    "training.course_grid": OFFICE,
    "training.cohort_choices": OFFICE,
    "training.trainer_choices": OFFICE,
    "training.course_day_events": OFFICE,
    "training.certificate_data": {A, C},
    "training.write_certificate": {A, C},
    "supervision.log_session": {A, S},
    # Planning ahead (services/supervision_planning.py): sessions as logging them; check-ins as scheduling them.
    "supervision_planning.plan_session": {A, S},
    "supervision_planning.cadence_proposal": {A, S},
    "supervision_planning.plan_by_cadence": {A, S},
    "supervision_planning.mark_session_held": {A, S},
    "supervision_planning.cancel_session": {A, S},
    "supervision_planning.plan_checkin": {A, C, S},
    "supervision_planning.mark_checkin_held": {A, C, S},
    "supervision_planning.cancel_checkin": {A, C, S},
    "supervision_planning.planned_sessions": OFFICE,
    "supervision_planning.supervision_events": OFFICE,
    "supervision_planning.check_in_events": OFFICE,
    "calendar_export.calendar_events": OFFICE,
    "calendar_export.export_calendar": OFFICE,
    "supervision.move_session": {A, S},
    "supervision.ensure_default_topics": {A, S},
    "supervision.schedule_checkin": {A, C, S},
    "supervision.record_attendance": {A, C, S},
    "supervision.latest_session_dates": OFFICE,
    "supervision.read_notes": {A, S},
    "supervision.read_confidential": {A, S},
    "supervision.edit_session": {A, S},
    "supervision.delete_session": {A, S},
    "supervision.restore_session": {A, S},
    "supervision.participant_choices": {A, S},
    "supervision.sessions_of": OFFICE,
    "supervision.session_info": OFFICE,
    "supervision.topics": OFFICE,
    "supervision.add_topic": {A, S},
    "supervision.all_topics": OFFICE,
    "supervision.set_topic_active": {A, S},
    "supervision.checkins": OFFICE,
    "supervision.attendance_sheet": OFFICE,
    "supervision.attendance_history": OFFICE,
    "supervision_overview.overview": OFFICE,
    "supervision_overview.month_view": OFFICE,
    "supervision_summary.gather": OFFICE,
    "supervisor_assignment.history": OFFICE,
    "supervisor_assignment.supervisors": OFFICE,
    "supervisor_assignment.reassign": {A, C},
    "supervisor_assignment.reassign_caseload": {A, C},
    "consent.withdraw": {A},
    "consent.undo_withdrawal": {A},
    "consent_forms.print_blank_forms": {A},
    "consent_forms.print_prefilled_form": {A},
    "consent_forms.preview_template": {A, E},
    "consent_forms.informant_choices": {A},
    "consent_forms.lookup_form": {A},
    "consent_forms.register_returned": {A},
    "consent_forms.consent_register": {A},
    "consent_forms.study_choices": {A, E},
    "consent_forms.study_details": {A, E},
    "consent_forms.workplace_choices": {A},
    "consent_use.usable_consent_ids": {A, E},
    "consent_use.filter_usable": {A, E},
    "consent_use.record_report_run": {A, E},
    "consent_use.reports_affected_by": {A, E},
    "consent_use.withdrawn_consents_in_reports": {A, E},
    "data_rights.register_extract": {A},
    "data_rights.erasure_plan": {A},
    "data_rights.erase_person": {A},
    "data_rights.write_register_extract": {A},
    "data_rights.person_choices": {A},
    "data_rights.consent_by_form_number": {A},
    "retention.due_for_deletion": {A},
    "retention.delete_due": {A},
    **{f"recruitment.{name}": {A, C} for name in (
        "list_applicants", "get_applicant", "add_applicant", "edit_applicant", "delete_applicant", "record_interview",
        "decide", "accept", "open_cohorts", "all_cohorts", "interviewer_choices", "cohort_by_name")},
    "evaluation.load_instrument_file": {A, E},
    "evaluation.load_bundled_instruments": {A, E},
    "evaluation.latest_instrument": {A, E},
    "evaluation.record_response": {A, E},
    "evaluation.ensure_default_themes": {A, E},
    "accounts.create_user": {A},
    "accounts.create_demo_user": {A},
    "accounts.user_roles": {A},
    "accounts.list_accounts": {A},
    "accounts.find_account": {A},
    "accounts.add_account": {A},
    "accounts.edit_account": {A},
    "accounts.set_active": {A},
    "accounts.reset_password": {A},
    "settings.get_setting": EVERYONE,
    "settings.set_setting": {A},
    "settings.checked_setting": EVERYONE,
    "demo.load_demo": {A},
    "auth.change_password": EVERYONE,
    "alerts.compute_alerts": EVERYONE,  # each role gets only its own areas' alerts
    "alerts.acknowledge": EVERYONE,
    "alerts.bring_back": EVERYONE,  # only alerts the person sees
    "alerts.contract_for_follow_up": {A, C},
    "disclosure.check_quote": {A, E},
    "disclosure.check_text": {A, E},
    "disclosure.check_all_report_texts": {A, E},
    "round_report.gather": {A, E},
    "publication.publish": {A, E},
    "publication.list_publications": {A, E},
    "publication.frozen_rounds": {A, E},
    "evaluation.rounds": {A, E},
    "evaluation.instrument_defs": {A, E},
    "evaluation.round_workplaces": {A, E},
    "evaluation.missing_per_item": {A, E},
    "evaluation.round_quotes": {A, E},
    "evaluation.themes": {A, E},
    "evaluation.add_theme": {A, E},
    "evaluation.new_round": {A, E},
    "interview_consents.save_interview": {A, E},
    "interview_consents.set_participants": {A, E},
    "interview_consents.consent_choices": {A, E},
    "interview_consents.round_interviews": {A, E},
    "interview_consents.touched_by": {A, E},
    "interview_consents.consent_by_form": {A, E},
    "interview_details.load_guide_file": {A, E},
    "interview_details.load_bundled_guides": {A, E},
    "interview_details.guides": {A, E},
    "interview_details.interviewer_choices": {A, E},
    "interview_details.set_details": {A, E},
    "interview_details.set_transcript_status": {A, E},
    "interview_details.round_interview_details": {A, E},
    "survey_logistics.save_logistics": {A, E},
    "survey_logistics.round_logistics": {A, E},
    "survey_logistics.handout_suggestions": {A, E},
    "patient_comments.round_comments": {A, E},
    "patient_comments.make_quote": {A, E},
    "patient_comments.printable": {A, E},
    "evaluation.workplace_choices": {A, E},
    "evaluation.set_round_workplaces": {A, E},
    "round_report.deidentified_rows": {A, E},
    "round_report.save_section": {A, E},
    "round_report.record_produced": {A, E},
    "round_export.export_rows": {A, E},
    "round_export.record_export": {A, E},
    "round_export.statistics_table": {A, E},
    "group_letters.letters_for": {A, E},
    "consent_withdrawal.withdraw_by_form": {A},
    "consent_withdrawal.undo_withdrawal_by_form": {A},
    "response_import.preview": {A, E},
    "response_import.commit": {A, E},
    "register_import.preview": {A, C},
    "register_import.commit": {A, C},
    "office_export.export_all": {A},
    "register_export.export_register": {A, C, S, E},
    # The grant register (services/funding.py): money is the administrators' and coordinators' business.
    **{f"funding.{name}": {A, C} for name in (
        "list_grants", "get_grant", "grant_options", "save_grant", "delete_grant", "add_report", "mark_report_sent",
        "set_grant", "funding_warnings", "funding_texts", "link_funding_text")},
    # The activity report for funders: counts only, but of staff, contracts and wards: the office's managing roles.
    "activity_report.gather_activity": {A, C},
    "activity_report.scope_choices": {A, C},
    "activity_report.write_activity_report": {A, C},
}

# Functions over a Session that are not operations: generic record access (authorised per model),
# rule helpers, and the audit trail itself.
NOT_OPERATIONS = {
    "demo_contract_decisions.add_contract_decisions",  # inside demo.load_demo (administrator only)
    "demo_funding.add_grants", "demo_onboarding.load_onboarding",  # parts of demo.load_demo
    "consent_forms.registered_consent_id",  # a lookup inside authorised operations
    "workplace_wording.for_round", "workplace_wording.round_kind",  # wording read inside gather/instrument_defs
    "records.create", "records.update", "records.delete", "records.get", "records.flush", "records.run_validators",
    "records.overlapping", "records.ensure_unique", "records.build", "records.exists",
    # An import's check answers the validators from memory inside an authorised operation.
    "known_records.installed",
    "records.check_record_rights",  # the per-record guards, run inside create/update/delete (authorised per model)
    # The register lists and forms: authorised per register kind (READ_RIGHTS) and per model (WRITE_RIGHTS).
    "registers.can_read", "registers.can_write", "registers.list_ids", "registers.list_rows", "registers.load_record",
    "registers.options", "registers.person_overview", "registers.save_record", "registers.search", "registers.workplace_history",
    "listing.list_rows", "listing.counts", "audit.record", "audit.verify", "demo.is_empty",
    "demo_training.load_demo_training",  # called only by demo.load_demo (administrator)
    "supervision.may_read_notes", "access.actor_of", "access.authorize", "access.authorize_write", "access.authorize_read",
    "access._require", "access.authorize_any", "audit.browse",
    "supervision.may_read_notes", "disclosure.find_in_text",
    # The register extract in words: run inside data_rights.register_extract (administrator only).
    "extract_view.build_groups", "extract_view.inline_fields", "extract_view.merged_item",
    "supervision.may_read_notes", "retention.retention_days",
    "retention.months_before", "retention.cutoff_for",  # helpers of the retention operations
    "recruitment.stage_of",  # a pure helper
    "demo_recruitment.load_demo_recruitment",  # part of demo.load_demo (administrators)
    # Called inside operations and the person validator, which are authorised themselves.
    "supervisor_assignment.is_supervisor", "supervisor_assignment.track",
    # A full export is loaded into an empty database, which has no users to log in with: import_all checks
    # that the person is an active administrator *in the archive* (password against the loaded rows).
    "office_export.is_empty", "office_export.import_all",
    # The audit trail's protections: check() authorises administrators itself (as audit.browse does);
    # quick_status() says only whether triggers and anchors hold (db info, Settings), no entries.
    "audit_protection.check", "audit_protection.quick_status",
    # How a calendar event names a person (code or first name): inside the authorised calendar sources.
    "calendar_people.person_labels", "supervision_planning.sync_participants",
    "demo_planning.load",  # inside demo.load_demo
}


def _import_all_services():
    for info in pkgutil.iter_modules(services_pkg.__path__):
        importlib.import_module(f"peerdesk.services.{info.name}")


def test_every_function_over_a_session_is_a_declared_operation():
    _import_all_services()
    undeclared = []
    for info in pkgutil.iter_modules(services_pkg.__path__):
        module = importlib.import_module(f"peerdesk.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:1] != ["s"]:
                continue
            qualified = f"{info.name}.{name}"
            if not hasattr(fn, "operation_name") and qualified not in NOT_OPERATIONS:
                undeclared.append(qualified)
    assert not undeclared, f"service functions without a role rule: {undeclared}"
    assert set(access.OPERATIONS) == set(EXPECTED_OPERATIONS), set(access.OPERATIONS) ^ set(EXPECTED_OPERATIONS)


@pytest.mark.parametrize("operation", sorted(EXPECTED_OPERATIONS))
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_operation_allowed_or_denied_for_role(sqlite_db, operation, role):
    _import_all_services()
    actor = Actor(1, "someone", frozenset({role}))
    with sqlite_db.session(actor) as s:
        if role in EXPECTED_OPERATIONS[operation]:
            assert access.authorize(s, operation) == actor
        else:
            with pytest.raises(AccessDenied):
                access.authorize(s, operation)


@pytest.mark.parametrize("model", sorted(access.WRITE_RIGHTS, key=lambda m_: m_.__name__), ids=lambda m_: m_.__name__)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_writes_per_model_and_role(sqlite_db, model, role):
    actor = Actor(1, "someone", frozenset({role}))
    with sqlite_db.session(actor) as s:
        if role in access.WRITE_RIGHTS[model]:
            access.authorize_write(s, model)
        else:
            with pytest.raises(AccessDenied):
                access.authorize_write(s, model)


def test_every_table_has_a_write_rule():
    mapped = {mapper.class_ for mapper in m.Base.registry.mappers}
    assert mapped <= set(access.WRITE_RIGHTS), mapped - set(access.WRITE_RIGHTS)


def test_no_actor_means_no_access(sqlite_db):
    with pytest.raises(AccessDenied) as info:
        with sqlite_db.begin() as s:
            f.workplace(s)
    assert info.value.key == "error.not_logged_in"


def test_role_is_enforced_through_the_real_services(db):
    coordinator = Actor(None, "coord", frozenset({C}))
    evaluator = Actor(None, "eval", frozenset({E}))
    with db.begin(coordinator) as s:
        ward = f.workplace(s)
        ward_id = ward.id
    with pytest.raises(AccessDenied):  # evaluators do not edit wards…
        with db.begin(evaluator) as s:
            f.workplace(s, name="Not allowed")
    with pytest.raises(AccessDenied):  # …nor list people
        with db.session(evaluator) as s:
            from peerdesk.services.listing import list_rows

            list_rows(s, "people")
    with pytest.raises(AccessDenied):  # coordinators do not log supervision
        with db.begin(coordinator) as s:
            supervision.log_session(s, "2025-01-01", [f.peer(s).id])
    with db.session(SYSTEM) as s:
        assert [w.id for w in s.scalars(select(m.Workplace))] == [ward_id]


def _notes_setup(db):
    with db.begin(SYSTEM) as s:
        sup1 = f.user(s, "sup1", (S,))
        sup2 = f.user(s, "sup2", (S,))
        coord = f.user(s, "coord", (C,))
        peer = f.peer(s, supervisor_id=sup1.id)
        ses = supervision.log_session(s, "2025-01-01", [peer.id], supervisor_id=sup1.id, notes="HEMLIGT-42")
        ids = {u.username: Actor(u.id, u.username, frozenset(r.role for r in u.roles)) for u in (sup1, sup2, coord)}
        return ids, ses.id, peer.id, sup2.id


def test_notes_only_for_the_assigned_supervisor_and_administrators_and_every_read_is_audited(db):
    actors, session_id, peer_id, sup2_id = _notes_setup(db)
    with db.begin(actors["sup1"]) as s:
        assert supervision.read_notes(s, session_id) == "HEMLIGT-42"
    with db.begin(Actor(None, "admin", frozenset({A}))) as s:
        assert supervision.read_notes(s, session_id) == "HEMLIGT-42"
    for who in ("sup2", "coord"):
        with pytest.raises(AccessDenied):
            with db.begin(actors[who]) as s:
                supervision.read_notes(s, session_id)
    # Reassigning the peer supporter moves access with the assignment; the author keeps theirs.
    with db.begin(SYSTEM) as s:
        from peerdesk.services import records

        p = records.get(s, m.PeerSupporter, peer_id)
        records.update(s, m.PeerSupporter, peer_id, p.version, supervisor_id=sup2_id)
    with db.begin(actors["sup2"]) as s:
        assert supervision.read_notes(s, session_id) == "HEMLIGT-42"
    with db.session(SYSTEM) as s:
        reads = s.execute(select(m.AuditEvent.action, m.AuditEvent.username).where(m.AuditEvent.table_name == "supervision_session", m.AuditEvent.action.like("read_notes%")).order_by(m.AuditEvent.id)).all()
    assert [tuple(r) for r in reads] == [("read_notes", "sup1"), ("read_notes", "admin"), ("read_notes", "sup2")]


# ---------------------------------------------------------------- per-record rights on sessions
# Every way to write a supervision session — the specific operations, the generic record functions behind
# the register forms, and the generic create — × every kind of actor. The role rule (WRITE_RIGHTS / the
# operation's roles) lets supervisors write sessions; the per-record rule lets them write only the sessions
# of their own caseload (or that they logged), and only in their own name.
ACTORS = ("admin", "assigned", "other_supervisor", "coordinator", "evaluator")


def _caseload(db):
    """sup1 supervises the person and logged a session with notes; sup2 is another supervisor."""
    with db.begin(SYSTEM) as s:
        users = {
            "admin": f.user(s, "admin1", (A,)),
            "assigned": f.user(s, "sup1", (S,)),
            "other_supervisor": f.user(s, "sup2", (S,)),
            "coordinator": f.user(s, "coord1", (C,)),
            "evaluator": f.user(s, "eval1", (E,)),
        }
        peer = f.peer(s, supervisor_id=users["assigned"].id)
        f.peer(s, first="Ny")  # someone to add to a session
        ses = supervision.log_session(s, "2025-01-01", [peer.id], supervisor_id=users["assigned"].id, notes="HEMLIGT-42")
        actors = {k: Actor(u.id, u.username, frozenset(r.role for r in u.roles)) for k, u in users.items()}
        return actors, ses.id, ses.version, peer.id


def _session_state(db, session_id):
    with db.session(SYSTEM) as s:
        ses = s.get(m.SupervisionSession, session_id)
        if ses is None:
            return None
        return ses.held_on.isoformat(), ses.notes, ses.supervisor_id, ses.version, sorted(p.peer_supporter_id for p in ses.participants)


def _sessions_by(db, supervisor_id):
    with db.session(SYSTEM) as s:
        return s.scalars(select(m.SupervisionSession.id).where(m.SupervisionSession.supervisor_id == supervisor_id)).all()


def _attacks(actors):
    """name -> fn(s, session_id, version, peer_id): one way to write a session."""
    from peerdesk.services import records, registers

    sup1 = actors["assigned"].user_id
    return {
        "move_session": lambda s, sid, v, pid: supervision.move_session(s, sid, v, "2025-01-09"),
        "edit_session": lambda s, sid, v, pid: supervision.edit_session(
            s, sid, v, held_on="2025-01-01", duration_minutes=60, form="individual", topic_ids=[], notes="ÖVERSKRIVET"),
        "delete_session": lambda s, sid, v, pid: supervision.delete_session(s, sid, v),
        "generic_update_notes": lambda s, sid, v, pid: records.update(s, m.SupervisionSession, sid, v, notes="ÖVERSKRIVET"),
        "generic_update_date": lambda s, sid, v, pid: records.update(s, m.SupervisionSession, sid, v, held_on="2025-01-09"),
        "register_form_save": lambda s, sid, v, pid: registers.save_record(s, "sessions", sid, {"held_on": "2025-01-09"}, v),
        "generic_delete": lambda s, sid, v, pid: records.delete(s, m.SupervisionSession, sid, v),
        "generic_delete_participant": lambda s, sid, v, pid: records.delete(
            s, m.SessionParticipant, s.scalar(select(m.SessionParticipant.id).where(m.SessionParticipant.session_id == sid))),
        "generic_add_participant": lambda s, sid, v, pid: records.create(
            s, m.SessionParticipant, session_id=sid, held_on="2025-01-01",
            peer_supporter_id=s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == "Ny"))),
        "take_over_session": lambda s, sid, v, pid: records.update(
            s, m.SupervisionSession, sid, v, supervisor_id=actors["other_supervisor"].user_id),
        "log_in_other_name": lambda s, sid, v, pid: supervision.log_session(s, "2025-01-05", [pid], supervisor_id=sup1),
        "generic_create_in_other_name": lambda s, sid, v, pid: records.create(
            s, m.SupervisionSession, held_on="2025-01-05", duration_minutes=60, supervisor_id=sup1),
    }


# attack -> the actors who may; everyone else is refused and nothing changes.
EXPECTED_RECORD_RIGHTS = {
    "move_session": {"admin", "assigned"},
    "edit_session": {"admin", "assigned"},
    "delete_session": {"admin", "assigned"},
    "generic_update_notes": {"admin", "assigned"},
    "generic_update_date": {"admin", "assigned"},
    "register_form_save": {"admin", "assigned"},
    "generic_delete": {"admin", "assigned"},
    "generic_delete_participant": {"admin", "assigned"},
    "generic_add_participant": {"admin", "assigned"},
    "take_over_session": {"admin"},  # the assigned supervisor may not hand a session to another name
    "log_in_other_name": {"admin", "assigned"},  # sup1's own name is no other name for sup1
    "generic_create_in_other_name": {"admin", "assigned"},
}


def test_every_session_attack_has_a_rule():
    assert set(EXPECTED_RECORD_RIGHTS) == set(_attacks({k: Actor(1, k, frozenset()) for k in ACTORS}))


@pytest.mark.parametrize("attack", sorted(EXPECTED_RECORD_RIGHTS))
@pytest.mark.parametrize("who", ACTORS)
def test_session_write_allowed_or_refused_per_record(sqlite_db, attack, who):
    actors, session_id, version, peer_id = _caseload(sqlite_db)
    before = _session_state(sqlite_db, session_id)
    other_names = len(_sessions_by(sqlite_db, actors["assigned"].user_id))
    run = _attacks(actors)[attack]
    if who in EXPECTED_RECORD_RIGHTS[attack]:
        with sqlite_db.begin(actors[who]) as s:
            run(s, session_id, version, peer_id)
        return
    with pytest.raises(AccessDenied) as info:
        with sqlite_db.begin(actors[who]) as s:
            run(s, session_id, version, peer_id)
    assert "HEMLIGT" not in info.value.message
    assert _session_state(sqlite_db, session_id) == before
    assert len(_sessions_by(sqlite_db, actors["assigned"].user_id)) == other_names


def test_another_supervisor_can_neither_move_overwrite_delete_nor_log_in_a_colleagues_name_on_either_backend(db):
    """Issue 17, item 8, each attack as it was reproduced, on SQLite and PostgreSQL."""
    actors, session_id, version, peer_id = _caseload(db)
    before = _session_state(db, session_id)
    for name, run in _attacks(actors).items():
        with pytest.raises(AccessDenied) as info:
            with db.begin(actors["other_supervisor"]) as s:
                run(s, session_id, version, peer_id)
        assert info.value.key in ("error.session_not_yours", "error.session_other_supervisor"), name
        assert _session_state(db, session_id) == before, name
    assert _sessions_by(db, actors["assigned"].user_id) == [session_id]
    assert "Only the person's supervisor or an administrator" in AccessDenied("error.session_not_yours").message


def test_a_session_is_logged_in_the_logged_in_supervisors_name_and_an_administrator_may_name_another(db):
    actors, session_id, version, peer_id = _caseload(db)
    sup1, sup2 = actors["assigned"].user_id, actors["other_supervisor"].user_id
    with db.begin(actors["other_supervisor"]) as s:  # a stand-in logs a session: in their own name
        own = supervision.log_session(s, "2025-01-08", [peer_id]).id
    with db.begin(actors["admin"]) as s:
        named = supervision.log_session(s, "2025-01-15", [peer_id], supervisor_id=sup2).id
    with db.session(SYSTEM) as s:
        assert s.get(m.SupervisionSession, own).supervisor_id == sup2
        assert s.get(m.SupervisionSession, named).supervisor_id == sup2
    # The assigned supervisor deletes the stand-in's session and undoes that: it comes back in the stand-in's name.
    with db.begin(actors["assigned"]) as s:
        ses = s.get(m.SupervisionSession, own)
        gone = supervision.delete_session(s, own, ses.version)
    with db.begin(actors["assigned"]) as s:
        back = supervision.restore_session(s, gone).id
    with db.session(SYSTEM) as s:
        assert s.get(m.SupervisionSession, back).supervisor_id == sup2
    # A forged undo naming a colleague, by a supervisor who is not assigned, is refused.
    import dataclasses

    with pytest.raises(AccessDenied):
        with db.begin(actors["other_supervisor"]) as s:
            supervision.restore_session(s, dataclasses.replace(gone, supervisor_id=sup1))
