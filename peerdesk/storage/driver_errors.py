"""Readable errors for what the database drivers (sqlcipher3, psycopg) raise.

Kept apart from storage.database, so the lightweight cipher module can use it without SQLAlchemy."""

from __future__ import annotations

from peerdesk.errors import BusyError, StorageError


# PostgreSQL's "try the transaction again" states: serialization_failure, deadlock_detected.
_PG_RETRY_STATES = {"40001", "40P01"}


def is_busy(exc: BaseException | None) -> bool:
    """A driver error that says "another transaction is in the way, try again", not "this is wrong":
    SQLite's busy/locked after its busy timeout ran out, a PostgreSQL deadlock or serialization failure.
    Nothing of such a transaction was saved, so the whole unit of work may be run again."""
    if exc is None:
        return False
    if getattr(exc, "sqlstate", None) in _PG_RETRY_STATES or getattr(exc, "pgcode", None) in _PG_RETRY_STATES:
        return True
    msg = str(exc).lower()
    return "database is locked" in msg or "database table is locked" in msg or "database is busy" in msg


LOW_SPACE = 1024 * 1024  # below this much free space, a write error of SQLite's is taken as a full disk


def disk_is_full(where: str) -> bool:
    """True when `where` is a file (or folder) on a disk with (almost) no free space left."""
    import os
    import shutil

    folder = where if os.path.isdir(where) else os.path.dirname(where)
    try:
        return bool(folder) and shutil.disk_usage(folder).free < LOW_SPACE
    except (OSError, ValueError):
        return False


def storage_error_from(exc: Exception, where: str) -> StorageError:
    """A readable message for a low-level database error; the driver text may hold data, so it is not shown."""
    msg = str(exc).lower()
    if is_busy(exc):  # still locked by another process after the busy timeout (a restore, an upgrade, a long save)
        return BusyError("error.database_busy_open", where=where)
    if "database or disk is full" in msg or "disk is full" in msg or "no space" in msg:
        return StorageError("error.disk_full", where=where)
    if "disk i/o error" in msg:
        # SQLite says SQLITE_FULL only where it extends the file itself; growing the WAL's shared-memory
        # file on a full disk is a plain I/O error. Free space tells the two apart.
        return StorageError("error.disk_full" if disk_is_full(where) else "error.disk_io", where=where)
    if "readonly" in msg or "read-only" in msg or "permission denied" in msg or "unable to open" in msg:
        return StorageError("error.read_only", where=where)
    if "password authentication failed" in msg or "authentication" in msg:
        return StorageError("error.server_auth", where=where)
    if "connection" in msg or "could not translate host" in msg or "timeout" in msg:
        return StorageError("error.server_unreachable", where=where)
    if "not a database" in msg or "encrypted" in msg:
        return StorageError("error.wrong_key")
    return StorageError("error.cannot_open", where=where)
