"""Supervision sessions and check-in meetings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import (
    AttendanceStatus,
    CheckInAttendance,
    CheckInMeeting,
    PeerSupporter,
    SessionForm,
    SessionParticipant,
    SupervisionSession,
    SupervisionTopic,
)
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.records import create, flush, get, validates
from peerdesk.services.validation import check_range, parse_date, require

DEFAULT_TOPICS = [
    ("Roll på avdelningen", "Role on the ward"),
    ("Arbetsplatsens regler", "Workplace rules"),
    ("Egen återhämtning", "Own recovery"),
    ("Anställning och framtid", "Contract and future"),
    ("Konflikt", "Conflict"),
    ("Informationsdelning och sekretess", "Information sharing and confidentiality"),
]


@validates(SupervisionSession)
def _check_session(s: Session, ses: SupervisionSession) -> None:
    require(ses.held_on, "held_on")
    check_range(ses.duration_minutes, 1, 600, "duration_minutes")
    if ses.form is None:
        ses.form = SessionForm.INDIVIDUAL


@validates(CheckInMeeting)
def _check_meeting(s: Session, m: CheckInMeeting) -> None:
    require(m.held_on, "held_on")
    require(m.title, "title")


@operation(A, S)
def log_session(
    s: Session,
    held_on: dt.date | str,
    participant_ids: list[int],
    duration_minutes: int = 60,
    form: SessionForm | str = SessionForm.INDIVIDUAL,
    supervisor_id: int | None = None,
    topic_ids: list[int] = (),
    notes: str | None = None,
) -> SupervisionSession:
    """Log one session; a group session is logged once for all its participants."""
    form = SessionForm(form)
    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        raise ValidationError("error.session_needs_participant", field="participants")
    if form != SessionForm.GROUP and len(ids) > 1:
        raise ValidationError("error.individual_one_participant", field="participants")
    for pid in ids:
        get(s, PeerSupporter, pid)
    topics = [get(s, SupervisionTopic, tid) for tid in topic_ids]
    ses = create(
        s, SupervisionSession, held_on=held_on, duration_minutes=duration_minutes, form=form,
        supervisor_id=supervisor_id, notes=notes,
    )
    ses.topics = topics
    for pid in ids:
        ses.participants.append(SessionParticipant(peer_supporter_id=pid, held_on=ses.held_on))
    flush(s)
    return ses


@operation(A, S)
def move_session(s: Session, session_id: int, expected_version: int, held_on: dt.date | str) -> SupervisionSession:
    """Change a session's date, keeping the participants' copy of it in step."""
    from peerdesk.services.records import update

    ses = update(s, SupervisionSession, session_id, expected_version, held_on=held_on)
    for part in ses.participants:
        part.held_on = ses.held_on
    flush(s)
    return ses


@operation(A, S)
def ensure_default_topics(s: Session) -> None:
    if s.scalar(select(SupervisionTopic.id).limit(1)) is None:
        for sv, en in DEFAULT_TOPICS:
            s.add(SupervisionTopic(name_sv=sv, name_en=en))
        flush(s)


@operation(A, C, S)
def schedule_checkin(s: Session, held_on: dt.date | str, title: str, location: str | None = None, led_by_id: int | None = None) -> CheckInMeeting:
    return create(s, CheckInMeeting, held_on=held_on, title=title, location=location, led_by_id=led_by_id)


@operation(A, C, S)
def record_attendance(s: Session, meeting_id: int, statuses: dict[int, AttendanceStatus | str]) -> CheckInMeeting:
    """Set present / excused / absent per peer supporter; replaces earlier marks for those people."""
    meeting = get(s, CheckInMeeting, meeting_id)
    existing = {a.peer_supporter_id: a for a in meeting.attendance}
    for pid, status in statuses.items():
        get(s, PeerSupporter, pid)
        try:
            status = AttendanceStatus(status)
        except ValueError:
            raise ValidationError("error.invalid_choice", field="status") from None
        if pid in existing:
            existing[pid].status = status
        else:
            meeting.attendance.append(CheckInAttendance(peer_supporter_id=pid, status=status))
    flush(s)
    return meeting


@operation(A, C, S)
def latest_session_dates(s: Session, peer_ids: list[int] | None = None) -> dict[int, dt.date]:
    """Each peer supporter's most recent session date, from the participant index."""
    from sqlalchemy import func

    q = select(SessionParticipant.peer_supporter_id, func.max(SessionParticipant.held_on)).group_by(
        SessionParticipant.peer_supporter_id
    )
    if peer_ids is not None:
        q = q.where(SessionParticipant.peer_supporter_id.in_(peer_ids))
    return {pid: parse_date(d, "held_on") for pid, d in s.execute(q)}


def may_read_notes(s: Session, ses: SupervisionSession) -> bool:
    """Administrators, and the supervisor currently assigned to a participant (or who wrote it)."""
    actor = actor_of(s)
    if actor.has(A):
        return True
    if not actor.has(S) or actor.user_id is None:
        return False
    if ses.supervisor_id == actor.user_id:
        return True
    assigned = s.scalars(
        select(PeerSupporter.supervisor_id).where(PeerSupporter.id.in_([p.peer_supporter_id for p in ses.participants]))
    ).all()
    return actor.user_id in assigned


@operation(A, S)
def read_notes(s: Session, session_id: int) -> str | None:
    """The confidential notes of one session, for those allowed; every read is audited."""
    from peerdesk.errors import AccessDenied
    from peerdesk.services import audit

    ses = get(s, SupervisionSession, session_id)
    if not may_read_notes(s, ses):
        raise AccessDenied("error.notes_confidential")
    audit.record(s, "read_notes", "supervision_session", session_id)
    return ses.notes
