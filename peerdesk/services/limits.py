"""The same limits on SQLite and PostgreSQL, checked before either database sees a value.

SQLite stores any length and any character; PostgreSQL refuses a text longer than its VARCHAR(n) and a NUL
byte. So every text written through the ORM is checked here, against the length its model column declares:
a too long text, or one with control characters (tab and line breaks only in multi-line free text), is
refused with a sentence that names the field — the same sentence on both backends. A flush listener runs the
check for every Session (installed with the audit trail), so forms, imports, the CLI and every service meet it.
"""

from __future__ import annotations

import re

from sqlalchemy import String, event
from sqlalchemy import inspect as sa_inspect

from peerdesk.errors import ValidationError

# C0 controls but tab and line breaks, DEL and C1 controls, and lone surrogates (no database can store those).
_MULTILINE_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SINGLE_LINE_REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def max_length(column) -> int | None:
    length = getattr(column.type, "length", None) if isinstance(column.type, String) else None
    return length if isinstance(length, int) else None


def check_text(value: object, field: str, length: int | None, multiline: bool = False) -> None:
    """A readable refusal of a text no database of ours would store alike."""
    if not isinstance(value, str):
        return
    if length is not None and len(value) > length:
        raise ValidationError("error.too_long", field=field, max=length)
    if (_MULTILINE_REFUSED if multiline else _SINGLE_LINE_REFUSED).search(value):
        raise ValidationError("error.control_characters", field=field)


def check_column(column, value: object, field: str | None = None) -> None:
    length = max_length(column)
    # A TEXT without a length is the app's own bookkeeping (settings, the audit trail's JSON): only the characters.
    check_text(value, field or column.key, length, bool(column.info.get("multiline")) or length is None)


def check_record(obj) -> None:
    """Every text column of `obj` that is new or changed (old values are not re-judged on an unrelated edit)."""
    state = sa_inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column.type, String):
            continue
        if state.persistent:
            history = state.attrs[attr.key].history
            if not history.added:
                continue
            values = history.added
        else:
            values = [getattr(obj, attr.key, None)]
        for value in values:
            check_column(column, value, attr.key)


def _before_flush(s, flush_context, instances) -> None:
    for obj in list(s.new) + list(s.dirty):
        if hasattr(obj, "__table__"):
            check_record(obj)


def install(session_factory) -> None:
    """Check every flush of Sessions made by this factory."""
    event.listen(session_factory, "before_flush", _before_flush)
