"""Evaluation rounds, interviews, instruments (loaded from resources/), answers and quotes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import (
    Answer,
    EvaluationRound,
    InformantRole,
    Instrument,
    InstrumentItem,
    Interview,
    InterviewKind,
    QuestionnaireResponse,
    Quote,
    QuoteStatus,
    ReportSection,
    Theme,
)
from peerdesk.paths import resources_dir
from peerdesk.services.access import A, E, operation
from peerdesk.services.records import create, ensure_unique, flush, get, validates
from peerdesk.services.validation import check_order, require

DEFAULT_THEMES = [
    ("Rollen som peer supporter", "The peer supporter role"),
    ("Bemötande och förhållningssätt", "Attitudes and approach"),
    ("Organisation och ledning", "Organisation and management"),
    ("Samarbete med personalen", "Working with staff"),
]


@validates(EvaluationRound)
def _check_round(s: Session, r: EvaluationRound) -> None:
    require(r.number, "number")
    if r.number < 1:
        raise ValidationError("error.out_of_range", field="number", low=1, high=999)
    require(r.start_date, "start_date")
    check_order(r.start_date, r.end_date)
    ensure_unique(s, r, "number")


@validates(Interview)
def _check_interview(s: Session, i: Interview) -> None:
    require(i.round_id, "round_id")
    require(i.kind, "kind")
    require(i.informant_role, "informant_role")
    require(i.held_on, "held_on")
    if i.participants is None or i.participants < 1:
        raise ValidationError("error.out_of_range", field="participants", low=1, high=99)
    if InterviewKind(i.kind) == InterviewKind.INDIVIDUAL and i.participants != 1:
        raise ValidationError("error.individual_one_participant", field="participants")


@validates(Instrument)
def _check_instrument(s: Session, ins: Instrument) -> None:
    require(ins.code, "code")
    require(ins.name_sv, "name_sv")
    require(ins.name_en, "name_en")
    if ins.scale_min is None or ins.scale_max is None or ins.scale_max <= ins.scale_min:
        raise ValidationError("error.scale_order", field="scale_max")
    if ins.good_end not in ("low", "high"):
        raise ValidationError("error.invalid_choice", field="good_end")


@validates(Quote)
def _check_quote(s: Session, q: Quote) -> None:
    require(q.round_id, "round_id")
    require(q.informant_role, "informant_role")
    require(q.text, "text")
    if q.status == QuoteStatus.APPROVED:
        # An approved quote passes the disclosure check. The message counts the findings and names
        # none: the words may be people's names (the window shows them from disclosure.check_quote).
        _refuse_flagged(s, "error.quote_flagged", q.text)


@validates(Theme)
def _check_theme(s: Session, th: Theme) -> None:
    """A theme's name prints as a heading over its quotes: it passes the same check."""
    _refuse_flagged(s, "error.theme_flagged", th.name_sv, th.name_en, field="name_sv")


@validates(ReportSection)
def _check_section(s: Session, sec: ReportSection) -> None:
    """The evaluator's heading and text print as they are: they pass the same check."""
    require(sec.title, "title")
    _refuse_flagged(s, "error.section_flagged", sec.title, sec.body, field="body")


def _refuse_flagged(s: Session, key: str, *texts: str | None, field: str = "text") -> None:
    from peerdesk.services.disclosure import _register, find_in_text

    reg = _register(s)
    n = sum(len(find_in_text(text or "", reg)) for text in texts)
    if n:
        raise ValidationError(key, field=field, n=n)


