"""The database's answers to the validators' questions, held in memory while many records are checked
at once (an import of 200,000 rows): does this id exist, is this value taken, which saved period
overlaps this one.

Each answer is read with one query per kind of question the first time it is asked, then kept up
to date with the records accepted since (`add`), so checking a file costs a constant number of
statements instead of several per row. The validators stay the only place the rules live: they ask
through `records.exists`, `records.ensure_unique` and `records.overlapping`, which consult this
object while it is installed (`installed(s)`) and the database otherwise.

Answers match the SQL ones: an overlap is the first overlapping record in the order records were
saved (existing ones by id, then the accepted ones in the order they were added).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.services import records
from peerdesk.services.validation import periods_overlap


class KnownRecords:
    def __init__(self, s: Session) -> None:
        self.s = s
        self._added: dict[type, list[Any]] = {}  # records accepted since, per model, in order
        self._provisional_ids: dict[type, list] = {}  # stand-in ids of accepted records not saved yet
        self._ids: dict[type, set] = {}
        self._values: dict[tuple[type, str], set] = {}
        self._periods: dict[tuple[type, tuple[str, ...]], dict[tuple, list[Any]]] = {}

    # ------------------------------------------------------------ what the validators ask
    def exists(self, model: type, record_id: Any):
        if record_id is None:
            return False
        ids = self._ids.get(model)
        if ids is None:
            ids = self._ids[model] = set(self.s.scalars(select(model.id)))
            ids.update(self._provisional_ids.get(model, ()))
        return record_id in ids

    def taken(self, model: type, field: str, obj: Any):
        if obj.id is not None:
            return records.UNKNOWN  # a change to a saved record: its own value does not count (ask SQL)
        value = getattr(obj, field)
        values = self._values.get((model, field))
        if values is None:
            column = getattr(model, field)
            values = self._values[(model, field)] = set(self.s.scalars(select(column).where(column.is_not(None))))
            values.update(getattr(o, field) for o in self._added.get(model, ()))
        return value in values

    def overlapping(self, obj: Any, scope: dict[str, Any]):
        if obj.id is not None:
            return records.UNKNOWN
        model = type(obj)
        columns = tuple(sorted(scope))
        groups = self._groups(model, columns)
        for other in groups.get(tuple(scope[c] for c in columns), ()):
            if other is not obj and periods_overlap(obj.start_date, obj.end_date, other.start_date, other.end_date):
                return other
        return None

    # ------------------------------------------------------------ keeping up to date
    def add(self, obj: Any, provisional_id: Any = None) -> None:
        """A record accepted (it will be saved): later questions see it. `provisional_id` stands in for
        its id until it is saved (a reference from a later record in the same check)."""
        model = type(obj)
        self._added.setdefault(model, []).append(obj)
        if provisional_id is not None:
            self._provisional_ids.setdefault(model, []).append(provisional_id)
            if model in self._ids:
                self._ids[model].add(provisional_id)
        for (m, field), values in self._values.items():
            if m is model and getattr(obj, field) is not None:
                values.add(getattr(obj, field))
        for (m, columns), groups in self._periods.items():
            if m is model:
                groups.setdefault(tuple(getattr(obj, c) for c in columns), []).append(obj)

    def _groups(self, model: type, columns: tuple[str, ...]) -> dict[tuple, list[Any]]:
        groups = self._periods.get((model, columns))
        if groups is None:
            groups = self._periods[(model, columns)] = {}
            q = select(model.id, *(getattr(model, c) for c in columns), model.start_date, model.end_date).order_by(model.id)
            for row in self.s.execute(q):
                groups.setdefault(tuple(row[1:1 + len(columns)]), []).append(row)
            for obj in self._added.get(model, ()):
                groups.setdefault(tuple(getattr(obj, c) for c in columns), []).append(obj)
        return groups


@contextmanager
def installed(s: Session) -> Iterator[KnownRecords]:
    """Answer the validators from memory inside the block (one import's check), from the database after."""
    known = KnownRecords(s)
    previous = s.info.get(records.KNOWN_RECORDS)
    s.info[records.KNOWN_RECORDS] = known
    try:
        yield known
    finally:
        if previous is None:
            s.info.pop(records.KNOWN_RECORDS, None)
        else:
            s.info[records.KNOWN_RECORDS] = previous
