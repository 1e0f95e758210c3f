"""The register import's check as it was before it became set-based: every row tried on its own with
`records.create` inside a savepoint, the validators asking the database (per row: the person, the
overlapping periods, the unique personal number), new records flushed one by one. Kept as the
obvious reference that tests/test_register_import_scale.py compares the fast check with; when an
import rule changes, change it here too.

Only the matching and the per-row loop live here; parsing a row's cells (`_fields`) and comparing
with a record (`_differs`) are the service's own, unchanged.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import PeerDeskError, ValidationError
from peerdesk.i18n import t
from peerdesk.services import audit, records
from peerdesk.services.register_import import (
    NEW,
    PROBLEM,
    SKIPPED,
    SPECS,
    UNCHANGED,
    ImportRow,
    Preview,
    RowResult,
    _differs,
    _fields,
    _fold,
    _name_key,
)


# ---------------------------------------------------------------- lookups
class _Lookups:
    """Names -> ids, read once per preview (and kept up to date as rows are added)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.workplaces = {_fold(n): i for i, n in s.execute(select(m.Workplace.id, m.Workplace.name))}
        self.cohorts = {_fold(n): i for i, n in s.execute(select(m.Cohort.id, m.Cohort.name))}
        self.managers: dict[str, list[int]] = {}
        for i, n in s.execute(select(m.Manager.id, m.Manager.name)):
            self.managers.setdefault(_fold(n), []).append(i)
        # People by name, case-insensitively in Python: SQLite's lower() leaves Å, Ä, Ö as they are.
        self.people: dict[tuple[str, str], list[int]] = {}
        for i, first, last in s.execute(select(m.PeerSupporter.id, m.PeerSupporter.first_name, m.PeerSupporter.last_name)):
            self.people.setdefault(_name_key(first, last), []).append(i)

    def grant(self, text: str, on, notes: list) -> int | None:
        """The grant an old funding text names, matched anew for every row (the row-by-row way)."""
        if not text:
            return None
        from peerdesk.i18n import t
        from peerdesk.services.funding import GrantMatcher

        found, names = GrantMatcher(self.s).match(text, on)
        if found is None:
            notes.append(t("ui.import.funding_ambiguous" if names > 1 else "ui.import.funding_unmatched", text=text))
        return found

    def people_named(self, first: str, last: str) -> set[int]:
        """Ids of people with this name: as read at the start, and any added since (exact spelling)."""
        ids = set(self.people.get(_name_key(first, last), ()))
        ids |= set(self.s.scalars(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == first.strip(),
                                                                   m.PeerSupporter.last_name == last.strip())))
        return ids

    def person(self, values: dict[str, str], problems: list) -> int | None:
        s = self.s
        pnr = (values.get("personal_number") or "").strip()
        if pnr:
            from peerdesk.services.validation import normalise_personal_number

            try:
                pnr = normalise_personal_number(pnr)
            except ValidationError as exc:
                problems.append(exc)
                return None
            found = s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.personal_number == pnr))
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

    def workplace(self, text: str, problems: list) -> int | None:
        if not (text or "").strip():
            problems.append(ValidationError("error.required", field="workplace"))
            return None
        found = self.workplaces.get(_fold(text))
        if found is None:
            problems.append(ValidationError("error.import.unknown_workplace", field="workplace"))
        return found


def _existing(s: Session, kind: str, out: dict[str, Any], look: _Lookups) -> Any | None:
    """The record already in the database with this row's natural key, if any."""
    if kind == "people":
        P = m.PeerSupporter
        if out.get("personal_number"):
            return s.scalar(select(P).where(P.personal_number == out["personal_number"]))
        same = look.people_named(out["first_name"] or "", out["last_name"] or "")
        return s.get(P, same.pop()) if len(same) == 1 else None
    if kind == "workplaces":
        wid = look.workplaces.get(_fold(out["name"] or ""))
        return s.get(m.Workplace, wid) if wid else None
    if kind == "managers":
        ids = look.managers.get(_fold(out["name"] or ""), [])
        return s.get(m.Manager, ids[0]) if ids else None
    if kind == "tenures":
        ids = look.managers.get(_fold(out["_manager"] or ""), [])
        if not ids or out["workplace_id"] is None:
            return None
        T = m.ManagerTenure
        return s.scalar(select(T).where(T.workplace_id == out["workplace_id"], T.manager_id.in_(ids),
                                        T.start_date == out["start_date"]))
    if kind == "placements":
        P = m.Placement
        return s.scalar(select(P).where(P.peer_supporter_id == out["peer_supporter_id"], P.workplace_id == out["workplace_id"],
                                        P.start_date == out["start_date"]))
    if kind == "contracts":
        C = m.ContractPeriod
        return s.scalar(select(C).where(C.peer_supporter_id == out["peer_supporter_id"], C.start_date == out["start_date"]))
    return None


