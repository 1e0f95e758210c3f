"""The decision about a contract period's end, and telling the person in time.

Peer supporters in the source report kept asking whether they would "jobba kvar efter jul". A period
with an end date gets a decision: it *continues* (the next period is created in the same step, from
the day after the end, and checked by the same rules as any period: no overlap, and a fixed-term
continuation may not take the person past the LAS conversion limit), it *ends* (the end date stays;
the letter states the LAS facts), or it is still *undecided*. A decision can be taken back until the
person has been told; the day they were told (the letter handed over) is recorded, and that clears
the `contract_decision_due` alert (services/alerts.py). Every change goes through the audit trail
(flush listener); producing the letter is recorded too.

LAS facts, counted from the recorded periods up to the period's end (limits are settings):
- fixed-term days within the last five years (`alerts.fixed_term_window_years`); more than
  `alerts.fixed_term_limit_days` converts särskild visstidsanställning to permanent (LAS 5 a §);
- employment days within the last three years: more than twelve months means the person must be told
  at least one month before the end (LAS 15 §);
- preferential right to re-employment (företrädesrätt, LAS 25 §): since 1 October 2022, more than
  nine months of särskild visstidsanställning within the last three years (`las.preferential_right_months`;
  twelve months for other forms).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.models import ContinuationDecision, ContractPeriod, EmploymentForm, ToldHow
from peerdesk.services import audit
from peerdesk.services.access import A, C, actor_of, operation
from peerdesk.services.records import create, flush, get
from peerdesk.services.validation import parse_date

DAY = dt.timedelta(days=1)
MONTH_DAYS = 365.25 / 12


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class LasFacts:
    """What the law says at the end of a period, from the recorded periods (plain values)."""

    end_date: dt.date
    fixed_term_days: int  # within the last `window_years` years up to the end
    window_years: int
    limit_days: int
    employed_days_3y: int  # any form, within the last three years up to the end
    notice_required: bool  # more than 12 months in 3 years: told at least one month before the end (LAS 15 §)
    notice_by: dt.date  # one month before the end
    preferential_right: bool  # företrädesrätt (LAS 25 §)
    preferential_months: int

    @property
    def over_limit(self) -> bool:
        return self.fixed_term_days > self.limit_days


def _days_within(periods, first: dt.date, last: dt.date, form: EmploymentForm | None = None) -> int:
    total = 0
    for p_start, p_end, p_form in periods:
        if form is not None and p_form != form:
            continue
        start, end = max(p_start, first), min(p_end or last, last)
        if end >= start:
            total += (end - start).days + 1
    return total


def _one_month_before(day: dt.date) -> dt.date:
    month, year = (day.month - 1, day.year) if day.month > 1 else (12, day.year - 1)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def _facts(s: Session, peer_id: int, end: dt.date, extra=()) -> LasFacts:
    from peerdesk.services.alerts import Thresholds
    from peerdesk.services.settings import get_setting

    th = Thresholds.load(s)
    months = int(get_setting(s, "las.preferential_right_months"))
    periods = list(s.execute(select(ContractPeriod.start_date, ContractPeriod.end_date, ContractPeriod.form)
                             .where(ContractPeriod.peer_supporter_id == peer_id, ContractPeriod.start_date <= end))) + list(extra)
    five = _years_before(end, th.fixed_term_window_years) + DAY
    three = _years_before(end, 3) + DAY
    fixed = _days_within(periods, five, end, EmploymentForm.FIXED_TERM)
    fixed_3y = _days_within(periods, three, end, EmploymentForm.FIXED_TERM)
    employed = _days_within(periods, three, end)
    return LasFacts(
        end_date=end, fixed_term_days=fixed, window_years=th.fixed_term_window_years, limit_days=th.fixed_term_limit_days,
        employed_days_3y=employed, notice_required=employed > 12 * MONTH_DAYS, notice_by=_one_month_before(end),
        preferential_right=fixed_3y > months * MONTH_DAYS or employed > 12 * MONTH_DAYS, preferential_months=months,
    )


@operation(A, C)
def las_facts(s: Session, contract_id: int) -> LasFacts:
    c = get(s, ContractPeriod, contract_id)
    if c.end_date is None:
        raise ValidationError("error.decision_no_end", field="end_date")
    return _facts(s, c.peer_supporter_id, c.end_date)


def _decidable(c: ContractPeriod) -> None:
    if c.end_date is None:
        raise ValidationError("error.decision_no_end", field="end_date")
    if c.told_on is not None and c.continuation_decision != ContinuationDecision.UNDECIDED:
        raise ValidationError("error.decision_already_told", field="continuation_decision", date=c.told_on.isoformat())


def _undo(s: Session, c: ContractPeriod) -> None:
    if c.follow_on_id is not None:
        follow = s.get(ContractPeriod, c.follow_on_id)
        if follow is not None and follow.continuation_decision != ContinuationDecision.UNDECIDED:
            # The next period has its own decision: taking this one back would leave that one hanging.
            raise ValidationError("error.decision_follow_on_decided", field="continuation_decision")
        c.follow_on_id = None
        flush(s)
        if follow is not None:
            s.delete(follow)
    c.continuation_decision = ContinuationDecision.UNDECIDED
    c.decided_on = c.decided_by_id = None
    flush(s)


@operation(A, C)
def record_decision(s: Session, contract_id: int, decision: str, *, end_date=None, extent_percent: int | None = None,
                    form: str | None = None, today: dt.date | None = None) -> ContractPeriod:
    """Record what happens at the period's end. `continues` creates the next period (start = end + 1 day;
    `end_date` required for a fixed-term one; extent, form, employer and grant as before unless given).
    A decision already made is replaced (its follow-on period removed) as long as nobody was told."""
    today = today or dt.date.today()
    try:
        decision = ContinuationDecision(decision)
    except ValueError:
        raise ValidationError("error.invalid_choice", field="continuation_decision") from None
    c = get(s, ContractPeriod, contract_id)
    from peerdesk.services.access import authorize_write

    authorize_write(s, ContractPeriod)
    _decidable(c)
    if c.continuation_decision != ContinuationDecision.UNDECIDED:
        _undo(s, c)
    if decision == ContinuationDecision.UNDECIDED:
        return c
    if decision == ContinuationDecision.CONTINUES:
        new_form = EmploymentForm(form) if form else c.form
        new_end = parse_date(end_date, "end_date") if end_date not in (None, "") else None
        if new_form == EmploymentForm.FIXED_TERM:
            if new_end is None:
                raise ValidationError("error.fixed_term_needs_end", field="end_date")
            start = c.end_date + DAY
            if new_end >= start:
                facts = _facts(s, c.peer_supporter_id, new_end, extra=[(start, new_end, EmploymentForm.FIXED_TERM)])
                if facts.over_limit:
                    raise ValidationError("error.decision_over_las_limit", field="end_date", n=facts.fixed_term_days,
                                          limit=facts.limit_days)
        follow = create(s, ContractPeriod, peer_supporter_id=c.peer_supporter_id, employer=c.employer, form=new_form,
                        start_date=c.end_date + DAY, end_date=new_end,
                        extent_percent=extent_percent if extent_percent is not None else c.extent_percent,
                        funding_source=c.funding_source, grant_id=c.grant_id)
        c.follow_on_id = follow.id
    c.continuation_decision = decision
    c.decided_on = today
    c.decided_by_id = actor_of(s).user_id
    flush(s)
    return c


@operation(A, C)
def undo_decision(s: Session, contract_id: int) -> ContractPeriod:
    """Take a decision back (and remove the period it created) — only before the person was told."""
    from peerdesk.services.access import authorize_write

    authorize_write(s, ContractPeriod)
    c = get(s, ContractPeriod, contract_id)
    _decidable(c)
    if c.continuation_decision == ContinuationDecision.UNDECIDED:
        raise ValidationError("error.decision_none", field="continuation_decision")
    _undo(s, c)
    return c


@operation(A, C)
def record_told(s: Session, contract_id: int, on, how: str = "handed_over", today: dt.date | None = None) -> ContractPeriod:
    """The day the person was told (the letter handed over, posted or e-mailed). Clears the alert."""
    from peerdesk.services.access import authorize_write

    authorize_write(s, ContractPeriod)
    today = today or dt.date.today()
    c = get(s, ContractPeriod, contract_id)
    if c.continuation_decision == ContinuationDecision.UNDECIDED:
        raise ValidationError("error.decision_none", field="continuation_decision")
    day = parse_date(on, "told_on")
    if c.decided_on is not None and day < c.decided_on:
        raise ValidationError("error.told_before_decision", field="told_on", date=c.decided_on.isoformat())
    if day > today:
        raise ValidationError("error.told_in_future", field="told_on")
    try:
        c.told_how = ToldHow(how)
    except ValueError:
        raise ValidationError("error.invalid_choice", field="told_how") from None
    c.told_on = day
    flush(s)
    return c


@dataclass(frozen=True)
class LetterData:
    """Everything the letter prints, as plain values: the person's own data and the office's, nobody else's."""

    contract_id: int
    person_name: str
    decision: str
    employer: str
    form: str
    start_date: dt.date
    end_date: dt.date
    extent_percent: int
    next_start: dt.date | None
    next_end: dt.date | None
    next_extent: int | None
    next_form: str | None
    facts: LasFacts
    office: str
    office_contact: tuple[str, ...]
    written_on: dt.date


