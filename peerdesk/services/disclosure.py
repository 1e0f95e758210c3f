"""The disclosure check: what in a text that reaches a report could identify a person or a place.

One check for every such text — quotes, the evaluator's sections, theme names, headings — run
when the text is approved or saved and again when a report is made (`check_all_report_texts`).

How a text is read (DOMAIN.md: quotes are attributed only as "role, round N", edited for
anonymity, with the gender-neutral *hen*):

- Normalised first: Unicode NFKC, invisible characters removed (soft hyphen, zero-width
  characters, word joiner, byte-order mark, bidi marks), case folded, diacritics folded for
  matching (Öberg = Oberg, Åsa = Asa); a finding reports the word as it stands.
- Registered names — peer supporters, managers, users, staff informants (consents, briefing
  attendees), ward contact persons, workplaces and their organisations — match as whole words,
  with Swedish inflections (Annas, Norrbyn), as parts of hyphenated words (Lena-gänget), and as
  the first part of a compound whose rest is a group or place word (Åsagruppen, Norrbyhuset).
  Names of two letters (Bo, Li) match only as whole words or hyphen parts.
- A workplace's generic words (GENERIC: avdelning, psykosvård, först, kliniken …, and any compound
  of them) are words, not names; its distinctive words (Norrby, Älvstaden) are names, and a name
  made of a direction or other ordinary word (Psykiatri Öster) matches as the whole phrase.
  A registered name that is also an ordinary word (ORDINARY: Bo, Liv, Björk, Väster …) counts only
  when written with a capital letter.
- Patterns: ward numbers ("avd 33", "avdelning 33", "ward 33", "33:an" for a registered ward
  number), personal identity numbers, phone numbers, e-mail addresses, organisation names (the
  list in resources/disclosure/organisations.json, "Region X", "X kommun", "X stad", and a
  "…kliniken"/"…mottagningen" compound whose first part is a registered or listed name),
  gendered pronouns in Swedish and English (with hen / they as suggestions), and the terms the
  evaluator marked (words or phrases, hyphenated or not).

What it cannot see (the README says so too): a description that fits one person ("the only
man on the night shift"), names not in the register, spellings with other letters ("Lenna"),
letters spaced apart, a generic ward name unique in its region unless marked.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services.access import A, E, operation

# Every kind of finding; each one identifies a person or a place, or points to one (a gendered
# pronoun singles out one person in a group of three to five), so each blocks approval and reports.
KINDS = ("name", "workplace", "ward", "organisation", "pin", "phone", "email", "pronoun", "marked")

PRONOUNS_SV = {"han": "hen", "hon": "hen", "hans": "hens", "hennes": "hens", "honom": "henom", "henne": "henom"}
PRONOUNS_EN = {"he": "they", "she": "they", "him": "them", "her": "them/their", "his": "their", "hers": "theirs",
               "himself": "themself", "herself": "themself"}
# Kept for callers of the old module.
PRONOUNS = PRONOUNS_SV

# A workplace's generic words: the words of ward and care names that describe, not name. They
# never count as names alone, nor do compounds of them ("öppenvårdsmottagning", "psykosvård").
# Role words of users' display names ("Handledare Demo") are here too, and the informant roles and
# professions of municipal services (a briefing attendee noted as "Case manager"). Folded (å→a, ö→o).
GENERIC = frozenset(_w for _w in """
    avdelning avd mottagning psykiatri psykiatrisk psykiatriska psykos psykosvard vard klinik enhet region
    regional kommun kommunal boende stod forst bostad oppen sluten oppenvard slutenvard beroende rattspsykiatri
    ratt ratts rattspsykiatrisk rattspsykiatriska affektiv affektiva sjukdom sjukdomar unga ung vuxna vuxen barn
    ungdom ungdoms aldre allman allmanpsykiatri social socialpsykiatri forvaltning socialforvaltning akut
    verksamhet team hus hem center central sjukhus station sektion omrade
    atstorning angest depression bipolar neuropsykiatri neuropsykiatrisk geriatrik trauma
    for och i pa med av till the of and for at ward unit clinic hospital service services housing first
    support peer
    demo kontaktperson administrator samordnare handledare utvarderare chef avdelningschef enhetschef
    personal kansli forening projekt kull
    klient klienter boendestodjare case manager casemanager handlaggare kurator dietist sjukskoterska skotare
    underskoterska socionom arbetsterapeut psykolog lakare resident client nurse dietitian social worker
