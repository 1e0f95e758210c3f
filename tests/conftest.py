"""Shared fixtures: real encrypted SQLite files and a real PostgreSQL server.

Every domain test that takes `db` runs on both backends. PostgreSQL comes
from PEERDESK_TEST_PG_URL, or a throwaway cluster started here from the
installed server binaries. Without them the PostgreSQL half is skipped —
unless PEERDESK_REQUIRE_POSTGRES=1 (CI), where it fails instead.

A working keyring is the default, as on an office's computer: in this process a fresh
in-memory backend per test (`keyring_backend`), in subprocesses a JSON file beside the test's
data directory (tests/file_keyring.py). No keyring and a locked keyring are the special cases:
the `no_keyring` and `locked_keyring` fixtures (both also reach subprocesses via the environment).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PEERDESK_LANG", "en")
# Tests never touch the developer's real data directory or keyring.
_TEST_HOME = tempfile.mkdtemp(prefix="peerdesk-test-home-")
os.environ["PEERDESK_DATA_DIR"] = _TEST_HOME
# Subprocesses (`python -m peerdesk`, main.py) get the file-backed test keyring; they import it from here.
_ROOT = str(Path(__file__).resolve().parent.parent)
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.file_keyring.FileKeyring"
os.environ["PYTHONPATH"] = os.pathsep.join([_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])])
os.environ.pop("PEERDESK_TEST_KEYRING_FILE", None)

from peerdesk.storage.config import DatabaseTarget  # noqa: E402
from peerdesk.storage.database import open_database  # noqa: E402
from peerdesk.storage.keys import DatabaseKey  # noqa: E402

TEST_KEY = DatabaseKey(raw_hex="5e" * 32)


# ---------------------------------------------------------------- keyring
@pytest.fixture(autouse=True)
def keyring_backend(monkeypatch):
    """A working keyring (fresh, in memory) for every test; `keyring_backend.items` shows what was stored."""
    import keyring

    from tests.memory_keyring import MemoryKeyring

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.file_keyring.FileKeyring")
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_keyring(keyring_backend, monkeypatch):
    """No keyring backend works (a headless machine): here and in subprocesses started from this test."""
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def locked_keyring(keyring_backend, monkeypatch):
    """A keyring whose collection is locked: every read and write fails (here and in subprocesses)."""
    import keyring

    from tests.locked_keyring import LockedKeyring

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.locked_keyring.LockedKeyring")
    keyring.set_keyring(LockedKeyring())


# ---------------------------------------------------------------- SQLite
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An encrypted database at the current schema, made once and copied per test."""
    from peerdesk.storage.migrate import ensure_schema

    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(DatabaseTarget("sqlite", path=path), TEST_KEY, create=True)
    ensure_schema(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def make_sqlite_db(template: Path, folder: Path):
    path = folder / "peerdesk.db"
    shutil.copy(template, path)
    return open_database(DatabaseTarget("sqlite", path=path), TEST_KEY)


# ---------------------------------------------------------------- PostgreSQL
def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Cluster:
    """A throwaway PostgreSQL cluster on a Unix socket, as the postgres user when we are root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="peerdesk-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        os.chmod(self.root, 0o777)
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run(self.prefix + list(args), check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-l", str(self.root / "log"), "start")
        return f"postgresql+psycopg://postgres@/postgres?host={self.root}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """Admin URL of a PostgreSQL server for tests, or a skip/fail saying why there is none."""
    url = os.environ.get("PEERDESK_TEST_PG_URL")
    if url:
        yield url
        return
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("PEERDESK_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL server binaries not found, and PEERDESK_REQUIRE_POSTGRES=1")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    cluster = _Cluster(bindir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _pg_admin(url: str):
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


def _with_db(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    from peerdesk.storage.migrate import ensure_schema

    admin = _pg_admin(pg_server)
    name = f"peerdesk_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    db = open_database(DatabaseTarget("postgresql", url=_with_db(pg_server, name)))
    ensure_schema(db)
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin.dispose()


class PgDatabases:
    """Creates fresh databases (empty, or copied from the migrated template) and drops them after the test."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.admin = _pg_admin(server)
        self.names: list[str] = []
        self.opened = []

    def url(self, template: str | None = None) -> str:
        name = f"peerdesk_t_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.names.append(name)
        return _with_db(self.server, name)

    def open(self, template: str | None = None):
        db = open_database(DatabaseTarget("postgresql", url=self.url(template)))
        self.opened.append(db)
        return db

    def cleanup(self) -> None:
        for db in self.opened:
            db.dispose()
        with self.admin.connect() as conn:
            for name in self.names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture
def pg_databases(pg_server):
    dbs = PgDatabases(pg_server)
    yield dbs
    dbs.cleanup()


# ---------------------------------------------------------------- both backends
@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def db(backend, request, tmp_path):
    """A migrated, empty database on the backend under test."""
    if backend == "sqlite":
        database = make_sqlite_db(request.getfixturevalue("sqlite_template"), tmp_path)
        yield database
        database.dispose()
    else:
        template = request.getfixturevalue("pg_template")
        yield request.getfixturevalue("pg_databases").open(template)


@pytest.fixture
def sqlite_db(sqlite_template, tmp_path):
    database = make_sqlite_db(sqlite_template, tmp_path)
    yield database
    database.dispose()


# ---------------------------------------------------------------- Qt hygiene
@pytest.fixture(autouse=True)
def _no_thread_left_running(request):
    """Fail a UI test that leaves worker threads running (napari's check)."""
    yield
    if "qtbot" not in request.fixturenames:
        return
    import shiboken6
    from PySide6.QtCore import QThreadPool

    from peerdesk.ui.operations import ALL_POOLS

    # A pool whose window was already deleted finished its jobs (Qt waits for them on destruction).
    for pool in [p for p in [QThreadPool.globalInstance(), *ALL_POOLS] if shiboken6.isValid(p)]:
        assert pool.activeThreadCount() == 0 or pool.waitForDone(5000), "a background job was left running"
        assert pool.activeThreadCount() == 0, "a background job was left running"


@pytest.fixture
def empty_db(backend, request, tmp_path):
    """An empty database with no schema yet, on the chosen backend: for migration tests that start old."""
    if backend == "sqlite":
        db = open_database(DatabaseTarget("sqlite", path=tmp_path / "empty.db"), TEST_KEY, create=True)
        yield db
        db.dispose()
    else:
        yield request.getfixturevalue("pg_databases").open()