def _create(s: Session, kind: str, out: dict[str, Any], look: _Lookups) -> Any:
    spec = SPECS[kind]
    values = {k: v for k, v in out.items() if not k.startswith("_") and v is not None}
    if kind == "tenures":
        ids = look.managers.get(_fold(out["_manager"]), [])
        if len(ids) > 1:
            raise ValidationError("error.import.ambiguous_manager", field="manager")
        new_manager = not ids
        if new_manager:  # a manager seen for the first time is created with the tenure
            ids = [records.create(s, m.Manager, name=out["_manager"].strip()).id]
        values["manager_id"] = ids[0]
        obj = records.create(s, spec.model, **values)
        if new_manager:  # known from now on, once the tenure is in too (else the savepoint took both back)
            look.managers[_fold(out["_manager"])] = ids
        return obj
    obj = records.create(s, spec.model, **values)
    if kind == "workplaces":
        look.workplaces[_fold(obj.name)] = obj.id
    elif kind == "managers":
        look.managers.setdefault(_fold(obj.name), []).append(obj.id)
    return obj


def _try_rows(s: Session, kind: str, rows: list[ImportRow], skip: set[int], skip_bad: bool,
              progress: Callable[[int, int], bool] | None) -> list[RowResult]:
    look = _Lookups(s)
    seen: dict[tuple, int] = {}
    results = []
    for done, row in enumerate(rows, start=1):
        if progress is not None and done % 25 == 0 and progress(done, len(rows)) is False:
            raise PeerDeskError("error.cancelled")
        if row.number in skip:
            results.append(RowResult(row.number, SKIPPED))
            continue
        problems: list[PeerDeskError] = []
        status = NEW
        try:
            with s.begin_nested():
                out, key = _fields(kind, row.values, look, problems)
                if key in seen and all(part not in (None, "") for part in key):
                    problems.append(ValidationError("error.import.duplicate_in_file", row=seen[key]))
                if not problems:
                    existing = _existing(s, kind, out, look)
                    if existing is not None:
                        diff = _differs(existing, out)
                        if diff:
                            problems.append(ValidationError("error.import.differs", fields=", ".join(
                                t(f"field.{f}") for f in diff)))
                        else:
                            status = UNCHANGED
                    else:
                        _create(s, kind, out, look)
                seen.setdefault(key, row.number)
                if problems:
                    raise _RowFailed()
        except _RowFailed:
            pass
        except PeerDeskError as exc:
            problems.append(exc)
        if problems:
            if skip_bad:
                results.append(RowResult(row.number, SKIPPED, [p.message for p in problems]))
            else:
                results.append(RowResult(row.number, PROBLEM, [p.message for p in problems]))
        else:
            results.append(RowResult(row.number, status))
    if progress is not None:
        progress(len(rows), len(rows))
    return results


class _RowFailed(Exception):
    """Rolls back a row's savepoint when it has problems."""


def preview(s: Session, kind: str, rows: list[ImportRow], skip: set[int] | frozenset[int] = frozenset(),
            skip_bad_rows: bool = False, progress: Callable[[int, int], bool] | None = None) -> Preview:
    """Every row tried and judged; nothing is written (the whole try is rolled back)."""
    outer = s.begin_nested()
    try:
        return Preview(kind, _try_rows(s, kind, rows, set(skip), skip_bad_rows, progress))
    finally:
        outer.rollback()


def commit(s: Session, kind: str, rows: list[ImportRow], skip: set[int] | frozenset[int] = frozenset(),
           skip_bad_rows: bool = False, progress: Callable[[int, int], bool] | None = None) -> Preview:
    """Import every row that is not skipped, or none: a row with a problem raises, and the caller's
    transaction is rolled back."""
    result = Preview(kind, _try_rows(s, kind, rows, set(skip), skip_bad_rows, progress))
    if result.problems:
        raise ValidationError("error.import_has_problems", n=len(result.problems), first=result.problems[0].number)
    audit.record(s, "import", SPECS[kind].model.__tablename__, None,
                 {"kind": kind, "new": result.count(NEW), "unchanged": result.count(UNCHANGED),
                  "skipped": result.count(SKIPPED)})
    return result


