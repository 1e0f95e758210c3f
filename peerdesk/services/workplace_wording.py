"""The word for the informants' workplace in questionnaire texts: "avdelningen" on a ward, "mottagningen"
at an outpatient clinic, "verksamheten" (or "boendet") in a municipal service such as Housing First.

The instruments are written as the source report printed them, for wards ("peer supportrar vid
avdelningen", "the ward's peer supporters"). Where a text is shown — the round report, the window's
answer grid, an export's variable labels — the ward phrase is replaced by the noun for the workplace kind
of the round. The setting `survey.workplace_noun` chooses the noun per instrument and kind, e.g.
{"PATIENT": {"municipal": "home"}} prints "boendet" for a Housing First round; without it a kind has its
default below. A round whose workplaces are of several kinds gets the neutral "verksamheten"/"the service".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m

SETTING = "survey.workplace_noun"
MIXED = "mixed"
# The noun's forms: Swedish definite and its genitive; English noun and its preposition ("on the ward").
NOUNS = {
    "ward": {"sv": ("avdelningen", "avdelningens"), "en": ("ward", "on")},
    "clinic": {"sv": ("mottagningen", "mottagningens"), "en": ("clinic", "at")},
    "service": {"sv": ("verksamheten", "verksamhetens"), "en": ("service", "at")},
    "home": {"sv": ("boendet", "boendets"), "en": ("housing service", "at")},
}
DEFAULT_NOUN = {m.WorkplaceKind.INPATIENT.value: "ward", m.WorkplaceKind.OUTPATIENT.value: "clinic",
                m.WorkplaceKind.MUNICIPAL.value: "service", MIXED: "service"}

_SV = re.compile(r"\b([Aa])vdelningen(s?)\b")
_EN = re.compile(r"\b(?:(on|at|in) )?([Tt])he ward('s)?\b")


def noun_for(kind: str | None, instrument_code: str, chosen: dict | None = None) -> str:
    """The noun (a key of NOUNS) for an instrument's texts at a workplace kind; None kind: the ward."""
    kind = kind or m.WorkplaceKind.INPATIENT.value
    noun = ((chosen or {}).get(instrument_code) or {}).get(kind) or DEFAULT_NOUN.get(kind, "ward")
    return noun if noun in NOUNS else DEFAULT_NOUN.get(kind, "ward")


def reword(text: str, lang: str, noun: str) -> str:
    """`text` with its ward phrase in `noun`'s words; a text without one is returned as it is."""
    if noun == "ward" or not text:
        return text
    if lang == "sv":
        definite, genitive = NOUNS[noun]["sv"]

        def sv(match: re.Match) -> str:
            word = genitive if match.group(2) else definite
            return (word[0].upper() + word[1:]) if match.group(1) == "A" else word
        return _SV.sub(sv, text)
    word, preposition = NOUNS[noun]["en"]

    def en(match: re.Match) -> str:
        the = "The" if match.group(2) == "T" else "the"
        phrase = f"{the} {word}{match.group(3) or ''}"
        return f"{preposition} {phrase}" if match.group(1) else phrase
    return _EN.sub(en, text)


def round_kind(s: Session, round_id: int) -> str | None:
    """The workplace kind of a round: of the workplaces chosen for it and those its questionnaires came
    from; MIXED for several kinds, None when it has none (then the texts stay as written)."""
    chosen = select(m.RoundWorkplace.workplace_id).where(m.RoundWorkplace.round_id == round_id)
    answered = select(m.QuestionnaireResponse.workplace_id).where(m.QuestionnaireResponse.round_id == round_id)
    kinds = set(s.scalars(select(m.Workplace.kind).where(m.Workplace.id.in_(chosen) | m.Workplace.id.in_(answered)).distinct()))
    if not kinds:
        return None
    return next(iter(kinds)).value if len(kinds) == 1 else MIXED


def for_round(s: Session, round_id: int) -> Callable[[str, str, str], str]:
    """A function (instrument code, text, lang) -> the text worded for the round's workplaces."""
    from peerdesk.services.settings import get_setting

    kind = round_kind(s, round_id)
    chosen = get_setting(s, SETTING) or {}

    def worded(code: str, text: str, lang: str) -> str:
        return reword(text, lang, noun_for(kind, code, chosen))
    return worded
