"""Supervision sessions and check-in meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import (
    AttendanceStatus,
    CheckInAttendance,
    CheckInMeeting,
    Occurrence,
    PeerSupporter,
    SessionForm,
    SessionParticipant,
    SupervisionSession,
    SupervisionTopic,
)
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.records import create, flush, get, guards, validates
from peerdesk.services.supervision_planning import _time, sync_participants
from peerdesk.services.validation import check_range, parse_date, require

DEFAULT_TOPICS = [
    ("Roll på avdelningen", "Role on the ward"),
    ("Arbetsplatsens regler", "Workplace rules"),
    ("Egen återhämtning", "Own recovery"),
    ("Anställning och framtid", "Contract and future"),
    ("Konflikt", "Conflict"),
    ("Informationsdelning och sekretess", "Information sharing and confidentiality"),
]


def _still_in_programme(p: PeerSupporter, day: dt.date, field: str) -> None:
    """Someone who left the programme before `day` cannot take part then; their history stays."""
    if p.left_on is not None and p.left_on < day:
        raise ValidationError("error.participant_had_left", field=field, date=p.left_on.isoformat())


@validates(SupervisionSession)
def _check_session(s: Session, ses: SupervisionSession) -> None:
    require(ses.held_on, "held_on")
    check_range(ses.duration_minutes, 1, 600, "duration_minutes")
    if ses.form is None:
        ses.form = SessionForm.INDIVIDUAL
    if ses.status not in (None, Occurrence.HELD) and ses.notes:
        raise ValidationError("error.planned_has_no_notes", field="notes")  # what was said comes after it was said


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
    day = parse_date(held_on, "held_on")
    for pid in ids:
        _still_in_programme(get(s, PeerSupporter, pid), day, "participants")
    topics = [get(s, SupervisionTopic, tid) for tid in topic_ids]
    if supervisor_id is None:
        supervisor_id = _logged_in_supervisor(s)
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
    sync_participants(ses)
    flush(s)
    return ses


@operation(A, S)
def ensure_default_topics(s: Session) -> None:
    if s.scalar(select(SupervisionTopic.id).limit(1)) is None:
        for sv, en in DEFAULT_TOPICS:
            s.add(SupervisionTopic(name_sv=sv, name_en=en))
        flush(s)


@operation(A, C, S)
def schedule_checkin(s: Session, held_on: dt.date | str, title: str, location: str | None = None, led_by_id: int | None = None,
                     starts_at: dt.time | str | None = None) -> CheckInMeeting:
    """Record a check-in meeting (as held: its attendance can be marked). To plan one ahead, use
    supervision_planning.plan_checkin, and mark it held once it took place."""
    day = parse_date(held_on, "held_on")
    return create(s, CheckInMeeting, held_on=day, title=title, location=location, led_by_id=led_by_id,
                  starts_at=_time(starts_at))


@operation(A, C, S)
def record_attendance(s: Session, meeting_id: int, statuses: dict[int, AttendanceStatus | str]) -> CheckInMeeting:
    """Set present / excused / absent per peer supporter; replaces earlier marks for those people."""
    meeting = get(s, CheckInMeeting, meeting_id)
    if meeting.status != Occurrence.HELD:
        raise ValidationError("error.meeting_not_held", field="status")  # who came is known once it was held
    existing = {a.peer_supporter_id: a for a in meeting.attendance}
    for pid, status in statuses.items():
        _still_in_programme(get(s, PeerSupporter, pid), meeting.held_on, "attendance")
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
    """Each peer supporter's most recent held session date, from the participant index."""
    from sqlalchemy import func

    q = select(SessionParticipant.peer_supporter_id, func.max(SessionParticipant.held_on)).where(
        SessionParticipant.status == Occurrence.HELD).group_by(SessionParticipant.peer_supporter_id)
    if peer_ids is not None:
        q = q.where(SessionParticipant.peer_supporter_id.in_(peer_ids))
    return {pid: parse_date(d, "held_on") for pid, d in s.execute(q)}