""".split())

_GENERIC_STARTS = frozenset(w[:2] for w in GENERIC)

# Registered names that are also ordinary words count only when written with a capital letter:
# "att bo", "mitt liv", "väster om stan" are words; "Bo", "Liv", "Väster" may be names.
ORDINARY = frozenset(_w for _w in """
    bo per liv dag stig sten bjork bjorn strand falk lind holm berg ek ros rosa mark sol ask lo saga vilja
    hall lund vik strom sjo alm lilja fors dal blom tim max tom iris viola will may grace hope june rose
    bill love dawn mark vaster oster soder norr norra sodra ostra vastra vast ost syd nord centrum
""".split())

# What may follow a name in a compound ("Åsagruppen", "Norrbyhuset", "Oberggänget").
_HEADS = """
    grupp gang team avdelning mottagning klinik boende hus gard mote personal stod projekt enhet familj
    kurs kull vard psykiatri center centrum skola hem chef patient kompis van fika rum lag kollektiv
    forvaltning sjukhus ward
""".split()
_NOUN_ENDINGS = ("", "en", "et", "n", "t", "ar", "arna", "er", "erna", "s", "ens", "ets", "ns", "na", "ena")
HEADS = frozenset(h + e for h in _HEADS for e in _NOUN_ENDINGS)
# Institution words: "<name>kliniken" is an organisation's name when its first part is a name.
_INSTITUTIONS = ("kliniken", "klinik", "mottagningen", "mottagning", "sjukhuset", "forvaltningen", "vardcentralen")
# Swedish inflections of a name (genitive, definite forms: "Annas", "Norrbyn", "Avdelningens").
SUFFIXES = ("", "s", "n", "ns", "en", "ens", "et", "ets", "ar", "arna", "arnas")
SHORT_SUFFIXES = ("", "s")
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_HYPHENS = {"\u2010": "-", "\u2011": "-", "\u2012": "-"}
_TOKEN = re.compile(r"[^\W_]+")
# Personal identity numbers: YYMMDD-XXXX, YYMMDD+XXXX (over 100), YYYYMMDD-XXXX, YYYYMMDDXXXX; ten digits
# without a separator only when they are not a phone number.
_PIN = re.compile(r"(?<![\d-])(?:(?:19|20)(\d{2})(\d{2})(\d{2})[-+ ]?|(\d{2})(\d{2})(\d{2})[-+ ])\d{4}(?![\d-])")
_PIN_BARE = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})\d{4}(?![\d-])")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d \-()]{5,16}\d(?!\d)")
_DATE_LIKE = re.compile(r"^\d{1,2}[-.]\d{1,2}[-.]\d{2,4}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WARD = re.compile(r"\b(?:avd|avdelning|avdelningen|ward|enhet)\s*(?:nr\.?|no\.?|nummer|number)?\s*\.?\s*(\d{1,3})\b")
_WARD_COLON = re.compile(r"\b(\d{1,3})\s?:\s?(?:an|ans|e|es|ern)\b")
_UNKNOWN = object()
_BODIES = frozenset(("kommun", "kommuns", "stad", "stads", "municipality", "council"))
_PRONOUN_FORMS = frozenset(fold_ for fold_ in (*PRONOUNS_SV, *PRONOUNS_EN))  # folded: "hån" too, checked as written
# Words that may stand before "kommun"/"stad" and are not a place's name ("Vår kommun", "I kommun efter kommun").
_NOT_PLACES = frozenset("var vart vara min mitt mina din ditt er ert deras hans hennes hens denna detta den det en ett "
                        "varje hela samma annan annat egen eget egna ny nya stor storre liten mindre nagon ingen alla "
                        "olika i pa fran till inom utanfor mellan hem in the a our my your their this that each every "
                        "any".split())


@dataclass(frozen=True)
class Finding:
    term: str  # the text as it stands (invisible characters left out)
    kind: str  # one of KINDS
    suggestion: str | None = None


# ------------------------------------------------------------------ normalisation
@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    ch = _HYPHENS.get(ch, ch)
    if _INVISIBLE.match(ch):
        return ""
    out = unicodedata.normalize("NFKC", ch).casefold()
    out = "".join(c for c in unicodedata.normalize("NFD", out) if not unicodedata.combining(c))
    return out.replace("ø", "o").replace("æ", "ae").replace("đ", "d").replace("ł", "l")


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    if text.isascii():  # no invisible characters, no diacritics: one character each
        return text.lower(), list(range(len(text)))
    table, chars = _one_to_one()
    if chars.issuperset(text):  # Latin letters with diacritics only (å, ö, é …): still one each
        return text.translate(table), list(range(len(text)))
    chars, origin = [], []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


@lru_cache(maxsize=1)
def _one_to_one() -> tuple[dict[int, str], frozenset[str]]:
    """Characters that fold to exactly one character (ASCII, Latin letters with diacritics)."""
    table = {c: chr(c).lower() for c in range(128)}
    for c in range(0xC0, 0x250):
        out = _fold_char(chr(c))
        if len(out) == 1 and unicodedata.normalize("NFKC", chr(c)) == chr(c):
            table[c] = out
    return table, frozenset(map(chr, table))


def fold(text: str) -> str:
    """NFKC, invisible characters out, case and diacritics folded: "Ö\\u00adberg" → "oberg"."""
    return text.lower() if text.isascii() else "".join(_fold_char(ch) for ch in text)


def _words(text: str | None) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text or "")))


@lru_cache(maxsize=65536)
def is_generic(word: str) -> bool:
    """A folded word made only of GENERIC words, with inflections and linking s ("psykosvarden")."""
    if word in GENERIC or word.isdigit():
        return True
    if word[:2] not in _GENERIC_STARTS:
        return False
    if any(word.endswith(e) and word[: -len(e)] in GENERIC for e in _NOUN_ENDINGS + ("a", "e", "ernas", "arnas") if e):
        return True
    for i in range(3, len(word) - 2):
        head = word[:i]
        if (head in GENERIC or (head.endswith("s") and head[:-1] in GENERIC)) and is_generic(word[i:]):
            return True
    return False


@lru_cache(maxsize=65536)
def _name_parts(text: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """A name's comma-separated parts: (all words, the distinctive ones), folded."""
    out = []
    for part in re.split(r"[,;/()]", text):
        words = _words(part)
        out.append((words, tuple(w for w in words if not w.isdigit() and len(w) >= 2 and not is_generic(w))))
    return tuple(out)


