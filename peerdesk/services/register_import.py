"""Taking an office's Excel registers in: peer supporters, workplaces, managers, manager tenures,
placements and contract periods from CSV/XLSX.

The steps are the wizard's and the command line's alike:

1. `guess_mapping(kind, header)` maps the file's columns to fields by their header names
   (Swedish or English); the user may change it.
2. `rows_from_sheet(sheet, mapping)` turns the file into `ImportRow`s (file row number + text per field).
3. `preview(s, kind, rows)` tries every row with exactly the rules of manual entry (the same
   validators, through `records.build`) and reports per row whether it is new, already present and
   unchanged, or has problems (each one listed). Rows are judged in file order against the records
   there and the rows accepted before them; the database is read once per table at the start (and the
   validators' questions — does it exist, is it taken, what overlaps — are answered from memory by
   `known_records`), so a file of 200,000 rows costs the same few queries as one of 100.
4. `commit(s, kind, rows, skip=...)` imports every row that is not skipped — or nothing: any
   problem raises before anything is written, and the caller's transaction rolls back. The records
   go in by chunks of flushes, each writing its audit entries.

Records already in the database are matched by a natural key (a person by personal identity
number, else by name; a workplace or manager by name; a tenure, placement or contract by its
people, place and start date), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import PeerDeskError, ValidationError
from peerdesk.i18n import catalogue, t
from peerdesk.services import audit, records
from peerdesk.services.access import A, C, operation
from peerdesk.services.tabular import Sheet
from peerdesk.services.validation import date_from_text

NEW, UNCHANGED, PROBLEM, SKIPPED = "new", "unchanged", "problem", "skipped"


@dataclass(frozen=True)
class Spec:
    model: type
    fields: tuple[str, ...]
    required: tuple[str, ...]


# The fields an import offers per kind. "person", "workplace", "manager" and "cohort" are names
# (or a personal identity number) that are looked up; the rest are the model's own columns.
SPECS: dict[str, Spec] = {
    "people": Spec(m.PeerSupporter, ("first_name", "last_name", "personal_number", "email", "phone", "address", "region",
                                     "cohort", "certified_on", "status", "left_on", "left_reason"), ("first_name", "last_name")),
    "workplaces": Spec(m.Workplace, ("name", "organisation", "kind", "specialty", "region", "address", "contact_name",
                                     "contact_phone", "contact_email", "active"), ("name", "organisation", "kind")),
    "managers": Spec(m.Manager, ("name", "title", "email", "phone"), ("name",)),
    "tenures": Spec(m.ManagerTenure, ("workplace", "manager", "start_date", "end_date", "acting"),
                    ("workplace", "manager", "start_date")),
    "placements": Spec(m.Placement, ("person", "personal_number", "workplace", "start_date", "end_date", "extent_percent",
                                     "intro_end"), ("workplace", "start_date")),
    "contracts": Spec(m.ContractPeriod, ("person", "personal_number", "employer", "form", "start_date", "end_date",
                                         "extent_percent", "funding_source", "continuation_informed"), ("employer", "form", "start_date")),
}
KINDS = tuple(SPECS)

# Header words per field, Swedish and English, compared without case, accents or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "given name", "fornamn", "tilltalsnamn"),
    "last_name": ("last name", "lastname", "surname", "family name", "efternamn"),
    "personal_number": ("personal number", "personal identity number", "personnummer", "pnr", "personnr", "samordningsnummer"),
    "email": ("email", "e-mail", "e-post", "epost", "mail"),
    "phone": ("phone", "telephone", "mobile", "telefon", "tel", "mobil", "telefonnummer"),
    "address": ("address", "adress", "postadress", "besoksadress"),
    "region": ("region", "county", "lan"),
    "cohort": ("cohort", "training cohort", "kull", "utbildningskull", "utbildning"),
    "certified_on": ("certified", "certified on", "certification date", "certifierad", "certifieringsdatum"),
    "status": ("status",),
    "left_on": ("left", "left on", "slutade", "slutdatum kamratstod"),
    "left_reason": ("reason", "left reason", "orsak", "anledning"),
    "name": ("name", "namn", "workplace", "ward", "arbetsplats", "avdelning", "verksamhet", "chef", "manager"),
    "organisation": ("organisation", "organization", "clinic", "klinik", "forvaltning", "kommun", "huvudman"),
    "kind": ("kind", "type", "typ", "vardform", "slag"),
    "specialty": ("specialty", "speciality", "inriktning", "specialitet"),
    "contact_name": ("contact", "contact person", "kontaktperson", "handledare pa plats"),
    "contact_phone": ("contact phone", "kontaktpersonens telefon", "kontakttelefon"),
    "contact_email": ("contact email", "contact e-mail", "kontaktpersonens e-post", "kontakt e-post"),
    "active": ("active", "aktiv"),
    "title": ("title", "titel", "befattning"),
    "workplace": ("workplace", "ward", "arbetsplats", "avdelning", "verksamhet", "placering"),
    "manager": ("manager", "chef", "avdelningschef", "enhetschef"),
    "start_date": ("start", "start date", "from", "startdatum", "fran", "fran och med", "fom", "tilltradde"),
    "end_date": ("end", "end date", "to", "until", "slutdatum", "till", "till och med", "tom"),
    "acting": ("acting", "tillforordnad", "tf"),
    "person": ("person", "peer supporter", "name", "namn", "kamratstodjare", "peer"),
    "extent_percent": ("extent", "extent percent", "extent %", "percent", "omfattning", "omfattning %", "procent", "sysselsattningsgrad"),
    "intro_end": ("intro end", "introduction until", "intro", "introduktion till", "introduktion"),
    "employer": ("employer", "arbetsgivare"),
    "form": ("form", "employment form", "anstallningsform", "anstallning"),
    "funding_source": ("funding", "funding source", "finansiering", "finansieras av"),
    "continuation_informed": ("continuation informed", "informed", "besked om fortsattning", "besked lamnat"),
}


def _name_key(first: str | None, last: str | None) -> tuple[str, str]:
    return ((first or "").strip().casefold(), (last or "").strip().casefold())


@functools.lru_cache(maxsize=1 << 16)  # the same ward, form and status words come back on every row
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9%]+", " ", text).strip()


def guess_mapping(kind: str, header: list[str], remembered: dict[str, str] | None = None) -> dict[int, str]:
    """Column index -> field, from a remembered mapping (header text -> field) or the header words."""
    spec = SPECS[kind]
    out: dict[int, str] = {}
    taken: set[str] = set()
    remembered = {_fold(k): v for k, v in (remembered or {}).items()}

    def candidates(f: str) -> set[str]:
        words = {_fold(f), _fold(f.replace("_", " ")), _fold(t(f"field.{f}", "sv")), _fold(t(f"field.{f}", "en"))}
        return words | {_fold(w) for w in SYNONYMS.get(f, ())}

    for i, h in enumerate(header):
        f = remembered.get(_fold(h))
        if f in spec.fields and f not in taken:
            out[i] = f
            taken.add(f)
    for f in spec.fields:  # each field's exact words first, in the order of the fields
        if f in taken:
            continue
        words = candidates(f)
        for i, h in enumerate(header):
            if i not in out and _fold(h) in words:
                out[i] = f
                taken.add(f)
                break
    return out


@dataclass
class ImportRow:
    number: int  # row number in the file (the header is row 1)
    values: dict[str, str]


@dataclass
class RowResult:
    number: int
    status: str  # new, unchanged, problem, skipped
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not stopping the row (funding text without a grant)


@dataclass
class Preview:
    kind: str
    results: list[RowResult]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.results if r.status == PROBLEM]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count_phrases(self) -> dict[str, str]:
        """The counts as phrases in the current language ("1 ny", "3 nya", …) for the summary messages."""
        return {"new_text": t("count.new", n=self.count(NEW)), "present_text": t("count.present", n=self.count(UNCHANGED)),
                "problems_text": t("count.problems", n=self.count(PROBLEM)), "skipped_text": t("count.skipped", n=self.count(SKIPPED))}


def rows_from_sheet(sheet: Sheet, mapping: dict[int, str]) -> list[ImportRow]:
    return [ImportRow(n, {f: (row[i] if i < len(row) else "").strip() for i, f in mapping.items()}) for n, row in sheet.rows]


# ---------------------------------------------------------------- parsing cells
def _date(text: str, f: str, problems: list) -> dt.date | None:
    try:
        return date_from_text(text)
    except ValueError:
        problems.append(ValidationError("error.invalid_date", field=f))
        return None


def _int(text: str, f: str, problems: list) -> int | None:
    text = (text or "").strip().rstrip("%").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        problems.append(ValidationError("error.not_a_number", field=f))
        return None
    if not number.is_integer():
        problems.append(ValidationError("error.not_a_number", field=f))
        return None
    return int(number)


_TRUE = {"1", "yes", "y", "true", "x", "ja", "j", "sant"}
_FALSE = {"0", "no", "n", "false", "nej", "falskt", ""}


def _bool(text: str, f: str, problems: list) -> bool | None:
    folded = _fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    problems.append(ValidationError("error.invalid_choice", field=f))
    return None


def _choice(enum_cls, text: str, f: str, problems: list):
    folded = _fold(text)
    if not folded:
        return None
    member = _choice_words(enum_cls).get(folded)
    if member is None:
        problems.append(ValidationError("error.invalid_choice", field=f))
    return member


@functools.cache
def _choice_words(enum_cls) -> dict[str, Any]:
    """Folded word -> member: each member's value, its Swedish and English labels and the office's own
    words; the first member in the enum's order wins a word two of them share."""
    out: dict[str, Any] = {}
    for member in enum_cls:
        words = {_fold(member.value), _fold(member.value.replace("_", " "))}
        words |= {_fold(catalogue(lang).get(f"ui.value.{member.value}", "")) for lang in ("sv", "en")}
        words |= {_fold(w) for w in _CHOICE_WORDS.get(member.value, ())}
        for word in words - {""}:
            out.setdefault(word, member)
    return out