def may_read_notes(s: Session, ses: SupervisionSession) -> bool:
    """Administrators; the supervisor currently assigned to a participant; and the supervisor who
    wrote the session — unless the office has since moved that participant to someone else
    (access moves with the assignment; a stand-in who was never assigned keeps their own notes)."""
    from sqlalchemy import exists

    from peerdesk.models import SupervisorAssignment

    actor = actor_of(s)
    if actor.has(A):
        return True
    if not actor.has(S) or actor.user_id is None:
        return False
    people = [p.peer_supporter_id for p in ses.participants]
    assigned = s.scalars(select(PeerSupporter.supervisor_id).where(PeerSupporter.id.in_(people))).all()
    if actor.user_id in assigned:
        return True
    if ses.supervisor_id != actor.user_id:
        return False
    SA = SupervisorAssignment
    moved_away = s.scalar(select(exists().where(
        SA.peer_supporter_id.in_(people), SA.supervisor_id == actor.user_id, SA.end_date.is_not(None), SA.end_date >= ses.held_on,
    )))
    return not moved_away


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


# ------------------------------------------------------------------ what the screens show
# Plain dataclasses: a coordinator's copy has no notes and no topics at all, so nothing
# confidential can leak through a widget, an export or a log line.
@dataclass(frozen=True)
class SessionInfo:
    id: int
    version: int
    held_on: dt.date
    form: str
    duration_minutes: int
    supervisor_name: str
    participants: tuple[str, ...]
    has_notes: bool | None  # None: the reader may not even know whether there are notes
    may_read: bool
    participant_ids: tuple[int, ...] = ()  # in the order of `participants`


@dataclass(frozen=True)
class Confidential:
    notes: str | None
    topic_ids: tuple[int, ...]
    topics: tuple[str, ...]


def _user_names(s: Session, ids) -> dict[int, str]:
    from peerdesk.models import User

    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    return {r[0]: r[1] or r[2] for r in s.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))}


def _info(s: Session, ses: SupervisionSession, names: dict[int, str]) -> SessionInfo:
    may = may_read_notes(s, ses)
    people = s.execute(
        select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name)
        .join(SessionParticipant, SessionParticipant.peer_supporter_id == PeerSupporter.id)
        .where(SessionParticipant.session_id == ses.id).order_by(PeerSupporter.last_name, PeerSupporter.first_name)
    ).all()
    return SessionInfo(
        ses.id, ses.version, ses.held_on, ses.form.value, ses.duration_minutes, names.get(ses.supervisor_id, "–"),
        tuple(f"{f} {l}" for _i, f, l in people), bool(ses.notes) if may else None, may, tuple(i for i, _f, _l in people),
    )


@operation(A, C, S)
def sessions_of(s: Session, peer_id: int, limit: int = 500) -> list[SessionInfo]:
    """One peer supporter's held sessions, newest first: that they took place, when, how — never what was said."""
    get(s, PeerSupporter, peer_id)
    sessions = s.scalars(
        select(SupervisionSession).join(SessionParticipant, SessionParticipant.session_id == SupervisionSession.id)
        .where(SessionParticipant.peer_supporter_id == peer_id, SupervisionSession.status == Occurrence.HELD)
        .order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc()).limit(limit)
    ).all()
    names = _user_names(s, [x.supervisor_id for x in sessions])
    return [_info(s, x, names) for x in sessions]


@operation(A, C, S)
def session_info(s: Session, session_id: int) -> SessionInfo:
    ses = get(s, SupervisionSession, session_id)
    return _info(s, ses, _user_names(s, [ses.supervisor_id]))


@operation(A, S)
def read_confidential(s: Session, session_id: int) -> Confidential:
    """Notes and topics of one session, for those allowed; every read is audited."""
    from peerdesk.errors import AccessDenied
    from peerdesk.services import audit

    ses = get(s, SupervisionSession, session_id)
    if not may_read_notes(s, ses):
        raise AccessDenied("error.notes_confidential")
    audit.record(s, "read_notes", "supervision_session", session_id)
    from peerdesk.i18n import language

    en = language() == "en"
    return Confidential(ses.notes, tuple(t.id for t in ses.topics), tuple((t.name_en if en else t.name_sv) for t in ses.topics))


