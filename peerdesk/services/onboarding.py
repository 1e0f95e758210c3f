"""A ward's onboarding: its stage on the way to a placement, the stage history, and planned briefings.

The path: contacted → interested → agreement signed → staff briefed → placement running, and off the
path paused or ended. Like an office works, any move is allowed and recorded — but a move back along
the path, or ending the collaboration, needs a note saying why, and no move may be dated before the
current stage began or after today. `Workplace.stage` / `stage_since` are kept in step with the newest
history row here (one indexed column for the board and the stalled-onboarding alert; measured in
tests/test_onboarding.py::test_board_reads_the_stage_column_fast).

Briefings can be planned (a date today or later, with invited managers and staff), then marked held
(the date, who came, how many staff were reached of how many) or cancelled. A *staff briefing* is a
held briefing of kind "briefing" that reached at least one staff member; marking one held moves a ward
at "agreement signed" (or earlier) to "staff briefed", in the history with the briefing it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.models import Briefing, BriefingAttendee, ContactKind, Occurrence, OnboardingStage, Workplace, WorkplaceStageChange
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.calendar_events import CalendarEvent
from peerdesk.services.records import build, flush, get, run_validators, validates
from peerdesk.services.validation import parse_date

St = OnboardingStage
PATH = (St.CONTACTED, St.INTERESTED, St.AGREEMENT_SIGNED, St.STAFF_BRIEFED, St.PLACEMENT_RUNNING)
STAGES = PATH + (St.PAUSED, St.ENDED)
# Stages a ward can stall at (the goal and the deliberate stops cannot).
STALLABLE = (St.CONTACTED, St.INTERESTED, St.AGREEMENT_SIGNED, St.STAFF_BRIEFED)
NOTE_LENGTH = 500
_BY_SERVICE = "onboarding_stage_move"  # s.info flag: the stage is being moved here, not through a register form


def _user_id(s: Session) -> int | None:
    """Who moved the ward: the logged-in account (none for the system, or an actor with no account row)."""
    uid = getattr(s.info.get("actor"), "user_id", None)
    if uid is None:
        return None
    with s.no_autoflush:  # called while flushing; one primary-key lookup, usually from the identity map
        return uid if s.get(m.User, uid) is not None else None


@validates(Workplace)
def _stage_kept_with_history(s: Session, w: Workplace) -> None:
    """A new ward starts its history (contacted, from today unless given); later the stage moves only here."""
    if w.stage is None:
        w.stage = St.CONTACTED
    if w.stage_since is None:
        w.stage_since = dt.date.today()
    state = sa_inspect(w)
    if state.transient or state.pending:
        if not w.stage_changes:
            w.stage_changes.append(WorkplaceStageChange(stage=w.stage, from_date=w.stage_since, user_id=_user_id(s)))
        return
    changed = state.attrs.stage.history.has_changes() or state.attrs.stage_since.history.has_changes()
    if changed and not s.info.get(_BY_SERVICE):
        raise ValidationError("error.stage_only_by_change", field="stage")


@validates(Briefing)
def _check_planned_briefing(s: Session, b: Briefing) -> None:
    if b.status is None:
        b.status = Occurrence.HELD
    if b.staff_total is not None and (b.staff_total < 0 or b.staff_total < (b.staff_count or 0)):
        raise ValidationError("error.staff_total_below_reached", field="staff_total")


def _is_back(old: St, new: St) -> bool:
    return old in PATH and new in PATH and PATH.index(new) < PATH.index(old)


def _move(s: Session, w: Workplace, stage: St, on: dt.date, note: str | None, briefing_id: int | None = None) -> WorkplaceStageChange:
    change = WorkplaceStageChange(workplace_id=w.id, stage=stage, from_date=on, user_id=_user_id(s), note=note,
                                  briefing_id=briefing_id)
    s.info[_BY_SERVICE] = True
    try:
        w.stage, w.stage_since = stage, on
        run_validators(s, w)
        s.add(change)
        flush(s)
    finally:
        s.info.pop(_BY_SERVICE, None)
    return change


@operation(A, C)
def change_stage(s: Session, workplace_id: int, stage: St | str, on: dt.date | str | None = None, note: str | None = None,
                 today: dt.date | None = None) -> WorkplaceStageChange:
    """Move a ward to `stage` from the day `on` (default today). Forward moves need nothing more; a move back
    along the path or to "ended" needs a note; the day may be neither in the future nor before the current
    stage began."""
    today = today or dt.date.today()
    w = get(s, Workplace, workplace_id)
    try:
        new = St(getattr(stage, "value", stage))
    except ValueError:
        raise ValidationError("error.invalid_choice", field="stage") from None
    day = parse_date(on, "from_date") if on not in (None, "") else today
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_LENGTH:
        raise ValidationError("error.too_long", field="note", max=NOTE_LENGTH)
    if new == w.stage:
        raise ValidationError("error.stage_unchanged", field="stage")
    if day > today:
        raise ValidationError("error.stage_in_future", field="from_date")
    if day < w.stage_since:
        raise ValidationError("error.stage_before_current", field="from_date", date=w.stage_since.isoformat())
    if note is None and (_is_back(w.stage, new) or new == St.ENDED):
        raise ValidationError("error.stage_needs_note", field="note")
    return _move(s, w, new, day, note)


@operation(A, C)
def date_first_contact(s: Session, workplace_id: int, on: dt.date | str, today: dt.date | None = None) -> WorkplaceStageChange:
    """When the first contact was, for a ward registered after the fact: only while its history is that one row."""
    w = get(s, Workplace, workplace_id)
    day = parse_date(on, "from_date")
    rows = s.scalars(select(WorkplaceStageChange).where(WorkplaceStageChange.workplace_id == workplace_id)).all()
    if len(rows) != 1:
        raise ValidationError("error.stage_history_started", field="from_date")
    if day > (today or dt.date.today()):
        raise ValidationError("error.stage_in_future", field="from_date")
    s.info[_BY_SERVICE] = True
    try:
        rows[0].from_date = w.stage_since = day
        run_validators(s, w)
        flush(s)
    finally:
        s.info.pop(_BY_SERVICE, None)
    return rows[0]


@dataclass(frozen=True)
class StageStep:
    stage: str
    from_date: dt.date
    by: str | None  # the office user's name, or None (the upgrade, or a removed account)
    note: str | None
    briefing_id: int | None  # set when a held staff briefing moved the ward


@operation(A, C, S)
def stage_history(s: Session, workplace_id: int) -> list[StageStep]:
    """The ward's stages, newest first."""
    get(s, Workplace, workplace_id)
    H, U = WorkplaceStageChange, m.User
    rows = s.execute(
        select(H.stage, H.from_date, U.display_name, H.note, H.briefing_id)
        .outerjoin(U, U.id == H.user_id)
        .where(H.workplace_id == workplace_id)
        .order_by(H.from_date.desc(), H.id.desc())
    ).all()
    return [StageStep(str(getattr(st, "value", st)), d, by, note, bid) for st, d, by, note, bid in rows]


