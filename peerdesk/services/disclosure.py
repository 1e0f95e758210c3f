"""Disclosure check for quotes before approval: names, gendered pronouns, marked details.

The report practice (DOMAIN.md): quotes are attributed only as "role, round N",
edited for anonymity, and use the gender-neutral pronoun *hen* for peer supporters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services.access import A, E, operation

PRONOUNS = {"han": "hen", "hon": "hen", "hans": "hens", "hennes": "hens", "honom": "henom", "henne": "henom"}
# Swedish inflections of a name: genitive and definite forms ("Annas", "Avdelningens", "Norrbyn").
_SUFFIXES = ("", "s", "n", "ns", "en", "ens", "et", "ets", "ar", "arna", "arnas")
_WORD = re.compile(r"[\wÅÄÖåäöÉé-]+", re.UNICODE)
_STOP = {"avdelning", "avdelningen", "mottagning", "psykiatri", "region", "kliniken", "för", "och", "unga", "vuxna"}


@dataclass(frozen=True)
class Finding:
    term: str  # the word as it stands in the quote
    kind: str  # "name", "pronoun" or "marked"
    suggestion: str | None = None


def _name_terms(s: Session) -> set[str]:
    """Every first name, last name and distinctive workplace word in the register, lower-cased."""
    terms: set[str] = set()
    for first, last in s.execute(select(m.PeerSupporter.first_name, m.PeerSupporter.last_name)):
        terms.update({first.lower(), last.lower()})
    for (name,) in s.execute(select(m.Manager.name)):
        terms.update(w.lower() for w in _WORD.findall(name))
    for name, contact in s.execute(select(m.Workplace.name, m.Workplace.contact_name)):
        terms.update(w.lower() for w in _WORD.findall(name) if not w.isdigit())
        if contact:
            terms.update(w.lower() for w in _WORD.findall(contact))
    for (name,) in s.execute(select(m.User.display_name)):
        terms.update(w.lower() for w in _WORD.findall(name))
    return {t for t in terms if len(t) >= 3 and t not in _STOP}


def find_in_text(text: str, names: set[str], marked: set[str] = frozenset(), pronouns: bool = True) -> list[Finding]:
    findings: list[Finding] = []
    for word in _WORD.findall(text):
        low = word.lower()
        if pronouns and low in PRONOUNS:
            findings.append(Finding(word, "pronoun", PRONOUNS[low]))
            continue
        if any(low == term + suffix for term in names | set(marked) for suffix in _SUFFIXES):
            findings.append(Finding(word, "marked" if any(low.startswith(t) for t in marked) else "name"))
    return findings


@operation(A, E)
def check_quote(s: Session, text: str, informant_role: m.InformantRole | str | None = None, marked: set[str] = frozenset()) -> list[Finding]:
    """What in a quote could identify someone. Gendered pronouns are flagged for every informant
    (the report uses *hen*), names of anyone or any workplace in the register, and terms the
    evaluator marked as identifying."""
    return find_in_text(text, _name_terms(s), {t.lower() for t in marked})
