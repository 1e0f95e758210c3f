"""Interviews and the consents of the people in them.

An interview holds every participant's consent (`InterviewParticipant`): one for an individual
interview, several for a group interview or focus group. A quote belongs to an interview, and
the round report prints it only while every participant's consent may be used
(services/round_report._quotes). `person_key` says who a consent's subject is, so that the
"at least k informants" rule counts people, not interviews or consents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import t
from peerdesk.services import audit
from peerdesk.services.access import A, E, operation
from peerdesk.services.records import create, flush, get


def person_key(role, peer_supporter_id: int | None, manager_id: int | None, code: str | None, name: str | None) -> tuple:
    """Who a consent's subject is: the peer supporter or manager by id; staff and patients by the code
    they were registered with (else by name, folded). Two consents of one person give the same key
    (e.g. a consent signed again after the first expired); a code is one person wherever it was used,
    which can only make the count smaller, never larger."""
    role = m.InformantRole(role)
    if role == m.InformantRole.PEER_SUPPORTER:
        return (role.value, "id", peer_supporter_id)
    if role == m.InformantRole.MANAGER:
        return (role.value, "id", manager_id)
    if code and code.strip():
        return (role.value, "code", code.strip().casefold())
    return (role.value, "name", " ".join((name or "").split()).casefold())


def scope_of(kind) -> str:
    """The consent scope an interview needs: focus groups for a group kind (group interview, focus group,
    dialogue seminar), interviews otherwise."""
    return "focus_groups" if m.InterviewKind(kind) in m.GROUP_KINDS else "interviews"


def _check_consents(s: Session, rnd: m.EvaluationRound, kind, role, consent_ids: list[int], participants: int) -> list[m.Consent]:
    consents = []
    for cid in consent_ids:
        c = s.get(m.Consent, cid)
        if c is None:
            raise ValidationError("error.reference", field="consent_ids")
        consents.append(c)
    if m.InterviewKind(kind) == m.InterviewKind.INDIVIDUAL and len(consents) > 1:
        raise ValidationError("error.individual_one_participant", field="consent_ids")
    seen = set()
    for c in consents:
        if rnd.study_id is None or c.study_id != rnd.study_id:
            raise ValidationError("error.interview_consent_study", field="consent_ids", form=c.form_number or c.id)
        if m.InformantRole(c.informant_role) != m.InformantRole(role):
            raise ValidationError("error.interview_consent_role", field="consent_ids", form=c.form_number or c.id)
        key = person_key(c.informant_role, c.peer_supporter_id, c.manager_id, c.informant_code, c.informant_name)
        if key in seen:
            raise ValidationError("error.interview_same_person", field="consent_ids", form=c.form_number or c.id)
        seen.add(key)
    if participants < len(consents):
        raise ValidationError("error.interview_more_consents", field="participants", n=len(consents), participants=participants)
    return consents


@operation(A, E)
def save_interview(s: Session, round_id: int, kind: str, informant_role: str, held_on: dt.date | str, consent_ids: list[int],
                   participants: int | None = None, workplace_id: int | None = None,
                   profession: str | None = None, **details) -> m.Interview:
    """Log an interview with its participants' consents. `participants` defaults to the number of
    consents (at least 1); it may be larger while some consents are still to be linked — the
    interview's quotes then wait, since not every participant's consent is known. `details`: guide_id,
    interviewer_id, duration_minutes, place (services/interview_details.set_details). `profession`: a staff
    or case-manager interview's profession (e.g. the dietitians' focus group), never shown in a report."""
    rnd = get(s, m.EvaluationRound, round_id)
    ids = list(dict.fromkeys(int(i) for i in consent_ids))
    count = participants if participants is not None else max(1, len(ids))
    _check_consents(s, rnd, kind, informant_role, ids, count)
    iv = create(s, m.Interview, round_id=round_id, kind=kind, informant_role=informant_role, held_on=held_on,
                participants=count, workplace_id=workplace_id, profession=profession or None)
    s.add_all([m.InterviewParticipant(interview_id=iv.id, consent_id=cid) for cid in ids])
    flush(s)
    audit.record(s, "interview_participants", "interview", iv.id, {"consents": len(ids)})
    if details:
        from peerdesk.services.interview_details import set_details

        set_details(s, iv.id, **details)
    return iv


@operation(A, E)
def set_participants(s: Session, interview_id: int, consent_ids: list[int]) -> None:
    """Replace an interview's participants' consents (a missed form linked later, a wrong one removed)."""
    iv = get(s, m.Interview, interview_id)
    ids = list(dict.fromkeys(int(i) for i in consent_ids))
    _check_consents(s, get(s, m.EvaluationRound, iv.round_id), iv.kind, iv.informant_role, ids, max(iv.participants, len(ids)))
    if len(ids) > iv.participants:
        iv.participants = len(ids)
    current = {p.consent_id: p for p in s.scalars(select(m.InterviewParticipant).where(m.InterviewParticipant.interview_id == iv.id))}
    for cid, p in current.items():
        if cid not in ids:
            s.delete(p)
    s.add_all([m.InterviewParticipant(interview_id=iv.id, consent_id=cid) for cid in ids if cid not in current])
    flush(s)
    audit.record(s, "interview_participants", "interview", iv.id, {"consents": len(ids)})


@dataclass(frozen=True)
class ConsentChoice:
    id: int
    form_number: str | None
    role: str
    subject: str  # the informant's code, if any: never a name (the evaluator does not see the people register)
    status: str  # "usable", "withdrawn", "expired", "unsigned"
    scopes: tuple[str, ...]


def _status(c, on: dt.date) -> str:
    if c.withdrawn_on is not None:
        return "withdrawn"
    if c.signed_on is None or c.signed_on > on:
        return "unsigned"
    if c.valid_until is not None and c.valid_until < on:
        return "expired"
    return "usable"


@operation(A, E)
def consent_choices(s: Session, round_id: int, on: dt.date | None = None) -> list[ConsentChoice]:
    """The consents of the round's study, for picking an interview's participants by form number: the
    number, the role, a staff or patient code and whether the consent may be used today — no names."""
    on = on or dt.date.today()
    rnd = get(s, m.EvaluationRound, round_id)
    if rnd.study_id is None:
        return []
    out = []
    for c in s.scalars(select(m.Consent).where(m.Consent.study_id == rnd.study_id).order_by(m.Consent.form_number, m.Consent.id)):
        subject = c.informant_code or ""  # the form number names the paper; names stay out of the evaluator's view
        scopes = tuple(sc for sc in ("interviews", "focus_groups", "questionnaires") if getattr(c, f"scope_{sc}"))
        out.append(ConsentChoice(c.id, c.form_number, c.informant_role.value, subject, _status(c, on), scopes))
    return out


@dataclass(frozen=True)
class InterviewRow:
    id: int
    held_on: str
    kind: str
    role: str
    participants: int
    forms: tuple[str, ...]  # the participants' consent form numbers (or #id)


@operation(A, E)
def round_interviews(s: Session, round_id: int) -> list[InterviewRow]:
    """A round's interviews with their participants' consents, for choosing a quote's interview."""
    ivs = list(s.scalars(select(m.Interview).where(m.Interview.round_id == round_id).order_by(m.Interview.held_on, m.Interview.id)))
    forms: dict[int, list[str]] = {iv.id: [] for iv in ivs}
    for iid, cid, number in s.execute(
        select(m.InterviewParticipant.interview_id, m.Consent.id, m.Consent.form_number)
        .join(m.Consent, m.Consent.id == m.InterviewParticipant.consent_id)
        .where(m.InterviewParticipant.interview_id.in_(list(forms))).order_by(m.Consent.form_number, m.Consent.id)
    ):
        forms[iid].append(number or f"#{cid}")
    return [InterviewRow(iv.id, iv.held_on.isoformat(), iv.kind.value, iv.informant_role.value, iv.participants, tuple(forms[iv.id]))
            for iv in ivs]