def _may_change(s: Session, ses: SupervisionSession) -> None:
    """Only those who may read a session's notes may change or delete it (one cannot change what one may
    not see): administrators, the participant's assigned supervisor, the supervisor who logged it."""
    from peerdesk.errors import AccessDenied

    if not may_read_notes(s, ses):
        raise AccessDenied("error.session_not_yours")


def _logged_in_supervisor(s: Session) -> int | None:
    """Whose name a session is logged in when nobody says: the supervisor who is logged in."""
    actor = actor_of(s)
    return actor.user_id if actor.has(S) else None


def _may_name_supervisor(s: Session, supervisor_id: int | None) -> None:
    """A supervisor logs sessions in their own name; only an administrator names someone else (or nobody)."""
    from peerdesk.errors import AccessDenied

    actor = actor_of(s)
    if not actor.has(A) and supervisor_id != actor.user_id:
        raise AccessDenied("error.session_other_supervisor")


@guards(SupervisionSession)
def _session_rights(s: Session, ses: SupervisionSession, stage: str) -> None:
    """The per-record rule of every write of a session, also through the generic create/update/delete of the
    register forms and the CLI: change or delete only a session one may read; log only in one's own name."""
    from sqlalchemy import inspect as sa_inspect

    if stage == "before":
        _may_change(s, ses)
        return
    state = sa_inspect(ses)
    if not state.persistent:
        if ses.supervisor_id is None:
            ses.supervisor_id = _logged_in_supervisor(s)
        _may_name_supervisor(s, ses.supervisor_id)
    elif state.attrs.supervisor_id.history.has_changes():
        _may_name_supervisor(s, ses.supervisor_id)


@guards(SessionParticipant)
def _participant_rights(s: Session, part: SessionParticipant, stage: str) -> None:
    """Who took part in a session is changed only by those who may change the session."""
    if part.session_id is not None:
        _may_change(s, get(s, SupervisionSession, part.session_id))


@operation(A, S)
def edit_session(
    s: Session, session_id: int, expected_version: int, *, held_on: dt.date | str, duration_minutes: int,
    form: SessionForm | str, topic_ids: list[int], notes: str | None, participant_ids: list[int] | None = None,
) -> SupervisionSession:
    """Correct a session — only by those who may read its notes. `participant_ids` (None: unchanged) is
    who took part: at least one, one for an individual session, and nobody added who had left by then."""
    from peerdesk.services.records import update

    ses = get(s, SupervisionSession, session_id)
    _may_change(s, ses)
    form = SessionForm(form)
    current = [part.peer_supporter_id for part in ses.participants]
    ids = current if participant_ids is None else list(dict.fromkeys(participant_ids))
    if not ids:
        raise ValidationError("error.session_needs_participant", field="participants")
    if form != SessionForm.GROUP and len(ids) > 1:
        raise ValidationError("error.individual_one_participant", field="form" if participant_ids is None else "participants")
    day = parse_date(held_on, "held_on")
    for pid in ids:  # a moved date can leave a present participant behind; an added one must be there on the day
        _still_in_programme(get(s, PeerSupporter, pid), day, "held_on" if pid in current else "participants")
    ses = update(s, SupervisionSession, session_id, expected_version, held_on=day, duration_minutes=duration_minutes,
                 form=form, notes=notes)
    ses.topics = [get(s, SupervisionTopic, tid) for tid in topic_ids]
    for part in [p for p in ses.participants if p.peer_supporter_id not in ids]:
        ses.participants.remove(part)
        s.delete(part)  # explicitly, not only as an orphan: the audit trail sees deletions named before the flush
    for pid in ids:
        if pid not in current:
            ses.participants.append(SessionParticipant(peer_supporter_id=pid, held_on=ses.held_on, status=ses.status))
    sync_participants(ses)
    flush(s)
    return ses


