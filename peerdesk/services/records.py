"""Create, read, change and delete any record, with validation and conflict detection.

Area modules register a validator per model (`@validates(Model)`); this module
runs it before every flush, maps database constraint violations to readable
messages, and turns a colleague's earlier save into a ConflictError.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import Any, Callable, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from peerdesk.errors import ConflictError, NotFoundError, ValidationError
from peerdesk.models import Base

M = TypeVar("M", bound=Base)
Validator = Callable[[Session, Any], None]
_validators: dict[type, list[Validator]] = {}
# Per-record rights: `fn(session, obj, stage)`, stage "before" (the record as stored, before an update or a
# delete) or "after" (the values applied, before a create or an update is written). A role may write a model
# (access.WRITE_RIGHTS) and still not this record: a supervisor changes only the sessions they may read.
RecordGuard = Callable[[Session, Any, str], None]
_guards: dict[type, list[RecordGuard]] = {}

# Columns nobody sets through create/update: bookkeeping kept by the model itself.
_BOOKKEEPING = {"id", "version", "created_at", "updated_at"}


def validates(model: type) -> Callable[[Validator], Validator]:
    """Register `fn(session, obj)` to run before `obj` of `model` is written."""

    def register(fn: Validator) -> Validator:
        _validators.setdefault(model, []).append(fn)
        return fn

    return register


def guards(model: type) -> Callable[[RecordGuard], RecordGuard]:
    """Register `fn(session, obj, stage)` to decide whether the actor may write this record of `model`;
    it raises AccessDenied. Generic create/update/delete run it, so the register forms, the CLI and the
    specific operations all meet the same per-record rule."""

    def register(fn: RecordGuard) -> RecordGuard:
        _guards.setdefault(model, []).append(fn)
        return fn

    return register


def check_record_rights(s: Session, obj: Base, stage: str) -> None:
    _load_areas()
    with s.no_autoflush:
        for cls in type(obj).__mro__:
            for fn in _guards.get(cls, ()):
                fn(s, obj, stage)


# A stand-in for the database while many records are checked at once (an import): `s.info[KNOWN_RECORDS]`
# answers exists/unique/overlap questions from memory (services/known_records.py), or UNKNOWN to ask SQL.
KNOWN_RECORDS = "known_records"
UNKNOWN = object()


def _known(s: Session):
    return s.info.get(KNOWN_RECORDS)


def exists(s: Session, model: type, record_id: int | None) -> bool:
    """Whether a record of `model` with this id exists (a validator's reference check)."""
    known = _known(s)
    if known is not None:
        answer = known.exists(model, record_id)
        if answer is not UNKNOWN:
            return answer
    return record_id is not None and s.get(model, record_id) is not None


def overlapping(s: Session, obj: Base, **scope: Any) -> Base | None:
    """Another record of obj's kind with the same `scope` values (column=value), whose start_date–end_date
    period overlaps obj's; the first one in the order they were saved."""
    from sqlalchemy import select

    from peerdesk.services.validation import periods_overlap

    known = _known(s)
    if known is not None:
        answer = known.overlapping(obj, scope)
        if answer is not UNKNOWN:
            return answer
    model = type(obj)
    q = select(model).where(*(getattr(model, k) == v for k, v in scope.items())).order_by(model.id)
    if obj.id is not None:
        q = q.where(model.id != obj.id)
    for other in s.scalars(q):
        if other is not obj and periods_overlap(obj.start_date, obj.end_date, other.start_date, other.end_date):
            return other
    return None


def ensure_unique(s: Session, obj: Base, field: str) -> None:
    """A readable error before the database's unique constraint would refuse the value."""
    from sqlalchemy import select

    known = _known(s)
    taken = known.taken(type(obj), field, obj) if known is not None else UNKNOWN
    if taken is UNKNOWN:
        model = type(obj)
        q = select(model.id).where(getattr(model, field) == getattr(obj, field))
        if obj.id is not None:
            q = q.where(model.id != obj.id)
        taken = s.scalar(q.limit(1)) is not None
    if taken:
        raise ValidationError("error.duplicate", field=field)


def editable_fields(model: type) -> list[str]:
    return list(_editable(model))


@functools.cache
def _editable(model: type) -> tuple[str, ...]:
    return tuple(c.key for c in sa_inspect(model).column_attrs if c.key not in _BOOKKEEPING)


@functools.cache
def _column_types(model: type, field: str) -> tuple[Any, Any, Any]:
    """(column, python type, enum class) of a field, looked up once per model and field (imports coerce millions)."""
    column = sa_inspect(model).columns.get(field)
    if column is None:
        return None, None, None
    python_type = getattr(column.type, "python_type", None) if not hasattr(column.type, "enum_class") else None
    return column, python_type, getattr(column.type, "enum_class", None)


def _coerce(model: type, field: str, value: Any) -> Any:
    """Dates from ISO text and enums from their values, with readable errors."""
    column, python_type, enum_class = _column_types(model, field)
    if column is None or value is None:
        return value
    if enum_class is not None and not isinstance(value, enum_class):
        try:
            return enum_class(value)
        except ValueError:
            raise ValidationError("error.invalid_choice", field=field) from None
    if python_type is dt.date and not isinstance(value, dt.date):
        from peerdesk.services.validation import parse_date

        return parse_date(value, field)
    if python_type is int and isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise ValidationError("error.not_a_number", field=field) from None
    if python_type is str and isinstance(value, str):
        value = value.strip()
        return value or None if column.nullable else value
    return value


def _apply(obj: Base, fields: dict[str, Any]) -> None:
    model = type(obj)
    allowed = _editable(model)
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"{model.__name__} has no editable field {key!r}")
        setattr(obj, key, _coerce(model, key, value))