_CHOICE_WORDS = {
    "inpatient": ("sluten", "slutenvard", "heldygnsvard"),
    "outpatient": ("oppen", "oppenvard"),
    "municipal": ("kommunal", "kommun", "socialpsykiatri", "housing first", "bostad forst"),
    "fixed_term": ("visstid", "sarskild visstidsanstallning", "visstidsanstallning", "projektanstallning"),
    "permanent": ("tillsvidare", "tillsvidareanstallning", "fast"),
    "in_training": ("under utbildning", "utbildning"),
    "certified": ("certifierad", "tillganglig"),
    "placed": ("placerad",),
    "left": ("slutat", "avslutad"),
}


# ---------------------------------------------------------------- lookups
class _Lookups:
    """Everything a row is matched against, read once per check with one query per table (and kept up to
    date as rows are accepted): names -> ids, and the records already there by their natural keys."""

    def __init__(self, s: Session, kind: str) -> None:
        self.s = s
        self.kind = kind
        self.workplaces = {_fold(n): i for i, n in s.execute(select(m.Workplace.id, m.Workplace.name))}
        # Kept referenced: the people rule's s.get(Cohort, id) finds them in the session, without a query.
        self._cohort_objects = list(s.scalars(select(m.Cohort)))
        self.cohorts = {_fold(c.name): c.id for c in self._cohort_objects}
        self.managers: dict[str, list[int]] = {}
        for i, n in s.execute(select(m.Manager.id, m.Manager.name).order_by(m.Manager.id)):
            self.managers.setdefault(_fold(n), []).append(i)
        # People by name, case-insensitively in Python: SQLite's lower() leaves Å, Ä, Ö as they are.
        self.people: dict[tuple[str, str], list[int]] = {}
        for i, first, last in s.execute(select(m.PeerSupporter.id, m.PeerSupporter.first_name, m.PeerSupporter.last_name)):
            self.people.setdefault(_name_key(first, last), []).append(i)
        self.added_people: dict[tuple[str, str], list[int]] = {}  # accepted in this check: exact spelling
        self._pnr: dict[str, int] | None = None
        self._grants = None  # funding text -> grant, read when a contracts file first has one
        self.records: dict[int, Any] = {}  # id (or provisional id) -> record of this kind, for comparing
        self.by_key: dict[tuple, tuple[int, Any]] = {}  # natural key -> (order saved, record): the first one
        self._order = 0
        self._next_provisional = -1
        self._load_existing()

    def provisional(self) -> int:
        """A stand-in id (negative, never a database id) for a record accepted but not saved yet."""
        self._next_provisional -= 1
        return self._next_provisional

    def _load_existing(self) -> None:
        model = SPECS[self.kind].model
        columns = [getattr(model, a.key) for a in sa_inspect(model).column_attrs]
        for row in self.s.execute(select(*columns).order_by(model.id)):
            self._remember(row.id, row)

    def _remember(self, record_id: int, record: Any) -> None:
        self.records[record_id] = record
        self._order += 1
        key = {"tenures": lambda r: (r.workplace_id, r.manager_id, r.start_date),
               "placements": lambda r: (r.peer_supporter_id, r.workplace_id, r.start_date),
               "contracts": lambda r: (r.peer_supporter_id, r.start_date)}.get(self.kind)
        if key is not None:
            self.by_key.setdefault(key(record), (self._order, record))
        if self.kind == "people" and record.personal_number:
            self.pnr_ids().setdefault(record.personal_number, record_id)

    def accepted(self, obj: Any) -> int:
        """A row's record passed every rule: later rows see it as if it were saved."""
        record_id = self.provisional()
        self._remember(record_id, obj)
        if self.kind == "people":
            self.added_people.setdefault(((obj.first_name or "").strip(), (obj.last_name or "").strip()), []).append(record_id)
        elif self.kind == "workplaces":
            self.workplaces[_fold(obj.name)] = record_id
        elif self.kind == "managers":
            self.managers.setdefault(_fold(obj.name), []).append(record_id)
        return record_id

    def pnr_ids(self) -> dict[str, int]:
        if self._pnr is None:
            P = m.PeerSupporter
            self._pnr = {pnr: i for i, pnr in self.s.execute(select(P.id, P.personal_number).where(P.personal_number.is_not(None)))}
        return self._pnr

    def people_named(self, first: str, last: str) -> set[int]:
        """Ids of people with this name: as read at the start (any case), and any accepted since (exact spelling)."""
        ids = set(self.people.get(_name_key(first, last), ()))
        ids |= set(self.added_people.get((first.strip(), last.strip()), ()))
        return ids

    def person(self, values: dict[str, str], problems: list) -> int | None:
        pnr = (values.get("personal_number") or "").strip()
        if pnr:
            from peerdesk.services.validation import normalise_personal_number

            try:
                pnr = normalise_personal_number(pnr)
            except ValidationError as exc:
                problems.append(exc)
                return None
            found = self.pnr_ids().get(pnr)
            if found is None:
                problems.append(ValidationError("error.import.unknown_person", field="person"))
            return found
        text = (values.get("person") or "").strip()
        if not text:
            problems.append(ValidationError("error.required", field="person"))
            return None
        if "," in text:
            last, first = (p.strip() for p in text.split(",", 1))
            candidates = [(first, last)]
        else:
            parts = text.split()
            candidates = [(" ".join(parts[:k]), " ".join(parts[k:])) for k in range(1, len(parts))]
        ids: set[int] = set()
        for first, last in candidates:
            ids |= self.people_named(first, last)
        if len(ids) == 1:
            return ids.pop()
        problems.append(ValidationError("error.import.ambiguous_person" if ids else "error.import.unknown_person", field="person"))
        return None

    def grant(self, text: str, on: dt.date | None, notes: list) -> int | None:
        """The grant an old funding text names (services/funding.GrantMatcher); None with a note when it names
        none or several: the row still goes in, its text kept, to be linked later (grant map-funding-texts)."""
        if not text:
            return None
        if self._grants is None:
            from peerdesk.services.funding import GrantMatcher

            self._grants = GrantMatcher(self.s)
        found, names = self._grants.match(text, on)
        if found is None:
            notes.append(t("ui.import.funding_ambiguous" if names > 1 else "ui.import.funding_unmatched", text=text))
        return found

    def workplace(self, text: str, problems: list) -> int | None:
        if not (text or "").strip():
            problems.append(ValidationError("error.required", field="workplace"))
            return None
        found = self.workplaces.get(_fold(text))
        if found is None:
            problems.append(ValidationError("error.import.unknown_workplace", field="workplace"))
        return found

