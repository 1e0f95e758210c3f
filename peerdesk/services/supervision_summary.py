"""What goes into the supervision summary for funders: sessions per peer supporter per month,
attendance at check-in meetings and the spans a person was overdue — dates and counts only.

Notes and topics are never read here, whoever asks: the summary is built from the
participant index and the check-in tables alone. A supervisor's summary covers their own
caseload; administrators and coordinators get the whole office.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.i18n import language, t
from peerdesk.models import (
    AttendanceStatus,
    CheckInAttendance,
    CheckInMeeting,
    Occurrence,
    PeerSupporter,
    Placement,
    SessionParticipant,
)
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.cadence import Cadence, merge_spans, overdue_spans
from peerdesk.services.validation import check_order, parse_date

MAX_MONTHS = 240  # the longest period one summary covers (twenty years: a programme from its start)


@dataclass
class PersonSummary:
    label: str
    per_month: list[int]
    total: int
    overdue: list[tuple[dt.date, dt.date]]
    overdue_days: int
    present: int = 0
    excused: int = 0
    absent: int = 0


@dataclass
class MeetingSummary:
    held_on: dt.date
    title: str
    present: int
    excused: int
    absent: int


@dataclass
class Summary:
    start: dt.date
    end: dt.date
    lang: str
    scope: str  # office / caseload
    months: list[tuple[int, int]]
    people: list[PersonSummary] = field(default_factory=list)
    meetings: list[MeetingSummary] = field(default_factory=list)

    @property
    def month_totals(self) -> list[int]:
        return [sum(p.per_month[i] for p in self.people) for i in range(len(self.months))]


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@operation(A, C, S)
def gather(s: Session, start: dt.date | str, end: dt.date | str, names: bool = True, today: dt.date | None = None,
           seed: int | None = None) -> Summary:
    """With `names=False` people are "Peer supporter 1, 2, …" in an order drawn at random for this
    summary (SystemRandom; `seed` only for tests), not in surname or any register order, so a reader
    with the roster cannot map the codes back; the rows follow the codes."""
    from peerdesk.services import audit
    from peerdesk.services.alerts import Thresholds

    start = parse_date(start, "start_date")
    end = parse_date(end, "end_date")
    check_order(start, end)
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        # A column per month: 0001–9999 would be 120,000 columns and never finish. Twenty years covers a programme from its start.
        raise ValidationError("error.summary_period_too_long", field="end_date", years=MAX_MONTHS // 12)
    today = today or dt.date.today()
    actor = actor_of(s)
    caseload_only = not actor.has(A, C)
    P = PeerSupporter
    in_period = or_(
        P.id.in_(select(Placement.peer_supporter_id).where(Placement.start_date <= end,
                                                            or_(Placement.end_date.is_(None), Placement.end_date >= start))),
        P.id.in_(select(SessionParticipant.peer_supporter_id).where(SessionParticipant.status == Occurrence.HELD,
                                                                     SessionParticipant.held_on >= start,
                                                                     SessionParticipant.held_on <= end)),
    )
    q = select(P.id, P.first_name, P.last_name).where(in_period).order_by(P.last_name, P.first_name, P.id)
    if caseload_only:
        q = q.where(P.supervisor_id == actor.user_id)
    people = s.execute(q).all()
    if not names:
        people = list(people)
        (random.Random(seed) if seed is not None else random.SystemRandom()).shuffle(people)
    months = _months(start, end)
    summary = Summary(start, end, language(), "caseload" if caseload_only else "office", months)
    ids = [r[0] for r in people]
    cad = Cadence.from_thresholds(Thresholds.load(s))
    stop = min(end, today)
    dates: dict[int, list[dt.date]] = {}
    placements: dict[int, list] = {}
    attendance: dict[int, dict[str, int]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for pid, held_on in s.execute(
            select(SessionParticipant.peer_supporter_id, SessionParticipant.held_on)
            .where(SessionParticipant.peer_supporter_id.in_(chunk), SessionParticipant.held_on <= end,
                   SessionParticipant.status == Occurrence.HELD)
        ):
            dates.setdefault(pid, []).append(parse_date(held_on, "held_on"))
        for r in s.execute(
            select(Placement.peer_supporter_id, Placement.start_date, Placement.end_date, Placement.intro_end)
            .where(Placement.peer_supporter_id.in_(chunk), Placement.start_date <= end)
        ):
            placements.setdefault(r[0], []).append(r)
        for pid, status, n in s.execute(
            select(CheckInAttendance.peer_supporter_id, CheckInAttendance.status, func.count())
            .join(CheckInMeeting, CheckInMeeting.id == CheckInAttendance.meeting_id)
            .where(CheckInAttendance.peer_supporter_id.in_(chunk), CheckInMeeting.held_on >= start, CheckInMeeting.held_on <= end,
                   CheckInMeeting.status == Occurrence.HELD)
            .group_by(CheckInAttendance.peer_supporter_id, CheckInAttendance.status)
        ):
            attendance.setdefault(pid, {})[AttendanceStatus(status).value] = n
    index = {ym: i for i, ym in enumerate(months)}
    for n, (pid, first, last) in enumerate(people, start=1):
        per_month = [0] * len(months)
        for d in dates.get(pid, []):
            if d >= start:
                per_month[index[(d.year, d.month)]] += 1
        spans = []
        for _pid, p_start, p_end, intro_end in placements.get(pid, []):
            for a, b in overdue_spans(cad, parse_date(p_start, "start_date"), parse_date(p_end, "end_date", required=False),
                                      parse_date(intro_end, "intro_end", required=False), dates.get(pid, []), stop):
                if b >= start:
                    spans.append((max(a, start), b))
        spans = merge_spans(spans)
        marks = attendance.get(pid, {})
        label = f"{first} {last}" if names else t("summary.person_n", summary.lang, number=n)
        summary.people.append(PersonSummary(
            label, per_month, sum(per_month), spans, sum((b - a).days + 1 for a, b in spans),
            marks.get("present", 0), marks.get("excused", 0), marks.get("absent", 0),
        ))
    from peerdesk.services.supervision import checkins

    summary.meetings = [MeetingSummary(r.held_on, r.title, r.present, r.excused, r.absent)
                        for r in reversed(checkins(s, since=start, until=end))]
    audit.record(s, "supervision_summary", None, None, {"people": len(people), "names": bool(names),
                                                         "from": start.isoformat(), "to": end.isoformat()})
    return summary
