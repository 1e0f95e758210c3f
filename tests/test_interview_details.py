"""Issue 21, R3: interviews record their guide (in versions), interviewer, duration, place and what became of
the recording; focus groups and dialogue seminars are group kinds; forms handed out and returned per round
and ward give the report's response rate per informant group, suppressed like any small count."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import interview_details as details
from peerdesk.services import listing, publication, round_report, survey_logistics
from peerdesk.services.access import SYSTEM
from peerdesk.services.interview_consents import save_interview
from peerdesk.services.records import create
from tests import factories as f

D = dt.date
TODAY = D(2026, 6, 1)


def _setup(s):
    study = f.study(s)
    rnd = f.round_(s, number=1, study_id=study.id)
    return study, rnd


# ------------------------------------------------------------------ guides and details
def test_the_seeds_three_guides_load_and_an_interview_records_guide_interviewer_duration_and_place(db):
    with db.begin(SYSTEM) as s:
        loaded = details.load_bundled_guides(s)
        assert [(g.code, g.edition, g.informant_role, len(g.questions)) for g in loaded] == [
            ("GUIDE-PS", 1, "peer_supporter", 18), ("GUIDE-STAFF", 1, "staff", 13), ("GUIDE-MANAGER", 1, "manager", 10)]
        assert loaded[0].questions[0].text_sv.startswith("Vad har du generellt för upplevelser")
        assert loaded[0].questions[17].text_en == "Has your work as a peer supporter contributed to your own recovery?"
        details.load_bundled_guides(s)  # loading again refreshes, adds nothing
        assert s.scalar(select(m.InterviewGuide.id).order_by(m.InterviewGuide.id.desc())) == loaded[-1].id
        study, rnd = _setup(s)
        evaluator = f.user(s, "eva", roles=(m.Role.EVALUATOR,))
        f.user(s, "sup", roles=(m.Role.SUPERVISOR,))
        assert [name for _id, name in details.interviewer_choices(s)] == ["Eva"]
        staff = f.staff_consents(s, study.id, 1)
        guide = next(g for g in loaded if g.code == "GUIDE-STAFF")
        iv = save_interview(s, rnd.id, "individual", "staff", "2025-03-04", staff, guide_id=guide.id, interviewer_id=evaluator.id,
                            duration_minutes="55", place="Samtalsrummet, avdelning 7")
        manager_guide = next(g for g in loaded if g.code == "GUIDE-MANAGER").id
        with pytest.raises(ValidationError) as info:
            details.set_details(s, iv.id, guide_id=manager_guide)
        assert info.value.key == "error.guide_role"
        with pytest.raises(ValidationError) as info:
            details.set_details(s, iv.id, guide_id=guide.id, duration_minutes=0 - 5)
        assert info.value.field == "duration_minutes"
        iv_id = iv.id
    with db.session(SYSTEM) as s:
        (row,) = details.round_interview_details(s, rnd.id, "sv")
        assert (row.guide, row.interviewer, row.duration_minutes, row.place, row.transcript_status) == (
            "Intervjuguide ställd till personal (Bilaga 2), version 1", "Eva", 55, "Samtalsrummet, avdelning 7", "recorded")
        listed = next(r for r in listing.list_rows(s, "interviews") if r["id"] == iv_id)
        assert (listed["guide_id"], listed["interviewer_id"], listed["duration_minutes"], listed["place"], listed["transcript_status"],
                listed["recording_deleted_on"]) == (guide.id, evaluator.id, 55, "Samtalsrummet, avdelning 7", "recorded", None)


def test_a_changed_guide_in_use_keeps_its_questions_and_becomes_a_new_version(db, tmp_path):
    guide = {"code": "G", "version": 1, "informant_role": "staff", "name_sv": "Guide", "name_en": "Guide",
             "questions": [{"number": 1, "sv": "Fråga ett?", "en": "Question one?"}, {"number": 2, "sv": "Två?", "en": "Two?"}]}
    path = tmp_path / "g.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    with db.begin(SYSTEM) as s:
        g1 = details.load_guide_file(s, path)
        study, rnd = _setup(s)
        save_interview(s, rnd.id, "group", "staff", "2025-03-04", f.staff_consents(s, study.id, 2), guide_id=g1.id)
        guide["questions"].pop()
        path.write_text(json.dumps(guide), encoding="utf-8")
        with pytest.raises(ValidationError) as info:
            details.load_guide_file(s, path)
        assert info.value.key == "error.guide_in_use"
    with db.begin(SYSTEM) as s:
        guide["version"] = 2
        path.write_text(json.dumps(guide), encoding="utf-8")
        g2 = details.load_guide_file(s, path)
        assert [(g.code, g.edition, len(g.questions)) for g in details.guides(s)] == [("G", 1, 2), ("G", 2, 1)]
        assert g2.id != g1.id


# ------------------------------------------------------------------ transcript status
def test_transcript_status_moves_forward_only_and_a_deleted_recording_needs_its_date(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _setup(s)
        iv = save_interview(s, rnd.id, "individual", "staff", "2025-03-04", f.staff_consents(s, study.id, 1))
        iv_id = iv.id
        assert iv.transcript_status == m.TranscriptStatus.RECORDED
        details.set_transcript_status(s, iv_id, "transcribed", "2025-03-10")
        with pytest.raises(ValidationError) as info:
            details.set_transcript_status(s, iv_id, "deleted")  # no date
        assert info.value.key == "error.recording_deleted_date" and info.value.field == "recording_deleted_on"
        with pytest.raises(ValidationError) as info:
            details.set_transcript_status(s, iv_id, "deleted", "2025-03-01")  # before the interview
        assert info.value.key == "error.recording_deleted_before"
    with db.begin(SYSTEM) as s:
        details.set_transcript_status(s, iv_id, "coded")
        with pytest.raises(ValidationError) as info:
            details.set_transcript_status(s, iv_id, "transcribed")
        assert info.value.key == "error.transcript_backwards"
        assert "Kodad" in info.value.message or "Coded" in info.value.message
    with db.begin(SYSTEM) as s:
        details.set_transcript_status(s, iv_id, "deleted", "2025-04-01")
        with pytest.raises(ValidationError) as info:
            details.set_transcript_status(s, iv_id, "deleted", "2025-04-02")  # not again either
        assert info.value.key == "error.transcript_backwards"
    with db.session(SYSTEM) as s:
        iv = s.get(m.Interview, iv_id)
        assert (iv.transcript_status, iv.transcribed_on, iv.recording_deleted_on) == (m.TranscriptStatus.DELETED, D(2025, 3, 10), D(2025, 4, 1))
        trail = s.scalars(select(m.AuditEvent.fields).where(m.AuditEvent.action == "transcript_status", m.AuditEvent.record_id == iv_id)
                          .order_by(m.AuditEvent.id)).all()
        assert [json.loads(x) for x in trail] == [{"from": "recorded", "to": "transcribed"}, {"from": "transcribed", "to": "coded"},
                                                  {"from": "coded", "to": "deleted"}]


# ------------------------------------------------------------------ group kinds
@pytest.mark.parametrize("kind", ["focus_group", "dialogue_seminar"])
def test_focus_groups_and_dialogue_seminars_count_as_groups_and_need_the_focus_group_scope(db, kind):
    with db.begin(SYSTEM) as s:
        study, rnd = _setup(s)
        # Consents for interviews only: a group kind needs the focus-group scope, so nothing may print.
        ids = [create(s, m.Consent, study_id=study.id, informant_role="staff", informant_code=f"P{i}", signed_on=D(2025, 1, 10),
                      valid_until=D(2027, 12, 31), scope_focus_groups=False).id for i in range(3)]
        group = save_interview(s, rnd.id, kind, "staff", "2025-03-04", ids)
        create(s, m.Quote, round_id=rnd.id, informant_role="staff", text="Vi lärde oss av varandra.", status="approved",
               interview_id=group.id)
        data = round_report.gather(s, 1, lang="en", today=TODAY)
        assert data.method == [("Staff", 0, 3, 0)]  # three participants of a group, no individual interview
        assert data.quotes == {}
        for cid in ids:
            s.get(m.Consent, cid).scope_focus_groups = True
        s.flush()
        data = round_report.gather(s, 1, lang="en", today=TODAY)
        assert [q for qs in data.quotes.values() for q in qs] == [("Vi lärde oss av varandra.", "Staff member, data collection round 1")]
        with pytest.raises(ValidationError):
            save_interview(s, rnd.id, "individual", "staff", "2025-03-05", ids[:2])  # an individual interview is one person


# ------------------------------------------------------------------ logistics and response rates
def _round_with_forms(s, staff_returned=9, peer_returned=3):
    study, rnd = _setup(s)
    ward_a, ward_b = f.workplace(s, "Avdelning A", contact_name="Kim Kontakt"), f.workplace(s, "Avdelning B")
    s.add_all([m.RoundWorkplace(round_id=rnd.id, workplace_id=w.id) for w in (ward_a, ward_b)])
    s.flush()
    ins = f.instrument(s)
    from peerdesk.services import evaluation

    staff = f.staff_consents(s, study.id, staff_returned)
    for i, cid in enumerate(staff):
        evaluation.record_response(s, rnd.id, ins.id, f"S{i}", "staff", {it.number: 2 for it in ins.items}, consent_id=cid,
                                   workplace_id=(ward_a if i % 2 else ward_b).id)
    survey_logistics.save_logistics(s, rnd.id, ward_a.id, "staff", 6, 5, "Kim Kontakt")
    survey_logistics.save_logistics(s, rnd.id, ward_b.id, "staff", 6, staff_returned - 5, "Eva Chef")
    survey_logistics.save_logistics(s, rnd.id, ward_a.id, "peer_supporter", 4, peer_returned)
    survey_logistics.save_logistics(s, rnd.id, ward_b.id, "patient", 10, None)  # not counted back yet: left out
    return rnd, ward_a, ward_b


def test_forms_handed_out_and_returned_give_the_response_rate_and_small_counts_are_hidden(db, tmp_path):
    with db.begin(SYSTEM) as s:
        rnd, ward_a, ward_b = _round_with_forms(s)
        assert survey_logistics.handout_suggestions(s, ward_a.id) == ["Kim Kontakt"]
        rows = survey_logistics.round_logistics(s, rnd.id)
        assert [(r.ward, r.role, r.handed_out, r.handed_out_by, r.returned) for r in rows] == [
            ("Avdelning A", "peer_supporter", 4, "", 3), ("Avdelning A", "staff", 6, "Kim Kontakt", 5),
            ("Avdelning B", "patient", 10, "", None), ("Avdelning B", "staff", 6, "Eva Chef", 4)]
        survey_logistics.save_logistics(s, rnd.id, ward_b.id, "staff", 6, 4, "Eva Chefsson")  # corrected, not doubled
        assert len(survey_logistics.round_logistics(s, rnd.id)) == 4
        with pytest.raises(ValidationError) as info:
            survey_logistics.save_logistics(s, rnd.id, ward_a.id, "staff", 6, 7)
        assert info.value.key == "error.returned_more_than_handed_out" and "7" in info.value.message
        other = f.workplace(s, "Avdelning C")
        with pytest.raises(ValidationError) as info:
            survey_logistics.save_logistics(s, rnd.id, other.id, "staff", 6, 2)
        assert info.value.key == "error.logistics_ward_not_in_round"
    with db.session(SYSTEM) as s:
        data = round_report.gather(s, 1, lang="sv", today=TODAY)
    # Staff: 9 of 12 returned (75 %), 9 usable. Peer supporters: 3 returned (< 5): neither the count nor the rate.
    rates = {label: rest for label, *rest in data.response_rates}
    assert rates["Personal"] == [12, 9, 0.75, 9]
    assert rates["Peer supportrar"] == [4, None, None, 0]
    assert len(rates) == 2  # the patients' forms are not counted back yet

    from pypdf import PdfReader

    from peerdesk.reports.round_report import build

    out = tmp_path / "r.pdf"
    build(data, str(out))
    pdf = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "Svarsfrekvens" in pdf and "75 %" in pdf
    assert "Peer supportrar 4 – – 0" in " ".join(pdf.split())
    assert "Kim Kontakt" not in pdf and "Avdelning A" not in pdf


def test_a_usable_count_hidden_in_the_method_table_hides_the_returned_count_too(db):
    with db.begin(SYSTEM) as s:
        _round_with_forms(s, staff_returned=9)
        s.execute(m.SurveyLogistics.__table__.update().where(m.SurveyLogistics.informant_role == "peer_supporter")
                  .values(handed_out=8, returned=6))
        data = round_report.gather(s, 1, lang="en", today=TODAY)
        rates = {label: rest for label, *rest in data.response_rates}
        assert rates["Peer supporters"] == [8, 6, 0.75, 0]  # six back, none entered yet: nothing hidden to give back
        # Two peer supporters' questionnaires entered: a usable count below k is hidden, so is the returned count.
        ins = f.instrument(s)
        from peerdesk.services import evaluation

        study_id = s.scalar(select(m.EvaluationRound.study_id))
        for i in range(2):
            peer = f.peer(s, last=f"P{i}")
            c = create(s, m.Consent, study_id=study_id, informant_role="peer_supporter", peer_supporter_id=peer.id,
                       signed_on=D(2025, 1, 10), valid_until=D(2027, 12, 31))
            evaluation.record_response(s, s.scalar(select(m.EvaluationRound.id)), ins.id, f"PS{i}", "peer_supporter", {1: 2},
                                       consent_id=c.id)
        data = round_report.gather(s, 1, lang="en", today=TODAY)
        rates = {label: rest for label, *rest in data.response_rates}
        assert rates["Peer supporters"] == [8, None, None, None]


def test_a_publication_keeps_the_response_rates(db):
    with db.begin(SYSTEM) as s:
        _round_with_forms(s)
        data = round_report.gather(s, 1, lang="sv", today=TODAY)
        assert data.response_rates
        again = publication.load(json.loads(json.dumps(publication.dump(data))))
        assert again.response_rates == data.response_rates
        publication.publish(s, 1, today=TODAY)
    with db.begin(SYSTEM) as s:
        # Later counts do not change the published report.
        s.execute(m.SurveyLogistics.__table__.update().values(handed_out=20))
        frozen = round_report.gather(s, 1, lang="sv", today=TODAY)
        assert frozen.response_rates == data.response_rates


# ------------------------------------------------------------------ migration
def test_the_migration_keeps_existing_interviews_and_allows_the_new_kinds(backend, request, tmp_path):
    from peerdesk.storage import migrate
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from tests.conftest import TEST_KEY

    if backend == "sqlite":
        database = open_database(DatabaseTarget("sqlite", path=tmp_path / "old.db"), TEST_KEY, create=True)
    else:
        database = request.getfixturevalue("pg_databases").open()
    try:
        migrate.upgrade_to(database, "0013")
        with database.engine.begin() as conn:
            conn.execute(text("INSERT INTO evaluation_round (id, number, start_date, status, version) VALUES (1, 1, '2025-03-01', 'collecting', 1)"))
            conn.execute(text("INSERT INTO interview (id, round_id, kind, informant_role, held_on, participants, version) "
                              "VALUES (3, 1, 'individual', 'staff', '2025-03-02', 1, 1), (4, 1, 'group', 'staff', '2025-03-03', 4, 1)"))
            conn.execute(text("INSERT INTO quote (id, round_id, informant_role, interview_id, text, status, version) "
                              "VALUES (5, 1, 'staff', 4, 'Ett citat.', 'approved', 1)"))
        migrate.upgrade_to(database)
        assert migrate.schema_state(database).is_current
        assert migrate.schema_matches_models(database) == []
        with database.engine.begin() as conn:
            assert conn.execute(text("SELECT id, kind, participants, transcript_status, guide_id FROM interview ORDER BY id")).all() == [
                (3, "individual", 1, "recorded", None), (4, "group", 4, "recorded", None)]
            assert conn.execute(text("SELECT interview_id FROM quote")).scalar() == 4
            conn.execute(text("INSERT INTO interview (id, round_id, kind, informant_role, held_on, participants, version) "
                              "VALUES (6, 1, 'dialogue_seminar', 'staff', '2025-03-04', 5, 1)"))
        with pytest.raises(Exception):
            with database.engine.begin() as conn:
                conn.execute(text("UPDATE interview SET transcript_status = 'lost' WHERE id = 3"))
        from tests.test_quote_consents import _downgrade

        _downgrade(database, "0013")
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT id, kind FROM interview ORDER BY id")).all() == [(3, "individual"), (4, "group"), (6, "group")]
    finally:
        if backend == "sqlite":
            database.dispose()


# ------------------------------------------------------------------ the command line
def test_list_interviews_shows_the_details_headless(tmp_path):
    from tests.test_cli import run

    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "evaluator", "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    assert run(env, "demo").returncode == 0
    result = run(env, "list", "interviews", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 24  # three rounds of six peer supporters, a staff group and a manager
    first = rows[0]
    assert {"guide_id", "interviewer_id", "duration_minutes", "place", "transcript_status", "recording_deleted_on"} <= set(first)
    assert (first["transcript_status"], first["duration_minutes"], first["place"]) == ("deleted", 45, "Kansliet, samtalsrummet")
    assert first["recording_deleted_on"] and first["guide_id"] and first["interviewer_id"]
    table = run(env, "list", "interviews")
    assert "transcript_status" in table.stdout.splitlines()[0] and "coded" in table.stdout