# ---------------------------------------------------------------- per kind: fields and natural key
def _fields(kind: str, values: dict[str, str], look: _Lookups, problems: list, notes: list | None = None) -> tuple[dict[str, Any], tuple]:
    """The model's field values of one row and its natural key; problems (and notes) are appended, not raised."""
    v = {k: (values.get(k) or "").strip() for k in SPECS[kind].fields}
    for f in SPECS[kind].required:
        if not v.get(f) and not (f == "person" and v.get("personal_number")):
            problems.append(ValidationError("error.required", field=f))
    if kind == "people":
        out: dict[str, Any] = {k: v[k] or None for k in ("first_name", "last_name", "email", "phone", "address", "region",
                                                          "left_reason")}
        if v["personal_number"]:
            from peerdesk.services.validation import normalise_personal_number

            try:
                out["personal_number"] = normalise_personal_number(v["personal_number"])
            except ValidationError as exc:
                problems.append(exc)
        if v["cohort"]:
            out["cohort_id"] = look.cohorts.get(_fold(v["cohort"]))
            if out["cohort_id"] is None:
                problems.append(ValidationError("error.import.unknown_cohort", field="cohort"))
        out["certified_on"] = _date(v["certified_on"], "certified_on", problems)
        out["left_on"] = _date(v["left_on"], "left_on", problems)
        if v["status"]:
            out["status"] = _choice(m.PeerStatus, v["status"], "status", problems)
        elif out["left_on"]:
            out["status"] = m.PeerStatus.LEFT
        key = ("pnr", out["personal_number"]) if out.get("personal_number") else (
            "name", _fold(v["first_name"]), _fold(v["last_name"]))
        return out, key
    if kind == "workplaces":
        out = {k: v[k] or None for k in ("name", "organisation", "specialty", "region", "address", "contact_name",
                                         "contact_phone", "contact_email")}
        out["kind"] = _choice(m.WorkplaceKind, v["kind"], "kind", problems) if v["kind"] else None
        if v["active"]:
            out["active"] = _bool(v["active"], "active", problems)
        return out, (_fold(v["name"]),)
    if kind == "managers":
        out = {k: v[k] or None for k in ("name", "title", "email", "phone")}
        return out, (_fold(v["name"]),)
    if kind == "tenures":
        workplace_id = look.workplace(v["workplace"], problems) if v["workplace"] else None
        out = {"workplace_id": workplace_id, "start_date": _date(v["start_date"], "start_date", problems),
               "end_date": _date(v["end_date"], "end_date", problems),
               "acting": bool(_bool(v["acting"], "acting", problems))}
        out["_manager"] = v["manager"]
        return out, (workplace_id, _fold(v["manager"]), out["start_date"])
    if kind == "placements":
        person_id = look.person(v, problems)
        workplace_id = look.workplace(v["workplace"], problems) if v["workplace"] else None
        out = {"peer_supporter_id": person_id, "workplace_id": workplace_id,
               "start_date": _date(v["start_date"], "start_date", problems),
               "end_date": _date(v["end_date"], "end_date", problems),
               "intro_end": _date(v["intro_end"], "intro_end", problems)}
        extent = _int(v["extent_percent"], "extent_percent", problems)
        if extent is not None:
            out["extent_percent"] = extent
        return out, (person_id, workplace_id, out["start_date"])
    if kind == "contracts":
        person_id = look.person(v, problems)
        out = {"peer_supporter_id": person_id, "employer": v["employer"] or None,
               "form": _choice(m.EmploymentForm, v["form"], "form", problems) if v["form"] else None,
               "start_date": _date(v["start_date"], "start_date", problems),
               "end_date": _date(v["end_date"], "end_date", problems),
               "funding_source": v["funding_source"] or None}
        grant_id = look.grant(v["funding_source"], out["start_date"], notes if notes is not None else [])
        if grant_id is not None:
            out["grant_id"] = grant_id
        extent = _int(v["extent_percent"], "extent_percent", problems)
        if extent is not None:
            out["extent_percent"] = extent
        if v["continuation_informed"]:
            out["continuation_informed"] = _bool(v["continuation_informed"], "continuation_informed", problems)
        return out, (person_id, out["start_date"])
    raise ValueError(kind)


