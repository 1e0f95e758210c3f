"""Opening the database: an encrypted SQLite file (SQLCipher) or a PostgreSQL server.

`open_database()` returns a `Database` holding the engine and a session
factory. Each user action opens its own short Session (`db.session()`), never
one held for the life of a window.

Concurrency, as SQLite allows it: any number of readers and one writer at a time (WAL). A read
(`db.session()`) never waits for a writer. A write (`db.begin()`, `db.write()`) starts with
`BEGIN IMMEDIATE`, so it queues for the write lock at its start, waiting up to the busy timeout,
instead of reading first and then failing at once when a colleague's save overtook its snapshot
(a deferred transaction that turns into a write cannot wait: SQLite answers SQLITE_BUSY at once).
`db.write(work)` runs `work` again as a whole when the database stayed busy (or PostgreSQL found a
deadlock): nothing of the failed attempt was saved, so nothing is done twice or half.
"""

from __future__ import annotations

import contextlib
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from peerdesk.errors import BusyError, ConflictError, StorageError
from peerdesk.storage.cipher import BUSY_TIMEOUT_S, CIPHER_FORMATS, CipherFormat, unlock
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.driver_errors import is_busy, storage_error_from
from peerdesk.storage.keys import DatabaseKey
from peerdesk.storage.netshare import is_network_path

SQLITE_HEADER = b"SQLite format 3\x00"
# 64 MiB page cache: the national data set's hot indexes fit, startup is unaffected.
SQLITE_CACHE_KIB = 65536
# Execution option that makes the engine's "begin" hook start a write transaction (BEGIN IMMEDIATE).
WRITE_TRANSACTION = {"peerdesk_write": True}
# db.write(): how often a unit of work is tried when the database stays busy, and the first pause between.
WRITE_ATTEMPTS = 3
RETRY_PAUSE_S = 0.2

T = TypeVar("T")


