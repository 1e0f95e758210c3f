"""Planning supervision sessions and check-in meetings ahead, then marking them held or cancelled.

A planned session is an ordinary session row with status "planned": a day, usually a time and a place,
its participants — and no notes or topics until it is held (then the session form writes them, as for a
logged session). Only held sessions count anywhere: the cadence, the overdue alert, the overview, the
summaries and the registers; a planned session never satisfies the cadence.

"Plan next month as the cadence asks" proposes, for each person in a supervisor's caseload with a
running placement, the days the cadence (services/cadence.py) makes a session due in that month —
weekly in a placement's intro phase, monthly after — counting from their latest held session and from
sessions already planned, moved off weekends to the Friday before.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import CheckInMeeting, Occurrence, PeerSupporter, Placement, SessionForm, SessionParticipant, SupervisionSession
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.cadence import Cadence, next_due
from peerdesk.services.records import create, flush, get, update
from peerdesk.services.validation import parse_date

LOCATION_LENGTH = 200


def _time(value: dt.time | str | None, field: str = "starts_at") -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError("error.invalid_time", field=field) from None


def _place(value: str | None) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > LOCATION_LENGTH:
        raise ValidationError("error.too_long", field="location", max=LOCATION_LENGTH)
    return value


def _caseload_only(s: Session, peer_ids: list[int]) -> None:
    """A supervisor plans only for their own caseload; an administrator for anyone."""
    actor = actor_of(s)
    if actor.has(A):
        return
    theirs = set(s.scalars(select(PeerSupporter.id).where(PeerSupporter.id.in_(peer_ids),
                                                          PeerSupporter.supervisor_id == actor.user_id)))
    if set(peer_ids) - theirs:
        raise AccessDenied("error.plan_not_your_caseload")


def _supervisor_for(s: Session, supervisor_id: int | None) -> int | None:
    actor = actor_of(s)
    if supervisor_id is None:
        return actor.user_id if actor.has(S) else None
    if not actor.has(A) and supervisor_id != actor.user_id:
        raise AccessDenied("error.session_other_supervisor")
    return supervisor_id


def sync_participants(ses: SupervisionSession) -> None:
    """The participants carry the session's day and status (the overdue rule reads them without a join)."""
    for part in ses.participants:
        part.held_on = ses.held_on
        part.status = ses.status


@operation(A, S)
def plan_session(
    s: Session, day: dt.date | str, participant_ids: list[int], *, starts_at: dt.time | str | None = None,
    duration_minutes: int = 60, form: SessionForm | str | None = None, location: str | None = None,
    supervisor_id: int | None = None,
) -> SupervisionSession:
    """Plan one session (individual, or a group for several people) for a day, usually at a time and a place."""
    from peerdesk.services.supervision import _still_in_programme

    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        raise ValidationError("error.session_needs_participant", field="participants")
    form = SessionForm(form) if form else (SessionForm.GROUP if len(ids) > 1 else SessionForm.INDIVIDUAL)
    if form != SessionForm.GROUP and len(ids) > 1:
        raise ValidationError("error.individual_one_participant", field="participants")
    day = parse_date(day, "held_on")
    _caseload_only(s, ids)
    for pid in ids:
        _still_in_programme(get(s, PeerSupporter, pid), day, "participants")
    ses = create(s, SupervisionSession, held_on=day, duration_minutes=duration_minutes, form=form,
                 supervisor_id=_supervisor_for(s, supervisor_id), status=Occurrence.PLANNED,
                 starts_at=_time(starts_at), location=_place(location))
    for pid in ids:
        ses.participants.append(SessionParticipant(peer_supporter_id=pid, held_on=day, status=Occurrence.PLANNED))
    flush(s)
    return ses


@dataclass(frozen=True)
class ProposedSession:
    peer_id: int
    name: str
    day: dt.date
    interval_days: int  # 7: weekly (intro phase), 31: monthly