def _existing(kind: str, out: dict[str, Any], look: _Lookups) -> Any | None:
    """The record already there (saved, or accepted earlier in this check) with this row's natural key, if any."""
    if kind == "people":
        if out.get("personal_number"):
            found = look.pnr_ids().get(out["personal_number"])
            return look.records.get(found) if found is not None else None
        same = look.people_named(out["first_name"] or "", out["last_name"] or "")
        return look.records.get(same.pop()) if len(same) == 1 else None
    if kind == "workplaces":
        wid = look.workplaces.get(_fold(out["name"] or ""))
        return look.records.get(wid) if wid else None
    if kind == "managers":
        ids = look.managers.get(_fold(out["name"] or ""), [])
        return look.records.get(ids[0]) if ids else None
    if kind == "tenures":
        ids = look.managers.get(_fold(out["_manager"] or ""), [])
        if not ids or out["workplace_id"] is None:
            return None
        found = [look.by_key[k] for k in ((out["workplace_id"], i, out["start_date"]) for i in ids) if k in look.by_key]
        return min(found, key=lambda f: f[0])[1] if found else None
    if kind == "placements":
        return look.by_key.get((out["peer_supporter_id"], out["workplace_id"], out["start_date"]), (0, None))[1]
    if kind == "contracts":
        return look.by_key.get((out["peer_supporter_id"], out["start_date"]), (0, None))[1]
    return None


