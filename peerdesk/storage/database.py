"""Opening the database: an encrypted SQLite file (SQLCipher) or a PostgreSQL server.

`open_database()` returns a `Database` holding the engine and a session
factory. Each user action opens its own short Session (`db.session()`), never
one held for the life of a window.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from peerdesk.errors import StorageError
from peerdesk.storage.cipher import CIPHER_FORMATS, CipherFormat, unlock
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.driver_errors import storage_error_from
from peerdesk.storage.keys import DatabaseKey
from peerdesk.storage.netshare import is_network_path

SQLITE_HEADER = b"SQLite format 3\x00"
# 64 MiB page cache: the national data set's hot indexes fit, startup is unaffected.
SQLITE_CACHE_KIB = 65536


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
    def begin(self, actor=None) -> Iterator[Session]:
        """One unit of work for `actor`: commits on success, rolls back on any error.

        A full disk, a read-only file or a lost server at commit time becomes a readable
        StorageError; the transaction is rolled back, so nothing is half-saved."""
        from sqlalchemy.exc import DBAPIError

        with self.session(actor) as s:
            try:
                with s.begin():
                    yield s
            except DBAPIError as exc:
                if getattr(exc, "orig", None) is not None and "constraint" not in str(exc.orig).lower():
                    raise storage_error_from(exc.orig, self.target.describe()) from None
                raise

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
        conn, self.format = unlock(self.path, self.key, formats, timeout=10, check_same_thread=False, isolation_level=None)
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",  # a committed change survives power loss
            "PRAGMA foreign_keys = ON",
            f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}",
            "PRAGMA busy_timeout = 10000",
            "PRAGMA temp_store = MEMORY",  # no plaintext temp files for sorts and indexes
        ):
            conn.execute(pragma).fetchall()
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
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN")

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
