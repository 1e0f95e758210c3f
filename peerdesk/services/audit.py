"""The audit trail: who did what, in the same transaction as the change, hash-chained.

Every create, change and delete of a record is written by a flush listener
(field names only, never the sensitive content). Reads of confidential notes,
register extracts, logins, exports and reports are written with `record()`.
Each entry carries the hash of the one before it, so `verify()` finds the
first entry edited or removed behind PeerDesk's back. The database refuses
UPDATE and DELETE on the table (migration 0002).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from peerdesk.models import AuditEvent, Base

_AUDIT = AuditEvent.__table__
_SKIP_FIELDS = {"version", "created_at", "updated_at"}
_PG_LOCK = 7415  # advisory lock id serialising the chain on PostgreSQL


def _who(s: Session) -> tuple[int | None, str]:
    actor = s.info.get("actor")
    if actor is None:
        return None, "system"
    return actor.user_id, actor.username


def _utc_text(at: dt.datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(prev: str | None, at: dt.datetime, user_id, username, action, table, record_id, fields) -> str:
    payload = json.dumps([prev or "", _utc_text(at), user_id, username, action, table, record_id, fields], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _write(s: Session, rows: list[tuple[str, str | None, int | None, str | None]]) -> None:
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
    prev = conn.execute(select(_AUDIT.c.hash).order_by(_AUDIT.c.id.desc()).limit(1)).scalar()
    user_id, username = _who(s)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    values = []
    for action, table, record_id, fields in rows:
        h = entry_hash(prev, now, user_id, username, action, table, record_id, fields)
        values.append(dict(at=now, user_id=user_id, username=username, action=action, table_name=table,
                           record_id=record_id, fields=fields, prev_hash=prev, hash=h))
        prev = h
    conn.execute(insert(_AUDIT), values)


def _pk(obj) -> int | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    return sorted(a.key for a in state.mapper.column_attrs if a.key not in _SKIP_FIELDS and state.attrs[a.key].history.has_changes())


def _after_flush(s: Session, flush_context) -> None:
    rows = []
    for obj in s.new:
        if isinstance(obj, Base) and not isinstance(obj, AuditEvent):
            rows.append(("create", obj.__tablename__, _pk(obj), None))
    for obj in s.dirty:
        if isinstance(obj, Base) and not isinstance(obj, AuditEvent) and s.is_modified(obj, include_collections=False):
            fields = _changed_fields(obj)
            if fields:
                rows.append(("update", obj.__tablename__, _pk(obj), json.dumps(fields)))
    for obj in s.deleted:
        if isinstance(obj, Base) and not isinstance(obj, AuditEvent):
            rows.append(("delete", obj.__tablename__, _pk(obj), None))
    _write(s, rows)


def install(session_factory) -> None:
    """Audit every flush of Sessions made by this factory."""
    event.listen(session_factory, "after_flush", _after_flush)


def record(s: Session, action: str, table: str | None = None, record_id: int | None = None, detail: dict | None = None) -> None:
    """An event that is not a change: a read of notes, a login, an export, a report …
    `detail` holds ids and counts only, never personal data."""
    _write(s, [(action, table, record_id, json.dumps(detail, sort_keys=True) if detail else None)])


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_at: int | None  # id of the first entry whose chain does not hold

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(s: Session) -> VerifyResult:
    prev = None
    checked = 0
    rows = s.execute(select(_AUDIT).order_by(_AUDIT.c.id)).mappings()
    for row in rows:
        expected = entry_hash(prev, row["at"], row["user_id"], row["username"], row["action"], row["table_name"], row["record_id"], row["fields"])
        if row["prev_hash"] != prev or row["hash"] != expected:
            return VerifyResult(checked, row["id"])
        prev = row["hash"]
        checked += 1
    return VerifyResult(checked, None)


COLUMNS = ("id", "at", "username", "action", "table_name", "record_id", "fields")


def browse(s: Session, *, action: str | None = None, username: str | None = None, table: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None, limit: int | None = 1000) -> list[dict]:
    """Audit entries, newest first, filtered; administrators only."""
    from peerdesk.services.access import A, authorize_any

    authorize_any(s, {A})
    q = select(*[_AUDIT.c[c] for c in COLUMNS]).order_by(_AUDIT.c.id.desc())
    if action:
        q = q.where(_AUDIT.c.action == action)
    if username:
        q = q.where(_AUDIT.c.username == username)
    if table:
        q = q.where(_AUDIT.c.table_name == table)
    if since:
        q = q.where(_AUDIT.c.at >= dt.datetime.combine(since, dt.time()))
    if until:
        q = q.where(_AUDIT.c.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in s.execute(q).mappings()]