def _differs(obj: Any, out: dict[str, Any]) -> list[str]:
    """Fields where the file has a value and the record holds another one."""
    diff = []
    for k, value in out.items():
        # The grant is read from the funding text: a record linked since (or left unlinked) is not a difference.
        if k.startswith("_") or value is None or k in ("peer_supporter_id", "workplace_id", "grant_id"):
            continue
        if getattr(obj, k, None) != value:
            diff.append(k)
    return diff


def _build(s: Session, kind: str, out: dict[str, Any], look: _Lookups) -> list[tuple[Any, int | None]]:
    """The row's new record(s), checked by every rule of manual entry (records.build), not saved:
    [(record, its provisional id if later records refer to it)]."""
    spec = SPECS[kind]
    values = {k: v for k, v in out.items() if not k.startswith("_") and v is not None}
    built: list[tuple[Any, int | None]] = []
    if kind == "tenures":
        ids = look.managers.get(_fold(out["_manager"]), [])
        if len(ids) > 1:
            raise ValidationError("error.import.ambiguous_manager", field="manager")
        if not ids:  # a manager seen for the first time is created with the tenure
            ids = [look.provisional()]
            built.append((records.build(s, m.Manager, name=out["_manager"].strip()), ids[0]))
        values["manager_id"] = ids[0]
        built.append((records.build(s, spec.model, **values), None))
        if len(built) == 2:  # known from now on, once the tenure passed too (else neither is kept)
            look.managers[_fold(out["_manager"])] = ids
        return built
    return [(records.build(s, spec.model, **values), None)]