@operation(A, C)
def set_office_contact(s: Session, workplace_id: int, user_id: int | None) -> Workplace:
    """The office's named contact person for the ward (an office user; None: nobody named)."""
    w = get(s, Workplace, workplace_id)
    if user_id is not None:
        user = get(s, m.User, user_id)
        if not user.active:
            raise ValidationError("error.user_inactive", field="office_contact_id")
    w.office_contact_id = user_id
    run_validators(s, w)
    flush(s)
    return w


@operation(A, C, S)
def office_people(s: Session) -> list[tuple[int, str]]:
    """Active office users who can be a ward's office contact or hold a briefing (administrators, coordinators)."""
    U, R = m.User, m.UserRole
    rows = s.execute(
        select(U.id, U.display_name).join(R, R.user_id == U.id)
        .where(U.active.is_(True), R.role.in_([A, C])).distinct().order_by(U.display_name)
    ).all()
    return [(i, name) for i, name in rows]


# ------------------------------------------------------------------ briefings
def _attendees(b: Briefing, manager_ids, names, attended: bool) -> None:
    for mid in manager_ids or ():  # ids checked by the caller
        b.attendees.append(BriefingAttendee(manager_id=mid, role="manager", attended=attended))
    for name in names or ():
        if name and name.strip():
            b.attendees.append(BriefingAttendee(name=name.strip()[:200], role="staff", attended=attended))


