"""The course: course days, trainers, attendance, the attendance rule and certification.

The rule, decided here once (tests/test_training.py holds its edges):
- Only **held** days count. A planned day has not happened yet; a cancelled day never counts, even if
  attendance was recorded before it was cancelled (the marks are kept, so undoing the cancellation
  brings them back).
- A participant needs `ceil(share × held days)` days present, `share` being the setting
  `training.min_attendance_share` (default 0.8: 10 of the course's 12 days). Exact arithmetic: 0.7 × 10 is 7.
- "Excused" is an absence the office was told about in advance: it does not count as attended.
- A course with days still planned is not over: nobody can be certified before every day is held or
  cancelled. While it runs, the grid shows whether each participant can still reach the rule.
- An administrator may certify despite the rule, with a written reason (e.g. missed days made up
  in individual sessions); the reason is kept with the certification. A coordinator may not.

Attendance is the participant's personal data: it is found by the register extract and goes with an
erasure (services/data_rights.py walks course_attendance through its peer_supporter_id).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import (
    AttendanceStatus,
    Certification,
    Cohort,
    CourseAttendance,
    CourseDay,
    CourseTrainer,
    Occurrence,
    PeerStatus,
    PeerSupporter,
    User,
)
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.records import create, flush, get, update, validates
from peerdesk.services.validation import parse_date, require

SHARE_SETTING = "training.min_attendance_share"
COURSE_DAYS = 12  # "Utbildningen har givits under tolv dagar": what a course is planned with


# ------------------------------------------------------------------ course days
@validates(CourseDay)
def _check_day(s: Session, day: CourseDay) -> None:
    require(day.cohort_id, "cohort")
    require(day.day, "day")
    require(day.theme, "theme")
    if day.status is None:
        day.status = Occurrence.PLANNED
    cohort = get(s, Cohort, day.cohort_id)
    # A course day lies within its cohort's period; a course that grows longer changes the cohort's dates first.
    if day.day < cohort.start_date or (cohort.end_date is not None and day.day > cohort.end_date):
        raise ValidationError("error.training.day_outside_cohort", field="day", start=cohort.start_date.isoformat(),
                              end=cohort.end_date.isoformat() if cohort.end_date else "…")
    q = select(CourseDay.id).where(CourseDay.cohort_id == day.cohort_id, CourseDay.day == day.day)
    if day.id is not None:
        q = q.where(CourseDay.id != day.id)
    if s.scalar(q.limit(1)) is not None:
        raise ValidationError("error.training.day_taken", field="day", date=day.day.isoformat())


@operation(A, C)
def add_day(s: Session, cohort_id: int, day: dt.date | str, theme: str, place: str | None = None) -> CourseDay:
    """A planned course day; the place defaults to the cohort's."""
    cohort = get(s, Cohort, cohort_id)
    return create(s, CourseDay, cohort_id=cohort_id, day=day, theme=theme, place=place or cohort.location,
                  status=Occurrence.PLANNED)


@operation(A, C)
def edit_day(s: Session, day_id: int, expected_version: int, *, day: dt.date | str, theme: str, place: str | None) -> CourseDay:
    """Move or rename a course day. A held day cannot move into the future."""
    new_day = parse_date(day, "day")
    current = get(s, CourseDay, day_id)
    if current.status == Occurrence.HELD and new_day > dt.date.today():
        raise ValidationError("error.training.held_in_future", field="day")
    return update(s, CourseDay, day_id, expected_version, day=new_day, theme=theme, place=place)


@operation(A, C)
def set_day_status(s: Session, day_id: int, expected_version: int, status: Occurrence | str,
                   today: dt.date | None = None) -> CourseDay:
    """Cancel a day, mark it held (only once its date has come), or plan it again."""
    try:
        status = Occurrence(status)
    except ValueError:
        raise ValidationError("error.invalid_choice", field="status") from None
    day = get(s, CourseDay, day_id)
    if status == Occurrence.HELD and day.day > (today or dt.date.today()):
        raise ValidationError("error.training.held_in_future", field="status")
    return update(s, CourseDay, day_id, expected_version, status=status)


@dataclass(frozen=True)
class Trainer:
    """One trainer of a day: an office user, a peer supporter of an earlier cohort, or a guest."""

    user_id: int | None = None
    peer_supporter_id: int | None = None
    guest_name: str | None = None
    guest_organisation: str | None = None