@dataclass(frozen=True)
class DeletedSession:
    """What a deleted session held, so the person who deleted it can undo that (plain values, no ORM)."""

    held_on: dt.date
    duration_minutes: int
    form: str
    supervisor_id: int | None
    participant_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    notes: str | None


@operation(A, S)
def delete_session(s: Session, session_id: int, expected_version: int) -> DeletedSession:
    """Delete a wrongly logged session with its participants, topics and notes. Only by those who may read
    its notes; the audit trail records the deletion of the session and of each participant row (ids only).
    Returns what it held, for an undo (`restore_session`)."""
    from peerdesk.errors import ConflictError

    ses = get(s, SupervisionSession, session_id)
    _may_change(s, ses)
    if ses.version != expected_version:
        raise ConflictError(fields="-")
    gone = DeletedSession(ses.held_on, ses.duration_minutes, ses.form.value, ses.supervisor_id,
                          tuple(p.peer_supporter_id for p in ses.participants), tuple(t.id for t in ses.topics), ses.notes)
    ses.topics = []  # the topic links go with it (also where the database does not cascade)
    s.delete(ses)  # participants: cascade delete-orphan
    flush(s)
    return gone


@operation(A, S)
def restore_session(s: Session, gone: DeletedSession) -> SupervisionSession:
    """Undo a deletion: the session is logged again as it was (a new record; the rules of logging hold).

    A session a stand-in logged, deleted by the person's assigned supervisor, comes back in the stand-in's
    name — but only for someone who may change it then (an administrator or the assigned supervisor)."""
    from peerdesk.errors import AccessDenied

    actor = actor_of(s)
    own = actor.has(A) or gone.supervisor_id == actor.user_id
    ses = log_session(s, gone.held_on, list(gone.participant_ids), duration_minutes=gone.duration_minutes, form=gone.form,
                      supervisor_id=gone.supervisor_id if own else actor.user_id, topic_ids=list(gone.topic_ids),
                      notes=gone.notes)
    if not own:
        ses.supervisor_id = gone.supervisor_id
        if not may_read_notes(s, ses):
            raise AccessDenied("error.session_other_supervisor")
        flush(s)
    return ses


@operation(A, S)
def participant_choices(s: Session, session_id: int) -> list[tuple[int, str]]:
    """Who can be ticked on a session: everyone still in the programme on its date, and its present
    participants (also if they have left since) — (peer id, name), by name."""
    from sqlalchemy import or_

    ses = get(s, SupervisionSession, session_id)
    _may_change(s, ses)
    present = [p.peer_supporter_id for p in ses.participants]
    rows = s.execute(
        select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name)
        .where(or_(PeerSupporter.id.in_(present), PeerSupporter.left_on.is_(None) | (PeerSupporter.left_on >= ses.held_on)))
        .order_by(PeerSupporter.last_name, PeerSupporter.first_name)
    ).all()
    return [(r[0], f"{r[1]} {r[2]}") for r in rows]


@operation(A, C, S)
def topics(s: Session) -> list[tuple[int, str]]:
    """The office's topic list in the user's language: (id, name), active ones only."""
    from peerdesk.i18n import language

    en = language() == "en"
    rows = s.scalars(select(SupervisionTopic).where(SupervisionTopic.active == 1).order_by(SupervisionTopic.id)).all()
    return [(r.id, r.name_en if en else r.name_sv) for r in rows]


@operation(A, C, S)
def all_topics(s: Session) -> list[tuple[int, str, str, bool]]:
    """Every topic, also retired ones: (id, Swedish name, English name, active) — for editing the list."""
    rows = s.scalars(select(SupervisionTopic).order_by(SupervisionTopic.id)).all()
    return [(r.id, r.name_sv, r.name_en, bool(r.active)) for r in rows]


@operation(A, S)
def set_topic_active(s: Session, topic_id: int, active: bool) -> None:
    """Retire a topic from the choice list (sessions that used it keep it), or bring it back."""
    get(s, SupervisionTopic, topic_id).active = 1 if active else 0
    flush(s)


