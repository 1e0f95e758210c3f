"""Issue 21, patient comments: the patient survey's "Beskriv" lines are entered beside the scale and in the
import, kept in answer.text, and reach a report only as quotes — approved after the disclosure check,
from a usable response, behind enough respondents — attributed "Patient, round N". Withdrawal and
retention take them out; export-round never carries them; the register extract shows them only to a
consent-linked respondent."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.models.base import COMMENT_LENGTH
from peerdesk.services import consent as consents
from peerdesk.services import (
    data_rights,
    evaluation,
    interview_consents,
    patient_comments,
    publication,
    records,
    response_import,
    retention,
    round_export,
    round_report,
)
from peerdesk.services.access import SYSTEM
from peerdesk.services.consent_forms import format_number
from peerdesk.services.settings import get_setting
from tests import factories as f

TODAY = dt.date(2026, 6, 1)
CLEAN = "Peer supportern får mig lugn."
ATTRIBUTION = "Patient, data collection round 1"


def _office(s, anonymous: int = 2) -> dict:
    study = f.study(s)
    rnd = f.round_(s, number=1, study_id=study.id)
    ins = f.instrument(s, "PATIENT")
    for i in range(anonymous):
        evaluation.record_response(s, rnd.id, ins.id, f"ANON-{i}", "patient", {1: 5, 2: 6, 3: 4, 4: 5},
                                   comments={1: CLEAN if i == 0 else "Bra samtal.", 5: "Fortsätt med det här."})
    return {"study": study.id, "round": rnd.id, "instrument": ins.id}


def _add_anonymous(s, ids, code: str, comment: str | None = None) -> m.QuestionnaireResponse:
    return evaluation.record_response(s, ids["round"], ids["instrument"], code, "patient", {1: 4, 2: 4, 3: 4, 4: 4},
                                      comments={2: comment} if comment else None)


def _answer(s, text: str) -> int:
    return s.scalar(select(m.Answer.id).where(m.Answer.text == text).order_by(m.Answer.id).limit(1))


def _approved_quote(s, answer_id: int, text: str | None = None) -> m.Quote:
    q = patient_comments.make_quote(s, answer_id, text=text)
    return records.update(s, m.Quote, q.id, q.version, status="approved")


def _printed(s, today=TODAY) -> list[tuple[str, str]]:
    data = round_report.gather(s, 1, lang="en", today=today, seed=1)
    return [q for qs in data.quotes.values() for q in qs]


def test_comments_are_stored_beside_the_scale_and_listed_as_candidates(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s)
        stored = dict(s.execute(select(m.InstrumentItem.number, m.Answer.text).join(m.Answer, m.Answer.item_id == m.InstrumentItem.id)
                                .join(m.QuestionnaireResponse).where(m.QuestionnaireResponse.respondent_code == "ANON-0")).all())
        assert stored == {1: CLEAN, 2: None, 3: None, 4: None, 5: "Fortsätt med det här."}
        rows = patient_comments.round_comments(s, ids["round"])
        assert [(r.item, r.text, r.role, r.quote_id) for r in rows] == [
            (1, CLEAN, "patient", None), (5, "Fortsätt med det här.", "patient", None),
            (1, "Bra samtal.", "patient", None), (5, "Fortsätt med det här.", "patient", None)]
        with pytest.raises(ValidationError) as too_long:
            _add_anonymous(s, ids, "LONG", "x" * (COMMENT_LENGTH + 1))
        assert too_long.value.message == f"Item 2: the comment can be at most {COMMENT_LENGTH} characters."
        with pytest.raises(ValidationError):
            evaluation.record_response(s, ids["round"], ids["instrument"], "BAD", "patient", {1: 4}, comments={9: "?"})
        quote = patient_comments.make_quote(s, rows[0].answer_id)
        assert (quote.text, quote.informant_role, quote.status, quote.interview_id) == (CLEAN, m.InformantRole.PATIENT,
                                                                                       m.QuoteStatus.DRAFT, None)
        assert patient_comments.make_quote(s, rows[0].answer_id).id == quote.id  # taken twice: the same quote
        assert patient_comments.round_comments(s, ids["round"])[0].quote_id == quote.id


def test_import_reads_comment_columns_and_the_open_question_and_names_the_row_of_an_over_long_comment(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=0)
    header = ["respondent_code", "roll", "1", "1 kommentar", "2", "comment_2", "3", "4", "5"]
    good = [["IMP-1", "patient", "6", "Hen lyssnar.", "5", "", "4", "3", "Bra att de finns."],
            ["IMP-2", "patient", "7", "", "", "Jag har inte bett om något stöd.", "0", "5", ""]]
    bad = good + [["IMP-3", "patient", "5", "x" * (COMMENT_LENGTH + 1), "5", "", "5", "5", ""]]
    with db.begin(SYSTEM) as s:
        preview = response_import.preview(s, ids["round"], ids["instrument"], [dict(zip(header, r)) for r in bad])
    assert [(p.row, p.message) for p in preview.problems] == [(4, f"Item 1: the comment can be at most {COMMENT_LENGTH} characters.")]
    with pytest.raises(ValidationError):
        with db.begin(SYSTEM) as s:
            response_import.commit(s, ids["round"], ids["instrument"], [dict(zip(header, r)) for r in bad])
    with db.begin(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(m.QuestionnaireResponse)) == 0  # all or nothing
        assert response_import.commit(s, ids["round"], ids["instrument"], [dict(zip(header, r)) for r in good]) == 2
    with db.session(SYSTEM) as s:
        texts = {(code, number): (value, text) for code, number, value, text in s.execute(
            select(m.QuestionnaireResponse.respondent_code, m.InstrumentItem.number, m.Answer.value, m.Answer.text)
            .join(m.Answer, m.Answer.response_id == m.QuestionnaireResponse.id).join(m.InstrumentItem, m.InstrumentItem.id == m.Answer.item_id))}
        assert texts[("IMP-1", 1)] == (6, "Hen lyssnar.") and texts[("IMP-1", 5)] == (None, "Bra att de finns.")
        assert texts[("IMP-2", 2)] == (None, "Jag har inte bett om något stöd.") and texts[("IMP-2", 3)] == (0, None)


def test_a_comment_prints_only_approved_after_the_check_and_behind_enough_patients(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=2)
        f.peer(s, first="Lena", last="Öberg")
        named = _add_anonymous(s, ids, "ANON-N", "Lena lyssnade på mig varje dag.")
        # A comment naming a registered person is refused at approval, the message naming no name.
        q = patient_comments.make_quote(s, _answer(s, "Lena lyssnade på mig varje dag."))
        with pytest.raises(ValidationError) as refused:
            with s.begin_nested():
                records.update(s, m.Quote, q.id, q.version, status="approved")
        assert "Lena" not in refused.value.message and "1" in refused.value.message
        assert named.id
        draft = patient_comments.make_quote(s, _answer(s, "Bra samtal."))
        _approved_quote(s, _answer(s, CLEAN))
        assert s.get(m.Quote, draft.id).status == m.QuoteStatus.DRAFT
        # Three usable patients (two anonymous surveys and the one whose comment was refused): it prints, the draft does not.
        assert _printed(s) == [(CLEAN, ATTRIBUTION)]
        sv = round_report.gather(s, 1, lang="sv", today=TODAY, seed=1).quotes
        assert [q for qs in sv.values() for q in qs] == [(CLEAN, "Patient, materialinsamlingsomgång 1")]
        s.delete(s.get(m.QuestionnaireResponse, named.id))
        s.flush()
        assert _printed(s) == []  # two patients behind the round: too few for min_quote_informants = 3
        _add_anonymous(s, ids, "ANON-3")
        assert _printed(s) == [(CLEAN, ATTRIBUTION)]
        # A name registered after approval: the report is refused until the text is edited.
        f.peer(s, first="Lugn", last="Karlsson")
        with pytest.raises(ValidationError) as flagged:
            round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
        assert flagged.value.key == "error.report_text_flagged"


def test_a_comment_quote_keeps_its_source_round_and_role(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=1)
        other = f.round_(s, number=2, study_id=ids["study"])
        aid = _answer(s, CLEAN)
        with pytest.raises(ValidationError):
            records.create(s, m.Quote, round_id=other.id, informant_role="patient", answer_id=aid, text=CLEAN)
        with pytest.raises(ValidationError):
            records.create(s, m.Quote, round_id=ids["round"], informant_role="staff", answer_id=aid, text=CLEAN)


def _consented_patient(s, ids, comment: str) -> int:
    consent = records.create(s, m.Consent, study_id=ids["study"], informant_role="patient", informant_code="PX-1",
                             form_number=format_number(ids["study"], 1), signed_on="2025-02-01", valid_until="2027-12-31")
    evaluation.record_response(s, ids["round"], ids["instrument"], "PX-1", "patient", {1: 3, 2: 3, 3: 3, 4: 3},
                               consent_id=consent.id, comments={3: comment})
    return consent.id


def test_withdrawal_and_retention_take_a_consented_patients_comment_out(db):
    said = "De kan föra fram det jag vill ha sagt till personalen."
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=3)
        cid = _consented_patient(s, ids, said)
        quote = _approved_quote(s, _answer(s, said))
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
        assert (said, ATTRIBUTION) in [q for qs in data.quotes.values() for q in qs]
        assert cid in data.included_consents  # so the withdrawal can list the report
        touched = interview_consents.touched_by(s, cid)
        assert [text for _id, _n, _st, text in touched.quotes] == [said]
        c = s.get(m.Consent, cid)
        consents.withdraw(s, c.id, c.version, dt.date(2026, 2, 1), None)
        assert said not in [text for text, _ in _printed(s)]
        # Not the anonymous ones': three anonymous patients still stand behind the round.
        _approved_quote(s, _answer(s, CLEAN))
        assert _printed(s) == [(CLEAN, ATTRIBUTION)]
    later = dt.date(2026, 2, 1) + dt.timedelta(days=_days(db) + 1)
    with db.begin(SYSTEM) as s:
        due = {g.table: g.ids for g in retention.due_for_deletion(s, today=later)}
        assert retention.delete_due(s, "consent", due["consent"], today=later) == 1
    with db.session(SYSTEM) as s:
        assert s.get(m.Quote, quote.id) is None  # went with the answer it was taken from
        assert s.scalar(select(func.count()).select_from(m.Answer).where(m.Answer.text == said)) == 0


def _days(db) -> int:
    with db.session(SYSTEM) as s:
        return get_setting(s, "retention.consent_days")


def test_an_expired_consent_keeps_its_comment_out(db):
    said = "Man blir mer aktiv."
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=3)
        cid = _consented_patient(s, ids, said)
        _approved_quote(s, _answer(s, said))
        c = s.get(m.Consent, cid)
        records.update(s, m.Consent, c.id, c.version, valid_until="2026-01-31")
        assert said in [text for text, _ in _printed(s, dt.date(2026, 1, 15))]
        assert said not in [text for text, _ in _printed(s, TODAY)]


def test_publication_carries_comment_quotes_and_export_round_never_carries_comments(db):
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=3)
        _approved_quote(s, _answer(s, CLEAN), text="Peer supportern får mig lugn.")
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
        assert publication.load(json.loads(json.dumps(publication.dump(data)))).quotes == data.quotes
        publication.publish(s, 1, today=TODAY)
        assert _printed(s) == [(CLEAN, ATTRIBUTION)]  # from the snapshot
        export = round_export.export_rows(s, 1, today=TODAY, seed=1)
        flat = json.dumps(export.rows, ensure_ascii=False)
        assert export.rows and CLEAN not in flat and "Fortsätt" not in flat and "item_5" not in export.columns
        assert ids


def test_register_extract_shows_comments_only_of_a_consent_linked_respondent(db):
    said = "Jag vet faktiskt inte!"
    with db.begin(SYSTEM) as s:
        ids = _office(s, anonymous=3)
        cid = _consented_patient(s, ids, said)
        _approved_quote(s, _answer(s, said))
        extract = data_rights.register_extract(s, "consent", cid, today=TODAY, lang="en")
    rows = json.dumps([sec.rows for sec in extract.sections], ensure_ascii=False, default=str)
    assert said in rows and CLEAN not in rows and "Fortsätt" not in rows
    assert {"questionnaire_response", "answer", "quote"} <= {sec.table for sec in extract.sections}