def _weekday(day: dt.date, first: dt.date) -> dt.date:
    """A due day on a weekend moves to the Friday before (due means "on or before"); at the month's start,
    to the Monday after, so the plan stays in its month."""
    if day.weekday() < 5:
        return day
    friday = day - dt.timedelta(days=day.weekday() - 4)
    return friday if friday >= first else day + dt.timedelta(days=7 - day.weekday())


@operation(A, S)
def cadence_proposal(s: Session, year: int, month: int, supervisor_id: int | None = None,
                     today: dt.date | None = None) -> list[ProposedSession]:
    """The sessions the cadence asks for in a month, for one supervisor's caseload (default: the one logged in)."""
    from peerdesk.services.alerts import Thresholds

    supervisor_id = _supervisor_for(s, supervisor_id)
    today = today or dt.date.today()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    first = max(first, today + dt.timedelta(days=1)) if today >= first else first  # never plan in the past
    if first > last:
        return []
    cad = Cadence.from_thresholds(Thresholds.load(s))
    P, SP = PeerSupporter, SessionParticipant
    people = s.execute(select(P.id, P.first_name, P.last_name).where(P.supervisor_id == supervisor_id, P.left_on.is_(None))
                       .order_by(P.last_name, P.first_name)).all()
    ids = [r[0] for r in people]
    if not ids:
        return []
    placements: dict[int, list] = {}
    for pid, start, intro_end, end in s.execute(
        select(Placement.peer_supporter_id, Placement.start_date, Placement.intro_end, Placement.end_date)
        .where(Placement.peer_supporter_id.in_(ids), Placement.start_date <= last,
               or_(Placement.end_date.is_(None), Placement.end_date >= first))
    ):
        placements.setdefault(pid, []).append((parse_date(start, "start_date"), parse_date(intro_end, "intro_end", required=False),
                                               parse_date(end, "end_date", required=False)))
    held, planned = {}, {}
    for pid, day, status in s.execute(
        select(SP.peer_supporter_id, SP.held_on, SP.status).where(SP.peer_supporter_id.in_(ids), SP.held_on <= last,
                                                                 SP.status != Occurrence.CANCELLED)
    ):
        day = parse_date(day, "held_on")
        if Occurrence(status) == Occurrence.HELD:
            held[pid] = max(held.get(pid, day), day)
        elif day >= first:
            planned.setdefault(pid, []).append(day)
    out = []
    for pid, fname, lname in people:
        if pid not in placements:
            continue
        start, intro_end, end = min(placements[pid], key=lambda p: p[0])  # the earliest running placement sets the phase
        base, already = held.get(pid), sorted(planned.get(pid, []))
        while True:
            nd = next_due(cad, start, intro_end, base)
            due = max(nd.due, first)
            if already and already[0] <= due:  # a session already planned by then counts as the next one
                base = already.pop(0)
                continue
            day = _weekday(due, first)
            if day > last or (end is not None and day > end):
                break
            out.append(ProposedSession(pid, f"{fname} {lname}", day, nd.interval_days))
            base = max(day, base or day)
    return sorted(out, key=lambda p: (p.day, p.name))


@operation(A, S)
def plan_by_cadence(s: Session, year: int, month: int, *, supervisor_id: int | None = None, starts_at: dt.time | str | None = None,
                    location: str | None = None, today: dt.date | None = None) -> list[int]:
    """Plan the sessions `cadence_proposal` proposes, each an individual session; returns their ids."""
    made = []
    for p in cadence_proposal(s, year, month, supervisor_id, today):
        made.append(plan_session(s, p.day, [p.peer_id], starts_at=starts_at, location=location, supervisor_id=supervisor_id).id)
    return made


def _planned(s: Session, session_id: int) -> SupervisionSession:
    from peerdesk.services.supervision import _may_change

    ses = get(s, SupervisionSession, session_id)
    _may_change(s, ses)
    if ses.status != Occurrence.PLANNED:
        raise ValidationError("error.session_not_planned", field="status")
    return ses