# ------------------------------------------------------------------ the register
@dataclass
class Register:
    """What counts as identifying, folded: names as word sequences with their kind, ward numbers,
    and first parts that make "<first part>kliniken" an organisation's name."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    ward_numbers: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    _by_first: dict | None = None
    _words: tuple | None = None  # (version, first two letters of one-word names, word -> kind)
    _marked: int = 0  # marked terms added (they may change a name's kind without adding one)

    def _put(self, words: tuple[str, ...], kind: str) -> None:
        self.phrases.setdefault(words, kind)
        self._by_first = None

    def add_name(self, text: str | None, kind: str) -> None:
        """A person's or a place's name: each distinctive word, and the whole name when it has more."""
        for words, names in _name_parts(text or ""):
            for w in names:
                self._put((w,), kind)
                if kind != "name" and len(w) >= 3:
                    self.stems.add(w)
            if len(words) > 1 and names:
                self._put(words, kind)

    def add_workplace(self, name: str | None, organisation: str | None, specialty: str | None) -> None:
        self.add_name(name, "workplace")
        self.ward_numbers.update(w.lstrip("0") or "0" for w in _words(name) if w.isdigit())
        self.add_name(organisation, "organisation")
        for part in re.split(r"[,;/()]", organisation or ""):
            words = _words(part)
            if len(words) > 1 or (words and _institution_first_part(words[0]) is not None):
                self._put(words, "organisation")  # "Rättspsykiatriska kliniken", "Beroendekliniken"
        self.stems.update(w for w in _words(specialty) if len(w) >= 4)

    def add_marked(self, term: str) -> None:
        """A term the evaluator marked: a word or a phrase, hyphenated or not ("Sjö-stugan" = "Sjöstugan")."""
        words = _words(term)
        if words:
            self.phrases[words] = "marked"
            if len(words) > 1:
                self.phrases["".join(words),] = "marked"
            self._by_first = None
            self._marked += 1

    def verdicts(self) -> dict[tuple[str, bool], str | None]:
        """(word, written with a capital) -> what it is on its own, remembered for this register."""
        version = (len(self.phrases), len(self.stems), self._marked)
        if self._words is None or self._words[0] != version:
            self._words = (version, frozenset(w[0][:2] for w in self.phrases if len(w) == 1), {})
        return self._words[2]

    def word_kind(self, word: str, capital: bool) -> str | None:
        """What one word is on its own: a registered name (as written, inflected or first in a
        compound) or an organisation's "<name>kliniken"."""
        self.verdicts()
        kind = _word_kind(word, self.phrases, capital) if word[:2] in self._words[1] else None
        if kind is None and word.endswith(_INSTITUTIONS) and _is_institution(word, self):
            kind = "organisation"
        return kind

    def by_first(self) -> dict[str, list[tuple[str, ...]]]:
        """Phrases of more than one word by their first word, longest first."""
        if self._by_first is None:
            index: dict[str, list[tuple[str, ...]]] = {}
            for words in self.phrases:
                if len(words) > 1:
                    index.setdefault(words[0], []).append(words)
            self._by_first = {w: sorted(ps, key=len, reverse=True) for w, ps in index.items()}
        return self._by_first


