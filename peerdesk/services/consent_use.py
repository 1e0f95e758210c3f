"""Which consents may feed a report or export, and which produced reports used which consents.

Every round report and export asks here before it uses evaluation data: data from an
informant whose consent was withdrawn, has expired, was never signed, or never covered the
scope (interviews, focus groups, questionnaires) is left out. Each report records the
consents it used (`record_report_run`), so a later withdrawal lists the reports already
produced with that informant's data (`reports_affected_by`) and the evaluator can act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Consent, ReportRun, ReportRunConsent
from peerdesk.services import audit
from peerdesk.services.access import A, E, actor_of, operation

SCOPES = ("interviews", "focus_groups", "questionnaires")
T = TypeVar("T")


def _scope_column(scope: str):
    if scope not in SCOPES:
        raise ValidationError("error.invalid_choice", field="scope")
    return getattr(Consent, f"scope_{scope}")


def usable_clause(study_id: int, scope: str, on: dt.date):
    """SQL condition on `consent` for "may be used on `on`": for queries that filter in the database."""
    return and_(
        Consent.study_id == study_id,
        _scope_column(scope).is_(True),
        Consent.signed_on.is_not(None),
        Consent.signed_on <= on,
        Consent.withdrawn_on.is_(None),
        or_(Consent.valid_until.is_(None), Consent.valid_until >= on),
    )


@operation(A, E)
def usable_consent_ids(s: Session, study_id: int, scope: str, on: dt.date | None = None) -> set[int]:
    """Ids of the consents whose informants' data may be used in `scope` in a report made on `on`."""
    on = on or dt.date.today()
    return set(s.scalars(select(Consent.id).where(usable_clause(study_id, scope, on))))


@operation(A, E)
def filter_usable(s: Session, rows: Iterable[T], consent_of: Callable[[T], int | None], study_id: int, scope: str,
                  on: dt.date | None = None, *, anonymous_of: Callable[[T], bool] | None = None) -> list[T]:
    """The rows whose consent may be used. A row without a consent is kept only if `anonymous_of(row)`
    says it was recorded as anonymous when it was entered (an anonymous patient survey never asked for a
    consent): a missing consent alone — deleted by retention, or never found — is never enough."""
    allowed = usable_consent_ids(s, study_id, scope, on)
    out = []
    for row in rows:
        cid = consent_of(row)
        if (cid is None and anonymous_of is not None and anonymous_of(row)) or (cid is not None and cid in allowed):
            out.append(row)
    return out


@operation(A, E)
def record_report_run(s: Session, kind: str, consent_ids: Iterable[int], *, study_id: int | None = None,
                      round_id: int | None = None, scope: str | None = None, output: str | None = None,
                      produced_at: dt.datetime | None = None) -> int:
    """Remember that a report or export was produced now (or at `produced_at`, for imported history) from these consents' data."""
    ids = sorted({int(i) for i in consent_ids})
    run = ReportRun(kind=kind, study_id=study_id, round_id=round_id, scope=scope, output=output, produced_by_id=actor_of(s).user_id)
    if produced_at is not None:
        run.produced_at = produced_at
    s.add(run)
    s.flush()
    if ids:
        s.add_all([ReportRunConsent(run_id=run.id, consent_id=i) for i in ids])
        s.flush()
    audit.record(s, "report", "report_run", run.id, {"kind": kind, "consents": len(ids)})
    return run.id


@dataclass(frozen=True)
class ReportRunInfo:
    id: int
    kind: str
    study_id: int | None
    round_id: int | None
    scope: str | None
    produced_at: dt.datetime
    output: str | None
    round_number: int | None = None
    version: int | None = None  # a publication's version (kind "publication")


def _info(run: ReportRun, s: Session | None = None) -> ReportRunInfo:
    number = version = None
    if s is not None and run.round_id is not None:
        from peerdesk.models import EvaluationRound, Publication

        number = s.scalar(select(EvaluationRound.number).where(EvaluationRound.id == run.round_id))
        if run.kind == "publication":
            version = s.scalar(select(Publication.version).where(Publication.run_id == run.id))
    return ReportRunInfo(run.id, run.kind, run.study_id, run.round_id, run.scope, run.produced_at, run.output, number, version)


@operation(A, E)
def reports_affected_by(s: Session, consent_id: int) -> list[ReportRunInfo]:
    """Reports and exports already produced that included this consent's data, oldest first."""
    q = (select(ReportRun).join(ReportRunConsent, ReportRunConsent.run_id == ReportRun.id)
         .where(ReportRunConsent.consent_id == consent_id).order_by(ReportRun.produced_at, ReportRun.id))
    return [_info(r, s) for r in s.scalars(q)]


@operation(A, E)
def withdrawn_consents_in_reports(s: Session) -> dict[int, list[ReportRunInfo]]:
    """For the alerts: withdrawn consents whose data is in reports produced before the withdrawal."""
    q = (select(ReportRunConsent.consent_id, ReportRun)
         .join(ReportRun, ReportRun.id == ReportRunConsent.run_id)
         .join(Consent, Consent.id == ReportRunConsent.consent_id)
         .where(Consent.withdrawn_on.is_not(None))
         .order_by(ReportRunConsent.consent_id, ReportRun.produced_at))
    out: dict[int, list[ReportRunInfo]] = {}
    for consent_id, run in s.execute(q):
        out.setdefault(consent_id, []).append(_info(run, s))
    return out