@operation(A, C)
def letter_data(s: Session, contract_id: int, today: dt.date | None = None) -> LetterData:
    """The letter's content; its production is recorded in the audit trail."""
    from peerdesk.services.settings import get_setting

    c = get(s, ContractPeriod, contract_id)
    if c.continuation_decision == ContinuationDecision.UNDECIDED:
        raise ValidationError("error.decision_none", field="continuation_decision")
    nxt = s.get(ContractPeriod, c.follow_on_id) if c.follow_on_id else None
    person = s.get(m.PeerSupporter, c.peer_supporter_id)
    office = get_setting(s, "office.name") or c.employer
    contact = tuple(v for v in (get_setting(s, k) for k in ("office.address", "office.phone", "office.email")) if v)
    audit.record(s, "contract_letter", "contract_period", c.id)
    return LetterData(
        contract_id=c.id, person_name=f"{person.first_name} {person.last_name}", decision=c.continuation_decision.value,
        employer=c.employer, form=c.form.value, start_date=c.start_date, end_date=c.end_date, extent_percent=c.extent_percent,
        next_start=nxt.start_date if nxt else None, next_end=nxt.end_date if nxt else None,
        next_extent=nxt.extent_percent if nxt else None, next_form=nxt.form.value if nxt else None,
        facts=_facts(s, c.peer_supporter_id, c.end_date), office=office, office_contact=contact,
        written_on=today or dt.date.today(),
    )


@operation(A, C)
def decision_state(s: Session, contract_id: int) -> dict:
    """The period and its decision as plain values (for the decision dialog)."""
    c = get(s, ContractPeriod, contract_id)
    person = s.get(m.PeerSupporter, c.peer_supporter_id)
    nxt = s.get(ContractPeriod, c.follow_on_id) if c.follow_on_id else None
    return {"id": c.id, "person": f"{person.first_name} {person.last_name}", "form": c.form.value, "start_date": c.start_date,
            "end_date": c.end_date, "extent_percent": c.extent_percent, "decision": c.continuation_decision.value,
            "decided_on": c.decided_on, "told_on": c.told_on, "next_end": nxt.end_date if nxt else None,
            "next_extent": nxt.extent_percent if nxt else None, "next_form": nxt.form.value if nxt else None}