@operation(A, C)
def set_trainers(s: Session, day_id: int, trainers: Iterable[Trainer]) -> CourseDay:
    """Replace a day's trainers. A peer supporter who teaches is a certified one from another cohort (a pioneer)."""
    from peerdesk.services.access import authorize_write

    authorize_write(s, CourseTrainer)
    day = get(s, CourseDay, day_id)
    wanted = []
    for tr in trainers:
        guest = (tr.guest_name or "").strip() or None
        org = (tr.guest_organisation or "").strip() or None
        if sum(x is not None for x in (tr.user_id, tr.peer_supporter_id, guest)) != 1:
            raise ValidationError("error.training.one_trainer", field="trainers")
        if tr.user_id is not None:
            get(s, User, tr.user_id)
        if tr.peer_supporter_id is not None:
            peer = get(s, PeerSupporter, tr.peer_supporter_id)
            if peer.cohort_id == day.cohort_id or peer.certified_on is None:
                raise ValidationError("error.training.trainer_not_pioneer", field="trainers")
        key = (tr.user_id, tr.peer_supporter_id, guest, org)
        if key not in wanted:
            wanted.append(key)
    for old in list(day.trainers):
        day.trainers.remove(old)
        s.delete(old)
    flush(s)
    for user_id, peer_id, guest, org in wanted:
        day.trainers.append(CourseTrainer(user_id=user_id, peer_supporter_id=peer_id, guest_name=guest, guest_organisation=org))
    flush(s)
    return day


# ------------------------------------------------------------------ attendance
def _participants(s: Session, cohort_id: int) -> list[tuple[int, str, str, dt.date | None]]:
    return s.execute(select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name, PeerSupporter.left_on)
                     .where(PeerSupporter.cohort_id == cohort_id)
                     .order_by(PeerSupporter.last_name, PeerSupporter.first_name, PeerSupporter.id)).all()


@operation(A, C)
def record_attendance(s: Session, day_id: int, present_ids: Iterable[int], excused_ids: Iterable[int] = (),
                      today: dt.date | None = None) -> CourseDay:
    """The whole day's attendance in one call: the participants named present or excused, everyone else of the
    cohort absent (those who had left the programme before the day get no mark). A planned day whose date
    has come becomes held; a future or cancelled day takes no attendance."""
    day = get(s, CourseDay, day_id)
    if day.status == Occurrence.CANCELLED:
        raise ValidationError("error.training.day_cancelled", field="attendance")
    if day.day > (today or dt.date.today()):
        raise ValidationError("error.training.attendance_in_future", field="attendance")
    present, excused = set(present_ids), set(excused_ids)
    if present & excused:
        raise ValidationError("error.training.present_and_excused", field="attendance")
    people = {pid: left_on for pid, _f, _l, left_on in _participants(s, day.cohort_id)}
    if (present | excused) - set(people):
        raise ValidationError("error.training.not_in_cohort", field="attendance")
    for pid in present | excused:
        if people[pid] is not None and people[pid] < day.day:
            raise ValidationError("error.participant_had_left", field="attendance", date=people[pid].isoformat())
    from peerdesk.services.access import authorize_write

    authorize_write(s, CourseAttendance)
    existing = {a.peer_supporter_id: a for a in day.attendance}
    for pid, left_on in people.items():
        if left_on is not None and left_on < day.day:
            continue
        status = AttendanceStatus.PRESENT if pid in present else AttendanceStatus.EXCUSED if pid in excused else AttendanceStatus.ABSENT
        if pid in existing:
            if existing[pid].status != status:
                existing[pid].status = status
        else:
            day.attendance.append(CourseAttendance(peer_supporter_id=pid, status=status))
    if day.status == Occurrence.PLANNED:
        day.status = Occurrence.HELD
    flush(s)
    return day


# ------------------------------------------------------------------ the rule
def _share(s: Session) -> Fraction:
    from peerdesk.services.settings import checked_setting

    return Fraction(str(checked_setting(s, SHARE_SETTING)))


def needed_days(share: Fraction | float, held: int) -> int:
    """Days present needed of `held` held days: the share rounded up, in exact arithmetic."""
    return math.ceil(Fraction(str(share)) * held)


@dataclass(frozen=True)
class Progress:
    """A participant's attendance against the rule."""

    person_id: int
    attended: int  # held days present
    held: int  # held days of the cohort's course
    planned: int  # days still planned
    needed: int  # days present needed of the held days
    certified_on: dt.date | None = None

    @property
    def meets_rule(self) -> bool:
        return self.held > 0 and self.planned == 0 and self.attended >= self.needed

    @property
    def can_still_meet(self) -> bool:
        """Whether attending every remaining planned day would reach the rule at the course's end."""
        return self.attended + self.planned >= needed_days(self._share, self.held + self.planned) if self.held + self.planned else False

    _share: Fraction = field(default=Fraction(4, 5), repr=False, compare=False)

    def reason(self) -> tuple[str, dict] | None:
        """Why the participant cannot be certified (a message id and its parameters), or None."""
        if self.held == 0 and self.planned == 0:
            return "training.rule.no_days", {}
        if self.planned:
            return "training.rule.still_planned", {"n": self.planned}
        if self.attended < self.needed:
            return "training.rule.too_few", {"attended": self.attended, "n": self.held, "needed": self.needed}
        return None