@operation(A, S)
def mark_session_held(s: Session, session_id: int, expected_version: int, held_on: dt.date | str | None = None) -> SupervisionSession:
    """A planned session took place (on its day, or the day given); its notes and topics are written after."""
    ses = _planned(s, session_id)
    day = parse_date(held_on, "held_on") if held_on else ses.held_on
    if day > dt.date.today():
        raise ValidationError("error.held_in_future", field="held_on")
    ses = update(s, SupervisionSession, session_id, expected_version, status=Occurrence.HELD, held_on=day)
    sync_participants(ses)
    flush(s)
    return ses


@operation(A, S)
def cancel_session(s: Session, session_id: int, expected_version: int) -> SupervisionSession:
    """A planned session will not take place; it stays (a calendar re-import removes it) but counts nowhere."""
    _planned(s, session_id)
    ses = update(s, SupervisionSession, session_id, expected_version, status=Occurrence.CANCELLED)
    sync_participants(ses)
    flush(s)
    return ses


# ------------------------------------------------------------------ check-in meetings
@operation(A, C, S)
def plan_checkin(s: Session, day: dt.date | str, title: str, *, starts_at: dt.time | str | None = None,
                 location: str | None = None, led_by_id: int | None = None) -> CheckInMeeting:
    """Plan a check-in meeting; attendance is recorded once it has been held."""
    actor = actor_of(s)
    return create(s, CheckInMeeting, held_on=day, title=title, location=_place(location), starts_at=_time(starts_at),
                  led_by_id=led_by_id if led_by_id is not None else actor.user_id, status=Occurrence.PLANNED)


def _planned_meeting(s: Session, meeting_id: int) -> CheckInMeeting:
    meeting = get(s, CheckInMeeting, meeting_id)
    if meeting.status != Occurrence.PLANNED:
        raise ValidationError("error.session_not_planned", field="status")
    return meeting


@operation(A, C, S)
def mark_checkin_held(s: Session, meeting_id: int, expected_version: int) -> CheckInMeeting:
    meeting = _planned_meeting(s, meeting_id)
    if meeting.held_on > dt.date.today():
        raise ValidationError("error.held_in_future", field="held_on")
    return update(s, CheckInMeeting, meeting_id, expected_version, status=Occurrence.HELD)


@operation(A, C, S)
def cancel_checkin(s: Session, meeting_id: int, expected_version: int) -> CheckInMeeting:
    _planned_meeting(s, meeting_id)
    return update(s, CheckInMeeting, meeting_id, expected_version, status=Occurrence.CANCELLED)


# ------------------------------------------------------------------ what the month view shows
@dataclass(frozen=True)
class PlannedSession:
    id: int
    version: int
    day: dt.date
    starts_at: dt.time | None
    location: str | None
    form: str
    status: str  # planned / cancelled
    participant_ids: tuple[int, ...]


@operation(A, C, S)
def planned_sessions(s: Session, first: dt.date, last: dt.date, peer_ids: list[int] | None = None) -> list[PlannedSession]:
    """Sessions planned (or cancelled) between two days, by day — when, where and with whom, never notes."""
    SS, SP = SupervisionSession, SessionParticipant
    q = (select(SS.id, SS.version, SS.held_on, SS.starts_at, SS.location, SS.form, SS.status, SP.peer_supporter_id)
         .join(SP, SP.session_id == SS.id)
         .where(SS.status != Occurrence.HELD, SS.held_on >= first, SS.held_on <= last)
         .order_by(SS.held_on, SS.starts_at, SS.id))
    if peer_ids is not None:
        q = q.where(SP.peer_supporter_id.in_(list(peer_ids) or [-1]))
    rows: dict[int, list] = {}
    for r in s.execute(q):
        rows.setdefault(r[0], [r, []])[1].append(r[7])
    return [PlannedSession(r[0], r[1], parse_date(r[2], "held_on"), r[3], r[4], str(getattr(r[5], "value", r[5])),
                           str(getattr(r[6], "value", r[6])), tuple(people)) for r, people in rows.values()]


