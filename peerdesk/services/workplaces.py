"""Workplaces, managers, manager tenures (with "change manager") and briefings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Briefing, BriefingAttendee, ContactKind, Manager, ManagerTenure, Workplace
from peerdesk.services.access import A, C, S, operation
from peerdesk.services.records import create, flush, get, overlapping, run_validators, validates
from peerdesk.services.validation import check_email, check_order, parse_date, require


@validates(Workplace)
def _check_workplace(s: Session, w: Workplace) -> None:
    require(w.name, "name")
    require(w.organisation, "organisation")
    require(w.kind, "kind")
    check_email(w.contact_email, "contact_email")


@validates(Manager)
def _check_manager(s: Session, m: Manager) -> None:
    require(m.name, "name")
    check_email(m.email)


@validates(ManagerTenure)
def _check_tenure(s: Session, t: ManagerTenure) -> None:
    require(t.workplace_id, "workplace_id")
    require(t.manager_id, "manager_id")
    require(t.start_date, "start_date")
    check_order(t.start_date, t.end_date)
    if t.acting:
        return  # an acting (tillförordnad) manager may overlap the ordinary one
    other = overlapping(s, t, workplace_id=t.workplace_id, acting=False)
    if other is not None:
        raise ValidationError("error.tenure_overlap", field="start_date", start=other.start_date.isoformat())


@validates(Briefing)
def _check_briefing(s: Session, b: Briefing) -> None:
    require(b.workplace_id, "workplace_id")
    require(b.held_on, "held_on")
    if b.kind is None:
        b.kind = ContactKind.BRIEFING
    if b.staff_count is not None and b.staff_count < 0:
        raise ValidationError("error.out_of_range", field="staff_count", low=0, high=999)


@operation(A, C, S)
def current_tenure(s: Session, workplace_id: int, on: dt.date | None = None) -> ManagerTenure | None:
    """The ordinary (non-acting) tenure running on `on` (default today)."""
    on = on or dt.date.today()
    return s.scalar(
        select(ManagerTenure)
        .where(
            ManagerTenure.workplace_id == workplace_id,
            ManagerTenure.acting.is_(False),
            ManagerTenure.start_date <= on,
            (ManagerTenure.end_date.is_(None)) | (ManagerTenure.end_date >= on),
        )
        .order_by(ManagerTenure.start_date.desc())
        .limit(1)
    )


@operation(A, C)
def change_manager(
    s: Session,
    workplace_id: int,
    start_date: dt.date | str,
    manager_id: int | None = None,
    new_manager: dict | None = None,
    acting: bool = False,
) -> ManagerTenure:
    """End the running tenure the day before `start_date` and start the new manager's, in one step.

    Give an existing `manager_id` or the fields of a `new_manager` to create.
    """
    get(s, Workplace, workplace_id)
    start = parse_date(start_date, "start_date")
    if (manager_id is None) == (new_manager is None):
        raise ValidationError("error.required", field="manager_id")
    if not acting:
        running = s.scalars(
            select(ManagerTenure).where(
                ManagerTenure.workplace_id == workplace_id,
                ManagerTenure.acting.is_(False),
                (ManagerTenure.end_date.is_(None)) | (ManagerTenure.end_date >= start),
            )
        ).all()
        for tenure in running:
            if tenure.start_date >= start:
                raise ValidationError("error.change_before_current_start", field="start_date", start=tenure.start_date.isoformat())
            tenure.end_date = start - dt.timedelta(days=1)
            run_validators(s, tenure)
        flush(s)
    if new_manager is not None:
        manager_id = create(s, Manager, **new_manager).id
    else:
        get(s, Manager, manager_id)
    return create(s, ManagerTenure, workplace_id=workplace_id, manager_id=manager_id, start_date=start, acting=acting)


@operation(A, C)
def log_briefing(
    s: Session,
    workplace_id: int,
    held_on: dt.date | str,
    manager_ids: list[int] = (),
    kind: ContactKind | str = ContactKind.BRIEFING,
    held_by_id: int | None = None,
    staff_count: int = 0,
    summary: str | None = None,
    staff_attendees: list[str] = (),
) -> Briefing:
    """A briefing or follow-up with the managers (and staff) who attended."""
    for mid in manager_ids:
        get(s, Manager, mid)
    b = create(
        s, Briefing, workplace_id=workplace_id, held_on=held_on, kind=kind, held_by_id=held_by_id,
        staff_count=staff_count, summary=summary,
    )
    for mid in manager_ids:
        b.attendees.append(BriefingAttendee(manager_id=mid, role="manager"))
    for name in staff_attendees:
        if name and name.strip():
            b.attendees.append(BriefingAttendee(name=name.strip(), role="staff"))
    flush(s)
    return b
