"""The supervisor's overview: my peer supporters, their last session, when the next is due.

The due date comes from `cadence.next_due` — the same rule the "supervision overdue"
alert uses — so the overview and the Today page never disagree. Only dates and forms
reach the screen here; notes and topics stay behind `supervision.read_confidential`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from peerdesk.models import Occurrence, PeerStatus, PeerSupporter, Placement, SessionParticipant, SupervisionSession, User, Workplace
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.cadence import Cadence, next_due, status as due_status
from peerdesk.services.validation import parse_date


@dataclass(frozen=True)
class OverviewRow:
    peer_supporter_id: int
    name: str
    workplace_name: str | None
    supervisor_id: int | None
    supervisor_name: str | None
    last_session: dt.date | None
    due: dt.date | None  # None: no placement running, so no cadence
    status: str  # overdue / due_soon / on_track / no_placement
    days: int | None  # days overdue (positive) or left (negative ≤ 0)
    interval_days: int | None = None  # the cadence that applies now: weekly in the intro, monthly after


def week_end(today: dt.date) -> dt.date:
    """The Sunday of today's week (Swedish weeks start on Monday)."""
    return today + dt.timedelta(days=6 - today.weekday())


@operation(A, C, S)
def overview(
    s: Session, today: dt.date | None = None, supervisor_id: int | None = None, mine: bool = False, due_by: dt.date | None = None,
) -> list[OverviewRow]:
    """Peer supporters still in the programme with their supervision status.

    `mine`: only the caller's own caseload; `supervisor_id`: one supervisor's; `due_by`: only
    those overdue or due on or before that date (e.g. `week_end(today)` for "due this week")."""
    from peerdesk.services.alerts import Thresholds

    today = today or dt.date.today()
    if mine:
        supervisor_id = actor_of(s).user_id
    cad = Cadence.from_thresholds(Thresholds.load(s))
    P = PeerSupporter
    q = (
        select(P.id, P.first_name, P.last_name, P.supervisor_id, User.display_name)
        .outerjoin(User, User.id == P.supervisor_id)
        .where(P.status != PeerStatus.LEFT)
        .order_by(P.last_name, P.first_name, P.id)
    )
    if supervisor_id is not None:
        q = q.where(P.supervisor_id == supervisor_id)
    people = s.execute(q).all()
    ids = [r[0] for r in people]
    if not ids:
        return []
    last = {}
    placements: dict[int, list] = {}
    for chunk in _chunks(ids):
        last.update({
            pid: parse_date(d, "held_on") for pid, d in s.execute(
                select(SessionParticipant.peer_supporter_id, func.max(SessionParticipant.held_on))
                .where(SessionParticipant.peer_supporter_id.in_(chunk), SessionParticipant.held_on <= today,
                       SessionParticipant.status == Occurrence.HELD)
                .group_by(SessionParticipant.peer_supporter_id)
            )
        })
        for r in s.execute(
            select(Placement.peer_supporter_id, Placement.start_date, Placement.intro_end, Workplace.name)
            .join(Workplace, Workplace.id == Placement.workplace_id)
            .where(Placement.peer_supporter_id.in_(chunk), Placement.start_date <= today,
                   or_(Placement.end_date.is_(None), Placement.end_date >= today))
        ):
            placements.setdefault(r[0], []).append(r)
    rows = []
    for pid, first, last_name, sup_id, sup_name in people:
        seen = last.get(pid)
        best = None  # the strictest running placement decides, as in the alert
        for _pid, start, intro_end, ward in placements.get(pid, []):
            nd = next_due(cad, parse_date(start, "start_date"), parse_date(intro_end, "intro_end", required=False), seen)
            if best is None or nd.due < best[0]:
                best = (nd.due, ward, nd.interval_days)
        if best is None:
            row = OverviewRow(pid, f"{first} {last_name}", None, sup_id, sup_name, seen, None, "no_placement", None)
        else:
            due, ward, interval = best
            row = OverviewRow(pid, f"{first} {last_name}", ward, sup_id, sup_name, seen, due, due_status(due, today, interval),
                              (today - due).days, interval)
        if due_by is not None and (row.due is None or row.due > due_by):
            continue
        rows.append(row)
    return rows


def _chunks(ids: list[int], size: int = 900):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    days: int
    people: list[tuple[int, str]]
    seen: dict[int, dict[int, str]]  # peer id -> day of month -> form (individual / group / phone / video)
    # Sessions planned ahead (not yet held), shown beside the held ones: peer id -> day -> the planned session.
    planned: dict[int, dict[int, object]] = field(default_factory=dict)


@operation(A, C, S)
def month_view(s: Session, year: int, month: int, peer_ids: list[int]) -> MonthView:
    """Who was seen on which day of a month, and how (never what was said); and who is to be seen, as planned."""
    from peerdesk.services.supervision_planning import planned_sessions

    import calendar

    first = dt.date(year, month, 1)
    days = calendar.monthrange(year, month)[1]
    last = dt.date(year, month, days)
    names = {}
    seen: dict[int, dict[int, str]] = {}
    for chunk in _chunks(list(dict.fromkeys(peer_ids))):
        names.update({r[0]: f"{r[1]} {r[2]}" for r in s.execute(
            select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name).where(PeerSupporter.id.in_(chunk)))})
        for pid, held_on, form in s.execute(
            select(SessionParticipant.peer_supporter_id, SessionParticipant.held_on, SupervisionSession.form)
            .join(SupervisionSession, SupervisionSession.id == SessionParticipant.session_id)
            .where(SessionParticipant.peer_supporter_id.in_(chunk), SessionParticipant.held_on >= first,
                   SessionParticipant.held_on <= last, SessionParticipant.status == Occurrence.HELD)
        ):
            seen.setdefault(pid, {})[parse_date(held_on, "held_on").day] = str(getattr(form, "value", form))
    people = [(pid, names[pid]) for pid in dict.fromkeys(peer_ids) if pid in names]
    planned: dict[int, dict[int, object]] = {}
    for chunk in _chunks(list(names)):
        for p in planned_sessions(s, first, last, chunk):
            if p.status == "planned":
                for pid in p.participant_ids:
                    planned.setdefault(pid, {})[p.day.day] = p
    return MonthView(year, month, days, people, seen, planned)