@operation(A, E)
def load_instrument_file(s: Session, path: Path) -> Instrument:
    """Create or refresh an instrument from its JSON definition (the way to add one without code)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        code = data["code"]
        items = data["items"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ValidationError("error.instrument_file", file=Path(path).name) from None
    ins = s.scalar(select(Instrument).where(Instrument.code == code))
    fields = {k: data.get(k) for k in (
        "name_sv", "name_en", "scale_min", "scale_max", "good_end", "anchor_low_sv", "anchor_low_en",
        "anchor_high_sv", "anchor_high_en", "anchor_extra_sv", "anchor_extra_en", "extra_value",
    )}
    if ins is None:
        ins = create(s, Instrument, code=code, **fields)
    else:
        for k, v in fields.items():
            setattr(ins, k, v)
    by_number = {it.number: it for it in ins.items}
    for item in items:
        it = by_number.get(item["number"])
        if it is None:
            ins.items.append(InstrumentItem(number=item["number"], text_sv=item["sv"], text_en=item["en"], open_ended=bool(item.get("open"))))
        else:
            it.text_sv, it.text_en, it.open_ended = item["sv"], item["en"], bool(item.get("open"))
    _check_instrument(s, ins)
    flush(s)
    return ins


@operation(A, E)
def load_bundled_instruments(s: Session) -> list[Instrument]:
    return [load_instrument_file(s, p) for p in sorted((resources_dir() / "instruments").glob("*.json"))]


@operation(A, E)
def record_response(
    s: Session,
    round_id: int,
    instrument_id: int,
    respondent_code: str,
    informant_role: InformantRole | str,
    answers: dict[int, int | None],
    workplace_id: int | None = None,
    consent_id: int | None = None,
    comments: dict[int, str] | None = None,
) -> QuestionnaireResponse:
    """One questionnaire: `answers` maps item number → value (None = left blank).

    Values outside the instrument's scale are refused, naming the item.
    """
    require(respondent_code, "respondent_code")
    get(s, EvaluationRound, round_id)
    ins = get(s, Instrument, instrument_id)
    items = {it.number: it for it in ins.items}
    allowed = set(range(ins.scale_min, ins.scale_max + 1))
    if ins.extra_value is not None:
        allowed.add(ins.extra_value)
    for number, value in answers.items():
        if number not in items:
            raise ValidationError("error.unknown_item", field=f"item_{number}", item=number)
        if value is not None and (items[number].open_ended or value not in allowed):
            raise ValidationError(
                "error.answer_out_of_scale", field=f"item_{number}", item=number, low=min(allowed), high=ins.scale_max
            )
    clash = s.scalar(
        select(QuestionnaireResponse.id).where(
            QuestionnaireResponse.round_id == round_id,
            QuestionnaireResponse.instrument_id == instrument_id,
            QuestionnaireResponse.respondent_code == respondent_code.strip(),
        )
    )
    if clash:
        raise ValidationError("error.duplicate", field="respondent_code")
    resp = create(
        s, QuestionnaireResponse, round_id=round_id, instrument_id=instrument_id, respondent_code=respondent_code,
        informant_role=informant_role, workplace_id=workplace_id, consent_id=consent_id,
    )
    comments = comments or {}
    for number, item in items.items():
        if number in answers or number in comments:
            resp.answers.append(Answer(item_id=item.id, value=answers.get(number), text=comments.get(number)))
    flush(s)
    return resp


@operation(A, E)
def ensure_default_themes(s: Session) -> None:
    if s.scalar(select(Theme.id).limit(1)) is None:
        for sv, en in DEFAULT_THEMES:
            s.add(Theme(name_sv=sv, name_en=en))
        flush(s)


# ------------------------------------------------------------------ read models for the evaluator's screens
@dataclass(frozen=True)
class RoundInfo:
    id: int
    number: int
    period: str
    status: str
    version: int = 1


@dataclass(frozen=True)
class InstrumentDef:
    id: int
    code: str
    name: dict  # lang -> name
    allowed: tuple[int, ...]
    items: tuple[tuple[int, dict, bool], ...]  # (number, {lang: text}, open-ended)


@dataclass(frozen=True)
class QuoteRow:
    id: int
    version: int
    role: str
    text: str
    status: str


@operation(A, E)
def rounds(s: Session) -> list[RoundInfo]:
    return [
        RoundInfo(r.id, r.number, f"{r.start_date.isoformat()} – {r.end_date.isoformat() if r.end_date else ''}", r.status.value, r.version)
        for r in s.scalars(select(EvaluationRound).order_by(EvaluationRound.number))
    ]


@operation(A, E)
def instrument_defs(s: Session) -> list[InstrumentDef]:
    out = []
    for ins in s.scalars(select(Instrument).order_by(Instrument.id)):
        allowed = set(range(ins.scale_min, ins.scale_max + 1)) | ({ins.extra_value} if ins.extra_value is not None else set())
        items = tuple((it.number, {"sv": it.text_sv, "en": it.text_en}, it.open_ended) for it in ins.items)
        out.append(InstrumentDef(ins.id, ins.code, {"sv": ins.name_sv, "en": ins.name_en}, tuple(sorted(allowed)), items))
    return out


@operation(A, E)
def round_workplaces(s: Session, round_id: int) -> list[tuple[int, str]]:
    """The workplaces of a round, for entering where a paper questionnaire came from."""
    from peerdesk.models import RoundWorkplace, Workplace

    q = select(Workplace.id, Workplace.name).join(RoundWorkplace, RoundWorkplace.workplace_id == Workplace.id).where(
        RoundWorkplace.round_id == round_id).order_by(Workplace.name)
    return [tuple(r) for r in s.execute(q)]


@operation(A, E)
def missing_per_item(s: Session, round_id: int, instrument_id: int) -> tuple[int, dict[int, int]]:
    """How many questionnaires a round has for an instrument, and per item how many were left blank."""
    from sqlalchemy import func

    total = s.scalar(select(func.count()).select_from(QuestionnaireResponse).where(
        QuestionnaireResponse.round_id == round_id, QuestionnaireResponse.instrument_id == instrument_id)) or 0
    answered = dict(s.execute(
        select(InstrumentItem.number, func.count(Answer.id))
        .join(Answer, Answer.item_id == InstrumentItem.id)
        .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
        .where(QuestionnaireResponse.round_id == round_id, QuestionnaireResponse.instrument_id == instrument_id,
               Answer.value.is_not(None))
        .group_by(InstrumentItem.number)
    ).all())
    items = s.scalars(select(InstrumentItem.number).where(InstrumentItem.instrument_id == instrument_id, InstrumentItem.open_ended.is_(False)))
    return total, {n: total - answered.get(n, 0) for n in items}


@operation(A, E)
def round_quotes(s: Session, round_id: int) -> list[QuoteRow]:
    return [QuoteRow(q.id, q.version, q.informant_role.value, q.text, q.status.value)
            for q in s.scalars(select(Quote).where(Quote.round_id == round_id).order_by(Quote.id))]


@operation(A, E)
def themes(s: Session) -> list[tuple[int, str, str]]:
    return [(th.id, th.name_sv, th.name_en) for th in s.scalars(select(Theme).order_by(Theme.name_sv))]


@operation(A, E)
def add_theme(s: Session, name_sv: str, name_en: str | None = None) -> Theme:
    """The theme list is the office's own: evaluators add themes as the analysis finds them."""
    from peerdesk.services.records import create

    require(name_sv, "name_sv")
    theme = Theme(name_sv=name_sv.strip(), name_en=(name_en or name_sv).strip())
    existing = s.scalar(select(Theme).where(Theme.name_sv == theme.name_sv))
    if existing is not None:
        return existing
    return create(s, Theme, name_sv=theme.name_sv, name_en=theme.name_en)


