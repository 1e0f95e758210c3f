"""The activity report funders ask for: counts for a period, for the whole office, one grant or one region.
No names, only counts, with the office's small-count rule. Qt-free; the PDF, XLSX and JSON are written by
reports/activity_report.py from the `ActivityReport` this module gathers.

The period is `start` … `end`, both days included. "Running in the period" means start_date <= end and
(end_date is empty or end_date >= start); "running on a day" the same with start = end = that day.

## Scope: what belongs to the office, a grant or a region
- **Workplaces in scope**: the office: all. A region: workplaces whose region is that region. A grant: the
  workplaces its coverage names (GrantCoverage.workplace_id) and the workplaces in the regions it names
  (GrantCoverage.region).
- **Placements in scope**: the office: all. A region: placements at its workplaces. A grant: placements it pays
  for (Placement.grant_id) — wherever they are: the money decides, not the coverage.
- **Contract periods in scope**: the office: all. A grant: the periods it pays for (ContractPeriod.grant_id).
  A region: the periods of the people in scope (below).
- **A person is in scope on a day**: the office: every peer supporter. A region: they have a placement in scope
  running that day. A grant: they have a placement or a contract period paid by the grant running that day.
- **People in scope**: the office: every peer supporter; a region or grant: those in scope on some day of the
  period.

## The figures
- **Peer supporters by status at the period's end**, over the people in scope. The register keeps only today's
  status, so the status on the end day is worked out from the dates: *left* when left_on falls in the period;
  else *placed* when any placement of theirs runs on the end day; else *certified* when certified_on is on or
  before the end day (or the register says certified/placed/left without a date); else *in training*. People who
  left before the period, and people whose cohort starts after it, are not counted. **Active in the period**:
  people with a placement in scope running in the period.
- **Placements and workplaces by kind** (inpatient, outpatient, municipal): placements in scope running in the
  period, and the distinct workplaces they are at.
- **Full-time equivalents**: each placement in scope counts extent_percent / 100 for each of its days inside the
  period, divided by the period's days: the *average* FTE over the period (a 50 % placement running half the
  period counts 0.25). A part-period placement therefore counts in proportion to its days in the period.
- **Supervision sessions and hours**: sessions held in the period (office), or with a participant in scope on the
  session's day. *Individual* are the one-to-one forms (individual, phone, video), *group* the group form.
  Hours are the sessions' duration_minutes / 60.
- **Check-in meetings**: the office: every meeting held in the period; a region or grant: the meetings at which a
  person in scope on the meeting's day was present. **Attendance**: the marks (present, excused, absent) of
  people in scope on the meeting's day at meetings in the period (the office: every mark), and the number of
  distinct people present at least once.
- **Briefings**: contacts (briefings and follow-ups) held in the period at workplaces in scope.
  **New managers**: manager tenures starting in the period at workplaces in scope; *briefed within 30 days* when
  the manager attended a briefing or follow-up (at any workplace, as the new_manager alert counts it) from the
  tenure's first day to 30 days after it — also when those days run past the period's end.
- **Contract periods** in scope running in the period, by form.
- **Consents collected**: consents signed in the period. A region or grant: a consent given for a workplace in
  scope, by a peer supporter in scope on the day it was signed, or by a manager whose tenure at a workplace in
  scope ran that day.
- **Evaluation rounds held**: rounds past planning running in the period (the office), or with a workplace in
  scope among their workplaces.
- **Per month**: the same sessions, briefings (kind briefing) and check-in meetings per calendar month of the
  period, and the peer supporters with a placement in scope running in that month.

Only *held* meetings count: sessions, briefings and check-in meetings carry the shared `Occurrence` status
(planned / held / cancelled), and `_held()` is the one place that says which rows are held. A new manager
counts as briefed only when they attended (an invitation is not a briefing).

## Small counts
A count from 1 to k − 1 (k = report.min_group_size, never below 3) is shown as "< k"; 0 is shown as 0 (no one
stands behind it, and hiding zeros would hide the shape of every table). Where a total and its shown parts would
give a hidden count back, more counts are hidden ("–"), see suppression.protect_counts: parts before totals, and
a per-month breakdown before any period figure (where hiding more months cannot help, that row's months are all
withheld, "–", and the period's figure stays). Hours and FTE are hidden
with the session or placement count behind them. Evaluation rounds are the office's own events with many
informants each, and their number is always shown.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.i18n import format_decimal, t
from peerdesk.models import (
    AttendanceStatus,
    Briefing,
    BriefingAttendee,
    CheckInAttendance,
    CheckInMeeting,
    Cohort,
    Consent,
    ContactKind,
    ContractPeriod,
    EmploymentForm,
    EvaluationRound,
    ManagerTenure,
    PeerSupporter,
    Placement,
    RoundStatus,
    RoundWorkplace,
    SessionForm,
    SessionParticipant,
    SupervisionSession,
    Workplace,
    WorkplaceKind,
)
from peerdesk.models.base import Occurrence
from peerdesk.models.funding import Grant, GrantCoverage
from peerdesk.services.access import A, C, operation
from peerdesk.services.suppression import Count, effective_k, protect_counts
from peerdesk.services.validation import check_order, parse_date

MAX_MONTHS = 120  # a column per month in the tables and a bar per month in the chart: ten years at most
BRIEFED_WITHIN_DAYS = 30  # a new manager briefed within 30 days of the tenure's start (the figure)
KINDS = tuple(k.value for k in WorkplaceKind)  # inpatient, outpatient, municipal
STATUSES = ("in_training", "certified", "placed", "left")
INDIVIDUAL_FORMS = (SessionForm.INDIVIDUAL.value, SessionForm.PHONE.value, SessionForm.VIDEO.value)  # one-to-one
FORMS = ("individual", "group")
CONTRACT_FORMS = tuple(f.value for f in EmploymentForm)
MARKS = tuple(a.value for a in AttendanceStatus)  # present, excused, absent
CONTACT_KINDS = tuple(c.value for c in ContactKind)  # briefing, follow_up
SERIES = ("sessions.individual", "sessions.group", "briefings.briefing", "checkins.meetings", "people.placed_in_month")
DASH = "–"


def _held(table):
    """The rows of a dated meeting table that were held: planned and cancelled sessions, briefings and
    check-in meetings (models.base.Occurrence) count nowhere."""
    return table.status == Occurrence.HELD


# ---------------------------------------------------------------- the report as data
@dataclass
class Figure:
    """One published figure: its exact value (never printed when hidden) and how it is shown."""

    value: int | float
    hidden: str = ""  # "" shown, "small" (1 … k − 1), "complement" or "withheld" (suppression.Count)
    unit: str = "count"  # count, fte or hours

    def text(self, k: int, lang: str | None = None) -> str:
        """As every output prints it: the number, "< k" for a small count, "–" for one hidden to protect another."""
        if self.hidden == "small":
            return t("activity.small", lang, n=k)
        if self.hidden:
            return DASH
        if self.unit == "fte":
            return format_decimal(self.value, 2, lang)
        if self.unit == "hours":
            return format_decimal(self.value, 1, lang)
        return str(int(self.value))

    def json_value(self, k: int) -> int | float | str | None:
        """The JSON copy's value: the number, "< k" for a small count, null for a complementary hidden one."""
        if self.hidden == "small":
            return f"< {k}"
        if self.hidden:
            return None
        return round(self.value, 2) if self.unit == "fte" else round(self.value, 1) if self.unit == "hours" else int(self.value)