@lru_cache(maxsize=1)
def _listed() -> tuple[tuple[tuple[str, ...], ...], frozenset[str]]:
    """resources/disclosure/organisations.json: organisations' names, and first parts of clinics' names."""
    from peerdesk.paths import resources_dir

    data = json.loads((resources_dir() / "disclosure" / "organisations.json").read_text(encoding="utf-8"))
    names = tuple(_words(n) for key in ("regions", "hospitals", "organisations") for n in data.get(key, []))
    return tuple(n for n in names if n), frozenset(fold(x) for x in data.get("clinic_stems", []))


def _register(s: Session) -> Register:
    """Every registered name and workplace, the listed organisations and the evaluator's marked terms."""
    from peerdesk.services.settings import get_setting

    reg = Register()
    for first, last in s.execute(select(m.PeerSupporter.first_name, m.PeerSupporter.last_name)):
        reg.add_name(first, "name")  # "Anna Maria" as a phrase too
        reg.add_name(f"{first} {last}", "name")
    for query in (select(m.Manager.name), select(m.User.display_name),
                  select(m.Consent.informant_name).where(m.Consent.informant_name.is_not(None)),  # staff informants by name
                  select(m.BriefingAttendee.name).where(m.BriefingAttendee.name.is_not(None)),
                  select(m.Workplace.contact_name).where(m.Workplace.contact_name.is_not(None))):
        for name in s.scalars(query):
            reg.add_name(name, "name")
    for name, organisation, specialty in s.execute(select(m.Workplace.name, m.Workplace.organisation, m.Workplace.specialty)):
        reg.add_workplace(name, organisation, specialty)
    listed, stems = _listed()
    for words in listed:
        reg._put(words, "organisation")
    reg.stems |= stems
    for term in get_setting(s, "quotes.marked_terms") or []:
        reg.add_marked(term)
    return reg


