"""Taking turns across processes without holding the database's write lock.

`turn(db, key)` lets one holder of `key` at a time through, whether the others are threads of this
process or other processes (the window, scripts, a second window). Logging in uses it per user name,
so parallel attempts on one account are counted one after another while the password check (~50 ms
of scrypt) runs outside any transaction — SQLite has one write lock for the whole file, and holding it
through a password check would hold up every colleague's save.

- SQLite: a byte-range lock in a small empty file beside the database (`peerdesk.db-turns`), at an
  offset derived from the key, plus a thread lock for this process (POSIX record locks do not exclude
  threads of one process). The OS drops the lock if the process dies.
- PostgreSQL: a transaction-scoped advisory lock on the key, held by a connection of its own.

Waiting is bounded by the busy timeout; then BusyError, as for the database itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Iterator

from peerdesk.errors import BusyError
from peerdesk.storage.cipher import BUSY_TIMEOUT_S

TURNS_SUFFIX = "-turns"
_PG_TURN = 7416  # advisory lock class for turns (the audit chain uses 7415)
_SLOTS = 1 << 20  # byte offsets in the lock file; two keys sharing one only take turns together
_POLL_S = 0.01

_thread_locks: dict[tuple[str, int], threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _slot(key: str) -> int:
    return zlib.crc32(key.encode()) % _SLOTS


def turns_path(db_path: Path) -> Path:
    return Path(str(db_path) + TURNS_SUFFIX)


def _thread_lock(path: str, slot: int) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault((path, slot), threading.Lock())


def _try_lock(fd: int, slot: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, slot, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
    except OSError:  # held by another process (EAGAIN / EACCES)
        return False
    return True


def _unlock(fd: int, slot: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, slot, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.lockf(fd, fcntl.LOCK_UN, 1, slot)


@contextlib.contextmanager
def _sqlite_turn(db_path: Path, key: str, timeout: float) -> Iterator[None]:
    slot = _slot(key)
    path = turns_path(db_path)
    deadline = time.monotonic() + timeout
    local = _thread_lock(str(path), slot)
    if not local.acquire(timeout=timeout):
        raise BusyError()
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not _try_lock(fd, slot):
                if time.monotonic() > deadline:
                    raise BusyError()
                time.sleep(_POLL_S)
            try:
                yield
            finally:
                _unlock(fd, slot)
        finally:
            os.close(fd)
    finally:
        local.release()


@contextlib.contextmanager
def _pg_turn(db, key: str, timeout: float) -> Iterator[None]:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with db.engine.connect() as conn:
        try:
            with conn.begin():
                conn.execute(text(f"SET LOCAL lock_timeout = '{int(timeout * 1000)}ms'"))
                conn.execute(text("SELECT pg_advisory_xact_lock(:cls, :slot)"), {"cls": _PG_TURN, "slot": _slot(key)})
                yield
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available: waited the whole timeout
                raise BusyError() from None
            raise


def turn(db, key: str, timeout: float = BUSY_TIMEOUT_S):
    """One at a time per `key` (across threads and processes) for the `with` block; see the module."""
    if db.target.is_sqlite:
        return _sqlite_turn(Path(db.target.path), key, timeout)
    return _pg_turn(db, key, timeout)