@operation(A, S)
def add_topic(s: Session, name_sv: str, name_en: str) -> SupervisionTopic:
    from peerdesk.services.records import ensure_unique

    require(name_sv, "name_sv")
    topic = SupervisionTopic(name_sv=name_sv.strip(), name_en=(name_en or name_sv).strip(), active=1)
    ensure_unique(s, topic, "name_sv")
    s.add(topic)
    flush(s)
    return topic


# ------------------------------------------------------------------ check-in meetings
@dataclass(frozen=True)
class CheckInRow:
    id: int
    version: int
    held_on: dt.date
    title: str
    location: str | None
    present: int
    excused: int
    absent: int
    status: str = "held"  # planned / held / cancelled
    starts_at: dt.time | None = None


@operation(A, C, S)
def checkins(s: Session, since: dt.date | None = None, until: dt.date | None = None) -> list[CheckInRow]:
    """Check-in meetings, newest first, with how many were present, excused and absent."""
    from sqlalchemy import case, func

    A_ = CheckInAttendance
    counts = {
        status: func.coalesce(func.sum(case((A_.status == status, 1), else_=0)), 0)
        for status in AttendanceStatus
    }
    q = (
        select(CheckInMeeting.id, CheckInMeeting.version, CheckInMeeting.held_on, CheckInMeeting.title, CheckInMeeting.location,
               *counts.values(), CheckInMeeting.status, CheckInMeeting.starts_at)
        .outerjoin(A_, A_.meeting_id == CheckInMeeting.id)
        .group_by(CheckInMeeting.id, CheckInMeeting.version, CheckInMeeting.held_on, CheckInMeeting.title, CheckInMeeting.location,
                  CheckInMeeting.status, CheckInMeeting.starts_at)
        .order_by(CheckInMeeting.held_on.desc(), CheckInMeeting.id.desc())
    )
    if since is not None:
        q = q.where(CheckInMeeting.held_on >= since)
    if until is not None:
        q = q.where(CheckInMeeting.held_on <= until)
    return [CheckInRow(r[0], r[1], parse_date(r[2], "held_on"), r[3], r[4], int(r[5]), int(r[6]), int(r[7]),
                       str(getattr(r[8], "value", r[8])), r[9]) for r in s.execute(q)]


@operation(A, C, S)
def attendance_sheet(s: Session, meeting_id: int) -> list[tuple[int, str, str | None]]:
    """Who can be marked at a meeting: everyone still in the programme on its date, and anyone
    already marked (also if they have left since) — (peer id, name, status or None)."""
    from sqlalchemy import or_

    meeting = get(s, CheckInMeeting, meeting_id)
    marked = {a.peer_supporter_id: a.status.value for a in meeting.attendance}
    people = s.execute(
        select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name)
        .where(or_(PeerSupporter.id.in_(list(marked)) if marked else False,
                   PeerSupporter.left_on.is_(None) | (PeerSupporter.left_on >= meeting.held_on)))
        .order_by(PeerSupporter.last_name, PeerSupporter.first_name)
    ).all()
    return [(r[0], f"{r[1]} {r[2]}", marked.get(r[0])) for r in people]


@operation(A, C, S)
def attendance_history(s: Session, peer_id: int) -> list[tuple[dt.date, str, str]]:
    """One person's check-in meetings, newest first: (date, title, present / excused / absent)."""
    get(s, PeerSupporter, peer_id)
    rows = s.execute(
        select(CheckInMeeting.held_on, CheckInMeeting.title, CheckInAttendance.status)
        .join(CheckInAttendance, CheckInAttendance.meeting_id == CheckInMeeting.id)
        .where(CheckInAttendance.peer_supporter_id == peer_id, CheckInMeeting.status == Occurrence.HELD)
        .order_by(CheckInMeeting.held_on.desc())
    ).all()
    return [(parse_date(r[0], "held_on"), r[1], AttendanceStatus(r[2]).value) for r in rows]
