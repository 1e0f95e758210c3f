"""The alert engine: what needs doing, computed from the data every time (never a stored flag).

Each rule reads the current facts with indexed queries and yields `Alert`s.
An alert has a stable `key` (kind + record id) so an acknowledgement can find
it again, and a `fingerprint` of the fact it was raised from: when the fact
changes (a new tenure start, a moved contract end …) the acknowledgement no
longer matches and the alert is back. Thresholds are office settings
(`alerts.*` in services/settings.py). `today` is injectable everywhere, for
tests and for "what if" runs from the CLI.

Who sees what (rules a role may not see are not even computed):
- ward alerts (new manager, no manager, tenure ending, contact gap, and onboarding: placement at an
  unbriefed ward, planned briefing overdue, stalled onboarding): administrator, coordinator
- supervision overdue: administrator, coordinator, supervisor (a supervisor: their own caseload)
- employment alerts (contract decision due, contract ending, fixed-term limit, placement/contract mismatch):
  administrator, coordinator

`contract_decision_due` and `contract_ending` never say the same thing twice: within the decision
window (`alerts.contract_decision_days`) a period whose end is undecided, or decided but not yet told
to the person, raises only `contract_decision_due` (its action decides, and "continues" creates the
follow-on period that `contract_ending` asked for). `contract_ending` is the earlier heads-up for an
undecided period beyond that window, when an office sets `contract_notice_days` longer, and the old
rule as it was when the office turns decisions off (`contract_decision_days` = 0). A decided period
never raises `contract_ending`: "ends" means the end is intended, "continues" has its next period.
- consent alerts: administrator, evaluator (the evaluator must keep withdrawn data out of a round)
- funding alerts (grant ending, funder report due): administrator, coordinator
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable

from sqlalchemy import Date, Enum, String, case, exists, func, literal, or_, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from peerdesk import models as m
from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.models import Role
from peerdesk.services.access import A, C, E, S, actor_of, operation
from peerdesk.services.cadence import Cadence, next_due, not_overdue_since
from peerdesk.services.records import flush

DAY = dt.timedelta(days=1)

# kind -> area (for badges in a sidebar)
KINDS: dict[str, str] = {
    "new_manager": "workplaces",
    "no_manager": "workplaces",
    "tenure_ending": "workplaces",
    "contact_gap": "workplaces",
    "placement_at_unbriefed_ward": "workplaces",
    "planned_briefing_overdue": "workplaces",
    "stalled_onboarding": "workplaces",
    "supervision_overdue": "supervision",
    "contract_decision_due": "employment",
    "contract_ending": "employment",
    "fixed_term_limit": "employment",
    "placement_without_contract": "employment",
    "contract_without_placement": "employment",
    "consent_expiring": "consent",
    "consent_expired": "consent",
    "consent_withdrawn_in_use": "consent",
    "grant_ending": "funding",
    "funder_report_due": "funding",
}
AREA_ROLES: dict[str, frozenset[Role]] = {
    "workplaces": frozenset({A, C}),
    "supervision": frozenset({A, C, S}),
    "employment": frozenset({A, C}),
    "consent": frozenset({A, E}),
    "funding": frozenset({A, C}),
}
SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Alert:
    key: str  # kind:record_id — stable, what an acknowledgement refers to
    kind: str
    area: str
    severity: str  # high / medium / low
    concerns: dt.date  # the date the alert is about (due date, start, end …)
    overdue_days: int  # today - concerns; negative: that many days left
    fingerprint: str  # hash of the fact; an acknowledgement holds only while it matches
    workplace_id: int | None = None
    workplace_name: str | None = None
    peer_supporter_id: int | None = None
    person_name: str | None = None
    manager_id: int | None = None
    manager_name: str | None = None
    record_id: int | None = None  # the tenure, contract, placement or consent the alert is about (funding: the grant)
    snoozed_until: dt.date | None = None  # set when an acknowledgement currently hides it
    snooze_reason: str | None = None
    # What an alert is about when it is neither a person nor a ward (a grant: its funder and reference), and
    # a count it names (a grant ending: how many contracts and placements it pays run past its end).
    subject: str | None = None
    count: int | None = None

    @property
    def open(self) -> bool:
        return self.snoozed_until is None

    def as_json(self) -> dict:
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name in _ONLY_WHEN_SET and value is None:
                continue  # the other kinds' JSON stays as it was
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
        return out


_ONLY_WHEN_SET = frozenset({"subject", "count"})


def _fp(*facts: object) -> str:
    """The fact an alert was raised from, as dates and ids only (no personal data)."""
    return "|".join("" if f is None else str(f) for f in facts)[:64]


@lru_cache(maxsize=64)
def _row_type(fields: tuple[str, ...]):
    return namedtuple("Row", fields, rename=True)


def _q(s: Session, stmt) -> list:
    """Run a SELECT of columns on the Session's connection as namedtuples, without the ORM's loading
    machinery. Dates and enums are fetched as plain text (dates parsed with the C `fromisoformat`,
    enums left as their str values, which compare equal to the StrEnum members) instead of going
    through SQLAlchemy's per-value result processors, and namedtuple attribute access is ~10x cheaper
    than a SQLAlchemy row's. Over thousands of placements and contracts this is most of the time."""
    cols, date_at = [], []
    for i, col in enumerate(stmt.selected_columns):
        if isinstance(col.type, (Date, Enum)):
            cols.append(type_coerce(col, String).label(col.key or f"c{i}"))
            if isinstance(col.type, Date):
                date_at.append(i)
        else:
            cols.append(col)
    result = s.connection().execute(stmt.with_only_columns(*cols))
    make = _row_type(tuple(result.keys()))._make
    rows = result.fetchall()
    if not date_at:
        return [make(r) for r in rows]
    iso = dt.date.fromisoformat
    out = []
    for r in rows:
        r = list(r)
        for i in date_at:
            v = r[i]
            if v is not None and v.__class__ is str:
                r[i] = iso(v[:10])
        out.append(make(r))
    return out


