"""Respondents' written comments (the patient survey's "Beskriv" lines and its open question) as quotes.

A comment is entered beside the scale (evaluation.record_response, the entry grid, the import) and kept
in `answer.text`. It reaches a report only as a quote, the way interview quotes do: the evaluator takes
it as a quote candidate (a draft `Quote` pointing at the answer), shortens or edits it, picks a theme,
and approves it after the disclosure check (evaluation._check_quote). The report then prints it
(`printable`) only while

- the quote is approved and its text passes the disclosure check again that day (round_report refuses
  the whole report otherwise, as for every text);
- the response it comes from is usable: an anonymous patient survey entered as anonymous, or a response
  whose consent covers questionnaires and is signed, valid and not withdrawn (round_report._usable_response);
- at least `report.min_quote_informants` usable respondents of the comment's role answered questionnaires
  in the round — people, not questionnaires: a consent-linked respondent counts once whatever the number
  of forms, each anonymous survey counts once.

Attributed only as "role, round N" ("Patient, materialinsamlingsomgång 3"). A consent withdrawn or run
out stops its comments printing; a consent deleted by retention takes its responses, their answers and
the quotes taken from them along (ON DELETE CASCADE on quote.answer_id). Export-round never carries
comments (it writes the scale items only).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.i18n import t
from peerdesk.services.access import A, E, operation
from peerdesk.services.records import create, flush, get


@dataclass(frozen=True)
class CommentRow:
    """A written comment of a round, for the evaluator's list of quote candidates."""

    answer_id: int
    item: int  # the question's number
    role: str
    text: str
    quote_id: int | None  # the quote already taken from it, if any


@operation(A, E)
def round_comments(s: Session, round_id: int) -> list[CommentRow]:
    """Every written comment of the round's questionnaires, oldest first, with the quote taken from it."""
    R, Ans, It, Q = m.QuestionnaireResponse, m.Answer, m.InstrumentItem, m.Quote
    rows = s.execute(
        select(Ans.id, It.number, R.informant_role, Ans.text, Q.id)
        .join(R, R.id == Ans.response_id).join(It, It.id == Ans.item_id).outerjoin(Q, Q.answer_id == Ans.id)
        .where(R.round_id == round_id, Ans.text.is_not(None), Ans.text != "").order_by(R.id, It.number, Q.id)
    ).all()
    seen: dict[int, CommentRow] = {}
    for aid, number, role, text, qid in rows:
        seen.setdefault(aid, CommentRow(aid, number, role.value, text, qid))
    return list(seen.values())


@operation(A, E)
def make_quote(s: Session, answer_id: int, theme_id: int | None = None, text: str | None = None) -> m.Quote:
    """A draft quote from a written comment (its text, unless the evaluator's shortened `text` is given),
    in the comment's round and role. The same comment taken twice gives the quote already made."""
    answer = get(s, m.Answer, answer_id)
    existing = s.scalar(select(m.Quote).where(m.Quote.answer_id == answer_id).order_by(m.Quote.id).limit(1))
    if existing is not None:
        return existing
    response = answer.response
    quote = create(s, m.Quote, round_id=response.round_id, informant_role=response.informant_role, theme_id=theme_id,
                   answer_id=answer.id, text=(text or answer.text or "").strip())
    flush(s)
    return quote


def _respondents(s: Session, rnd_round, usable) -> dict[m.InformantRole, int]:
    """Usable respondents per role in the round: each anonymous survey once, each consent once."""
    from peerdesk.services.round_report import _responses

    R = m.QuestionnaireResponse
    out: dict[m.InformantRole, int] = defaultdict(int)
    for role, anonymous, consents in s.execute(
        _responses(R.informant_role, func.count(R.id).filter(R.consent_id.is_(None)), func.count(distinct(R.consent_id)))
        .where(R.round_id == rnd_round.id, usable).group_by(R.informant_role)
    ):
        out[role] += int(anonymous or 0) + int(consents or 0)
    return out


@operation(A, E)
def printable(s: Session, rnd_round, today: dt.date, kq: int, lang: str) -> tuple[dict[str, list[tuple[str, str]]], set[int]]:
    """The approved comment quotes of the round that may print, by theme, and the consents behind them."""
    from peerdesk.services.round_report import _responses, _role_label, _usable_response

    R, Ans, Q = m.QuestionnaireResponse, m.Answer, m.Quote
    usable = _usable_response(rnd_round.study_id, today)
    rows = s.execute(
        _responses(Q.text, Q.informant_role, Q.theme_id, R.consent_id, R.informant_role)
        .join(Ans, Ans.response_id == R.id).join(Q, Q.answer_id == Ans.id)
        .where(Q.round_id == rnd_round.id, R.round_id == rnd_round.id, Q.status == m.QuoteStatus.APPROVED, usable)
        .order_by(Q.id)
    ).all()
    if not rows:
        return {}, set()
    people = _respondents(s, rnd_round, usable)
    themes = {th.id: getattr(th, f"name_{lang}") for th in s.scalars(select(m.Theme))}
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    used: set[int] = set()
    for text, role, theme_id, consent_id, response_role in rows:
        if role != response_role or people.get(role, 0) < kq:
            continue  # too few respondents of the role: the comment could point at one of them
        if consent_id is not None:
            used.add(consent_id)
        attribution = t("report.attribution", lang, role=_role_label(role, lang, plural=False), round=rnd_round.number)
        out[themes.get(theme_id, t("report.no_theme", lang))].append((text, attribution))
    return dict(out), used