@dataclass(frozen=True)
class Scope:
    kind: str  # office, grant or region
    grant_id: int | None = None
    region: str | None = None
    label: str = ""  # the grant's funder and reference, or the region's name; never a person


@dataclass(frozen=True)
class Row:
    label: str  # a message id (activity.row.*)
    keys: tuple[str | None, ...]  # the figure per column (None: nothing in that column)
    total: bool = False  # a total row, set apart in print


@dataclass(frozen=True)
class Table:
    key: str  # activity.table.<key> is its title
    columns: tuple[str, ...]  # message ids of the column headers after the row label
    rows: tuple[Row, ...]


def _kind_rows() -> tuple[Row, ...]:
    return tuple(Row(f"ui.value.{k}", (f"placements.{k}", f"workplaces.{k}", f"fte.{k}")) for k in KINDS) + (
        Row("activity.row.total", ("placements.total", "workplaces.total", "fte.total"), True),)


# The tables every output prints, in order: one definition for the PDF, the XLSX, the JSON and the window.
TABLES: tuple[Table, ...] = (
    Table("people", ("activity.col.people",), tuple(Row(f"activity.status.{st}", (f"people.{st}",)) for st in STATUSES) + (
        Row("activity.row.total", ("people.total",), True), Row("activity.row.active", ("people.active",)))),
    Table("placements", ("activity.col.placements", "activity.col.workplaces", "activity.col.fte"), _kind_rows()),
    Table("supervision", ("activity.col.sessions", "activity.col.hours"), (
        Row("activity.row.individual", ("sessions.individual", "hours.individual")),
        Row("activity.row.group", ("sessions.group", "hours.group")),
        Row("activity.row.total", ("sessions.total", "hours.total"), True))),
    Table("checkins", ("activity.col.number",), (
        Row("activity.row.meetings", ("checkins.meetings",)),
        *(Row(f"ui.value.{mark}", (f"attendance.{mark}",)) for mark in MARKS),
        Row("activity.row.marks", ("attendance.total",), True),
        Row("activity.row.present_people", ("checkins.people",)))),
    Table("briefings", ("activity.col.number",), (
        *(Row(f"ui.value.{kind}", (f"briefings.{kind}",)) for kind in CONTACT_KINDS),
        Row("activity.row.contacts", ("briefings.total",), True),
        Row("activity.row.new_managers", ("managers.new",)),
        Row("activity.row.briefed", ("managers.briefed",)),
        Row("activity.row.not_briefed", ("managers.not_briefed",)))),
    Table("contracts", ("activity.col.contracts",), tuple(Row(f"ui.value.{form}", (f"contracts.{form}",)) for form in CONTRACT_FORMS) + (
        Row("activity.row.total", ("contracts.total",), True),)),
    Table("evaluation", ("activity.col.number",), (
        Row("activity.row.consents", ("consents.collected",)), Row("activity.row.rounds", ("rounds.held",)))),
)

