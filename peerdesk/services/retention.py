"""Retention (gallring): per record type, how long it is kept after it ends; what is due; delete on confirmation.

The periods are office settings (`retention.*`, in days) with defaults here. A person's own
row is due only once the records that must outlive it (employment records) are gone, so a
deletion never takes kept records with it.

A consent that is deleted (withdrawn, or run out, and its retention period over) takes the data
collected under it along: its informant's questionnaire responses and quotes. The consent form promises
that the data is used only while the consent holds; without the consent record nobody could show it
ever did, and a response merely left without a consent would still be someone's answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import audit
from peerdesk.services.access import A, operation
from peerdesk.services.settings import get_setting


@dataclass(frozen=True)
class Rule:
    table: str
    model: type
    end_column: str  # the date the record ends
    setting: str
    extra: str | None = None  # a further condition, by name (see _extra)
    blocked_by: tuple[tuple[type, str], ...] = ()  # rows that must be gone first (model, fk column)
    months: bool = False  # the setting counts calendar months, not days


RULES: tuple[Rule, ...] = (
    Rule("contract_period", m.ContractPeriod, "end_date", "retention.contract_period_days"),
    Rule("placement", m.Placement, "end_date", "retention.placement_days"),
    Rule("supervision_session", m.SupervisionSession, "held_on", "retention.supervision_session_days"),
    Rule("checkin_meeting", m.CheckInMeeting, "held_on", "retention.checkin_meeting_days"),
    Rule("briefing", m.Briefing, "held_on", "retention.briefing_days"),
    Rule("consent", m.Consent, "valid_until", "retention.consent_days"),
    Rule("consent_form", m.ConsentForm, "printed_on", "retention.unreturned_form_days", extra="unreturned"),
    Rule("peer_supporter", m.PeerSupporter, "left_on", "retention.peer_supporter_days",
         blocked_by=((m.ContractPeriod, "peer_supporter_id"), (m.Placement, "peer_supporter_id"))),
    # An applicant once decided: a declined or not-now applicant as a whole; of an accepted one what is
    # left of the recruitment (source, story date, interview, decision) — the peer supporter stays.
    Rule("applicant", m.Applicant, "decided_on", "retention.recruitment_months", months=True),
)
RULE_BY_TABLE = {r.table: r for r in RULES}


def _where(rule: Rule, cutoff: dt.date):
    column = getattr(rule.model, rule.end_column)
    conds = [column.is_not(None), column < cutoff]
    if rule.model is m.Consent:  # a withdrawn consent ends on its withdrawal
        column = func.coalesce(m.Consent.withdrawn_on, m.Consent.valid_until)
        conds = [column.is_not(None), column < cutoff]
    if rule.extra == "unreturned":
        conds.append(m.ConsentForm.consent_id.is_(None))
    for model, fk in rule.blocked_by:
        conds.append(~select(getattr(model, fk)).where(getattr(model, fk) == rule.model.id).exists())
    return conds


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day where it has fewer days)."""
    import calendar

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def cutoff_for(s: Session, rule: Rule, today: dt.date) -> dt.date:
    """Records that ended before this day are due: kept the setting's days (or months) after they ended."""
    period = get_setting(s, rule.setting)
    return months_before(today, period) if rule.months else today - dt.timedelta(days=period)


def retention_days(s: Session, table: str) -> int | None:
    """How long a record of this kind is kept after it ends, in days (months counted as 365/12 days)."""
    rule = RULE_BY_TABLE.get(table)
    if rule is None:
        return None
    period = get_setting(s, rule.setting)
    return round(period * 365 / 12) if rule.months else period


@dataclass(frozen=True)
class DueGroup:
    table: str
    kept_days: int
    cutoff: dt.date
    ids: tuple[int, ...]


@operation(A)
def due_for_deletion(s: Session, today: dt.date | None = None) -> list[DueGroup]:
    """The review list: per record type, the records whose retention period has run out."""
    today = today or dt.date.today()
    out = []
    for rule in RULES:
        days = retention_days(s, rule.table)
        cutoff = cutoff_for(s, rule, today)
        ids = tuple(s.scalars(select(rule.model.id).where(*_where(rule, cutoff)).order_by(rule.model.id)))
        if ids:
            out.append(DueGroup(rule.table, days, cutoff, ids))
    return out


@operation(A)
def delete_due(s: Session, table: str, ids: list[int] | tuple[int, ...], today: dt.date | None = None) -> int:
    """Delete the confirmed records; each is checked again, so nothing not yet due goes."""
    today = today or dt.date.today()
    rule = RULE_BY_TABLE[table]
    cutoff = cutoff_for(s, rule, today)
    due = list(s.scalars(select(rule.model).where(rule.model.id.in_(list(ids)), *_where(rule, cutoff))))
    collected = _collected_under([obj.id for obj in due]) if rule.model is m.Consent else {}
    for model, query in collected.items():
        gone = list(s.scalars(query))
        collected[model] = len(gone)
        for obj in gone:
            s.delete(obj)
    for obj in due:
        s.delete(obj)  # through the ORM: every deletion is in the audit trail
    s.flush()
    fields = {"rows": len(due)}
    fields.update({model.__tablename__: count for model, count in collected.items() if count})
    audit.record(s, "retention_delete", table, None, fields)
    return len(due)


def _collected_under(consent_ids: list[int]) -> dict:
    """What was collected under these consents and goes with them: model -> query for its rows."""
    if not consent_ids:
        return {}
    return {model: select(model).where(model.consent_id.in_(consent_ids)).order_by(model.id)
            for model in (m.QuestionnaireResponse, m.Quote)}