def _d(value) -> dt.date | None:
    """Aggregates over dates come back as text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Thresholds:
    contact_gap_days: int
    supervision_intro_days: int
    supervision_intro_interval_days: int
    supervision_interval_days: int
    contract_notice_days: int
    contract_decision_days: int
    fixed_term_limit_days: int
    fixed_term_window_years: int
    fixed_term_warn_days: int
    consent_expiry_days: int
    tenure_notice_days: int
    grant_ending_days: int
    funder_report_days: int
    stalled_onboarding_days: int

    @classmethod
    def load(cls, s: Session) -> "Thresholds":
        from peerdesk.services.settings import DEFAULTS

        stored = {row.key: row.value for row in _q(s, select(m.Setting.key, m.Setting.value).where(m.Setting.key.like("alerts.%")))}
        import json

        values = {}
        for name in cls.__dataclass_fields__:
            key = f"alerts.{name}"
            values[name] = int(json.loads(stored[key])) if key in stored else int(DEFAULTS[key])
        return cls(**values)


def _severity(overdue: int, high_after: int) -> str:
    return "high" if overdue > high_after else "medium"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ------------------------------------------------------------------ wards and managers
def _ward_rules(s: Session, today: dt.date, th: Thresholds) -> Iterable[Alert]:
    W, T, Mg, BA, B = m.Workplace, m.ManagerTenure, m.Manager, m.BriefingAttendee, m.Briefing
    horizon = today + dt.timedelta(days=th.tenure_notice_days)
    runs_today = (T.start_date <= today) & or_(T.end_date.is_(None), T.end_date >= today)

    # New manager: a tenure running today whose manager attended no contact since it started
    # (index on attendee.manager_id, one seek per running tenure).
    # Only a briefing that was held counts (a planned one has not briefed anybody yet), and only if the
    # manager came (an invitee who did not come is an attendee row with attended = false).
    briefed = (
        exists().where(BA.manager_id == T.manager_id, BA.attended.is_(True), B.id == BA.briefing_id,
                       B.status == m.Occurrence.HELD, B.held_on >= T.start_date, B.held_on <= today)
    )
    for t in _q(s,
        select(T.id, T.workplace_id, T.manager_id, T.start_date, T.acting, Mg.name, W.name.label("ward"))
        .join(Mg, Mg.id == T.manager_id)
        .join(W, W.id == T.workplace_id)
        .where(W.active.is_(True), runs_today, ~briefed)
    ):
        overdue = (today - t.start_date).days
        yield Alert(
            key=f"new_manager:{t.id}", kind="new_manager", area="workplaces",
            severity="medium" if t.acting else _severity(overdue, 30), concerns=t.start_date, overdue_days=overdue,
            fingerprint=_fp(t.manager_id, t.start_date), workplace_id=t.workplace_id, workplace_name=t.ward,
            manager_id=t.manager_id, manager_name=t.name, record_id=t.id,
        )

    # No manager / tenure ending: only wards nobody manages today, or whose running tenure ends
    # within the notice window, need their tenure history; for those, the rule is read in Python.
    To = aliased(T)
    uncovered = ~exists().where(To.workplace_id == W.id, To.start_date <= today, or_(To.end_date.is_(None), To.end_date >= today))
    ending = exists().where(To.workplace_id == W.id, To.start_date <= today, To.end_date >= today, To.end_date <= horizon)
    wards = {wid: name for wid, name in _q(s, select(W.id, W.name).where(W.active.is_(True), or_(uncovered, ending)))}
    by_ward: dict[int, list] = {}
    if wards:
        for t in _q(s,
            select(T.id, T.workplace_id, T.manager_id, T.start_date, T.end_date, Mg.name)
            .join(Mg, Mg.id == T.manager_id)
            .where(T.workplace_id.in_(sorted(wards)), T.start_date <= horizon + DAY)
            .order_by(T.workplace_id, T.start_date)
        ):
            by_ward.setdefault(t.workplace_id, []).append(t)

    def covered(wid: int, day: dt.date, but: int | None = None) -> bool:
        return any(t.id != but and t.start_date <= day and (t.end_date is None or t.end_date >= day) for t in by_ward.get(wid, ()))

    for wid, name in wards.items():
        if covered(wid, today):
            continue
        before = [t for t in by_ward.get(wid, ()) if t.end_date is not None and t.end_date < today]
        last = max(before, key=lambda t: t.end_date, default=None)
        since = last.end_date + DAY if last else today
        yield Alert(
            key=f"no_manager:{wid}", kind="no_manager", area="workplaces", severity="high",
            concerns=since, overdue_days=(today - since).days, fingerprint=_fp(last.id if last else None, since),
            workplace_id=wid, workplace_name=name, manager_id=last.manager_id if last else None,
            manager_name=last.name if last else None, record_id=last.id if last else None,
        )

    for wid, tenures in by_ward.items():
        for t in tenures:
            if not (t.start_date <= today and t.end_date is not None and today <= t.end_date <= horizon):
                continue
            if covered(wid, t.end_date + DAY, but=t.id):
                continue
            yield Alert(
                key=f"tenure_ending:{t.id}", kind="tenure_ending", area="workplaces", severity="medium",
                concerns=t.end_date, overdue_days=(today - t.end_date).days, fingerprint=_fp(t.end_date),
                workplace_id=wid, workplace_name=wards[wid], manager_id=t.manager_id,
                manager_name=t.name, record_id=t.id,
            )

    # Contact gap: wards whose latest briefing or follow-up is older than the gap, or who never had one
    # (a correlated MAX answered from the briefing(workplace_id, held_on) index).
    latest = (select(func.max(B.held_on)).where(B.workplace_id == W.id, B.held_on <= today, B.status == m.Occurrence.HELD)
              .correlate(W).scalar_subquery())
    cutoff = today - dt.timedelta(days=th.contact_gap_days)
    for wid, name, last in _q(s, select(W.id, W.name, latest).where(W.active.is_(True), or_(latest.is_(None), latest < cutoff))):
        last = _d(last)
        due = today if last is None else last + dt.timedelta(days=th.contact_gap_days)  # never contacted: due now
        if last is not None and today <= due:
            continue
        overdue = (today - due).days
        yield Alert(
            key=f"contact_gap:{wid}", kind="contact_gap", area="workplaces", severity=_severity(overdue, 60),
            concerns=due, overdue_days=overdue, fingerprint=_fp(last), workplace_id=wid, workplace_name=name,
        )

    yield from _onboarding_rules(s, today, th)


def _onboarding_rules(s: Session, today: dt.date, th: Thresholds) -> Iterable[Alert]:
    """A ward's way to a placement (services/onboarding.py): a placement at a ward whose staff were never
    briefed, a planned briefing whose day passed, a ward stuck at one stage."""
    W, B, P = m.Workplace, m.Briefing, m.Placement
    Bo = aliased(B)
    # Placement at an unbriefed ward: placements running today or starting within the placement horizon
    # (alerts.contract_notice_days, the one placement_without_contract uses) at an active ward with no held
    # staff briefing (kind briefing, staff reached > 0) up to today — one seek on briefing(workplace_id, held_on).
    staff_briefed = exists().where(Bo.workplace_id == P.workplace_id, Bo.status == m.Occurrence.HELD,
                                   Bo.kind == m.ContactKind.BRIEFING, Bo.staff_count > 0, Bo.held_on <= today)
    horizon = today + dt.timedelta(days=th.contract_notice_days)
    first: dict[int, object] = {}
    for p in _q(s,
        select(P.id, P.workplace_id, P.start_date, W.name)
        .join(W, W.id == P.workplace_id)
        .where(W.active.is_(True), or_(P.end_date.is_(None), P.end_date >= today), P.start_date <= horizon, ~staff_briefed)
        .order_by(P.workplace_id, P.start_date, P.id)
    ):
        first.setdefault(p.workplace_id, p)  # one alert per ward, about its earliest placement
    for wid, p in first.items():
        overdue = (today - p.start_date).days
        yield Alert(
            key=f"placement_at_unbriefed_ward:{wid}", kind="placement_at_unbriefed_ward", area="workplaces",
            severity="high" if overdue >= 0 else "medium", concerns=p.start_date, overdue_days=overdue,
            fingerprint=_fp(p.id, p.start_date), workplace_id=wid, workplace_name=p.name, record_id=p.id,
        )

    # Planned briefing overdue: its day has passed (the day itself is not overdue) and it is still planned
    # — neither marked held nor cancelled (index briefing(status, held_on)).
    for b in _q(s,
        select(B.id, B.workplace_id, B.held_on, W.name)
        .join(W, W.id == B.workplace_id)
        .where(B.status == m.Occurrence.PLANNED, B.held_on < today)
    ):
        overdue = (today - b.held_on).days
        yield Alert(
            key=f"planned_briefing_overdue:{b.id}", kind="planned_briefing_overdue", area="workplaces",
            severity=_severity(overdue, 14), concerns=b.held_on, overdue_days=overdue, fingerprint=_fp(b.held_on),
            workplace_id=b.workplace_id, workplace_name=b.name, record_id=b.id,
        )

    # Stalled onboarding: an active ward at a stage on the way (contacted … staff briefed) for longer than the
    # setting; a running placement, a pause and an end are not stalls (index workplace(stage, stage_since)).
    St = m.OnboardingStage
    cutoff = today - dt.timedelta(days=th.stalled_onboarding_days)
    for w in _q(s,
        select(W.id, W.name, W.stage, W.stage_since)
        .where(W.active.is_(True), W.stage.in_([St.CONTACTED, St.INTERESTED, St.AGREEMENT_SIGNED, St.STAFF_BRIEFED]),
               W.stage_since < cutoff)
    ):
        due = w.stage_since + dt.timedelta(days=th.stalled_onboarding_days)
        overdue = (today - due).days
        yield Alert(
            key=f"stalled_onboarding:{w.id}", kind="stalled_onboarding", area="workplaces", severity="low" if overdue < 30 else "medium",
            concerns=due, overdue_days=overdue, fingerprint=_fp(w.stage, w.stage_since), workplace_id=w.id, workplace_name=w.name,
        )


# ------------------------------------------------------------------ supervision
def _supervision_rules(s: Session, today: dt.date, th: Thresholds) -> Iterable[Alert]:
    P, PS, SP, W = m.Placement, m.PeerSupporter, m.SessionParticipant, m.Workplace
    cad = Cadence.from_thresholds(th)
    # Placements that started, or whose person had a session, on or after this day cannot be overdue
    # (cadence.py says so); the rest get their person's latest session up to today: a correlated MAX
    # answered from the (peer_supporter_id, held_on) index, one seek per placement.
    safe_from = not_overdue_since(cad, today)
    last_session = (
        select(func.max(SP.held_on))
        .where(SP.peer_supporter_id == P.peer_supporter_id, SP.held_on <= today, SP.status == m.Occurrence.HELD)
        .correlate(P)
        .scalar_subquery()
    )
    recent = exists().where(SP.peer_supporter_id == P.peer_supporter_id, SP.held_on >= safe_from, SP.held_on <= today,
                            SP.status == m.Occurrence.HELD)  # a planned (or cancelled) session is no supervision
    rows = _q(s,
        select(P.id, P.peer_supporter_id, P.workplace_id, P.start_date, P.intro_end, PS.first_name, PS.last_name, W.name, last_session)
        .join(PS, PS.id == P.peer_supporter_id)
        .join(W, W.id == P.workplace_id)
        .where(P.start_date <= today, or_(P.end_date.is_(None), P.end_date >= today), P.start_date < safe_from, ~recent)
        .order_by(P.peer_supporter_id, P.start_date)
    )
    per_person: dict[int, Alert] = {}
    for r in rows:
        last = _d(r[-1])
        nd = next_due(cad, r.start_date, r.intro_end, last)
        due, interval = nd.due, nd.interval_days
        if today <= due:
            continue
        overdue = (today - due).days
        alert = Alert(
            key=f"supervision_overdue:{r.peer_supporter_id}", kind="supervision_overdue", area="supervision",
            severity=_severity(overdue, interval), concerns=due, overdue_days=overdue, fingerprint=_fp(last, r.id),
            workplace_id=r.workplace_id, workplace_name=r.name, peer_supporter_id=r.peer_supporter_id,
            person_name=f"{r.first_name} {r.last_name}", record_id=r.id,
        )
        known = per_person.get(r.peer_supporter_id)
        if known is None or alert.overdue_days > known.overdue_days:  # two placements: the stricter cadence counts
            per_person[r.peer_supporter_id] = alert
    yield from per_person.values()


# ------------------------------------------------------------------ employment
def _later(a, b):
    """The later of two dates, in SQL (SQLite's max(a, b) and PostgreSQL's greatest differ)."""
    return case((a > b, a), else_=b)


def _employment_rules(s: Session, today: dt.date, th: Thresholds) -> Iterable[Alert]:
    """Each check narrows in SQL to the few periods that can raise an alert (index on contract/placement
    (peer_supporter_id, start_date)); only the LAS window sum and chained coverage are read in Python."""
    CP, P, PS, W = m.ContractPeriod, m.Placement, m.PeerSupporter, m.Workplace
    window_start = _years_before(today + dt.timedelta(days=th.fixed_term_warn_days), th.fixed_term_window_years)
    horizon = today + dt.timedelta(days=th.fixed_term_warn_days)
    notice_end = today + dt.timedelta(days=th.contract_notice_days)
    Co, Po = aliased(CP), aliased(P)
    in_window = or_(Co.end_date.is_(None), Co.end_date >= window_start)  # the periods the rules look at
    name = lambda r: f"{r.first_name} {r.last_name}"  # noqa: E731

    # A decision about the period's end is due: within the decision window, undecided, or decided but the
    # person not yet told (index on contract_period.end_date). 0 days: the office does not use decisions.
    UNDECIDED = m.ContinuationDecision.UNDECIDED
    pending = or_(CP.continuation_decision == UNDECIDED, CP.told_on.is_(None))
    decision_end = today + dt.timedelta(days=th.contract_decision_days)
    if th.contract_decision_days > 0:
        for c in _q(s,
            select(CP.id, CP.peer_supporter_id, CP.end_date, CP.continuation_decision, PS.first_name, PS.last_name)
            .join(PS, PS.id == CP.peer_supporter_id)
            .where(CP.end_date >= today, CP.end_date <= decision_end, pending)
        ):
            overdue = (today - c.end_date).days
            # LAS 15 §: told at least one month before the end; inside the last month it is urgent.
            yield Alert(
                key=f"contract_decision_due:{c.id}", kind="contract_decision_due", area="employment",
                severity="high" if -overdue <= 31 else "medium", concerns=c.end_date, overdue_days=overdue,
                fingerprint=_fp(c.end_date, c.continuation_decision), peer_supporter_id=c.peer_supporter_id,
                person_name=name(c), record_id=c.id,
            )

    # Contract ending within the notice window with no later period after it, undecided, and not already
    # raised as a decision due (see the module docstring).
    follows = exists().where(Co.peer_supporter_id == CP.peer_supporter_id, Co.id != CP.id, Co.start_date > CP.start_date, in_window)
    ending = [CP.end_date >= today, CP.end_date <= notice_end, ~follows, CP.continuation_decision == UNDECIDED]
    if th.contract_decision_days > 0:
        ending.append(CP.end_date > decision_end)
    for c in _q(s,
        select(CP.id, CP.peer_supporter_id, CP.end_date, PS.first_name, PS.last_name)
        .join(PS, PS.id == CP.peer_supporter_id)
        .where(*ending)
    ):
        overdue = (today - c.end_date).days
        yield Alert(
            key=f"contract_ending:{c.id}", kind="contract_ending", area="employment",
            severity="high" if -overdue <= 30 else "medium", concerns=c.end_date, overdue_days=overdue,
            fingerprint=_fp(c.end_date), peer_supporter_id=c.peer_supporter_id, person_name=name(c), record_id=c.id,
        )

    # Fixed-term limit: fixed-term days inside the window ending `warn` days ahead, as recorded — only for
    # people with fixed-term employment now or ahead and no permanent employment today.
    FT, PERM = m.EmploymentForm.FIXED_TERM, m.EmploymentForm.PERMANENT
    fixed_ahead = exists().where(Co.peer_supporter_id == PS.id, Co.form == FT, Co.start_date <= horizon, Co.end_date >= today)
    permanent_now = exists().where(Co.peer_supporter_id == PS.id, Co.form == PERM, Co.start_date <= today,
                                   or_(Co.end_date.is_(None), Co.end_date >= today))
    fixed_rows = _q(s,
        select(CP.id, CP.peer_supporter_id, CP.start_date, CP.end_date, PS.first_name, PS.last_name)
        .join(PS, PS.id == CP.peer_supporter_id)
        .where(fixed_ahead, ~permanent_now, CP.form == FT, CP.start_date <= horizon, CP.end_date >= window_start)
        .order_by(CP.peer_supporter_id, CP.start_date, CP.id)
    )
    fixed_by_peer: dict[int, list] = {}
    for c in fixed_rows:
        fixed_by_peer.setdefault(c.peer_supporter_id, []).append(c)
    for pid, fixed in fixed_by_peer.items():
        total, crossing = 0, None
        for c in fixed:
            start, end = max(c.start_date, window_start), min(c.end_date, horizon)
            if end < start:
                continue
            days = (end - start).days + 1
            if crossing is None and total + days > th.fixed_term_limit_days:
                crossing = start + dt.timedelta(days=th.fixed_term_limit_days - total)  # the first day over the limit
            total += days
        if crossing is None:
            continue
        overdue = (today - crossing).days
        last = max(fixed, key=lambda c: c.end_date)
        yield Alert(
            key=f"fixed_term_limit:{pid}", kind="fixed_term_limit", area="employment",
            severity="high" if overdue >= 0 else "medium", concerns=crossing, overdue_days=overdue,
            fingerprint=_fp(crossing, last.id, last.end_date), peer_supporter_id=pid, person_name=name(fixed[0]), record_id=last.id,
        )

    # Placements running now or starting within the notice window whose dates no contract covers. One contract
    # covering the placement's whole span settles it in SQL; the rest follow the chain of periods here.
    first_day = _later(P.start_date, literal(window_start, Date))
    until = func.coalesce(P.end_date, _later(P.start_date, literal(today, Date)))
    one_covers = exists().where(Co.peer_supporter_id == P.peer_supporter_id, Co.start_date <= first_day,
                                or_(Co.end_date.is_(None), Co.end_date >= until))
    uncovered = _q(s,
        select(P.id, P.peer_supporter_id, P.workplace_id, P.start_date, P.end_date, W.name, PS.first_name, PS.last_name)
        .join(W, W.id == P.workplace_id)
        .join(PS, PS.id == P.peer_supporter_id)
        .where(or_(P.end_date.is_(None), P.end_date >= today), P.start_date <= notice_end, ~one_covers)
    )
    chains: dict[int, list] = {}
    if uncovered:
        for c in _q(s,
            select(CP.id, CP.peer_supporter_id, CP.start_date, CP.end_date)
            .where(CP.peer_supporter_id.in_(sorted({p.peer_supporter_id for p in uncovered})),
                   or_(CP.end_date.is_(None), CP.end_date >= window_start))
            .order_by(CP.peer_supporter_id, CP.start_date, CP.id)
        ):
            chains.setdefault(c.peer_supporter_id, []).append(c)
    for p in uncovered:
        until_day = p.end_date or max(p.start_date, today)
        day = max(p.start_date, window_start)
        for c in chains.get(p.peer_supporter_id, ()):  # ordered by start
            if c.start_date <= day and (c.end_date is None or c.end_date >= day):
                day = c.end_date + DAY if c.end_date else None
                if day is None or day > until_day:
                    break
        if day is None or day > until_day:
            continue
        yield Alert(
            key=f"placement_without_contract:{p.id}", kind="placement_without_contract", area="employment",
            severity="high", concerns=day, overdue_days=(today - day).days, fingerprint=_fp(day, until_day),
            workplace_id=p.workplace_id, workplace_name=p.name, peer_supporter_id=p.peer_supporter_id,
            person_name=name(p), record_id=p.id,
        )

    # Contracts running today with no placement running today or starting within the contract; the alert
    # counts from the day after the latest placement that ended during the contract.
    placed = exists().where(Po.peer_supporter_id == CP.peer_supporter_id, or_(Po.end_date.is_(None), Po.end_date >= today),
                            or_(CP.end_date.is_(None), Po.start_date <= CP.end_date))
    last_ended = (
        select(func.max(Po.end_date))
        .where(Po.peer_supporter_id == CP.peer_supporter_id, Po.end_date >= CP.start_date, Po.end_date >= window_start)
        .correlate(CP)
        .scalar_subquery()
    )
    for c in _q(s,
        select(CP.id, CP.peer_supporter_id, CP.start_date, PS.first_name, PS.last_name, last_ended)
        .join(PS, PS.id == CP.peer_supporter_id)
        .where(CP.start_date <= today, or_(CP.end_date.is_(None), CP.end_date >= today), ~placed)
    ):
        ended = _d(c[-1])
        since = ended + DAY if ended else c.start_date
        yield Alert(
            key=f"contract_without_placement:{c.id}", kind="contract_without_placement", area="employment",
            severity="medium", concerns=since, overdue_days=(today - since).days, fingerprint=_fp(since),
            peer_supporter_id=c.peer_supporter_id, person_name=name(c), record_id=c.id,
        )


# ------------------------------------------------------------------ consent
def _consent_rules(s: Session, today: dt.date, th: Thresholds) -> Iterable[Alert]:
    Co, St, PS, Mg = m.Consent, m.Study, m.PeerSupporter, m.Manager
    R = m.EvaluationRound
    unfinished = R.status != m.RoundStatus.REPORTED

    def used(model):
        return exists().where(model.consent_id == Co.id, model.round_id == R.id, unfinished)

    IP, Iv = m.InterviewParticipant, m.Interview
    in_interview = exists().where(IP.consent_id == Co.id, Iv.id == IP.interview_id, Iv.round_id == R.id, unfinished)

    cols = (Co.id, Co.informant_role, Co.informant_code, Co.valid_until, Co.withdrawn_on, Co.peer_supporter_id, Co.manager_id,
            Co.workplace_id, PS.first_name, PS.last_name, Mg.name)
    base = select(*cols).outerjoin(PS, PS.id == Co.peer_supporter_id).outerjoin(Mg, Mg.id == Co.manager_id)

    def who(r) -> str:
        if r.first_name:
            return f"{r.first_name} {r.last_name}"
        return r.name or r.informant_code or t_role(r.informant_role)  # staff and patients: by code

    def alert(kind, r, concerns, severity, fingerprint) -> Alert:
        return Alert(
            key=f"{kind}:{r.id}", kind=kind, area="consent", severity=severity, concerns=concerns,
            overdue_days=(today - concerns).days, fingerprint=fingerprint, peer_supporter_id=r.peer_supporter_id,
            person_name=who(r), manager_id=r.manager_id, workplace_id=r.workplace_id, record_id=r.id,
        )

    withdrawn = _q(s, 
        base.where(Co.withdrawn_on.is_not(None), Co.withdrawn_on <= today,
                   or_(used(m.QuestionnaireResponse), used(m.Quote), in_interview))
    )
    for r in withdrawn:
        yield alert("consent_withdrawn_in_use", r, r.withdrawn_on, "high", _fp(r.withdrawn_on))

    soon = today + dt.timedelta(days=th.consent_expiry_days)
    running_study = or_(St.end_date.is_(None), St.end_date >= today)
    rows = _q(s, 
        base.join(St, St.id == Co.study_id).where(
            Co.valid_until.is_not(None), Co.valid_until <= soon, Co.signed_on.is_not(None),
            or_(Co.withdrawn_on.is_(None), Co.withdrawn_on > today), running_study,
        )
    )
    for r in rows:
        if r.valid_until >= today:
            yield alert("consent_expiring", r, r.valid_until, "medium", _fp(r.valid_until))
        else:
            yield alert("consent_expired", r, r.valid_until, "high", _fp(r.valid_until))


# ------------------------------------------------------------------ funding
class _next_day(FunctionElement):
    """date + 1 day in SQL (SQLite keeps dates as ISO text; PostgreSQL adds an integer to a date)."""

    type = Date()
    inherit_cache = True


@compiles(_next_day)
def _next_day_default(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} + 1)"


@compiles(_next_day, "sqlite")
def _next_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+1 day')"


def _funding_rules(s: Session, today: dt.date, th: Thresholds) -> Iterable[Alert]:
    """Two queries over the grants (indexes on funding_grant.end_date, grant_report.due_on and the grant_id of
    contract periods and placements); one alert per grant, and one per report."""
    from peerdesk.services.funding import label

    G, CP, P, R = m.Grant, m.ContractPeriod, m.Placement, m.GrantReport
    Co = aliased(CP)

    # Grant ending: its end is within N days (or passed) while contract periods or placements it pays run past
    # that end (or have none) and are not over yet, and the person has no period paid by another grant
    # starting the day after the grant ends (follow-on funding).
    def past_end(X):
        # Correlated to the grant two levels up as well as to the row counted (else SQLite would scan the grants).
        follow_on = exists().where(Co.peer_supporter_id == X.peer_supporter_id, Co.start_date == _next_day(G.end_date),
                                   Co.grant_id.is_not(None), Co.grant_id != G.id).correlate(G, X)
        return (select(func.count(X.id))
                .where(X.grant_id == G.id, or_(X.end_date.is_(None), X.end_date > G.end_date),
                       or_(X.end_date.is_(None), X.end_date >= today), ~follow_on)
                .correlate(G).scalar_subquery())

    contracts, placements = past_end(CP).label("contracts"), past_end(P).label("placements")
    horizon = today + dt.timedelta(days=th.grant_ending_days)
    inner = select(G.id, G.funder, G.reference, G.end_date, contracts, placements).where(G.end_date <= horizon).subquery()
    for g in _q(s, select(inner.c.id, inner.c.funder, inner.c.reference, inner.c.end_date, inner.c.contracts, inner.c.placements)
                .where((inner.c.contracts + inner.c.placements) > 0)):
        end = _d(g.end_date)
        overdue = (today - end).days
        yield Alert(
            key=f"grant_ending:{g.id}", kind="grant_ending", area="funding", severity="high" if overdue > -30 else "medium",
            concerns=end, overdue_days=overdue, fingerprint=_fp(end), record_id=g.id, subject=label(g.funder, g.reference),
            count=g.contracts + g.placements,
        )

    # A report to a funder due within N days (or overdue) that is not recorded as sent.
    soon = today + dt.timedelta(days=th.funder_report_days)
    for r in _q(s, select(R.id, R.grant_id, R.due_on, R.title, G.funder, G.reference).join(G, G.id == R.grant_id)
                .where(R.sent_on.is_(None), R.due_on <= soon)):
        overdue = (today - r.due_on).days
        name = label(r.funder, r.reference)
        yield Alert(
            key=f"funder_report_due:{r.id}", kind="funder_report_due", area="funding",
            severity="high" if overdue > 0 else "medium", concerns=r.due_on, overdue_days=overdue, fingerprint=_fp(r.due_on),
            record_id=r.grant_id, subject=f"{name} – {r.title}" if r.title else name,
        )


def t_role(role) -> str:
    from peerdesk.i18n import t

    return t(f"ui.alerts.informant.{getattr(role, 'value', role)}")


RULES: dict[str, Callable[[Session, dt.date, Thresholds], Iterable[Alert]]] = {
    "workplaces": _ward_rules,
    "supervision": _supervision_rules,
    "employment": _employment_rules,
    "consent": _consent_rules,
    "funding": _funding_rules,
}


def visible_areas(roles: frozenset[Role]) -> list[str]:
    return [area for area, allowed in AREA_ROLES.items() if allowed & roles]


def _compute(s: Session, today: dt.date) -> list[Alert]:
    actor = actor_of(s)
    th = Thresholds.load(s)
    out: list[Alert] = []
    for area in visible_areas(actor.roles):
        found = RULES[area](s, today, th)
        if area == "supervision" and not actor.has(A, C):  # a supervisor's own caseload, not the whole office's
            mine = set(_q(s, select(m.PeerSupporter.id).where(m.PeerSupporter.supervisor_id == actor.user_id)))
            found = [a for a in found if (a.peer_supporter_id,) in mine]
        out.extend(found)
    # Acknowledgements that still hold: same key, same fact, snooze not over.
    if out:
        acks = {}
        for key, fp, until, reason in _q(s, 
            select(m.AlertAck.alert_key, m.AlertAck.fingerprint, m.AlertAck.until, m.AlertAck.reason)
            .where(m.AlertAck.until >= today)
            .order_by(m.AlertAck.id)
        ):
            acks[(key, fp)] = (_d(until), reason)
        out = [replace(a, snoozed_until=acks[(a.key, a.fingerprint)][0], snooze_reason=acks[(a.key, a.fingerprint)][1])
               if (a.key, a.fingerprint) in acks else a for a in out]
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda a: (order[a.kind], -a.overdue_days, a.key))
    return out


@operation(A, C, S, E)
def compute_alerts(s: Session, today: dt.date | None = None, include_snoozed: bool = False) -> list[Alert]:
    """The alerts the logged-in person may see, open ones only unless `include_snoozed`."""
    alerts = _compute(s, today or dt.date.today())
    return alerts if include_snoozed else [a for a in alerts if a.open]


def count_by(alerts: Iterable[Alert]) -> dict[str, dict[str, int]]:
    """{"kinds": {kind: n}, "areas": {area: n}} of open alerts (for the Today page and sidebar badges)."""
    kinds: dict[str, int] = {}
    areas: dict[str, int] = {}
    for a in alerts:
        if a.open:
            kinds[a.kind] = kinds.get(a.kind, 0) + 1
            areas[a.area] = areas.get(a.area, 0) + 1
    return {"kinds": kinds, "areas": areas}


@operation(A, C, S, E)
def acknowledge(s: Session, key: str, reason: str, until: dt.date | str, today: dt.date | None = None) -> m.AlertAck:
    """Put an alert aside with a reason until a date (inclusive). It comes back the day after,
    or as soon as the fact behind it changes. Only an alert the person can see can be acknowledged."""
    from peerdesk.services.validation import parse_date

    today = today or dt.date.today()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("error.required", field="reason")
    until_day = parse_date(until, "until")
    if until_day < today:
        raise ValidationError("error.ack_until_past", field="until")
    current = {a.key: a for a in _compute(s, today)}
    alert = current.get(key)
    if alert is None:
        raise NotFoundError("error.alert_gone")
    actor = actor_of(s)
    ack = m.AlertAck(alert_key=key, kind=alert.kind, fingerprint=alert.fingerprint, reason=reason[:300], until=until_day,
                     acknowledged_on=today, user_id=actor.user_id, version=1)
    s.add(ack)
    flush(s)
    return ack


@operation(A, C, S, E)
def bring_back(s: Session, key: str, today: dt.date | None = None) -> int:
    """Undo a snooze: remove the acknowledgements that hide an alert now, so it is open again at once.
    Only an alert the person can see; each removal is in the audit trail. Returns how many were removed."""
    today = today or dt.date.today()
    current = {a.key: a for a in _compute(s, today)}
    alert = current.get(key)
    if alert is None or alert.open:
        raise NotFoundError("error.alert_not_snoozed")
    acks = s.scalars(select(m.AlertAck).where(m.AlertAck.alert_key == key, m.AlertAck.until >= today)).all()
    for ack in acks:
        s.delete(ack)
    flush(s)
    return len(acks)


@operation(A, C)
def contract_for_follow_up(s: Session, contract_id: int) -> dict:
    """What a follow-up period starts from: the ending period's end, employer, extent and funding (plain values)."""
    from peerdesk.services.records import get

    c = get(s, m.ContractPeriod, contract_id)
    return {"id": c.id, "peer_supporter_id": c.peer_supporter_id, "end_date": c.end_date, "employer": c.employer,
            "extent_percent": c.extent_percent, "funding_source": c.funding_source, "form": c.form.value}
