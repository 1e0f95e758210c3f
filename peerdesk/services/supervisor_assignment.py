"""Which supervisor a peer supporter has, and had.

`PeerSupporter.supervisor_id` is the current assignment; every change of it —
from the person form, an import, the CLI or a reassignment — also closes the
open history row and opens a new one, in the same transaction. Access to
session notes follows the assignment (see `supervision.may_read_notes`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, update as sql_update
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import PeerSupporter, Role, SupervisorAssignment, User, UserRole
from peerdesk.services.access import A, C, S, operation
from peerdesk.services.records import flush, get, update


def is_supervisor(s: Session, user_id: int) -> bool:
    """An active user account holding the supervisor role."""
    return s.scalar(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.id == user_id, User.active.is_(True), UserRole.role == Role.SUPERVISOR)
    ) is not None


def track(s: Session, p: PeerSupporter) -> None:
    """Called while validating a peer supporter: keep the assignment history in step."""
    state = sa_inspect(p)
    if not state.persistent and p.supervisor_id is None:
        return  # a new person without a supervisor (checked first: `state.attrs` is slow, and imports add 200,000)
    if state.persistent and not state.attrs.supervisor_id.history.has_changes():
        return
    if p.supervisor_id is not None and not is_supervisor(s, p.supervisor_id):
        raise ValidationError("error.not_a_supervisor", field="supervisor_id")
    today = dt.date.today()
    if state.persistent:
        s.execute(
            sql_update(SupervisorAssignment)
            .where(SupervisorAssignment.peer_supporter_id == p.id, SupervisorAssignment.end_date.is_(None))
            .values(end_date=today)
        )
    if p.supervisor_id is not None:
        s.add(SupervisorAssignment(peer=p, supervisor_id=p.supervisor_id, start_date=today))  # a new person: written after it


@dataclass(frozen=True)
class AssignmentRow:
    supervisor_id: int | None
    supervisor_name: str
    start_date: dt.date | None
    end_date: dt.date | None


@operation(A, C, S)
def history(s: Session, peer_id: int) -> list[AssignmentRow]:
    """Who supervised this person and when, newest first."""
    rows = s.execute(
        select(SupervisorAssignment.supervisor_id, User.display_name, User.username, SupervisorAssignment.start_date,
               SupervisorAssignment.end_date)
        .outerjoin(User, User.id == SupervisorAssignment.supervisor_id)
        .where(SupervisorAssignment.peer_supporter_id == peer_id)
        .order_by(SupervisorAssignment.id.desc())
    ).all()
    return [AssignmentRow(r[0], r[1] or r[2] or "–", r[3], r[4]) for r in rows]


@operation(A, C, S)
def supervisors(s: Session) -> list[tuple[int, str]]:
    """Active user accounts with the supervisor role: (id, name), for choosers."""
    rows = s.execute(
        select(User.id, User.display_name, User.username).join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == Role.SUPERVISOR).order_by(User.display_name, User.username)
    ).all()
    return [(r[0], r[1] or r[2]) for r in rows]


@operation(A, C)
def reassign(s: Session, peer_ids: list[int], supervisor_id: int | None) -> int:
    """Give these peer supporters another supervisor; the history stays, access to notes moves."""
    if supervisor_id is not None and not is_supervisor(s, supervisor_id):
        raise ValidationError("error.not_a_supervisor", field="supervisor_id")
    changed = 0
    for pid in dict.fromkeys(peer_ids):
        p = get(s, PeerSupporter, pid)
        if p.supervisor_id != supervisor_id:
            update(s, PeerSupporter, pid, p.version, supervisor_id=supervisor_id)
            changed += 1
    flush(s)
    return changed


@operation(A, C)
def reassign_caseload(s: Session, from_supervisor_id: int, to_supervisor_id: int) -> int:
    """When a supervisor leaves: everyone they supervise (also those who have left the programme,
    so access to their notes moves too) goes to another supervisor."""
    ids = s.scalars(select(PeerSupporter.id).where(PeerSupporter.supervisor_id == from_supervisor_id)).all()
    return reassign(s, list(ids), to_supervisor_id)