_AREAS = ("people", "workplaces", "employment", "supervision", "consent", "evaluation", "interview_details", "survey_logistics",
          "accounts", "funding", "onboarding", "recruitment", "training")
_areas_loaded = False


def _load_areas() -> None:
    """Import every area module once, so each model's rules are registered however it is reached."""
    global _areas_loaded
    if not _areas_loaded:
        import importlib

        for name in _AREAS:
            importlib.import_module(f"peerdesk.services.{name}")
        _areas_loaded = True


def run_validators(s: Session, obj: Base) -> None:
    from peerdesk.services.limits import check_record

    _load_areas()
    # Lengths and characters first: a validator's own query must not send PostgreSQL a NUL byte.
    check_record(obj)
    # No autoflush: a validator's query must not write the unchecked object first.
    with s.no_autoflush:
        for cls in type(obj).__mro__:
            for fn in _validators.get(cls, ()):
                fn(s, obj)


def flush(s: Session) -> None:
    """Flush, translating constraint violations and stale versions into readable errors."""
    try:
        s.flush()
    except StaleDataError:
        raise ConflictError() from None
    except IntegrityError as exc:
        raise integrity_error(exc) from None
    except OperationalError as exc:
        raise operational_error(exc, s) from None


def operational_error(exc: OperationalError, s: Session | None = None):
    """Busy, full or read-only storage as a readable error; nothing of the driver's text is shown."""
    from peerdesk.errors import StorageError

    from peerdesk.errors import BusyError
    from peerdesk.storage.driver_errors import is_busy

    text = str(exc.orig).lower()
    if "full" in text:
        return StorageError("error.disk_full", where="")
    if is_busy(exc.orig):
        if s is not None and not s.info.get("write_unit") and s.get_bind().dialect.name == "sqlite":
            # A read transaction that then writes: SQLite refuses at once when a colleague's save
            # overtook what it read (write units avoid this by beginning IMMEDIATE).
            return ConflictError("error.saved_meanwhile")
        # Another process kept the database past the busy timeout (or a PostgreSQL deadlock): nothing
        # was saved and no colleague changed this record, so Database.write may run the unit again.
        return BusyError()
    if "readonly" in text or "read-only" in text:
        return StorageError("error.read_only", where="")
    return StorageError("error.cannot_save")


def _apply_defaults(obj: Base, given: dict[str, Any]) -> None:
    """Column defaults apply at INSERT; validators need them before, so set them now."""
    for key, value in _scalar_defaults(type(obj)):
        if key not in given and getattr(obj, key) is None:
            setattr(obj, key, value)


@functools.cache
def _scalar_defaults(model: type) -> tuple[tuple[str, Any], ...]:
    out = []
    for attr in sa_inspect(model).column_attrs:
        default = attr.columns[0].default
        if attr.key not in _BOOKKEEPING and default is not None and default.is_scalar:
            out.append((attr.key, default.arg))
    return tuple(out)