# ------------------------------------------------------------------ matching
class _Token(NamedTuple):
    word: str  # folded
    start: int  # in the folded text
    end: int


def find_in_text(text: str, reg: Register | set[str], marked: set[str] | frozenset[str] = frozenset(), lang: str = "sv") -> list[Finding]:
    """Every finding in `text`, in reading order. `reg` is a Register (or a plain set of names)."""
    if not isinstance(reg, Register):
        names, reg = reg, Register()
        for n in names:
            reg.add_name(n, "name")
    for term in marked:
        reg.add_marked(term)
    folded, origin = _folded(text)
    found: list[tuple[int, int, str, str | None]] = []  # (start, end) in the folded text, kind, suggestion
    covered: set[int] = set()

    def original(start: int, end: int) -> str:
        return _INVISIBLE.sub("", text[origin[start]: origin[end - 1] + 1])

    def add(start: int, end: int, kind: str, suggestion: str | None = None) -> None:
        if not covered.intersection(range(start, end)):
            found.append((start, end, kind, suggestion))
            covered.update(range(start, end))

    ward = "the ward" if lang == "en" else "avdelningen"  # where the words do not tell ("enhet 3")
    for match in _EMAIL.finditer(folded):
        add(match.start(), match.end(), "email")
    for match in _PIN.finditer(folded):
        if _is_date(*(g for g in match.groups() if g is not None)):
            add(match.start(), match.end(), "pin")
    for match in _PHONE.finditer(folded):
        if _is_phone(match.group().strip()):
            add(match.start(), match.start() + len(match.group().rstrip()), "phone")
    for match in _PIN_BARE.finditer(folded):
        if _is_date(*match.groups()):
            add(match.start(), match.end(), "pin")
    for match in _WARD.finditer(folded):  # the suggestion in the words' own language: "avd 33" → avdelningen
        own = "the ward" if match.group().startswith("ward") else "avdelningen" if match.group().startswith("avd") else ward
        add(match.start(), match.end(), "ward", own)
    for match in _WARD_COLON.finditer(folded):
        if match.group(1).lstrip("0") in reg.ward_numbers:
            add(match.start(), match.end(), "ward", "avdelningen")

    spans = [mt.span() for mt in _TOKEN.finditer(folded)]
    tokens = [_Token(folded[s:e], s, e) for s, e in spans]
    by_first, verdicts = reg.by_first(), reg.verdicts()
    for i, (word, start, end) in enumerate(tokens):
        if start in covered:
            continue
        if word in by_first:
            for words in by_first[word]:  # "Anna Maria", "Psykiatri Öster", "Röda huset", "Region Halland"
                phrase_end = _phrase_end(tokens, i, words, folded, reg.phrases[words])
                if phrase_end is not None:
                    add(start, phrase_end, reg.phrases[words])
                    break
            if start in covered:
                continue
        capital = text[origin[start]].isupper()
        if word in _PRONOUN_FORMS:
            low = unicodedata.normalize("NFKC", original(start, end)).casefold()  # "hån" is not "han"
            pronoun = PRONOUNS_SV.get(low) or PRONOUNS_EN.get(low)
            if pronoun:
                add(start, end, "pronoun", pronoun)
                continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and (word == "region" or nxt.word in _BODIES) and _adjacent(tokens, i, folded) \
                and _is_named_body(word, nxt.word, capital, text[origin[nxt.start]].isupper()):
            add(start, nxt.end, "organisation")
            continue
        kind = verdicts.get((word, capital), _UNKNOWN)
        if kind is _UNKNOWN:
            kind = verdicts[word, capital] = reg.word_kind(word, capital)
        if kind:
            add(start, end, kind)

    out = []
    for start, end, kind, suggestion in sorted(found):
        # A hit inside a hyphenated word reports the whole word ("Lena-gänget").
        while start > 1 and folded[start - 1] == "-" and folded[start - 2].isalnum():
            start = _word_start(folded, start - 1)
        while end < len(folded) - 1 and folded[end] == "-" and folded[end + 1].isalnum():
            end = _word_end(folded, end + 1)
        out.append(Finding(original(start, end), kind, suggestion))
    return out


