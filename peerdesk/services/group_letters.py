"""Group letters that stay: each ward's staff group gets its letter once per study, at random, and
keeps it in every round, report and export of that study ("personalgrupp Y … under alla
materialinsamlingsomgångar", as the source report follows its groups).

Letters are contiguous, so a report reads "Grupp A, B, C", never "Grupp A, C" (a reader would ask
where B went): the wards present when a study's letters are first drawn get A, B, C, … in an order
drawn with the operating system's randomness (SystemRandom), and a ward that joins later gets the
next unused letter. So a letter says nothing about a ward's name, its id or its place in any list;
it says only that a ward with a later letter joined the study's reports later, which the reports
show anyway (it has no earlier columns). Only with more than 26 wards do two-letter groups (AA, AB,
…) come in. A round without a study keeps letters of its own.
"""

from __future__ import annotations

import random
import string
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import BusyError
from peerdesk.services.access import A, E, operation

ALPHABET = 26


def letter(i: int) -> str:
    """A, B, … Z, AA, AB, …: the i-th group letter (0-based)."""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def _owner(rnd_round: m.EvaluationRound) -> dict:
    return {"study_id": rnd_round.study_id} if rnd_round.study_id else {"round_id": rnd_round.id}


def _stored(s: Session, owner: dict) -> dict[int | None, str]:
    (column, value), = owner.items()
    rows = s.execute(select(m.GroupLetter.workplace_id, m.GroupLetter.letter).where(getattr(m.GroupLetter, column) == value))
    return {wid: text for wid, text in rows}


def _draw(taken: set[str], wards: list[int], rnd: random.Random) -> dict[int, str]:
    """New letters for `wards`: the first unused ones (A, B, … for a study's first draw), given to the
    wards in random order."""
    size = max(ALPHABET, len(taken) + len(wards))
    free = [letter(i) for i in range(size) if letter(i) not in taken][:len(wards)]
    wards = list(wards)
    rnd.shuffle(wards)
    return dict(zip(wards, free))


@operation(A, E)
def letters_for(s: Session, rnd_round: m.EvaluationRound, workplace_ids: Iterable[int], rnd: random.Random | None = None) -> dict[int, str]:
    """The group letter of each ward in `workplace_ids` for this round's study (or the round itself, if
    it has no study): the stored one, or one drawn now and stored for good."""
    wanted = sorted({int(w) for w in workplace_ids if w is not None})
    if not wanted:
        return {}
    owner = _owner(rnd_round)
    rnd = rnd or random.SystemRandom()
    for _attempt in range(3):
        known = _stored(s, owner)
        new = [w for w in wanted if w not in known]
        if not new:
            return {w: known[w] for w in wanted}
        drawn = _draw(set(known.values()), new, rnd)
        try:
            with s.begin_nested():  # a colleague's report drawing the same study's letters at the same moment
                s.add_all([m.GroupLetter(workplace_id=w, letter=text, **owner) for w, text in drawn.items()])
        except IntegrityError:
            continue  # theirs were stored first: read them and draw only what is still missing
    known = _stored(s, owner)
    if any(w not in known for w in wanted):  # colleagues kept drawing at the same moment: nothing saved, try again
        raise BusyError()
    return {w: known[w] for w in wanted}