# ------------------------------------------------------------------ calendar sources (services/calendar_export.py)
def _start_end(day: dt.date, starts_at: dt.time | None, minutes: int):
    """A timed event in the office's time zone, or an all-day event when only the day is known."""
    if starts_at is None:
        return day, day + dt.timedelta(days=1)
    from zoneinfo import ZoneInfo

    from peerdesk.services.calendar_events import OFFICE_TIME_ZONE

    start = dt.datetime.combine(day, starts_at, tzinfo=ZoneInfo(OFFICE_TIME_ZONE))
    return start, start + dt.timedelta(minutes=minutes)


@operation(A, C, S)
def supervision_events(s: Session, actor, *, start: dt.date, end: dt.date, mine: bool) -> list:
    """Sessions between two days as calendar events: kind, the participants' codes or first names, the place —
    never a full name, notes or topics. `mine`: the sessions the actor holds."""
    from peerdesk.i18n import t
    from peerdesk.services.calendar_events import CalendarEvent
    from peerdesk.services.calendar_people import person_labels

    SS, SP = SupervisionSession, SessionParticipant
    q = (select(SS.id, SS.held_on, SS.starts_at, SS.duration_minutes, SS.form, SS.status, SS.location, SS.supervisor_id)
         .where(SS.held_on >= start, SS.held_on <= end).order_by(SS.held_on, SS.id))
    if mine:
        q = q.where(SS.supervisor_id == actor.user_id)
    rows = s.execute(q).all()
    people: dict[int, list[int]] = {}
    ids = [r[0] for r in rows]
    for i in range(0, len(ids), 900):
        for sid, pid in s.execute(select(SP.session_id, SP.peer_supporter_id).where(SP.session_id.in_(ids[i:i + 900]))
                                  .order_by(SP.session_id, SP.peer_supporter_id)):
            people.setdefault(sid, []).append(pid)
    labels = person_labels(s, [p for ps in people.values() for p in ps])
    out = []
    for sid, day, starts_at, minutes, form, status, location, supervisor_id in rows:
        form = SessionForm(form)
        begin, finish = _start_end(parse_date(day, "held_on"), starts_at, minutes)
        who = ", ".join(sorted(labels[p] for p in people.get(sid, [])))
        kind = t("calendar.kind.group_supervision" if form == SessionForm.GROUP else "calendar.kind.supervision")
        out.append(CalendarEvent(f"supervision-{sid}@peerdesk", "supervision", begin, finish, f"{kind}: {who}" if who else kind,
                                 location, Occurrence(status), supervisor_id))
    return out


@operation(A, C, S)
def check_in_events(s: Session, actor, *, start: dt.date, end: dt.date, mine: bool) -> list:
    """Check-in meetings as calendar events: the kind and the place (the free-text title stays in PeerDesk)."""
    from peerdesk.i18n import t
    from peerdesk.services.calendar_events import CalendarEvent

    M = CheckInMeeting
    q = select(M.id, M.held_on, M.starts_at, M.status, M.location, M.led_by_id).where(M.held_on >= start, M.held_on <= end)
    if mine:
        q = q.where(M.led_by_id == actor.user_id)
    out = []
    for mid, day, starts_at, status, location, led_by in s.execute(q.order_by(M.held_on, M.id)):
        begin, finish = _start_end(parse_date(day, "held_on"), starts_at, CHECKIN_MINUTES)
        out.append(CalendarEvent(f"check_in-{mid}@peerdesk", "check_in", begin, finish, t("calendar.kind.check_in"),
                                 location, Occurrence(status), led_by))
    return out


CHECKIN_MINUTES = 90  # a check-in meeting's length in the calendar (the register keeps no duration)