def _word_start(folded: str, i: int) -> int:
    while i > 0 and folded[i - 1].isalnum():
        i -= 1
    return i


def _word_end(folded: str, i: int) -> int:
    while i < len(folded) and folded[i].isalnum():
        i += 1
    return i


def _adjacent(tokens: list[_Token], i: int, folded: str) -> bool:
    """Two tokens separated only by spaces or a hyphen, as the words of one name."""
    gap = folded[tokens[i].end: tokens[i + 1].start]
    return gap.strip(" \t-") == "" and "\n" not in gap


def _inflected(word: str, name: str, kind: str) -> bool:
    """`word` is `name` or one of its forms: a person's genitive (Annas; "annan" is a word), a place's
    genitive and definite forms (Norrbyns, Norrbyn). Two- and three-letter names take only -s."""
    suffixes = SHORT_SUFFIXES if kind == "name" or len(name) < 4 else SUFFIXES
    return any(word == name + s for s in suffixes)


def _phrase_end(tokens: list[_Token], i: int, words: tuple[str, ...], folded: str, kind: str) -> int | None:
    if i + len(words) > len(tokens):
        return None
    for k, w in enumerate(words):
        if k and not _adjacent(tokens, i + k - 1, folded):
            return None
        word = tokens[i + k].word
        if word != w and not (k == len(words) - 1 and _inflected(word, w, kind)):
            return None
    return tokens[i + len(words) - 1].end


def _word_kind(word: str, phrases: dict, capital: bool) -> str | None:
    """The kind of registered one-word name `word` is: the name itself, a form of it, or a compound
    that starts with it and ends in a group or place word ("Åsagruppen", "Norrbyhuset")."""
    for cut in {0, *(len(s) for s in SUFFIXES if s and word.endswith(s))}:
        stem = word[: len(word) - cut]
        kind = phrases.get((stem,))
        if kind and _inflected(word, stem, kind) and (capital or stem not in ORDINARY or kind == "marked"):
            return kind
    for i in range(3, len(word) - 2):  # the first part of a compound; two-letter names never are
        kind = phrases.get((word[:i],))
        rest = word[i:]
        if kind and (capital or word[:i] not in ORDINARY) and (rest in HEADS or (rest[0] == "s" and rest[1:] in HEADS)):
            return kind
    return None


def _institution_first_part(word: str) -> str | None:
    for inst in _INSTITUTIONS:
        if word.endswith(inst) and len(word) >= len(inst) + 3:
            return word[: -len(inst)]
    return None


def _is_institution(word: str, reg: Register) -> bool:
    """"<first part>kliniken", "<first part>mottagningen": an organisation's name when the first part
    is a registered name or a listed or registered specialty ("Beroendekliniken", "Norrbymottagningen")."""
    first = _institution_first_part(word)
    if first is None:
        return False
    for part in {first, first[:-1] if first.endswith("s") else first}:
        if part in reg.stems or (part,) in reg.phrases or any(part.startswith(st) for st in reg.stems if len(st) >= 5):
            return True
    return False