def build(s: Session, model: type[M], **fields: Any) -> M:
    """A new record, checked by every rule of its kind, not yet added to the session (see `create`)."""
    from peerdesk.services.access import authorize_write

    authorize_write(s, model)
    obj = model()
    _apply_defaults(obj, fields)
    _apply(obj, fields)
    check_record_rights(s, obj, "after")
    run_validators(s, obj)
    return obj


def create(s: Session, model: type[M], **fields: Any) -> M:
    obj = build(s, model, **fields)
    s.add(obj)
    flush(s)
    return obj


def get(s: Session, model: type[M], record_id: int) -> M:
    # An id no INTEGER column can hold (a 20-digit number typed or scripted) is simply not there,
    # rather than an overflow in the driver — the same answer on SQLite and PostgreSQL.
    out_of_range = isinstance(record_id, int) and not -(2**31) <= record_id < 2**31
    obj = None if out_of_range else s.get(model, record_id)
    if obj is None:
        raise NotFoundError("error.not_found", kind=model.__tablename__, id=record_id)
    return obj


def snapshot(obj: Base) -> dict[str, Any]:
    """The editable values of a record, plain Python values (for forms and conflict views)."""
    out = {}
    for key in editable_fields(type(obj)):
        value = getattr(obj, key)
        out[key] = value.value if isinstance(value, enum.Enum) else value
    return out


def update(
    s: Session,
    model: type[M],
    record_id: int,
    expected_version: int,
    original: dict[str, Any] | None = None,
    **changes: Any,
) -> M:
    """Change a record the user loaded at `expected_version`.

    If a colleague saved it since, raise ConflictError listing the fields they
    changed (compared with `original`, the values the user started from) and
    their current values, so the UI can offer reload or re-apply.
    """
    from peerdesk.services.access import authorize_write

    authorize_write(s, model)
    obj = get(s, model, record_id)
    check_record_rights(s, obj, "before")  # before a conflict shows the stored values
    if obj.version != expected_version:
        current = snapshot(obj)
        base = original or {}
        changed = {k: v for k, v in current.items() if k in base and base[k] != v} if base else {
            k: current[k] for k in changes if k in current and current[k] != changes[k]
        }
        raise ConflictError(changes=changed, fields=", ".join(sorted(changed)) or "-")
    _apply(obj, changes)
    check_record_rights(s, obj, "after")
    run_validators(s, obj)
    flush(s)
    return obj


def delete(s: Session, model: type[M], record_id: int, expected_version: int | None = None) -> None:
    from peerdesk.services.access import authorize_write

    authorize_write(s, model)
    obj = get(s, model, record_id)
    check_record_rights(s, obj, "before")
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(changes=snapshot(obj), fields="-")
    s.delete(obj)
    flush(s)


def integrity_error(exc: IntegrityError) -> ValidationError:
    """A readable message for a violated database constraint; the driver's text is not shown."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None) if diag else None
    text = str(orig)
    if name is None and "constraint failed:" in text:
        name = text.split("constraint failed:", 1)[1].strip().split()[0] if "CHECK" in text else None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if "UNIQUE" in text or sqlstate == "23505":
        column = getattr(diag, "column_name", None) if diag else None
        if column is None and "UNIQUE constraint failed:" in text:
            column = text.split(":", 1)[1].strip().split(",")[0].split(".")[-1]
        if column is None and name:
            column = name.split("_")[-1]
        return ValidationError("error.duplicate", field=column)
    if "NOT NULL" in text or sqlstate == "23502":
        column = getattr(diag, "column_name", None) if diag else None
        if column is None and "NOT NULL constraint failed:" in text:
            column = text.split(":", 1)[1].strip().split(".")[-1]
        return ValidationError("error.required", field=column)
    if "FOREIGN KEY" in text or sqlstate == "23503":
        return ValidationError("error.reference")
    if name:
        from peerdesk.i18n import catalogue

        # Constraint names end in a rule name shared across tables ("…_end_after_start").
        for key in catalogue("en"):
            if key.startswith("error.check.") and name.endswith(key[len("error.check."):]):
                return ValidationError(key)
    return ValidationError("error.check_failed")
