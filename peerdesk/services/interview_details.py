"""What an interview was, beside who took part: its guide and the guide's version, the interviewer, the
duration, the place (internal, never printed) and what became of the recording — recorded → transcribed
→ coded → deleted, forward only, the deletion dated. Interview guides are a register of their own
(resources/interview_guides: the source report's Bilaga 1–3, 18 open questions in three versions).
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import t
from peerdesk.paths import resources_dir
from peerdesk.services import audit
from peerdesk.services.access import A, E, operation
from peerdesk.services.records import create, ensure_unique, flush, get, validates
from peerdesk.services.validation import parse_date, require

MAX_MINUTES = 24 * 60


@contextmanager
def _undone_if_refused(s: Session, obj):
    """A refused change leaves the record as it was, not half-changed in the Session."""
    try:
        yield
    except ValidationError:
        s.expire(obj)
        raise


def check_role(value: object, field: str = "informant_role") -> None:
    """An informant role stored as plain text (a guide's, a logistics row's) must be one of the roles."""
    require(value, field)
    try:
        m.InformantRole(value)
    except ValueError:
        raise ValidationError("error.invalid_choice", field=field) from None


@validates(m.InterviewGuide)
def _check_guide(s: Session, g: m.InterviewGuide) -> None:
    require(g.code, "code")
    require(g.name_sv, "name_sv")
    require(g.name_en, "name_en")
    check_role(g.informant_role)
    if g.edition is None or isinstance(g.edition, bool) or not 1 <= g.edition <= 9999:
        raise ValidationError("error.out_of_range", field="edition", low=1, high=9999)


@validates(m.Interview)
def _check_details(s: Session, iv: m.Interview) -> None:
    if iv.duration_minutes is not None and (isinstance(iv.duration_minutes, bool) or not 1 <= iv.duration_minutes <= MAX_MINUTES):
        raise ValidationError("error.out_of_range", field="duration_minutes", low=1, high=MAX_MINUTES)
    if iv.guide_id is not None and s.get(m.InterviewGuide, iv.guide_id) is None:
        raise ValidationError("error.reference", field="guide_id")
    if iv.interviewer_id is not None and s.get(m.User, iv.interviewer_id) is None:
        raise ValidationError("error.reference", field="interviewer_id")
    status = m.TranscriptStatus(iv.transcript_status or m.TranscriptStatus.RECORDED)
    if status == m.TranscriptStatus.DELETED and iv.recording_deleted_on is None:
        raise ValidationError("error.recording_deleted_date", field="recording_deleted_on")
    if status != m.TranscriptStatus.DELETED and iv.recording_deleted_on is not None:
        raise ValidationError("error.recording_not_deleted", field="recording_deleted_on")
    if iv.recording_deleted_on is not None and iv.held_on is not None and iv.recording_deleted_on < iv.held_on:
        raise ValidationError("error.recording_deleted_before", field="recording_deleted_on")


# ------------------------------------------------------------------ the guides register
def _read_guide(path: Path) -> dict:
    """A guide definition checked in shape: code, version, role, names and numbered questions in both languages."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError("error.instrument_file", file=path.name) from None
    if not isinstance(data, dict):
        raise ValidationError("error.instrument_file", file=path.name)
    for name in ("code", "name_sv", "name_en", "informant_role"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ValidationError("error.instrument_file_field", file=path.name, name=name)
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ValidationError("error.instrument_file_field", file=path.name, name="questions")
    seen = set()
    for place, q in enumerate(questions, start=1):
        ok = (isinstance(q, dict) and isinstance(q.get("number"), int) and not isinstance(q["number"], bool) and q["number"] > 0
              and q["number"] not in seen and all(isinstance(q.get(lang), str) and q[lang].strip() for lang in ("sv", "en")))
        if not ok:
            raise ValidationError("error.instrument_file_item", file=path.name, place=place)
        seen.add(q["number"])
    return data


@operation(A, E)
def load_guide_file(s: Session, path: Path) -> m.InterviewGuide:
    """Create or refresh an interview guide in one version from its JSON file (the file's "version", 1 if left out).
    A guide in use keeps its questions' numbers; a changed guide is a new version."""
    data = _read_guide(Path(path))
    edition = data.get("version", 1)
    code = data["code"].strip()
    guide = s.scalar(select(m.InterviewGuide).where(m.InterviewGuide.code == code, m.InterviewGuide.edition == edition))
    fields = {k: data[k].strip() for k in ("name_sv", "name_en", "informant_role")}
    if guide is None:
        guide = create(s, m.InterviewGuide, code=code, edition=edition, **fields)
    else:
        for k, v in fields.items():
            setattr(guide, k, v)
    by_number = {q.number: q for q in guide.questions}
    for q in data["questions"]:
        old = by_number.pop(q["number"], None)
        if old is None:
            guide.questions.append(m.GuideQuestion(number=q["number"], text_sv=q["sv"].strip(), text_en=q["en"].strip()))
        else:
            old.text_sv, old.text_en = q["sv"].strip(), q["en"].strip()
    used = s.scalar(select(m.Interview.id).where(m.Interview.guide_id == guide.id).limit(1)) if guide.id else None
    if by_number and used:
        raise ValidationError("error.guide_in_use", code=code, version=edition)
    for gone in by_number.values():
        guide.questions.remove(gone)
    _check_guide(s, guide)
    flush(s)
    return guide


@operation(A, E)
def load_bundled_guides(s: Session) -> list[m.InterviewGuide]:
    """The source report's three guides (peer supporter, staff, manager)."""
    return [load_guide_file(s, p) for p in sorted((resources_dir() / "interview_guides").glob("*.json"))]


@dataclass(frozen=True)
class GuideInfo:
    id: int
    code: str
    edition: int
    name: dict  # lang -> name
    role: str
    questions: tuple[tuple[int, dict], ...]  # (number, {lang: text})

    def label(self, lang: str | None = None) -> str:
        """"Intervjuguide ställd till personal (Bilaga 2), version 1"."""
        from peerdesk.i18n import language

        lang = lang or language()
        return t("ui.eval.guide_label", lang, name=self.name.get(lang) or self.name["sv"], version=self.edition)


@operation(A, E)
def guides(s: Session) -> list[GuideInfo]:
    return [GuideInfo(g.id, g.code, g.edition, {"sv": g.name_sv, "en": g.name_en}, g.informant_role,
                      tuple((q.number, {"sv": q.text_sv, "en": q.text_en}) for q in g.questions))
            for g in s.scalars(select(m.InterviewGuide).order_by(m.InterviewGuide.code, m.InterviewGuide.edition))]


@operation(A, E)
def interviewer_choices(s: Session) -> list[tuple[int, str]]:
    """(id, name) of the active users who may interview: evaluators and administrators."""
    q = (select(m.User.id, m.User.display_name).join(m.UserRole, m.UserRole.user_id == m.User.id)
         .where(m.User.active.is_(True), m.UserRole.role.in_([m.Role.EVALUATOR, m.Role.ADMINISTRATOR]))
         .distinct().order_by(m.User.display_name))
    return [tuple(r) for r in s.execute(q)]


# ------------------------------------------------------------------ an interview's details
def _minutes(value) -> int | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationError("error.not_a_number", field="duration_minutes") from None
    return value


@operation(A, E)
def set_details(s: Session, interview_id: int, *, guide_id: int | None = None, interviewer_id: int | None = None,
                duration_minutes: int | str | None = None, place: str | None = None) -> m.Interview:
    """Record an interview's guide (a version of it), interviewer, duration in minutes and place."""
    iv = get(s, m.Interview, interview_id)
    if guide_id is not None:
        guide = s.get(m.InterviewGuide, guide_id)
        if guide is not None and guide.informant_role != m.InformantRole(iv.informant_role).value:
            raise ValidationError("error.guide_role", field="guide_id")
    with s.no_autoflush, _undone_if_refused(s, iv):  # checked before anything is written
        iv.guide_id, iv.interviewer_id = guide_id, interviewer_id
        iv.duration_minutes = _minutes(duration_minutes)
        iv.place = (place or "").strip() or None
        _check_details(s, iv)
    flush(s)
    return iv


@operation(A, E)
def set_transcript_status(s: Session, interview_id: int, status: str, on: dt.date | str | None = None) -> m.Interview:
    """Move the recording forward: recorded → transcribed → coded → deleted (a step may be skipped, never undone).
    "deleted" needs the date the recording was deleted; "transcribed" remembers its date (today if none is given).
    The change is audited with the statuses before and after."""
    iv = get(s, m.Interview, interview_id)
    try:
        new = m.TranscriptStatus(status)
    except ValueError:
        raise ValidationError("error.invalid_choice", field="transcript_status") from None
    old = m.TranscriptStatus(iv.transcript_status)
    order = m.TRANSCRIPT_ORDER
    if order.index(new) <= order.index(old):
        raise ValidationError("error.transcript_backwards", field="transcript_status",
                              now=t(f"ui.eval.transcript.{old.value}"), wanted=t(f"ui.eval.transcript.{new.value}"))
    if new == m.TranscriptStatus.DELETED and (on is None or (isinstance(on, str) and not on.strip())):
        raise ValidationError("error.recording_deleted_date", field="recording_deleted_on")
    day = parse_date(on, "recording_deleted_on" if new == m.TranscriptStatus.DELETED else "transcribed_on", required=False)
    with s.no_autoflush, _undone_if_refused(s, iv):  # checked before anything is written
        if new == m.TranscriptStatus.DELETED:
            iv.recording_deleted_on = day
        if new in (m.TranscriptStatus.TRANSCRIBED, m.TranscriptStatus.CODED) and iv.transcribed_on is None:
            iv.transcribed_on = day or dt.date.today()
        iv.transcript_status = new
        _check_details(s, iv)
    flush(s)
    audit.record(s, "transcript_status", "interview", iv.id, {"from": old.value, "to": new.value})
    return iv


@dataclass(frozen=True)
class InterviewDetailRow:
    id: int
    version: int
    held_on: str
    kind: str
    role: str
    participants: int
    guide: str  # "Intervjuguide … , version 1", or ""
    interviewer: str
    duration_minutes: int | None
    place: str
    transcript_status: str
    recording_deleted_on: str
    guide_id: int | None = None
    interviewer_id: int | None = None


@operation(A, E)
def round_interview_details(s: Session, round_id: int, lang: str | None = None) -> list[InterviewDetailRow]:
    """A round's interviews with their details, for the evaluator's list."""
    Iv, G, U = m.Interview, m.InterviewGuide, m.User
    q = (select(Iv, G, U.display_name).outerjoin(G, G.id == Iv.guide_id).outerjoin(U, U.id == Iv.interviewer_id)
         .where(Iv.round_id == round_id).order_by(Iv.held_on, Iv.id))
    out = []
    for iv, g, who in s.execute(q):
        guide = GuideInfo(g.id, g.code, g.edition, {"sv": g.name_sv, "en": g.name_en}, g.informant_role, ()).label(lang) if g else ""
        out.append(InterviewDetailRow(iv.id, iv.version, iv.held_on.isoformat(), iv.kind.value, iv.informant_role.value, iv.participants,
                                      guide, who or "", iv.duration_minutes, iv.place or "", iv.transcript_status.value,
                                      iv.recording_deleted_on.isoformat() if iv.recording_deleted_on else "", iv.guide_id,
                                      iv.interviewer_id))
    return out