@dataclass(frozen=True)
class Touched:
    """What a consent reaches in the evaluation: the interviews it is a participant of, and their quotes."""

    interviews: list[tuple[int, int, str, str, str]]  # (id, round number, date, kind, role)
    quotes: list[tuple[int, int, str, str]]  # (id, round number, status, the text's beginning)


@operation(A, E)
def touched_by(s: Session, consent_id: int) -> Touched:
    """The interviews and quotes a consent touches (quotes from its interviews and from the comments written
    on its questionnaires), for the withdrawal: those quotes stop printing."""
    Iv, IP, Q, R = m.Interview, m.InterviewParticipant, m.Quote, m.EvaluationRound
    interviews = [(i, n, d.isoformat(), k.value, r.value) for i, n, d, k, r in s.execute(
        select(Iv.id, R.number, Iv.held_on, Iv.kind, Iv.informant_role).join(IP, IP.interview_id == Iv.id)
        .join(R, R.id == Iv.round_id).where(IP.consent_id == consent_id).order_by(R.number, Iv.held_on, Iv.id))]
    ids = [row[0] for row in interviews]
    linked = Q.interview_id.in_(ids) if ids else False
    from sqlalchemy import or_

    quotes = [(i, n, st.value, text[:80]) for i, n, st, text in s.execute(
        select(Q.id, R.number, Q.status, Q.text).join(R, R.id == Q.round_id)
        .where(or_(linked, Q.consent_id == consent_id, Q.answer_id.in_(_comments_of(consent_id)))).order_by(R.number, Q.id))]
    return Touched(interviews, quotes)


def _comments_of(consent_id: int):
    """The answers (with their written comments) of the questionnaires answered under a consent."""
    return select(m.Answer.id).join(m.QuestionnaireResponse, m.QuestionnaireResponse.id == m.Answer.response_id).where(
        m.QuestionnaireResponse.consent_id == consent_id)


def touched_lines(touched: Touched, lang: str | None = None) -> list[str]:
    """The interviews and quotes a consent is in, one line each, for the withdrawal dialog and the CLI."""
    lines = [t("ui.consents.touched_interview", lang, round=n, day=day, kind=t(f"ui.eval.kind.{kind}", lang).lower(),
               role=t(f"report.role.{role}", lang).lower()) for _id, n, day, kind, role in touched.interviews]
    lines += [t("ui.consents.touched_quote", lang, round=n, status=t(f"ui.eval.status.{status}", lang),
                text=text if len(text) < 80 else text[:79] + "…") for _id, n, status, text in touched.quotes]
    return lines


@operation(A, E)
def consent_by_form(s: Session, form_number: str) -> int:
    """The id of the consent registered from this form number (as typed or scanned)."""
    from peerdesk.services.consent_forms import registered_consent_id

    cid = registered_consent_id(s, form_number)
    if cid is None:
        raise ValidationError("error.form_unknown", field="form_number", number=(form_number or "").strip())
    return cid