@dataclass
class _Checked:
    results: list[RowResult]
    accepted: list[tuple[Any, int | None]]  # the records to save, in file order, with provisional ids


def _check_rows(s: Session, kind: str, rows: list[ImportRow], skip: set[int], skip_bad: bool,
                progress: Callable[[int, int], bool] | None, total: int | None = None) -> _Checked:
    """Every row judged against the records there and the rows accepted before it, in file order. The
    database is read with a constant number of queries (the lookups, and the validators' questions
    answered by known_records); nothing is written."""
    from peerdesk.services import known_records

    total = total or len(rows)
    look = _Lookups(s, kind)
    seen: dict[tuple, int] = {}
    results: list[RowResult] = []
    accepted: list[tuple[Any, int | None]] = []
    with known_records.installed(s) as known:
        for done, row in enumerate(rows, start=1):
            if progress is not None and done % 25 == 0 and progress(done, total) is False:
                raise PeerDeskError("error.cancelled")
            if row.number in skip:
                results.append(RowResult(row.number, SKIPPED))
                continue
            problems: list[PeerDeskError] = []
            notes: list[str] = []
            status = NEW
            try:
                out, key = _fields(kind, row.values, look, problems, notes)
                if key in seen and all(part not in (None, "") for part in key):
                    problems.append(ValidationError("error.import.duplicate_in_file", row=seen[key]))
                if not problems:
                    existing = _existing(kind, out, look)
                    if existing is not None:
                        diff = _differs(existing, out)
                        if diff:
                            problems.append(ValidationError("error.import.differs", fields=", ".join(
                                t(f"field.{f}") for f in diff)))
                        else:
                            status = UNCHANGED
                    else:
                        built = _build(s, kind, out, look)
                        for obj, provisional_id in built:
                            known.add(obj, provisional_id)
                        look.accepted(built[-1][0])
                        accepted.extend(built)
                seen.setdefault(key, row.number)
            except PeerDeskError as exc:
                problems.append(exc)
            if problems:
                results.append(RowResult(row.number, SKIPPED if skip_bad else PROBLEM, [p.message for p in problems]))
            else:
                results.append(RowResult(row.number, status, notes=notes if status == NEW else []))
    return _Checked(results, accepted)


