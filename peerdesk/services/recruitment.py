"""Recruitment: applicants, their interview, the decision, and acceptance into a cohort in one step.

An applicant is recorded with where they heard of the programme, the date their written story came
(never its text) and their interview (date, who interviewed). The decision is one of: accepted into a
cohort, not now, declined — with a reason. Accepting makes the applicant a peer supporter in that
cohort in the same unit of work: name, contact details and region move to the new peer supporter
(status "in training", the cohort set) and are cleared on the applicant, so they are held once. What is
left of the applicant (source, story date, interview, decision) is deleted on the recruitment
retention setting, like a declined or not-now applicant (services/retention.py).

Administrators and coordinators recruit. Every change is in the audit trail (field names and ids only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.models import Applicant, ApplicantDecision, ApplicantInterviewer, ApplicantSource
from peerdesk.services import audit, records
from peerdesk.services.access import A, C, operation
from peerdesk.services.records import validates
from peerdesk.services.validation import check_email, parse_date, require

# Where an applicant stands, in the order the path goes; the list filters by these.
STAGES = ("applied", "story_received", "interviewed", "accepted", "not_now", "declined")
# What the person's details are when they become a peer supporter: carried over, then cleared here.
CARRIED_OVER = ("first_name", "last_name", "email", "phone", "address", "region")
# Fields an add or edit form sets; the decision is made with decide/accept, the interview with record_interview.
FORM_FIELDS = CARRIED_OVER + ("source", "applied_on", "story_received_on")
DECISIONS = (ApplicantDecision.NOT_NOW.value, ApplicantDecision.DECLINED.value)


@validates(Applicant)
def _check_applicant(s: Session, a: Applicant) -> None:
    if a.peer_supporter_id is None:
        require(a.first_name, "first_name")
        require(a.last_name, "last_name")
    check_email(a.email)
    if a.applied_on and a.story_received_on and a.story_received_on < a.applied_on:
        raise ValidationError("error.story_before_application", field="story_received_on")
    if a.interviewed_on and a.story_received_on and a.interviewed_on < a.story_received_on:
        raise ValidationError("error.interview_before_story", field="interviewed_on")
    if a.decided_on and a.interviewed_on and a.decided_on < a.interviewed_on:
        raise ValidationError("error.decision_before_interview", field="decided_on")


@dataclass(frozen=True)
class ApplicantRow:
    id: int
    version: int
    name: str  # the peer supporter's name once accepted
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    address: str | None
    region: str | None
    source: str
    applied_on: dt.date | None
    story_received_on: dt.date | None
    interviewed_on: dt.date | None
    interviewers: tuple[str, ...]
    interviewer_user_ids: tuple[int, ...]
    interviewer_names: tuple[str, ...]
    decision: str
    decision_reason: str | None
    decided_on: dt.date | None
    cohort_id: int | None
    cohort_name: str | None
    peer_supporter_id: int | None
    stage: str


def stage_of(decision: str, interviewed_on, story_received_on) -> str:
    if decision != ApplicantDecision.PENDING.value:
        return decision
    if interviewed_on is not None:
        return "interviewed"
    return "story_received" if story_received_on is not None else "applied"


def _stage_filter(stage: str):
    a = Applicant
    pending = a.decision == ApplicantDecision.PENDING
    if stage in DECISIONS or stage == "accepted":
        return a.decision == ApplicantDecision(stage)
    if stage == "interviewed":
        return pending & a.interviewed_on.is_not(None)
    if stage == "story_received":
        return pending & a.interviewed_on.is_(None) & a.story_received_on.is_not(None)
    if stage == "applied":
        return pending & a.interviewed_on.is_(None) & a.story_received_on.is_(None)
    raise ValidationError("error.invalid_choice", field="stage")


@operation(A, C)
def list_applicants(s: Session, *, stage: str | None = None, cohort_id: int | None = None,
                    applicant_id: int | None = None) -> list[ApplicantRow]:
    """Every applicant and where they stand, newest application first; filtered by stage and cohort in SQL."""
    a, p, c = Applicant, m.PeerSupporter, m.Cohort
    first = func.coalesce(p.first_name, a.first_name)
    last = func.coalesce(p.last_name, a.last_name)
    q = (select(a.id, a.version, first.label("first"), last.label("last"), func.coalesce(p.email, a.email).label("email"),
                func.coalesce(p.phone, a.phone).label("phone"), func.coalesce(p.address, a.address).label("address"),
                func.coalesce(p.region, a.region).label("region"), a.source, a.applied_on, a.story_received_on,
                a.interviewed_on, a.decision, a.decision_reason, a.decided_on, a.cohort_id, c.name.label("cohort"),
                a.peer_supporter_id)
         .outerjoin(p, p.id == a.peer_supporter_id).outerjoin(c, c.id == a.cohort_id)
         .order_by(a.applied_on.desc().nulls_last(), a.id.desc()))
    if stage:
        q = q.where(_stage_filter(stage))
    if cohort_id is not None:
        q = q.where(a.cohort_id == cohort_id)
    if applicant_id is not None:
        q = q.where(a.id == applicant_id)
    rows = s.execute(q).all()
    who = _interviewers(s, [r.id for r in rows])
    out = []
    for r in rows:
        names, user_ids, free = who.get(r.id, ((), (), ()))
        out.append(ApplicantRow(
            r.id, r.version, f"{r.first or ''} {r.last or ''}".strip(), r.first, r.last, r.email, r.phone, r.address, r.region,
            r.source.value, r.applied_on, r.story_received_on, r.interviewed_on, names, user_ids, free,
            r.decision.value, r.decision_reason, r.decided_on, r.cohort_id, r.cohort, r.peer_supporter_id,
            stage_of(r.decision.value, r.interviewed_on, r.story_received_on)))
    return out


def _interviewers(s: Session, ids: list[int]) -> dict[int, tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]]:
    """Per applicant: (names shown, office user ids, free-text names) — one query for the whole list."""
    out: dict[int, tuple[list, list, list]] = {}
    i, u = ApplicantInterviewer, m.User
    for chunk in range(0, len(ids), 500):
        q = (select(i.applicant_id, i.user_id, i.name, u.display_name).outerjoin(u, u.id == i.user_id)
             .where(i.applicant_id.in_(ids[chunk:chunk + 500])).order_by(i.applicant_id, i.id))
        for applicant_id, user_id, name, display in s.execute(q):
            shown, users, free = out.setdefault(applicant_id, ([], [], []))
            if user_id is not None:
                users.append(user_id)
                shown.append(display)
            elif name:
                free.append(name)
                shown.append(name)
    return {k: (tuple(a), tuple(b), tuple(c)) for k, (a, b, c) in out.items()}


@operation(A, C)
def get_applicant(s: Session, applicant_id: int) -> ApplicantRow:
    rows = list_applicants(s, applicant_id=applicant_id)
    if not rows:
        raise NotFoundError("error.not_found", kind="applicant", id=applicant_id)
    return rows[0]


def _form(fields: dict) -> dict:
    unknown = set(fields) - set(FORM_FIELDS)
    if unknown:
        raise TypeError(f"applicant has no form field {sorted(unknown)!r}")
    if fields.get("source") is not None and not isinstance(fields["source"], ApplicantSource):
        try:
            fields["source"] = ApplicantSource(str(fields["source"]).strip())
        except ValueError:
            raise ValidationError("error.invalid_choice", field="source") from None
    return fields


@operation(A, C)
def add_applicant(s: Session, **fields) -> int:
    """A new applicant (pending). Fields: FORM_FIELDS; the source defaults to "other"."""
    fields = _form(dict(fields))
    fields.setdefault("source", ApplicantSource.OTHER)
    return records.create(s, Applicant, **fields).id


@operation(A, C)
def edit_applicant(s: Session, applicant_id: int, expected_version: int, **changes) -> int:
    """Change an applicant's details; once accepted, the person's details are edited on the peer supporter."""
    changes = _form(dict(changes))
    a = records.get(s, Applicant, applicant_id)
    if a.peer_supporter_id is not None and set(changes) & set(CARRIED_OVER):
        raise ValidationError("error.applicant_details_on_peer", field="first_name")
    return records.update(s, Applicant, applicant_id, expected_version, **changes).version


@operation(A, C)
def delete_applicant(s: Session, applicant_id: int, expected_version: int | None = None) -> None:
    """Remove an applicant (a withdrawn application, an entry made by mistake); a peer supporter made from them stays."""
    records.delete(s, Applicant, applicant_id, expected_version)


@operation(A, C)
def record_interview(s: Session, applicant_id: int, expected_version: int, on: dt.date | str | None,
                     interviewer_user_ids=(), interviewer_names=()) -> int:
    """The interview's date and who interviewed: office users and/or names (a guest, an earlier cohort's peer supporter)."""
    on = parse_date(on, "interviewed_on", required=False) if not isinstance(on, dt.date) else on
    names = [n.strip() for n in interviewer_names if n and n.strip()]
    user_ids = list(dict.fromkeys(int(u) for u in interviewer_user_ids))
    if on is None and (names or user_ids):
        raise ValidationError("error.required", field="interviewed_on")
    for uid in user_ids:
        if not records.exists(s, m.User, uid):
            raise ValidationError("error.reference", field="interviewers")
    a = records.update(s, Applicant, applicant_id, expected_version, interviewed_on=on)
    for old in list(a.interviewers):
        a.interviewers.remove(old)
    records.flush(s)
    for uid in user_ids:
        a.interviewers.append(records.build(s, ApplicantInterviewer, applicant_id=a.id, user_id=uid))
    for name in dict.fromkeys(names):
        a.interviewers.append(records.build(s, ApplicantInterviewer, applicant_id=a.id, name=name))
    records.flush(s)
    return a.version


def _today(on) -> dt.date:
    if on is None:
        return dt.date.today()
    return on if isinstance(on, dt.date) else parse_date(on, "decided_on")


@operation(A, C)
def decide(s: Session, applicant_id: int, decision: str, reason: str | None, on: dt.date | str | None = None,
           expected_version: int | None = None) -> int:
    """Not now, or declined, with a reason. Accepting goes through `accept` (it makes the peer supporter)."""
    if decision not in DECISIONS:
        raise ValidationError("error.invalid_choice", field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("error.required", field="decision_reason")
    a = records.get(s, Applicant, applicant_id)
    if a.decision == ApplicantDecision.ACCEPTED:
        raise ValidationError("error.applicant_already_accepted")
    version = a.version if expected_version is None else expected_version
    a = records.update(s, Applicant, applicant_id, version, decision=decision, decision_reason=reason, decided_on=_today(on))
    return a.version


@dataclass(frozen=True)
class Accepted:
    applicant_id: int
    peer_supporter_id: int
    cohort_id: int
    cohort_name: str


@operation(A, C)
def accept(s: Session, applicant_id: int, cohort_id: int | None, *, on: dt.date | str | None = None,
           reason: str | None = None, expected_version: int | None = None) -> Accepted:
    """Accept into a cohort: in this one unit of work the applicant becomes a peer supporter in training in the
    cohort, with their name, contact details and region — nothing else — and those are cleared on the applicant."""
    on = _today(on)
    a = records.get(s, Applicant, applicant_id)
    if a.decision == ApplicantDecision.ACCEPTED or a.peer_supporter_id is not None:
        raise ValidationError("error.applicant_already_accepted")
    if expected_version is not None and a.version != expected_version:
        from peerdesk.errors import ConflictError

        raise ConflictError(changes=records.snapshot(a), fields="-")
    cohort = s.get(m.Cohort, cohort_id) if isinstance(cohort_id, int) and 0 < cohort_id < 2**31 else None
    if cohort is None:
        raise ValidationError("error.cohort_unknown", field="cohort_id")
    if cohort.end_date is not None and cohort.end_date < on:
        raise ValidationError("error.cohort_ended", field="cohort_id", date=cohort.end_date.isoformat())
    peer = records.create(s, m.PeerSupporter, **{k: getattr(a, k) for k in CARRIED_OVER},
                          status=m.PeerStatus.IN_TRAINING, cohort_id=cohort.id)
    records.update(s, Applicant, a.id, a.version, decision=ApplicantDecision.ACCEPTED, cohort_id=cohort.id,
                   decided_on=on, decision_reason=(reason or "").strip() or None, peer_supporter_id=peer.id,
                   **{k: None for k in CARRIED_OVER})
    audit.record(s, "accept_applicant", "applicant", a.id, {"peer_supporter_id": peer.id, "cohort_id": cohort.id})
    return Accepted(a.id, peer.id, cohort.id, cohort.name)


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@operation(A, C)
def open_cohorts(s: Session, today: dt.date | None = None) -> list[Choice]:
    """Cohorts an applicant can still be accepted into (not ended), latest start first."""
    today = today or dt.date.today()
    c = m.Cohort
    q = select(c.id, c.name).where(or_(c.end_date.is_(None), c.end_date >= today)).order_by(c.start_date.desc(), c.id.desc())
    return [Choice(i, name) for i, name in s.execute(q)]


@operation(A, C)
def all_cohorts(s: Session) -> list[Choice]:
    """Every cohort (for the list's filter), latest start first."""
    c = m.Cohort
    return [Choice(i, name) for i, name in s.execute(select(c.id, c.name).order_by(c.start_date.desc(), c.id.desc()))]


@operation(A, C)
def interviewer_choices(s: Session) -> list[Choice]:
    """Office users who can be named as interviewers (active accounts)."""
    u = m.User
    q = select(u.id, u.display_name).where(u.active.is_(True)).order_by(u.display_name)
    return [Choice(i, name) for i, name in s.execute(q)]


@operation(A, C)
def cohort_by_name(s: Session, name: str) -> int:
    """A cohort's id by its name (the command line names cohorts)."""
    found = s.scalar(select(m.Cohort.id).where(m.Cohort.name == (name or "").strip()))
    if found is None:
        raise ValidationError("error.cohort_unknown", field="cohort_id")
    return found