# Published sums: (total, parts). Each month's series sums to its period figure.
MARGINS_FIXED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("people.total", tuple(f"people.{st}" for st in STATUSES)),
    ("placements.total", tuple(f"placements.{k}" for k in KINDS)),
    ("workplaces.total", tuple(f"workplaces.{k}" for k in KINDS)),
    ("sessions.total", tuple(f"sessions.{f}" for f in FORMS)),
    ("attendance.total", tuple(f"attendance.{mark}" for mark in MARKS)),
    ("briefings.total", tuple(f"briefings.{kind}" for kind in CONTACT_KINDS)),
    ("managers.new", ("managers.briefed", "managers.not_briefed")),
    ("contracts.total", tuple(f"contracts.{form}" for form in CONTRACT_FORMS)),
)
ADDITIVE_SERIES = ("sessions.individual", "sessions.group", "briefings.briefing", "checkins.meetings")
MIRRORS = {**{f"fte.{k}": f"placements.{k}" for k in (*KINDS, "total")},  # hidden with the count behind them
           **{f"hours.{f}": f"sessions.{f}" for f in (*FORMS, "total")}}
EXEMPT = frozenset({"rounds.held"})


@dataclass
class ActivityReport:
    start: dt.date
    end: dt.date
    scope: Scope
    office: str
    k: int
    figures: dict[str, Figure]
    months: list[tuple[int, int]]
    series: dict[str, list[Figure]] = field(default_factory=dict)  # SERIES name -> a figure per month
    produced_on: dt.date = field(default_factory=dt.date.today)

    def value(self, key: str) -> int | float:
        """The exact value (for tests and checks; outputs print `text`)."""
        return self.figures[key].value

    def text(self, key: str, lang: str | None = None) -> str:
        return self.figures[key].text(self.k, lang)

    def scope_text(self, lang: str | None = None) -> str:
        if self.scope.kind == "office":
            return t("activity.scope.office", lang)
        return t(f"activity.scope.{self.scope.kind}", lang, name=self.scope.label)

    def period_text(self, lang: str | None = None) -> str:
        from peerdesk.i18n import format_date

        return f"{format_date(self.start, lang)} – {format_date(self.end, lang)}"

    def as_json(self) -> dict:
        """The JSON copy: the same figures with the same suppression as the PDF (no exact hidden values)."""
        return {
            "report": "activity",
            "office": self.office,
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "scope": {"kind": self.scope.kind, "grant_id": self.scope.grant_id, "region": self.scope.region, "label": self.scope.label},
            "small_count_rule": {"k": self.k, "small": f"< {self.k}", "complement": None},
            "produced_on": self.produced_on.isoformat(),
            "figures": {key: fig.json_value(self.k) for key, fig in self.figures.items()},
            "months": [f"{y}-{m:02d}" for y, m in self.months],
            "per_month": {name: [fig.json_value(self.k) for fig in figs] for name, figs in self.series.items()},
        }