WRITE_CHUNK = 2000  # records per flush: one audit head read and one multi-row insert per table each


def _save(s: Session, accepted: list[tuple[Any, int | None]], progress: Callable[[int, int], bool] | None,
          base: int, total: int) -> None:
    """Insert the accepted records in chunks (each flush also writes their audit entries), the records
    that others refer to (a tenure's new manager) first."""
    referred = [obj for obj, provisional_id in accepted if provisional_id is not None]
    real_ids: dict[int, int] = {}
    rest = [obj for obj, provisional_id in accepted if provisional_id is None]
    written = 0
    for batch in (referred, rest):
        for i in range(0, len(batch), WRITE_CHUNK):
            chunk = batch[i:i + WRITE_CHUNK]
            if batch is rest and real_ids:
                for obj in chunk:
                    if getattr(obj, "manager_id", 0) in real_ids:
                        obj.manager_id = real_ids[obj.manager_id]
            s.add_all(chunk)
            records.flush(s)
            written += len(chunk)
            for obj in chunk:
                s.expunge(obj)  # saved and audited; the session need not track 200,000 records
            if progress is not None and progress(base + written * (total - base) // max(1, len(accepted)), total) is False:
                raise PeerDeskError("error.cancelled")
        if batch is referred:
            real_ids = {provisional_id: obj.id for obj, provisional_id in accepted if provisional_id is not None}


@contextmanager
def _no_cycle_collection():
    """A check keeps every accepted record alive until it ends, and Python's cycle collector would walk
    them all again and again as they pile up (a fifth of the time at 32,000 rows, more beyond). Nothing
    is freed by it meanwhile anyway; it runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@operation(A, C)
def preview(s: Session, kind: str, rows: list[ImportRow], skip: set[int] | frozenset[int] = frozenset(),
            skip_bad_rows: bool = False, progress: Callable[[int, int], bool] | None = None) -> Preview:
    """Every row tried and judged; nothing is written (and anything a rule might write is rolled back)."""
    outer = s.begin_nested()
    try:
        with _no_cycle_collection():
            checked = _check_rows(s, kind, rows, set(skip), skip_bad_rows, progress)
    finally:
        outer.rollback()
    if progress is not None:
        progress(len(rows), len(rows))
    return Preview(kind, checked.results)


@operation(A, C)
def commit(s: Session, kind: str, rows: list[ImportRow], skip: set[int] | frozenset[int] = frozenset(),
           skip_bad_rows: bool = False, progress: Callable[[int, int], bool] | None = None) -> Preview:
    """Import every row that is not skipped, or none: a row with a problem raises (before anything is
    written), and the caller's transaction is rolled back. Progress counts the check, then the writing."""
    total = 2 * len(rows)
    with _no_cycle_collection():
        checked = _check_rows(s, kind, rows, set(skip), skip_bad_rows, progress, total)
        result = Preview(kind, checked.results)
        if result.problems:
            raise ValidationError("error.import_has_problems", n=len(result.problems), first=result.problems[0].number)
        _save(s, checked.accepted, progress, len(rows), total)
    audit.record(s, "import", SPECS[kind].model.__tablename__, None,
                 {"kind": kind, "new": result.count(NEW), "unchanged": result.count(UNCHANGED),
                  "skipped": result.count(SKIPPED)})
    if progress is not None:
        progress(total, total)
    return result


def describe(p: Preview) -> list[str]:
    """One line per row, for the command line."""
    lines = []
    for r in p.results:
        if r.problems:
            for message in r.problems:
                lines.append(t("ui.import.row_problem", row=r.number, message=message)
                             + (f" ({t('ui.import.status.skipped')})" if r.status == SKIPPED else ""))
        else:
            lines.append(t("ui.import.row_status", row=r.number, status=t(f"ui.import.status.{r.status}")))
        for note in r.notes:
            lines.append(t("ui.import.row_note", row=r.number, message=note))
    return lines