def _count(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError("error.not_a_number", field=field) from None
    if not 0 <= n <= 9999:
        raise ValidationError("error.out_of_range", field=field, low=0, high=9999)
    return n


@operation(A, C)
def plan_briefing(s: Session, workplace_id: int, on: dt.date | str, *, kind: ContactKind | str = ContactKind.BRIEFING,
                  manager_ids: list[int] = (), invited: list[str] = (), held_by_id: int | None = None,
                  staff_total: int | None = None, summary: str | None = None, today: dt.date | None = None) -> Briefing:
    """A briefing planned for `on` (today or later) with the managers and staff invited."""
    today = today or dt.date.today()
    get(s, Workplace, workplace_id)
    day = parse_date(on, "held_on")
    if day < today:
        raise ValidationError("error.planned_in_past", field="held_on")
    for mid in manager_ids:
        get(s, m.Manager, mid)
    if held_by_id is not None:
        get(s, m.User, held_by_id)
    b = build(s, Briefing, workplace_id=workplace_id, held_on=day, kind=kind, status=Occurrence.PLANNED, held_by_id=held_by_id,
              staff_count=0, staff_total=_count(staff_total, "staff_total"), summary=summary)
    _attendees(b, manager_ids, invited, attended=False)
    s.add(b)
    flush(s)
    return b


def _planned(s: Session, briefing_id: int) -> Briefing:
    b = get(s, Briefing, briefing_id)
    if b.status != Occurrence.PLANNED:
        raise ValidationError("error.briefing_not_planned", field="status")
    return b


@operation(A, C)
def mark_held(s: Session, briefing_id: int, held_on: dt.date | str, *, came: list[int] = (), manager_ids: list[int] = (),
              staff_attendees: list[str] = (), staff_count: int | None = None, staff_total: int | None = None,
              summary: str | None = None, today: dt.date | None = None) -> Briefing:
    """Mark a planned briefing held: its date (today or earlier), which invitees came (`came`: attendee ids),
    others who came (managers, staff names), and staff reached of how many. A staff briefing moves a ward
    that had not got that far to "staff briefed"."""
    today = today or dt.date.today()
    b = _planned(s, briefing_id)
    day = parse_date(held_on, "held_on")
    if day > today:
        raise ValidationError("error.held_in_future", field="held_on")
    reached = _count(staff_count, "staff_count")
    total = _count(staff_total, "staff_total")
    came_ids = set(came)
    known = {a.id: a for a in b.attendees}
    if came_ids - set(known):
        raise ValidationError("error.not_invited", field="attendees")
    for mid in manager_ids:
        get(s, m.Manager, mid)
    new_staff = [n.strip() for n in staff_attendees or () if n and n.strip()]
    if reached is None:  # not given: the staff who came, by name
        reached = sum(1 for aid in came_ids if known[aid].manager_id is None) + len(new_staff)
    total = total if total is not None else b.staff_total
    if total is not None and total < reached:  # checked before anything changes
        raise ValidationError("error.staff_total_below_reached", field="staff_total")
    for a in b.attendees:
        a.attended = a.id in came_ids
    already = {a.manager_id for a in b.attendees if a.manager_id}
    _attendees(b, [mid for mid in manager_ids if mid not in already], new_staff, attended=True)
    b.held_on, b.status, b.staff_count, b.staff_total = day, Occurrence.HELD, reached, total
    if summary is not None:
        b.summary = summary
    run_validators(s, b)
    flush(s)
    w = get(s, Workplace, b.workplace_id)
    if b.kind == ContactKind.BRIEFING and b.staff_count > 0 and w.stage in PATH[:3]:
        _move(s, w, St.STAFF_BRIEFED, max(day, w.stage_since), None, briefing_id=b.id)
    return b


@operation(A, C)
def cancel_briefing(s: Session, briefing_id: int, reason: str | None = None) -> Briefing:
    """Cancel a planned briefing (kept, marked cancelled; a reason goes into its summary)."""
    b = _planned(s, briefing_id)
    b.status = Occurrence.CANCELLED
    reason = (reason or "").strip()
    if reason:
        b.summary = reason
    run_validators(s, b)
    flush(s)
    return b


@dataclass(frozen=True)
class BriefingRow:
    id: int
    held_on: dt.date
    status: str
    kind: str
    held_by: str | None
    staff_count: int
    staff_total: int | None
    invited: tuple[tuple[int, str, bool], ...]  # (attendee id, name or manager, attended)


@operation(A, C, S)
def ward_briefings(s: Session, workplace_id: int) -> list[BriefingRow]:
    """A ward's briefings and follow-ups, planned first (soonest first), then the rest newest first."""
    get(s, Workplace, workplace_id)
    B, BA, U, Mg = Briefing, BriefingAttendee, m.User, m.Manager
    rows = s.execute(
        select(B.id, B.held_on, B.status, B.kind, U.display_name, B.staff_count, B.staff_total)
        .outerjoin(U, U.id == B.held_by_id).where(B.workplace_id == workplace_id)
    ).all()
    people: dict[int, list] = {}
    if rows:
        for bid, aid, mname, name, attended in s.execute(
            select(BA.briefing_id, BA.id, Mg.name, BA.name, BA.attended).outerjoin(Mg, Mg.id == BA.manager_id)
            .where(BA.briefing_id.in_([r[0] for r in rows])).order_by(BA.id)
        ):
            people.setdefault(bid, []).append((aid, mname or name or "", bool(attended)))
    out = [BriefingRow(r[0], r[1], str(getattr(r[2], "value", r[2])), str(getattr(r[3], "value", r[3])), r[4], r[5] or 0, r[6],
                       tuple(people.get(r[0], ()))) for r in rows]
    planned = sorted((r for r in out if r.status == "planned"), key=lambda r: (r.held_on, r.id))
    rest = sorted((r for r in out if r.status != "planned"), key=lambda r: (r.held_on, r.id), reverse=True)
    return planned + rest


# ------------------------------------------------------------------ the board
@dataclass(frozen=True)
class Card:
    workplace_id: int
    name: str
    organisation: str
    stage: str
    since: dt.date
    office_contact: str | None
    next_briefing: dt.date | None


@operation(A, C, S)
def board(s: Session, region: str | None = None) -> dict[str, list[Card]]:
    """Active wards by stage (every stage present, in path order), each column by name: one query over the
    (stage, stage_since) index, the next planned briefing from the (status, held_on) index."""
    W, U, B = Workplace, m.User, Briefing
    nxt = (select(B.held_on).where(B.workplace_id == W.id, B.status == Occurrence.PLANNED)
           .order_by(B.held_on).limit(1).correlate(W).scalar_subquery())
    q = (select(W.id, W.name, W.organisation, W.stage, W.stage_since, U.display_name, nxt)
         .outerjoin(U, U.id == W.office_contact_id).where(W.active.is_(True)).order_by(W.name, W.id))
    if region:
        q = q.where(W.region == region)
    out: dict[str, list[Card]] = {st.value: [] for st in STAGES}
    for wid, name, org, stage, since, contact, next_day in s.execute(q):
        if isinstance(next_day, str):
            next_day = dt.date.fromisoformat(next_day[:10])
        out[str(getattr(stage, "value", stage))].append(Card(wid, name, org, str(getattr(stage, "value", stage)), since, contact, next_day))
    return out


@operation(A, C, S)
def ward_onboarding(s: Session, workplace_id: int) -> dict:
    """The ward's stage, since when, its office contact (id, name) and ward-side contact, as plain values."""
    w = get(s, Workplace, workplace_id)
    contact = s.get(m.User, w.office_contact_id) if w.office_contact_id else None
    from peerdesk.services.workplaces import current_tenure

    tenure = current_tenure(s, workplace_id)
    return {"manager_id": tenure.manager_id if tenure else None, "manager": tenure.manager.name if tenure else None,"id": w.id, "name": w.name, "stage": w.stage.value, "since": w.stage_since,
            "office_contact_id": w.office_contact_id, "office_contact": contact.display_name if contact else None,
            "ward_contact": w.contact_name, "ward_phone": w.contact_phone, "ward_email": w.contact_email}


# ------------------------------------------------------------------ calendar
@operation(A, C, S)
def briefing_events(s: Session, actor=None, *, start: dt.date, end: dt.date, mine: bool = False) -> list[CalendarEvent]:
    """Planned, held and cancelled briefings from `start` to `end` (inclusive) as calendar events: the kind and the
    ward's name as title (no person's name), the ward's address as place. `mine`: those the actor holds."""
    from peerdesk.i18n import t

    actor = actor or actor_of(s)
    B, W = Briefing, Workplace
    q = (select(B.id, B.held_on, B.kind, B.status, B.held_by_id, W.name, W.address).join(W, W.id == B.workplace_id)
         .where(B.held_on >= start, B.held_on <= end)  # a cancelled one too: CANCELLED takes it out of the calendar
         .order_by(B.held_on, B.id))
    if mine:
        q = q.where(B.held_by_id == actor.user_id)
    out = []
    for bid, day, kind, status, by, ward, address in s.execute(q):
        kind = str(getattr(kind, "value", kind))
        out.append(CalendarEvent(uid=f"briefing-{bid}@peerdesk", kind="briefing", start=day, end=None,
                                 title=f"{t(f'ui.value.{kind}')}: {ward}", location=address,
                                 status=Occurrence(str(getattr(status, "value", status))), organiser_id=by))
    return out


def held_staff_briefing():
    """The SQL condition for a staff briefing (for alerts and counts that join Briefing)."""
    return (Briefing.status == Occurrence.HELD) & (Briefing.kind == ContactKind.BRIEFING) & (Briefing.staff_count > 0)


__all__ = ["PATH", "STAGES", "STALLABLE", "board", "briefing_events", "cancel_briefing", "change_stage", "mark_held",
           "office_people", "plan_briefing", "set_office_contact", "stage_history", "ward_briefings", "ward_onboarding",
           "held_staff_briefing"]