# ---------------------------------------------------------------- helpers
def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_span(y: int, m: int, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The month's days inside the period."""
    return max(start, dt.date(y, m, 1)), min(end, dt.date(y, m, calendar.monthrange(y, m)[1]))


def _running(table, a, b):
    """The row runs some day in a … b (both included)."""
    return and_(table.start_date <= b, or_(table.end_date.is_(None), table.end_date >= a))


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


class _Scoper:
    """The scope's conditions as SQL (see the module doc)."""

    def __init__(self, scope: Scope, start: dt.date, end: dt.date) -> None:
        self.scope, self.start, self.end = scope, start, end

    @property
    def office(self) -> bool:
        return self.scope.kind == "office"

    def workplace(self, column):
        """`column` (a workplace id) is a workplace in scope."""
        if self.scope.kind == "office":
            return true()
        if self.scope.kind == "region":
            return column.in_(select(Workplace.id).where(Workplace.region == self.scope.region))
        gid = self.scope.grant_id
        return column.in_(select(Workplace.id).where(or_(
            Workplace.id.in_(select(GrantCoverage.workplace_id).where(GrantCoverage.grant_id == gid, GrantCoverage.workplace_id.is_not(None))),
            Workplace.region.in_(select(GrantCoverage.region).where(GrantCoverage.grant_id == gid, GrantCoverage.region.is_not(None))),
        )))

    def placement(self, p=Placement):
        if self.scope.kind == "office":
            return true()
        if self.scope.kind == "region":
            return self.workplace(p.workplace_id)
        return p.grant_id == self.scope.grant_id

    def person_on(self, person, day):
        """The person (an id column) is in scope on `day` (a date column or value). Correlated to every enclosing
        query (correlate_except), not only the nearest: a meeting's date may sit two subqueries out."""
        if self.office:
            return true()
        p = Placement.__table__.alias("scope_placement")
        placed = exists().where(p.c.peer_supporter_id == person, p.c.start_date <= day,
                                or_(p.c.end_date.is_(None), p.c.end_date >= day), self.placement(p.c)).correlate_except(p)
        if self.scope.kind == "region":
            return placed
        c = ContractPeriod.__table__.alias("scope_contract")
        paid = exists().where(c.c.peer_supporter_id == person, c.c.start_date <= day,
                              or_(c.c.end_date.is_(None), c.c.end_date >= day), c.c.grant_id == self.scope.grant_id).correlate_except(c)
        return or_(placed, paid)

    def people(self):
        """A select of the ids of the people in scope (region or grant; the office is everyone)."""
        ids = select(Placement.peer_supporter_id).where(_running(Placement, self.start, self.end), self.placement())
        if self.scope.kind == "grant":
            ids = ids.union(select(ContractPeriod.peer_supporter_id).where(
                _running(ContractPeriod, self.start, self.end), ContractPeriod.grant_id == self.scope.grant_id))
        return ids


# ---------------------------------------------------------------- choices for the window and the CLI
@dataclass(frozen=True)
class ScopeChoices:
    grants: list[tuple[int, str]]  # (id, "funder, reference (start – end)")
    regions: list[str]


def _grant_label(g) -> str:
    label = g.funder + (f", {g.reference}" if g.reference else "")
    return f"{label} ({g.start_date.isoformat()} – {g.end_date.isoformat()})"


@operation(A, C)
def scope_choices(s: Session) -> ScopeChoices:
    """The grants and regions a report can be made for (regions as the workplaces name them)."""
    grants = [(g.id, _grant_label(g)) for g in s.execute(
        select(Grant.id, Grant.funder, Grant.reference, Grant.start_date, Grant.end_date).order_by(Grant.start_date.desc(), Grant.id))]
    regions = [r for (r,) in s.execute(select(Workplace.region).where(Workplace.region.is_not(None), Workplace.region != "")
                                       .distinct().order_by(Workplace.region))]
    return ScopeChoices(grants, regions)


def _scope(s: Session, grant_id, region) -> Scope:
    if grant_id is not None and region not in (None, ""):
        raise ValidationError("error.activity.grant_and_region")
    if grant_id is not None:
        if isinstance(grant_id, bool) or not isinstance(grant_id, int):
            raise ValidationError("error.activity.no_such_grant")
        g = s.execute(select(Grant.id, Grant.funder, Grant.reference, Grant.start_date, Grant.end_date)
                      .where(Grant.id == grant_id)).first() if 0 < grant_id < 2**31 else None
        if g is None:
            raise ValidationError("error.activity.no_such_grant")
        return Scope("grant", grant_id=g.id, label=_grant_label(g))
    if region not in (None, ""):
        name = str(region).strip()
        if not s.scalar(select(exists().where(Workplace.region == name))):
            raise ValidationError("error.activity.no_such_region")
        return Scope("region", region=name, label=name)
    return Scope("office")


# ---------------------------------------------------------------- gathering
@operation(A, C)
def gather_activity(s: Session, *, start: dt.date | str, end: dt.date | str, grant_id: int | None = None,
                    region: str | None = None, today: dt.date | None = None) -> ActivityReport:
    """Every figure for the period and scope, with the small-count rule applied (see the module doc)."""
    from peerdesk.services.settings import get_setting

    start, end = parse_date(start, "start_date"), parse_date(end, "end_date")
    check_order(start, end)
    months = months_between(start, end)
    if len(months) > MAX_MONTHS:
        raise ValidationError("error.activity.period_too_long", field="end_date", years=MAX_MONTHS // 12)
    scope = _scope(s, grant_id, region)
    q = _Scoper(scope, start, end)
    raw: dict[str, int | float] = {}
    series: dict[str, list[int]] = {name: [0] * len(months) for name in SERIES}
    month_of = {ym: i for i, ym in enumerate(months)}

    _people(s, q, raw)
    _placements(s, q, raw, series, months)
    _sessions(s, q, raw, series, month_of)
    _checkins(s, q, raw, series, month_of)
    _briefings(s, q, raw, series, month_of)
    _contracts(s, q, raw)
    _consents_and_rounds(s, q, raw)

    k = effective_k(get_setting(s, "report.min_group_size"))
    figures = _protect(raw, series, months, k)
    per_month = {name: [figures.pop(f"{name}@{y}-{m:02d}") for y, m in months] for name in SERIES}
    office = get_setting(s, "office.name") or ""
    return ActivityReport(start, end, scope, office, k, figures, months, per_month, today or dt.date.today())


def _people(s: Session, q: _Scoper, raw: dict) -> None:
    P, E, S = PeerSupporter, q.end, q.start
    on_end = exists().where(Placement.peer_supporter_id == P.id, Placement.start_date <= E,
                            or_(Placement.end_date.is_(None), Placement.end_date >= E))
    status = case(
        (and_(P.left_on.is_not(None), P.left_on <= E), "left"),
        (on_end, "placed"),
        (or_(P.certified_on <= E, and_(P.certified_on.is_(None), P.status != "in_training")), "certified"),
        else_="in_training",
    )
    later_cohort = exists().where(Cohort.id == P.cohort_id, Cohort.start_date > E)
    query = select(status, func.count()).where(or_(P.left_on.is_(None), P.left_on >= S), ~later_cohort)
    if not q.office:
        query = query.where(P.id.in_(q.people()))
    counts = dict(s.execute(query.group_by(status)).all())
    for st in STATUSES:
        raw[f"people.{st}"] = counts.get(st, 0)
    raw["people.total"] = sum(counts.get(st, 0) for st in STATUSES)
    raw["people.active"] = s.scalar(select(func.count(func.distinct(Placement.peer_supporter_id)))
                                    .where(_running(Placement, S, E), q.placement())) or 0


def _placements(s: Session, q: _Scoper, raw: dict, series: dict, months) -> None:
    rows = s.execute(select(Placement.peer_supporter_id, Placement.workplace_id, Workplace.kind, Placement.start_date,
                            Placement.end_date, Placement.extent_percent)
                     .join(Workplace, Workplace.id == Placement.workplace_id)
                     .where(_running(Placement, q.start, q.end), q.placement())).all()
    days = (q.end - q.start).days + 1
    spans = [_month_span(y, m, q.start, q.end) for y, m in months]
    placed: list[set[int]] = [set() for _ in months]
    by_kind = {k: [0, set(), 0.0] for k in KINDS}
    for pid, wid, kind, p_start, p_end, extent in rows:
        kind = str(getattr(kind, "value", kind))
        a, b = max(_day(p_start), q.start), min(_day(p_end) if p_end is not None else q.end, q.end)
        entry = by_kind[kind]
        entry[0] += 1
        entry[1].add(wid)
        entry[2] += extent / 100 * ((b - a).days + 1) / days
        for i, (m_start, m_end) in enumerate(spans):
            if a <= m_end and b >= m_start:
                placed[i].add(pid)
    for kind, (n, wids, fte) in by_kind.items():
        raw[f"placements.{kind}"], raw[f"workplaces.{kind}"], raw[f"fte.{kind}"] = n, len(wids), fte
    raw["placements.total"] = sum(by_kind[k][0] for k in KINDS)
    raw["workplaces.total"] = sum(len(by_kind[k][1]) for k in KINDS)
    raw["fte.total"] = sum(by_kind[k][2] for k in KINDS)
    series["people.placed_in_month"] = [len(people) for people in placed]


def _sessions(s: Session, q: _Scoper, raw: dict, series: dict, month_of: dict) -> None:
    ses = SupervisionSession
    query = select(ses.held_on, ses.form, func.count(), func.sum(ses.duration_minutes)).where(
        ses.held_on >= q.start, ses.held_on <= q.end, _held(ses))
    if not q.office:
        # Driven from the placements in scope: their people's sessions while the placement ran (the participant
        # index on person and date), rather than a test per session of the whole period.
        sp = SessionParticipant
        in_scope = select(sp.session_id).where(sp.held_on >= q.start, sp.held_on <= q.end, q.person_on(sp.peer_supporter_id, sp.held_on))
        query = query.where(ses.id.in_(in_scope))
    for form in FORMS:
        raw[f"sessions.{form}"], raw[f"hours.{form}"] = 0, 0.0
    for held_on, form, n, minutes in s.execute(query.group_by(ses.held_on, ses.form)):
        form = "individual" if str(getattr(form, "value", form)) in INDIVIDUAL_FORMS else "group"
        day = _day(held_on)
        raw[f"sessions.{form}"] += n
        raw[f"hours.{form}"] += (minutes or 0) / 60
        series[f"sessions.{form}"][month_of[(day.year, day.month)]] += n
    raw["sessions.total"] = raw["sessions.individual"] + raw["sessions.group"]
    raw["hours.total"] = raw["hours.individual"] + raw["hours.group"]


def _checkins(s: Session, q: _Scoper, raw: dict, series: dict, month_of: dict) -> None:
    mt, at = CheckInMeeting, CheckInAttendance
    in_period = and_(mt.held_on >= q.start, mt.held_on <= q.end, _held(mt))
    meetings = select(mt.held_on, func.count()).where(in_period)
    if not q.office:
        meetings = meetings.where(exists().where(at.meeting_id == mt.id, at.status == AttendanceStatus.PRESENT.value,
                                                 q.person_on(at.peer_supporter_id, mt.held_on)))
    raw["checkins.meetings"] = 0
    for held_on, n in s.execute(meetings.group_by(mt.held_on)):
        day = _day(held_on)
        raw["checkins.meetings"] += n
        series["checkins.meetings"][month_of[(day.year, day.month)]] += n
    marks = (select(at.status, func.count()).join(mt, mt.id == at.meeting_id)
             .where(in_period, q.person_on(at.peer_supporter_id, mt.held_on)).group_by(at.status))
    counts = {str(getattr(st, "value", st)): n for st, n in s.execute(marks)}
    for mark in MARKS:
        raw[f"attendance.{mark}"] = counts.get(mark, 0)
    raw["attendance.total"] = sum(counts.get(mark, 0) for mark in MARKS)
    raw["checkins.people"] = s.scalar(
        select(func.count(func.distinct(at.peer_supporter_id))).join(mt, mt.id == at.meeting_id)
        .where(in_period, at.status == AttendanceStatus.PRESENT.value, q.person_on(at.peer_supporter_id, mt.held_on))) or 0


def _briefings(s: Session, q: _Scoper, raw: dict, series: dict, month_of: dict) -> None:
    b = Briefing
    for kind in CONTACT_KINDS:
        raw[f"briefings.{kind}"] = 0
    for held_on, kind, n in s.execute(
        select(b.held_on, b.kind, func.count()).where(b.held_on >= q.start, b.held_on <= q.end, _held(b), q.workplace(b.workplace_id))
        .group_by(b.held_on, b.kind)
    ):
        kind = str(getattr(kind, "value", kind))
        raw[f"briefings.{kind}"] += n
        if kind == ContactKind.BRIEFING.value:
            day = _day(held_on)
            series["briefings.briefing"][month_of[(day.year, day.month)]] += n
    raw["briefings.total"] = sum(raw[f"briefings.{kind}"] for kind in CONTACT_KINDS)

    tenures = s.execute(select(ManagerTenure.manager_id, ManagerTenure.start_date).where(
        ManagerTenure.start_date >= q.start, ManagerTenure.start_date <= q.end, q.workplace(ManagerTenure.workplace_id))).all()
    seen: dict[int, list[dt.date]] = {}
    ids = sorted({mid for mid, _ in tenures})
    last = q.end + dt.timedelta(days=BRIEFED_WITHIN_DAYS)
    for i in range(0, len(ids), 900):
        for mid, held_on in s.execute(
            select(BriefingAttendee.manager_id, b.held_on).join(b, b.id == BriefingAttendee.briefing_id)
            .where(BriefingAttendee.manager_id.in_(ids[i:i + 900]), BriefingAttendee.attended.is_(True),  # invited is not briefed
                   b.held_on >= q.start, b.held_on <= last, _held(b))
        ):
            seen.setdefault(mid, []).append(_day(held_on))
    briefed = 0
    for mid, started in tenures:
        started = _day(started)
        until = started + dt.timedelta(days=BRIEFED_WITHIN_DAYS)
        briefed += any(started <= day <= until for day in seen.get(mid, ()))
    raw["managers.new"], raw["managers.briefed"], raw["managers.not_briefed"] = len(tenures), briefed, len(tenures) - briefed


def _contracts(s: Session, q: _Scoper, raw: dict) -> None:
    c = ContractPeriod
    query = select(c.form, func.count()).where(_running(c, q.start, q.end))
    if q.scope.kind == "grant":
        query = query.where(c.grant_id == q.scope.grant_id)
    elif q.scope.kind == "region":
        query = query.where(c.peer_supporter_id.in_(q.people()))
    counts = {str(getattr(form, "value", form)): n for form, n in s.execute(query.group_by(c.form))}
    for form in CONTRACT_FORMS:
        raw[f"contracts.{form}"] = counts.get(form, 0)
    raw["contracts.total"] = sum(counts.get(form, 0) for form in CONTRACT_FORMS)


def _consents_and_rounds(s: Session, q: _Scoper, raw: dict) -> None:
    co = Consent
    query = select(func.count()).select_from(co).where(co.signed_on >= q.start, co.signed_on <= q.end)
    if not q.office:
        t_ = ManagerTenure.__table__.alias("consent_tenure")
        managed = exists().where(t_.c.manager_id == co.manager_id, t_.c.start_date <= co.signed_on,
                                 or_(t_.c.end_date.is_(None), t_.c.end_date >= co.signed_on), q.workplace(t_.c.workplace_id))
        query = query.where(or_(
            and_(co.workplace_id.is_not(None), q.workplace(co.workplace_id)),
            and_(co.peer_supporter_id.is_not(None), q.person_on(co.peer_supporter_id, co.signed_on)),
            and_(co.manager_id.is_not(None), managed),
        ))
    raw["consents.collected"] = s.scalar(query) or 0
    r = EvaluationRound
    rounds = select(func.count()).select_from(r).where(r.status != RoundStatus.PLANNED.value, _running(r, q.start, q.end))
    if not q.office:
        rounds = rounds.where(exists().where(RoundWorkplace.round_id == r.id, q.workplace(RoundWorkplace.workplace_id)))
    raw["rounds.held"] = s.scalar(rounds) or 0


# ---------------------------------------------------------------- the small-count rule
def _protect(raw: dict, series: dict, months, k: int) -> dict[str, Figure]:
    cells = {key: Count(int(value)) for key, value in raw.items() if key not in MIRRORS}
    margins = [(total, list(parts)) for total, parts in MARGINS_FIXED]
    details = []
    for name, values in series.items():
        keys = [f"{name}@{y}-{m:02d}" for y, m in months]
        cells.update({key: Count(v) for key, v in zip(keys, values)})
        if name in ADDITIVE_SERIES:  # the months sum to the period's figure: a breakdown that gives way first
            details.append((name, keys))
    protect_counts(cells, margins, k, exempt=EXEMPT, details=details)
    figures = {key: Figure(cell.value, cell.hidden) for key, cell in cells.items()}
    for key, source in MIRRORS.items():
        figures[key] = Figure(raw[key], figures[source].hidden and "complement", "fte" if key.startswith("fte.") else "hours")
    return figures


# ---------------------------------------------------------------- the files
OUTPUT_KINDS = (".pdf", ".xlsx")


def output_kind(path) -> str:
    """The output's kind by its name: .pdf or .xlsx; anything else is a readable error before any work."""
    from pathlib import Path

    suffix = Path(str(path)).suffix.lower()
    if suffix not in OUTPUT_KINDS:
        raise ValidationError("error.activity.output_kind", name=Path(str(path)).name)
    return suffix


@operation(A, C)
def write_activity_report(s: Session, report: ActivityReport, path=None, *, json_path=None, lang: str | None = None) -> int:
    """Write the report as a PDF or XLSX (by `path`'s suffix) and/or its JSON copy; returns the PDF's pages
    (0 for an XLSX or JSON only). Each file is all-or-nothing (storage/safe_output.py) and audited: the period,
    the format and the grant's id or the region — counts only, no person."""
    import json

    from peerdesk.i18n import language
    from peerdesk.services import audit
    from peerdesk.storage.safe_output import session_output

    lang = lang or language()
    kind = output_kind(path) if path else None
    detail = {"from": report.start.isoformat(), "to": report.end.isoformat()}
    if report.scope.grant_id is not None:
        detail["grant_id"] = report.scope.grant_id
    if report.scope.region:
        detail["region"] = report.scope.region
    pages = 0
    if path:
        from peerdesk.reports import activity_report as out_file

        with session_output(s, path).writing() as temp:
            if kind == ".pdf":
                pages = out_file.build(report, temp, lang)
            else:
                out_file.write_xlsx(report, temp, lang)
        audit.record(s, "activity_report", None, None, {**detail, "format": kind[1:]})
    if json_path:
        with session_output(s, json_path).writing() as temp, open(temp, "w", encoding="utf-8") as fh:
            json.dump(report.as_json(), fh, ensure_ascii=False, indent=1)
        audit.record(s, "activity_report", None, None, {**detail, "format": "json"})
    return pages
