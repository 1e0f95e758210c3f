"""Evaluation rounds, interviews, instruments (loaded from resources/), answers and quotes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.i18n import t
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
from peerdesk.services.validation import check_order, check_profession, require

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


@validates(QuestionnaireResponse)
def _check_response(s: Session, r: QuestionnaireResponse) -> None:
    """Whether a response is anonymous is decided once, when it is entered: only a patient's answer
    with no consent can be, and an anonymous answer never becomes one with a consent, nor the other way
    round. So nothing later (a consent deleted by retention, an edit) can turn unusable data usable."""
    from sqlalchemy import inspect as inspect_state

    if r.anonymous and (r.consent_id is not None or InformantRole(r.informant_role) != InformantRole.PATIENT):
        raise ValidationError("error.response_anonymous_needs_patient", field="anonymous")
    check_profession(r.informant_role, r.profession)
    state = inspect_state(r)
    if state.persistent and state.attrs.anonymous.history.has_changes():
        raise ValidationError("error.response_anonymous_fixed", field="anonymous")


@validates(Interview)
def _check_interview(s: Session, i: Interview) -> None:
    require(i.round_id, "round_id")
    require(i.kind, "kind")
    require(i.informant_role, "informant_role")
    require(i.held_on, "held_on")
    check_profession(i.informant_role, i.profession)
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
    if ins.edition is not None and (isinstance(ins.edition, bool) or ins.edition < 1):
        raise ValidationError("error.out_of_range", field="edition", low=1, high=9999)
    state = sa_inspect(ins)
    if state.persistent and any(state.attrs[k].history.deleted for k in (*_SCALE_FIELDS, "edition")):
        n = _answer_count(s, ins.id)
        if n:
            raise _has_answers(ins, n)


@validates(InstrumentItem)
def _check_instrument_item(s: Session, it: InstrumentItem) -> None:
    """An item with answers keeps its number, its instrument and its kind (scale or free text)."""
    from sqlalchemy import func

    state = sa_inspect(it)
    if not state.persistent or not any(state.attrs[k].history.deleted for k in ("number", "open_ended", "instrument_id")):
        return
    n = s.scalar(select(func.count(Answer.id)).where(Answer.item_id == it.id)) or 0
    if n:
        raise _has_answers(get(s, Instrument, state.attrs.instrument_id.history.deleted[0]
                               if state.attrs.instrument_id.history.deleted else it.instrument_id), n)


@validates(Quote)
def _check_quote(s: Session, q: Quote) -> None:
    require(q.round_id, "round_id")
    require(q.informant_role, "informant_role")
    require(q.text, "text")
    if q.interview_id is not None:
        # A quote belongs to an interview of its own round and speaks with the interview's role: the
        # interview's participants' consents decide whether it may publish.
        iv = s.get(Interview, q.interview_id)
        if iv is None or iv.round_id != q.round_id:
            raise ValidationError("error.quote_interview_round", field="interview_id")
        if InformantRole(iv.informant_role) != InformantRole(q.informant_role):
            raise ValidationError("error.quote_interview_role", field="informant_role")
    if q.answer_id is not None:
        # A quote from a respondent's written comment belongs to the comment's round and role; it comes
        # from no interview: the response's consent basis decides whether it may publish.
        if q.interview_id is not None:
            raise ValidationError("error.quote_one_source", field="interview_id")
        source = s.execute(select(QuestionnaireResponse.round_id, QuestionnaireResponse.informant_role)
                           .join(Answer, Answer.response_id == QuestionnaireResponse.id).where(Answer.id == q.answer_id)).first()
        if source is None or source.round_id != q.round_id:
            raise ValidationError("error.quote_comment_round", field="answer_id")
        if InformantRole(source.informant_role) != InformantRole(q.informant_role):
            raise ValidationError("error.quote_comment_role", field="informant_role")
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


_INSTRUMENT_FIELDS = (
    "name_sv", "name_en", "scale_min", "scale_max", "good_end", "anchor_low_sv", "anchor_low_en",
    "anchor_high_sv", "anchor_high_en", "anchor_extra_sv", "anchor_extra_en", "extra_value",
)
# What stored answers mean: a questionnaire's value is read against these. An instrument with answers keeps them.
_SCALE_FIELDS = ("scale_min", "scale_max", "extra_value", "good_end")


@dataclass(frozen=True)
class _ItemDef:
    number: int
    sv: str
    en: str
    open_ended: bool


def _read_instrument_file(path: Path) -> tuple[str, int, dict, list[_ItemDef]]:
    """(code, version, instrument fields, items) from a JSON definition checked in shape (_read_definition)."""
    data = _read_definition(Path(path))
    edition = data.get("version", 1)
    if isinstance(edition, bool) or not isinstance(edition, int) or not 1 <= edition <= 9999:
        raise ValidationError("error.instrument_version", file=Path(path).name)
    items = [_ItemDef(item["number"], item["sv"], item["en"], bool(item.get("open"))) for item in data["items"]]
    return data["code"].strip(), edition, {k: data.get(k) for k in _INSTRUMENT_FIELDS}, items


def _answer_count(s: Session, instrument_id: int | None) -> int:
    """How many stored answers (values or comments) an instrument has."""
    from sqlalchemy import func

    if instrument_id is None:
        return 0
    return s.scalar(
        select(func.count(Answer.id)).join(InstrumentItem, InstrumentItem.id == Answer.item_id)
        .where(InstrumentItem.instrument_id == instrument_id)
    ) or 0


def _has_answers(ins: Instrument, n: int) -> ValidationError:
    return ValidationError("error.instrument_has_answers", code=ins.code, version=ins.edition, n=n, next=ins.edition + 1)


def _keeps_its_shape(s: Session, ins: Instrument, fields: dict, items: list[_ItemDef]) -> None:
    """Refuse a changed scale or item list for an instrument that has answers: a new version is the way."""
    n = _answer_count(s, ins.id)
    if not n:
        return
    if any(getattr(ins, k) != fields.get(k, getattr(ins, k)) for k in _SCALE_FIELDS):
        raise _has_answers(ins, n)
    stored = {it.number: it for it in ins.items}
    given = {it.number: it for it in items}
    if set(stored) != set(given):  # removed, added or renumbered items
        raise _has_answers(ins, n)
    for number, it in given.items():
        old = stored[number]
        if old.open_ended != it.open_ended:  # a scale item became a free-text one, or the other way
            raise _has_answers(ins, n)
        moved = [o for o in stored.values() if o.number != number and (o.text_sv == it.sv or o.text_en == it.en)]
        if moved and old.text_sv != it.sv and old.text_en != it.en:  # another item's text under this number
            raise _has_answers(ins, n)


@operation(A, E)
def load_instrument_file(s: Session, path: Path) -> Instrument:
    """Create or refresh an instrument from its JSON definition (the way to add one without code).

    The file's "version" (1 when left out) picks the version of the instrument. A version that has answers
    keeps its scale and items — only the wording of texts can be corrected; a changed instrument is a new
    version of the same code."""
    code, edition, fields, items = _read_instrument_file(path)
    ins = s.scalar(select(Instrument).where(Instrument.code == code, Instrument.edition == edition))
    if ins is None:
        ins = create(s, Instrument, code=code, edition=edition, **fields)
    else:
        _keeps_its_shape(s, ins, fields, items)
        for k, v in fields.items():
            setattr(ins, k, v)
    by_number = {it.number: it for it in ins.items}
    for item in items:
        it = by_number.pop(item.number, None)
        if it is None:
            ins.items.append(InstrumentItem(number=item.number, text_sv=item.sv, text_en=item.en, open_ended=item.open_ended))
        else:
            it.text_sv, it.text_en, it.open_ended = item.sv, item.en, item.open_ended
    for gone in by_number.values():  # no answers (checked above): the file is the definition
        ins.items.remove(gone)
    _check_instrument(s, ins)
    flush(s)
    return ins


_TEXT_FIELDS = ("name_sv", "name_en", "good_end", "anchor_low_sv", "anchor_low_en", "anchor_high_sv", "anchor_high_en",
                "anchor_extra_sv", "anchor_extra_en")
_NUMBER_FIELDS = ("scale_min", "scale_max", "extra_value")
_LIMIT = 1000  # item numbers and scale values: far beyond any questionnaire, far within every INTEGER column


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_LIMIT <= value <= _LIMIT


def _read_definition(path: Path) -> dict:
    """An instrument definition read and checked in shape before anything is saved: each field of the
    right kind, each item an object with a number and its Swedish and English text. A readable error
    names the field or the item (by its place in the file), never a KeyError or TypeError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError("error.instrument_file", file=path.name) from None
    if not isinstance(data, dict) or not isinstance(data.get("code"), str) or not data["code"].strip():
        raise ValidationError("error.instrument_file_field", file=path.name, name="code")
    for name in _TEXT_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValidationError("error.instrument_file_field", file=path.name, name=name)
    for name in _NUMBER_FIELDS:
        if data.get(name) is not None and not _whole(data[name]):
            raise ValidationError("error.instrument_file_field", file=path.name, name=name)
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise ValidationError("error.instrument_file_field", file=path.name, name="items")
    seen = set()
    for place, item in enumerate(items, start=1):
        ok = (isinstance(item, dict) and _whole(item.get("number")) and item["number"] > 0 and item["number"] not in seen
              and all(isinstance(item.get(lang), str) and item[lang].strip() for lang in ("sv", "en"))
              and isinstance(item.get("open", False), bool))
        if not ok:
            raise ValidationError("error.instrument_file_item", file=path.name, place=place)
        seen.add(item["number"])
    return data