def _counts(s: Session, cohort_id: int, people: list[int]) -> tuple[int, int, dict[int, int]]:
    held = s.scalar(select(func.count()).select_from(CourseDay).where(CourseDay.cohort_id == cohort_id,
                                                                      CourseDay.status == Occurrence.HELD)) or 0
    planned = s.scalar(select(func.count()).select_from(CourseDay).where(CourseDay.cohort_id == cohort_id,
                                                                         CourseDay.status == Occurrence.PLANNED)) or 0
    attended = dict(s.execute(
        select(CourseAttendance.peer_supporter_id, func.count())
        .join(CourseDay, CourseDay.id == CourseAttendance.course_day_id)
        .where(CourseDay.cohort_id == cohort_id, CourseDay.status == Occurrence.HELD,
               CourseAttendance.status == AttendanceStatus.PRESENT, CourseAttendance.peer_supporter_id.in_(people))
        .group_by(CourseAttendance.peer_supporter_id)).all()) if people else {}
    return held, planned, attended


def _progress_of(s: Session, cohort_id: int, people: list[tuple[int, dt.date | None]]) -> dict[int, Progress]:
    share = _share(s)
    held, planned, attended = _counts(s, cohort_id, [p for p, _c in people])
    need = needed_days(share, held)
    return {pid: Progress(pid, attended.get(pid, 0), held, planned, need, cert, share) for pid, cert in people}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    progress: Progress
    key: str | None = None
    params: dict = field(default_factory=dict)

    def reason(self, lang: str | None = None) -> str:
        from peerdesk.i18n import t

        return t(self.key, lang, **self.params) if self.key else ""


@operation(A, C, S)
def can_certify(s: Session, person_id: int) -> Verdict:
    """Whether a participant meets the attendance rule, and the reason in words when not."""
    p = get(s, PeerSupporter, person_id)
    if p.cohort_id is None:
        return Verdict(False, Progress(p.id, 0, 0, 0, 0, p.certified_on), "training.rule.no_cohort")
    progress = _progress_of(s, p.cohort_id, [(p.id, p.certified_on)])[p.id]
    why = progress.reason()
    if why is None:
        return Verdict(True, progress)
    return Verdict(False, progress, why[0], why[1])


@operation(A, C)
def certify(s: Session, person_id: int, on: dt.date | str, *, override_reason: str | None = None,
            today: dt.date | None = None) -> Certification:
    """Certify a participant on a date: refused with the rule's reason when it is not met, unless an
    administrator gives a reason to certify anyway. Sets the person's certification date (and status
    "certified" for someone in training) and records how it was decided."""
    actor = actor_of(s)
    on = parse_date(on, "certified_on")
    today = today or dt.date.today()
    p = get(s, PeerSupporter, person_id)
    if p.certified_on is not None:
        raise ValidationError("error.training.already_certified", field="certified_on", date=p.certified_on.isoformat())
    if p.status == PeerStatus.LEFT:
        raise ValidationError("error.training.has_left", field="certified_on")
    if on > today:
        raise ValidationError("error.training.certified_in_future", field="certified_on")
    verdict = can_certify(s, person_id)
    reason = (override_reason or "").strip() or None
    if not verdict.ok:
        if reason is None or verdict.key == "training.rule.no_cohort":
            raise ValidationError(verdict.key, field="certified_on", **verdict.params)
        if not actor.has(A):
            raise AccessDenied("error.training.override_admin_only")
    elif reason is not None:
        reason = None  # nothing to override
    last_held = s.scalar(select(func.max(CourseDay.day)).where(CourseDay.cohort_id == p.cohort_id, CourseDay.status == Occurrence.HELD))
    if last_held is not None and on < last_held:
        raise ValidationError("error.training.certified_before_end", field="certified_on", date=last_held.isoformat())
    progress = verdict.progress
    cert = create(s, Certification, peer_supporter_id=p.id, cohort_id=p.cohort_id, certified_on=on, certified_by_id=actor.user_id,
                  days_attended=progress.attended, days_held=max(progress.held, progress.attended), override_reason=reason)
    p.certified_on = on
    if p.status == PeerStatus.IN_TRAINING:
        p.status = PeerStatus.CERTIFIED
    flush(s)
    return cert