@operation(A, E)
def round_interviews(s: Session, round_id: int) -> list[tuple]:
    """(id, date, kind, role, participants) of a round's interviews, for choosing a quote's source."""
    return [(i.id, i.held_on.isoformat(), i.kind.value, i.informant_role.value, i.participants)
            for i in s.scalars(select(Interview).where(Interview.round_id == round_id).order_by(Interview.held_on))]


@operation(A, E)
def workplace_choices(s: Session) -> list[tuple[int, str, bool]]:
    """(id, name, active) of every workplace, for choosing a round's wards."""
    from peerdesk.models import Workplace

    return [tuple(r) for r in s.execute(select(Workplace.id, Workplace.name, Workplace.active).order_by(Workplace.name))]


@operation(A, E)
def set_round_workplaces(s: Session, round_id: int, workplace_ids: list[int]) -> None:
    from peerdesk.models import RoundWorkplace

    get(s, EvaluationRound, round_id)
    current = {rw.workplace_id: rw for rw in s.scalars(select(RoundWorkplace).where(RoundWorkplace.round_id == round_id))}
    wanted = set(workplace_ids)
    for wid, rw in current.items():
        if wid not in wanted:
            s.delete(rw)
    for wid in wanted - set(current):
        s.add(RoundWorkplace(round_id=round_id, workplace_id=wid))
    flush(s)
