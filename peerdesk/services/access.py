"""Who may do what: deny by default, enforced in the service layer.

Each Session carries the Actor it works for (`s.info["actor"]`, set by
`Database.session(actor)` / `Database.begin(actor)`). Every service operation
declares the roles that may call it — domain operations with `@operation(...)`,
generic record changes through `WRITE_RIGHTS` per model, listings through
`READ_RIGHTS` — and `authorize()` refuses anyone else, whether the call comes
from the window, the CLI, a report or an export.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, TypeVar

from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import AccessDenied
from peerdesk.models import Role

A = Role.ADMINISTRATOR
C = Role.COORDINATOR
S = Role.SUPERVISOR
E = Role.EVALUATOR


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    roles: frozenset[Role]
    # Logged in with a one-time password: nothing but choosing one's own password is allowed.
    must_change_password: bool = False

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))


# In-process maintenance (schema creation, demo data, tests): every role, no user.
SYSTEM = Actor(None, "system", frozenset(Role))

# Who may create, change and delete records of each model.
WRITE_RIGHTS: dict[type, frozenset[Role]] = {
    m.Cohort: frozenset({A, C}),
    m.PeerSupporter: frozenset({A, C}),
    m.Workplace: frozenset({A, C}),
    m.Manager: frozenset({A, C}),
    m.ManagerTenure: frozenset({A, C}),
    m.Briefing: frozenset({A, C}),
    m.BriefingAttendee: frozenset({A, C}),
    m.WorkplaceStageChange: frozenset({A, C}),  # written by onboarding.change_stage / mark_held with the stage
    m.Placement: frozenset({A, C}),
    m.ContractPeriod: frozenset({A, C}),
    m.Grant: frozenset({A, C}),
    m.GrantCoverage: frozenset({A, C}),
    m.GrantReport: frozenset({A, C}),
    m.Applicant: frozenset({A, C}),
    m.ApplicantInterviewer: frozenset({A, C}),
    m.SupervisionSession: frozenset({A, S}),
    m.SessionParticipant: frozenset({A, S}),
    m.SupervisionTopic: frozenset({A, S}),
    m.SupervisorAssignment: frozenset({A, C}),  # written with the person's supervisor_id, never on its own
    m.CourseDay: frozenset({A, C}),
    m.CourseTrainer: frozenset({A, C}),
    m.CourseAttendance: frozenset({A, C}),
    m.Certification: frozenset({A, C}),  # written by training.certify, which checks the attendance rule
    m.CheckInMeeting: frozenset({A, C, S}),
    m.CheckInAttendance: frozenset({A, C, S}),
    m.Study: frozenset({A, E}),
    m.Consent: frozenset({A}),
    m.ConsentForm: frozenset({A}),
    m.ReportRun: frozenset({A, E}),
    m.ReportRunConsent: frozenset({A, E}),
    m.GroupLetter: frozenset({A, E}),  # drawn by group_letters.letters_for when a report or export first needs it
    m.EvaluationRound: frozenset({A, E}),
    m.RoundWorkplace: frozenset({A, E}),
    m.Interview: frozenset({A, E}),
    m.InterviewParticipant: frozenset({A, E}),
    m.InterviewGuide: frozenset({A, E}),
    m.GuideQuestion: frozenset({A, E}),
    m.SurveyLogistics: frozenset({A, E}),
    m.Instrument: frozenset({A, E}),
    m.InstrumentItem: frozenset({A, E}),
    m.QuestionnaireResponse: frozenset({A, E}),
    m.Answer: frozenset({A, E}),
    m.Theme: frozenset({A, E}),
    m.Quote: frozenset({A, E}),
    m.ReportSection: frozenset({A, E}),
    m.Publication: frozenset({A, E}),
    m.User: frozenset({A}),
    m.UserRole: frozenset({A}),
    m.Setting: frozenset({A}),
    m.AlertAck: frozenset({A}),  # written by alerts.acknowledge, which checks that the person sees the alert
    m.AuditEvent: frozenset(),  # written only by the audit trail itself
}

_OFFICE = frozenset({A, C, S})
# Who may list records of each kind (by the CLI's kind names).
READ_RIGHTS: dict[str, frozenset[Role]] = {
    "people": _OFFICE,
    "cohorts": _OFFICE,
    "workplaces": _OFFICE,
    "managers": _OFFICE,
    "tenures": _OFFICE,
    "briefings": _OFFICE,
    "placements": _OFFICE,
    "contracts": frozenset({A, C}),
    "grants": frozenset({A, C}),  # the funding register: money is the office's business, not supervisors' or evaluators'
    "sessions": _OFFICE,  # that a session took place; notes are read through supervision.read_notes
    "checkins": _OFFICE,
    "studies": frozenset({A, C, E}),
    "consents": frozenset({A, E}),
    "rounds": frozenset({A, E}),
    "interviews": frozenset({A, E}),
    "instruments": frozenset({A, E}),
    "responses": frozenset({A, E}),
    "quotes": frozenset({A, E}),
    "users": frozenset({A}),
    "applicants": frozenset({A, C}),  # recruitment (services/recruitment.py)
}

# Domain operations registered by @operation: name -> roles.
OPERATIONS: dict[str, frozenset[Role]] = {}

F = TypeVar("F", bound=Callable)


def actor_of(s: Session) -> Actor:
    actor = s.info.get("actor")
    if not isinstance(actor, Actor):
        raise AccessDenied("error.not_logged_in")
    return actor


# What a person logged in with a one-time password may do before choosing their own.
WHILE_PASSWORD_MUST_CHANGE = frozenset({"auth.change_password"})


def _require(s: Session, roles: frozenset[Role], operation_name: str | None = None) -> Actor:
    actor = actor_of(s)
    if actor.must_change_password and operation_name not in WHILE_PASSWORD_MUST_CHANGE:
        raise AccessDenied("error.must_change_password")
    if not actor.roles & roles:
        raise AccessDenied("error.access_denied")
    return actor


def authorize_any(s: Session, roles: set[Role] | frozenset[Role]) -> Actor:
    """For checks that are not a whole operation (maintenance commands, the audit browser)."""
    return _require(s, frozenset(roles))


def authorize(s: Session, operation_name: str) -> Actor:
    roles = OPERATIONS.get(operation_name)
    if roles is None:  # deny by default: an operation nobody declared is nobody's
        raise AccessDenied("error.access_denied")
    return _require(s, roles, operation_name)


def authorize_write(s: Session, model: type) -> Actor:
    return _require(s, WRITE_RIGHTS.get(model, frozenset()))


def authorize_read(s: Session, kind: str) -> Actor:
    return _require(s, READ_RIGHTS.get(kind, frozenset()))


def operation(*roles: Role) -> Callable[[F], F]:
    """Declare a service operation and the roles that may call it; checked on every call."""

    def wrap(fn: F) -> F:
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
        OPERATIONS[name] = frozenset(roles)

        @functools.wraps(fn)
        def checked(s: Session, *args, **kwargs):
            authorize(s, name)
            return fn(s, *args, **kwargs)

        checked.operation_name = name  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return wrap