# ------------------------------------------------------------------ what the screens show
@dataclass(frozen=True)
class DayInfo:
    id: int
    version: int
    day: dt.date
    theme: str
    place: str | None
    status: str
    trainers: tuple[str, ...]
    trainer_keys: tuple[Trainer, ...] = ()


@dataclass(frozen=True)
class Participant:
    id: int
    name: str
    left_on: dt.date | None
    progress: Progress


@dataclass(frozen=True)
class CourseGrid:
    cohort_id: int
    share: float
    days: list[DayInfo]
    participants: list[Participant]
    marks: dict[tuple[int, int], str]  # (person id, day id) -> attendance status


def _trainer_names(s: Session, day_ids: list[int]) -> dict[int, list[tuple[str, Trainer]]]:
    """Each day's trainers as shown: office staff by name, a pioneer by name and cohort, a guest with organisation."""
    from peerdesk.i18n import t

    if not day_ids:
        return {}
    rows = s.execute(
        select(CourseTrainer.course_day_id, CourseTrainer.user_id, CourseTrainer.peer_supporter_id, CourseTrainer.guest_name,
               CourseTrainer.guest_organisation, User.display_name, User.username, PeerSupporter.first_name, PeerSupporter.last_name,
               Cohort.name)
        .outerjoin(User, User.id == CourseTrainer.user_id)
        .outerjoin(PeerSupporter, PeerSupporter.id == CourseTrainer.peer_supporter_id)
        .outerjoin(Cohort, Cohort.id == PeerSupporter.cohort_id)
        .where(CourseTrainer.course_day_id.in_(day_ids)).order_by(CourseTrainer.id)).all()
    out: dict[int, list[tuple[str, Trainer]]] = {}
    for day_id, uid, pid, guest, org, display, username, first, last, cohort in rows:
        if uid is not None:
            text = display or username
        elif pid is not None:
            text = t("training.trainer.pioneer", name=f"{first} {last}", cohort=cohort or "–")
        else:
            text = t("training.trainer.guest", name=guest, organisation=org) if org else guest
        out.setdefault(day_id, []).append((text, Trainer(uid, pid, guest, org)))
    return out


@operation(A, C, S)
def course_days(s: Session, cohort_id: int) -> list[DayInfo]:
    get(s, Cohort, cohort_id)
    days = s.execute(select(CourseDay.id, CourseDay.version, CourseDay.day, CourseDay.theme, CourseDay.place, CourseDay.status)
                     .where(CourseDay.cohort_id == cohort_id).order_by(CourseDay.day)).all()
    names = _trainer_names(s, [d.id for d in days])
    return [DayInfo(d.id, d.version, d.day, d.theme, d.place, Occurrence(d.status).value,
                    tuple(n for n, _k in names.get(d.id, [])), tuple(k for _n, k in names.get(d.id, []))) for d in days]


@operation(A, C, S)
def course_grid(s: Session, cohort_id: int) -> CourseGrid:
    """A cohort's course at a glance: its days, its participants with their progress, every attendance mark."""
    days = course_days(s, cohort_id)
    people = _participants(s, cohort_id)
    certified = dict(s.execute(select(PeerSupporter.id, PeerSupporter.certified_on).where(PeerSupporter.cohort_id == cohort_id)).all())
    progress = _progress_of(s, cohort_id, [(p[0], certified.get(p[0])) for p in people])
    marks = {}
    if days:
        for pid, day_id, status in s.execute(
                select(CourseAttendance.peer_supporter_id, CourseAttendance.course_day_id, CourseAttendance.status)
                .where(CourseAttendance.course_day_id.in_([d.id for d in days]))):
            marks[(pid, day_id)] = AttendanceStatus(status).value
    return CourseGrid(cohort_id, float(_share(s)), days,
                      [Participant(pid, f"{first} {last}", left_on, progress[pid]) for pid, first, last, left_on in people], marks)


@operation(A, C, S)
def cohort_choices(s: Session) -> list[tuple[int, str, dt.date, dt.date | None]]:
    """(id, name, start, end) of every cohort, the newest first."""
    return [tuple(r) for r in s.execute(select(Cohort.id, Cohort.name, Cohort.start_date, Cohort.end_date)
                                        .order_by(Cohort.start_date.desc(), Cohort.id.desc()))]