@operation(A, E)
def latest_instrument(s: Session, code: str) -> Instrument | None:
    """The newest version of the instrument with this code."""
    return s.scalar(select(Instrument).where(Instrument.code == code).order_by(Instrument.edition.desc()).limit(1))


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
    anonymous: bool | None = None,
    profession: str | None = None,
) -> QuestionnaireResponse:
    """One questionnaire: `answers` maps item number → value (None = left blank).

    Values outside the instrument's scale are refused, naming the item. `anonymous`: an anonymous
    patient survey, which needs no consent; by default a patient's response entered with no consent.
    A consent that does not exist is refused; answers under a withdrawn or expired consent are kept
    linked to it, so they are never used (and the withdrawn-consent alert shows them).
    """
    require(respondent_code, "respondent_code")
    get(s, EvaluationRound, round_id)
    if consent_id is not None:
        from peerdesk.models import Consent

        consent = s.get(Consent, consent_id) if isinstance(consent_id, int) and 0 < consent_id < 2**31 else None
        if consent is None:
            raise ValidationError("error.reference", field="consent_id")
    if anonymous is None:
        anonymous = consent_id is None and InformantRole(informant_role) == InformantRole.PATIENT
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
    comments = _clean_comments(items, comments)
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
        informant_role=informant_role, workplace_id=workplace_id, consent_id=consent_id, anonymous=anonymous,
        profession=profession or (consent.profession if consent_id is not None else None),  # else the consent's
    )
    for number, item in items.items():
        if number in answers or number in comments:
            resp.answers.append(Answer(item_id=item.id, value=answers.get(number), text=comments.get(number)))
    flush(s)
    return resp