@dataclass
class Database:
    target: DatabaseTarget
    engine: Engine
    key: DatabaseKey | None = None
    cipher_format: CipherFormat | None = None  # SQLite: the SQLCipher settings the file was written with
    _factory: sessionmaker = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from peerdesk.services import limits
        from peerdesk.services.audit import install

        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        install(self._factory)  # every change is audited in its own transaction
        limits.install(self._factory)  # the same text limits on SQLite and PostgreSQL, before either sees a value

    @property
    def encrypted(self) -> bool:
        return self.target.is_sqlite and self.key is not None

    def session(self, actor=None) -> Session:
        """A Session working for `actor` (a services.access.Actor); without one, every service refuses."""
        s = self._factory()
        if actor is not None:
            s.info["actor"] = actor
        return s

    @contextlib.contextmanager
    def begin(self, actor=None, *, write: bool = True) -> Iterator[Session]:
        """One unit of work for `actor`: commits on success, rolls back on any error.

        `write` (the default) takes SQLite's write lock at the start (BEGIN IMMEDIATE), waiting for a
        colleague's save to finish; `write=False` is for a unit that only reads, which never waits.
        A full disk, a read-only file or a lost server at commit time becomes a readable StorageError,
        a database that stayed busy a BusyError; the transaction is rolled back, so nothing is half-saved."""
        from sqlalchemy.exc import DBAPIError

        with self.session(actor) as s:
            try:
                with s.begin():
                    if write:
                        s.info["write_unit"] = True
                        if self.target.is_sqlite:
                            s.connection(execution_options=WRITE_TRANSACTION)  # BEGIN IMMEDIATE, now
                    yield s
            except DBAPIError as exc:
                orig = getattr(exc, "orig", None)
                if is_busy(orig):
                    if not write and self.target.is_sqlite:  # a read unit that wrote after a colleague's save
                        raise ConflictError("error.saved_meanwhile") from None
                    raise BusyError() from None
                if orig is not None and "constraint" not in str(orig).lower():
                    raise storage_error_from(orig, self.target.describe()) from None
                raise

    def write(self, work: Callable[[Session], T], actor=None, *, attempts: int = WRITE_ATTEMPTS) -> T:
        """`work(s)` as one write unit of work (see begin), run again as a whole if the database stayed
        busy: SQLite's lock held past the busy timeout, or a PostgreSQL deadlock. Each attempt is a new
        transaction and nothing of a failed one was saved, so `work` must touch only the database (or
        redo its other effects idempotently). A colleague's change to the same record (ConflictError)
        is never retried: that needs a person to look."""
        for attempt in range(1, attempts + 1):
            try:
                with self.begin(actor) as s:
                    return work(s)
            except BusyError:
                if attempt == attempts:
                    raise
            # Back off, with jitter, so that processes that collided do not collide again in step.
            time.sleep(RETRY_PAUSE_S * 2 ** (attempt - 1) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


class _SqliteConnector:
    """The engine's `creator`: the first connection finds the file's cipher format, the others try it first
    (so an older-format file costs one failed attempt per open, not per pooled connection)."""

    def __init__(self, path: Path, key: DatabaseKey) -> None:
        self.path, self.key = path, key
        self.format: CipherFormat | None = None

    def __call__(self):
        known = (self.format,) if self.format else ()
        formats = known + tuple(f for f in CIPHER_FORMATS if f not in known)
        # The busy handler is installed at open (timeout), so even the key check waits for a lock.
        # isolation_level=None: the driver never begins on its own; the engine's "begin" hook does.
        conn, self.format = unlock(self.path, self.key, formats, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
        try:
            # Switching to WAL needs the file to itself; once it is WAL (it stays so), do not ask again.
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL").fetchall()
            for pragma in (
                "PRAGMA synchronous = FULL",  # a committed change survives power loss
                "PRAGMA foreign_keys = ON",
                f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}",
                "PRAGMA temp_store = MEMORY",  # no plaintext temp files for sorts and indexes
            ):
                conn.execute(pragma).fetchall()
        except BaseException:
            conn.close()
            raise
        return conn


def _looks_unencrypted(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def open_sqlite(target: DatabaseTarget, key: DatabaseKey, *, create: bool = False) -> Database:
    path = Path(target.path)
    if is_network_path(path):
        raise StorageError("error.network_share", path=str(path))
    if not path.exists():
        if not create:
            raise StorageError("error.database_missing", path=str(path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError("error.cannot_create_dir", path=str(path.parent), reason=exc.strerror or "") from None
    elif _looks_unencrypted(path):
        raise StorageError("error.database_not_encrypted", path=str(path))

    from sqlcipher3 import dbapi2 as sqlcipher

    from sqlalchemy.pool import QueuePool

    # "sqlite://" would mean one shared in-memory connection per thread (SingletonThreadPool);
    # a file needs a real pool so two Sessions never share one connection's transaction.
    connector = _SqliteConnector(path, key)
    engine = create_engine("sqlite://", creator=connector, module=sqlcipher, poolclass=QueuePool, pool_size=5, max_overflow=5)

    # Let SQLAlchemy, not the driver, decide where transactions begin, so that a
    # read-then-write unit of work is one transaction (SQLAlchemy's pysqlite recipe).
    # A write unit (Database.begin) asks for IMMEDIATE: it takes the write lock at once, and so waits
    # for it under the busy timeout. A deferred BEGIN that later writes would be refused at once
    # (SQLITE_BUSY without calling the busy handler) whenever another process wrote in between.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("peerdesk_write") else "BEGIN")

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except StorageError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise storage_error_from(exc, str(path)) from None
    return Database(target, engine, key, connector.format)


def _pg_password(url) -> str | None:
    """The server password from the OS keyring, if one is stored for this user and server."""
    try:
        from peerdesk.storage.keys import KEYRING_SERVICE, _keyring

        account = f"postgresql:{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"
        return _keyring().get_password(KEYRING_SERVICE, account)
    except Exception:
        return None


def open_postgresql(target: DatabaseTarget) -> Database:
    from sqlalchemy.engine import make_url

    url = make_url(target.url)
    if url.password is None and url.username:
        password = _pg_password(url)
        if password:
            url = url.set(password=password)
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        raise storage_error_from(exc, target.describe()) from None
    return Database(target, engine)


def open_database(target: DatabaseTarget, key: DatabaseKey | None = None, *, create: bool = False) -> Database:
    if target.is_sqlite:
        if key is None:
            raise StorageError("error.key_required")
        return open_sqlite(target, key, create=create)
    return open_postgresql(target)