@operation(A, C, S)
def trainer_choices(s: Session, cohort_id: int) -> dict[str, list[tuple[int, str]]]:
    """Who can teach a cohort: active office users, and certified peer supporters of other cohorts (pioneers)."""
    users = [(i, d or u) for i, d, u in s.execute(select(User.id, User.display_name, User.username)
                                                  .where(User.active.is_(True)).order_by(User.display_name))]
    pioneers = [(i, f"{f} {l} ({c})") for i, f, l, c in s.execute(
        select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name, Cohort.name)
        .join(Cohort, Cohort.id == PeerSupporter.cohort_id)
        .where(PeerSupporter.cohort_id != cohort_id, PeerSupporter.certified_on.is_not(None), PeerSupporter.status != PeerStatus.LEFT)
        .order_by(PeerSupporter.last_name, PeerSupporter.first_name))]
    return {"users": users, "pioneers": pioneers}


# ------------------------------------------------------------------ calendars
@operation(A, C, S)
def course_day_events(s: Session, actor, *, start: dt.date, end: dt.date, mine: bool = False) -> list:
    """Course days from `start` to `end` (inclusive) as all-day calendar events: "Utbildningsdag: <theme>" at
    its place. `mine`: only the days the actor teaches. No participant is named."""
    from peerdesk.i18n import t
    from peerdesk.services.calendar_events import CalendarEvent

    q = (select(CourseDay.id, CourseDay.day, CourseDay.theme, CourseDay.place, CourseDay.status)
         .where(CourseDay.day >= start, CourseDay.day <= end).order_by(CourseDay.day, CourseDay.id))
    if mine:
        if actor.user_id is None:
            return []
        q = q.where(CourseDay.id.in_(select(CourseTrainer.course_day_id).where(CourseTrainer.user_id == actor.user_id)))
    days = s.execute(q).all()
    organiser = {}
    if days:
        for day_id, uid in s.execute(select(CourseTrainer.course_day_id, func.min(CourseTrainer.user_id))
                                     .where(CourseTrainer.course_day_id.in_([d.id for d in days]), CourseTrainer.user_id.is_not(None))
                                     .group_by(CourseTrainer.course_day_id)):
            organiser[day_id] = uid
    out = []
    for d in days:
        organiser_id = actor.user_id if mine else organiser.get(d.id)
        out.append(CalendarEvent(uid=f"course_day-{d.id}@peerdesk", kind="course_day", start=d.day, end=None,
                                 title=t("calendar.course_day", theme=d.theme), location=d.place, status=Occurrence(d.status),
                                 organiser_id=organiser_id))
    return out


# ------------------------------------------------------------------ the certificate
@dataclass(frozen=True)
class CertificateData:
    """What a certificate shows: no health data, no attendance marks — a document to frame."""

    name: str
    cohort: str
    first_day: dt.date | None
    last_day: dt.date | None
    days: int  # course days held
    certified_on: dt.date
    office: str
    office_lines: tuple[str, ...]
    themes: tuple[str, ...]


@operation(A, C)
def certificate_data(s: Session, person_id: int) -> CertificateData:
    from peerdesk.services.settings import get_setting

    p = get(s, PeerSupporter, person_id)
    if p.certified_on is None:
        raise ValidationError("error.training.not_certified", field="certified_on")
    cohort = s.get(Cohort, p.cohort_id) if p.cohort_id else None
    held = s.execute(select(CourseDay.day, CourseDay.theme).where(CourseDay.cohort_id == p.cohort_id, CourseDay.status == Occurrence.HELD)
                     .order_by(CourseDay.day)).all() if cohort else []
    first = held[0].day if held else (cohort.start_date if cohort else None)
    last = held[-1].day if held else (cohort.end_date if cohort else None)
    lines = tuple(v for v in (get_setting(s, k) for k in ("office.address", "office.phone", "office.email")) if v)
    return CertificateData(p.full_name, cohort.name if cohort else "", first, last, len(held) or COURSE_DAYS, p.certified_on,
                           get_setting(s, "office.name") or "", lines, tuple(dict.fromkeys(h.theme for h in held)))


@operation(A, C)
def write_certificate(s: Session, person_id: int, path, lang: str | None = None) -> CertificateData:
    """The certificate as a PDF at `path`, written privately and put in place when this unit of work commits; audited."""
    from peerdesk.reports.certificate import build_certificate
    from peerdesk.services import audit
    from peerdesk.storage.safe_output import session_output

    data = certificate_data(s, person_id)
    out = session_output(s, str(path))
    with out.writing() as temp:
        build_certificate(data, temp, lang or "sv")
    audit.record(s, "print_certificate", "peer_supporter", person_id)
    return data