def _clean_comments(items: dict[int, InstrumentItem], comments: dict[int, str] | None) -> dict[int, str]:
    """The written comments beside the items (the patient survey's "Beskriv", an open question's answer):
    trimmed, empty ones dropped; one on an unknown item or longer than a comment may be is refused, naming the item."""
    from peerdesk.models.base import COMMENT_LENGTH

    out = {}
    for number, text in (comments or {}).items():
        text = (text or "").strip()
        if not text:
            continue
        if number not in items:
            raise ValidationError("error.unknown_item", field=f"item_{number}", item=number)
        if len(text) > COMMENT_LENGTH:
            raise ValidationError("error.comment_too_long", field=f"comment_{number}", item=number, max=COMMENT_LENGTH)
        out[number] = text
    return out


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
    interview_id: int | None = None  # None: never printed (services/round_report._quotes) — unless from a comment
    answer_id: int | None = None  # a respondent's written comment it was taken from (services/patient_comments)


@operation(A, E)
def rounds(s: Session) -> list[RoundInfo]:
    return [
        RoundInfo(r.id, r.number, f"{r.start_date.isoformat()} – {r.end_date.isoformat() if r.end_date else ''}", r.status.value, r.version)
        for r in s.scalars(select(EvaluationRound).order_by(EvaluationRound.number))
    ]


@operation(A, E)
def instrument_defs(s: Session, round_id: int | None = None) -> list[InstrumentDef]:
    """The instruments for entering answers; with `round_id` their texts say the round's workplace noun
    ("verksamheten" in a municipal round: services/workplace_wording.py)."""
    from peerdesk.services.workplace_wording import for_round

    worded = for_round(s, round_id) if round_id is not None else (lambda _code, text, _lang: text)
    out = []
    for ins in s.scalars(select(Instrument).order_by(Instrument.id)):
        allowed = set(range(ins.scale_min, ins.scale_max + 1)) | ({ins.extra_value} if ins.extra_value is not None else set())
        items = tuple((it.number, {"sv": worded(ins.code, it.text_sv, "sv"), "en": worded(ins.code, it.text_en, "en")}, it.open_ended)
                      for it in ins.items)
        name = {"sv": ins.name_sv, "en": ins.name_en}
        if ins.edition > 1:  # two versions of one instrument side by side in a chooser
            name = {lang: f"{text} ({t('ui.eval.instrument_version', lang, version=ins.edition)})" for lang, text in name.items()}
        out.append(InstrumentDef(ins.id, ins.code, name, tuple(sorted(allowed)), items))
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
    return [QuoteRow(q.id, q.version, q.informant_role.value, q.text, q.status.value, q.interview_id, q.answer_id)
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
def new_round(s: Session, number: int, start_date, end_date=None) -> EvaluationRound:
    """A new round continues the study of the latest round: its interviews' consents come from that study."""
    study_id = s.scalar(select(EvaluationRound.study_id).where(EvaluationRound.study_id.is_not(None))
                        .order_by(EvaluationRound.number.desc()).limit(1))
    return create(s, EvaluationRound, number=number, start_date=start_date, end_date=end_date, status="planned", study_id=study_id)


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