def _is_named_body(word: str, nxt: str, capital: bool, next_capital: bool) -> bool:
    """"Region Halland", "Älvstadens kommun", "Malmö stad": a region, municipality or city by its name."""
    if word == "region":
        return capital and next_capital and nxt not in _NOT_PLACES
    return capital and nxt in _BODIES and word not in _NOT_PLACES and not word.isdigit() and not is_generic(word)


def _is_date(year: str, month: str, day: str) -> bool:
    return 1 <= int(month) <= 12 and (1 <= int(day) <= 31 or 61 <= int(day) <= 91)  # 61–91: samordningsnummer


def _is_phone(candidate: str) -> bool:
    """A Swedish or international phone number: 070-123 45 67, 08-12 34 56, +46 70 123 45 67, 0046 …"""
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        return 8 <= len(digits) <= 14
    if candidate.startswith("00"):
        return 10 <= len(digits) <= 16
    first_group = re.match(r"\d+", candidate).group()
    return (digits.startswith("0") and 8 <= len(digits) <= 11 and len(first_group) >= 2
            and not _DATE_LIKE.match(candidate))


# ------------------------------------------------------------------ entry points
@operation(A, E)
def check_text(s: Session, text: str, lang: str = "sv", marked: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Every finding in one text: registered names and places, ward numbers, organisations, identity
    and phone numbers, e-mail addresses, gendered pronouns and the evaluator's marked terms."""
    return find_in_text(text or "", _register(s), marked, lang)


@operation(A, E)
def check_quote(s: Session, text: str, informant_role: m.InformantRole | str | None = None, marked: set[str] = frozenset(),
                lang: str = "sv") -> list[Finding]:
    """The check for a quote (the window's Check button): as check_text."""
    return find_in_text(text or "", _register(s), marked, lang)


@dataclass(frozen=True)
class FlaggedText:
    label: str  # "Citat 12", "Avsnittet 'Metod'": never the flagged words themselves
    findings: tuple[Finding, ...]


@operation(A, E)
def check_all_report_texts(s: Session, round_id: int, lang: str | None = None) -> list[FlaggedText]:
    """Every text of a round that reaches its report, checked against today's register: approved
    quotes (also those approved before a name was registered), the evaluator's sections (heading
    and body) and the names of the approved quotes' themes. Returns the texts that fail."""
    from peerdesk.i18n import t

    reg = _register(s)
    out: list[FlaggedText] = []
    quotes = s.execute(select(m.Quote.id, m.Quote.text, m.Quote.theme_id).where(
        m.Quote.round_id == round_id, m.Quote.status == m.QuoteStatus.APPROVED).order_by(m.Quote.id)).all()
    for qid, text, _theme in quotes:
        findings = find_in_text(text, reg, lang=lang)
        if findings:
            out.append(FlaggedText(t("disclosure.label.quote", lang, id=qid), tuple(findings)))
    for sec in s.scalars(select(m.ReportSection).where(m.ReportSection.round_id == round_id)
                         .order_by(m.ReportSection.position, m.ReportSection.id)):
        in_title = find_in_text(sec.title, reg, lang=lang)
        findings = in_title + find_in_text(sec.body, reg, lang=lang)
        if findings:  # a heading that is itself flagged is named by its place, not its words
            label = t("disclosure.label.section_number", lang, number=sec.position) if in_title \
                else t("disclosure.label.section", lang, title=sec.title)
            out.append(FlaggedText(label, tuple(findings)))
    theme_ids = sorted({th for _q, _t, th in quotes if th is not None})
    if theme_ids:
        for theme in s.scalars(select(m.Theme).where(m.Theme.id.in_(theme_ids)).order_by(m.Theme.id)):
            findings = find_in_text(theme.name_sv, reg, lang=lang) + find_in_text(theme.name_en, reg, lang=lang)
            if findings:
                out.append(FlaggedText(t("disclosure.label.theme", lang, id=theme.id), tuple(findings)))
    return out
