"""Several processes on one database at once, as an office has them: the window saving, scheduled
`peerdesk alerts`, scripts listing, someone mistyping a password in two places.

SQLite allows many readers and one writer at a time. PeerDesk must wait its turn (BEGIN IMMEDIATE
under the busy timeout) instead of failing, re-run a unit of work that stayed busy, lose nothing, and
count parallel wrong passwords one at a time on both backends. Processes are real: each worker is
`python -m tests.concurrency_worker`, and they start their work together (see that module).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import AccessDenied
from peerdesk.services import accounts, audit, auth
from peerdesk.services.access import SYSTEM
from tests.conftest import TEST_KEY, make_sqlite_db

ROOT = Path(__file__).resolve().parent.parent
RUN_SECONDS = 30  # the mixed-load run; the whole test takes about 40 s
MESSAGE_LOCKED = "Too many failed attempts"
MESSAGE_WRONG = "Wrong user name or password."


# ---------------------------------------------------------------- helpers
def _env(extra: dict) -> dict:
    env = dict(os.environ)
    env.pop("PEERDESK_DATABASE_URL", None)
    env.update({"PEERDESK_LANG": "en", **extra})
    return env


class Worker:
    def __init__(self, env: dict, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.concurrency_worker", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)

    def line(self) -> str:
        return self.proc.stdout.readline().strip()

    def send(self, text: str) -> None:
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def result(self, timeout: float):
        out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err[-2000:]
        return json.loads(out.strip().splitlines()[-1])


def _start_together(workers: list[Worker]) -> None:
    """Everything imported everywhere, then all begin at once."""
    for w in workers:
        assert w.line() == "ready", w.proc.stderr.read()[-2000:]
    for w in workers:
        w.send("go")


@pytest.fixture(scope="module")
def demo_template(sqlite_template, tmp_path_factory) -> Path:
    """The demo office in an encrypted SQLite file, made once for this module."""
    from peerdesk.services import demo

    db = make_sqlite_db(sqlite_template, tmp_path_factory.mktemp("office"))
    with db.begin(SYSTEM) as s:
        demo.load_demo(s)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return Path(db.target.path)


@pytest.fixture
def office(demo_template, tmp_path):
    """A copy of the demo office, and the environment a CLI process needs to open it."""
    db = make_sqlite_db(demo_template, tmp_path)
    with db.session() as s:
        peer_id = s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.left_on.is_(None)).order_by(m.PeerSupporter.id))
    db.dispose()
    env = _env({"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": TEST_KEY.raw_hex,
                "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"})
    return {"env": env, "path": tmp_path / "peerdesk.db", "peer_id": peer_id}


def _open_office(office):
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database

    return open_database(DatabaseTarget("sqlite", path=office["path"]), TEST_KEY)


# ---------------------------------------------------------------- (a) mixed load
def test_ten_cli_readers_beside_two_writers_for_30_seconds_all_succeed_and_nothing_is_lost(office):
    db = _open_office(office)
    with db.session() as s:
        before = s.scalar(select(func.max(m.SupervisionSession.id))) or 0
    db.dispose()

    # Scripts and colleagues as three different users, three or four at once as the same one.
    readers = [Worker({**office["env"], "PEERDESK_USER": user, "PEERDESK_TEST_READER": str(i)}, "reader", str(RUN_SECONDS))
               for i, user in enumerate(["admin", "coordinator", "supervisor"] * 3 + ["admin"])]
    writers = [Worker(office["env"], "writer", mode, str(RUN_SECONDS), str(office["peer_id"])) for mode in ("window", "script")]
    _start_together(readers + writers)
    reads = [call for w in readers for call in w.result(timeout=RUN_SECONDS + 180)]
    writes = [call for w in writers for call in w.result(timeout=RUN_SECONDS + 180)]

    failed_reads = [(c["argv"][0], c["stderr"]) for c in reads if c["rc"] != 0]
    slowest = max(c["ended"] - c["started"] for c in reads)
    saved = [c["id"] for c in writes if c["ok"]]
    refused = [c for c in writes if not c["ok"]]
    summary = (f"{len(reads)} CLI reads ({len(failed_reads)} failed, slowest {slowest:.1f} s), "
               f"{len(writes)} saves ({len(saved)} saved, {len(refused)} refused)")
    print(summary)
    # Every reader call succeeded, and its output was whole.
    assert not failed_reads, f"{summary}: {failed_reads[:5]}"
    assert all(c["rows"] == 17 for c in reads if c["argv"][0] == "list"), summary
    assert sum(1 for c in reads if c["argv"][0] == "alerts") >= 5 and len(reads) >= 10, summary
    # Every save either saved or said, in a sentence, that it did not (the database stayed busy) …
    assert all(c["error"] == "BusyError" and "nothing was saved" in c["message"] for c in refused), f"{summary}: {refused[:5]}"
    assert len(saved) >= 10, summary
    # … and what was reported saved is exactly what is in the database: nothing lost, nothing twice.
    db = _open_office(office)
    try:
        with db.session() as s:
            stored = s.scalars(select(m.SupervisionSession.id).where(m.SupervisionSession.id > before)).all()
            assert sorted(stored) == sorted(saved), summary
            assert audit.verify(s).ok  # the hash chain held while twelve processes wrote to it
    finally:
        db.dispose()


# ---------------------------------------------------------------- (b) a held write
def test_cli_readers_wait_for_a_save_in_another_process_and_then_succeed(office):
    holder = Worker(office["env"], "hold")
    readers = [Worker(office["env"], "cli", "alerts", "--json"), Worker(office["env"], "cli", "list", "people", "--json")]
    for w in [holder, *readers]:
        assert w.line() == "ready"
    holder.send("go")
    assert holder.line() == "held"  # the window is in the middle of a save
    for w in readers:
        w.send("go")
    time.sleep(3)  # before: both failed within about a second ("could not be opened")
    assert [w.proc.poll() for w in readers] == [None, None], [w.result(5) for w in readers if w.proc.poll() is not None]
    released = time.time()
    holder.send("")  # the save ends
    assert holder.result(timeout=30)["released"] >= released
    for w in readers:
        result = w.result(timeout=30)  # well within the 10 s busy timeout after the save ended
        assert result["rc"] == 0, result["stderr"]
        assert result["ended"] >= released
        json.loads(result["stdout"])


def test_every_connection_waits_for_its_busy_timeout(office):
    """The busy handler is installed when the connection opens (before the key is checked), and every
    pooled connection keeps it; a write transaction takes the write lock at its start."""
    db = _open_office(office)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # Two units of work at once: the second reads, then writes, while the first is saving. It waits
        # for the first to end instead of being refused at once.
        held, times = threading.Event(), {}

        def slow_save():
            with db.begin(SYSTEM) as s:
                s.add(m.Cohort(name="First", start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 2, 1)))
                s.flush()
                held.set()
                time.sleep(1.5)
                times["first ends"] = time.time()

        t = threading.Thread(target=slow_save)
        t.start()
        held.wait(10)
        with db.begin(SYSTEM) as s:  # before: "could not be opened" (SQLITE_BUSY at the first write)
            times["second begins"] = time.time()
            n = s.scalar(select(func.count(m.Cohort.id)))
            s.add(m.Cohort(name="Second", start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 2, 1)))
        t.join()
        assert times["second begins"] >= times["first ends"]
        with db.session() as s:
            assert s.scalar(select(func.count(m.Cohort.id))) == n + 1
    finally:
        db.dispose()


# ---------------------------------------------------------------- (c) parallel wrong logins
PARALLEL = 8
CLI_PARALLEL = 5


def test_parallel_wrong_logins_check_only_the_allowed_passwords_then_lock(db, monkeypatch):
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "kim", "Kim", "the right password", [m.Role.COORDINATOR])
    checks = []
    real_check = auth.check_password
    monkeypatch.setattr(auth, "check_password", lambda pw, stored: checks.append(1) or real_check(pw, stored))
    start = threading.Barrier(PARALLEL)

    def attempt(_):
        start.wait()
        try:
            auth.login(db, "kim", "a wrong guess")
        except AccessDenied as exc:
            return exc.key, exc.message
        except Exception as exc:  # noqa: BLE001  StaleDataError, "could not be opened" … — never
            return type(exc).__name__, str(exc)
        return "logged in", ""

    with ThreadPoolExecutor(PARALLEL) as pool:
        outcomes = list(pool.map(attempt, range(PARALLEL)))
    keys = sorted(k for k, _ in outcomes)
    assert keys == ["error.login_failed"] * auth.FREE_ATTEMPTS + ["error.login_locked"] * (PARALLEL - auth.FREE_ATTEMPTS), outcomes
    assert len(checks) == auth.FREE_ATTEMPTS  # the policy's number of password checks, however many came at once
    assert all(MESSAGE_LOCKED in msg for k, msg in outcomes if k == "error.login_locked")
    with db.session() as s:
        user = s.scalar(select(m.User).where(m.User.username == "kim"))
        assert user.failed_logins == auth.FREE_ATTEMPTS and user.locked_until is not None
        trail = [a for (a,) in s.execute(select(m.AuditEvent.action).where(m.AuditEvent.record_id == user.id,
                                                                            m.AuditEvent.action.like("login%")))]
    assert sorted(trail) == sorted(["login_failed"] * auth.FREE_ATTEMPTS + ["login_refused_locked"] * (PARALLEL - auth.FREE_ATTEMPTS))
    with pytest.raises(AccessDenied, match=MESSAGE_LOCKED):  # even the right password waits out the delay
        auth.login(db, "kim", "the right password")
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=31)
    assert auth.login(db, "kim", "the right password", now=later).username == "kim"
    with db.session() as s:
        user = s.scalar(select(m.User).where(m.User.username == "kim"))
        assert user.failed_logins == 0 and user.locked_until is None


def test_parallel_right_logins_all_get_in(db):
    """Counting attempts one at a time must not lock out a person who opens several windows at once."""
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "kim", "Kim", "the right password", [m.Role.COORDINATOR])
    start = threading.Barrier(PARALLEL)

    def attempt(_):
        start.wait()
        return auth.login(db, "kim", "the right password").username

    with ThreadPoolExecutor(PARALLEL) as pool:
        assert list(pool.map(attempt, range(PARALLEL))) == ["kim"] * PARALLEL


def test_parallel_wrong_logins_from_the_command_line_on_postgresql_read_as_sentences(pg_databases, pg_template, tmp_path):
    db = pg_databases.open(pg_template)
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "kim", "Kim", "the right password", [m.Role.COORDINATOR])
    env = _env({"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DATABASE_URL": db.target.url,
                "PEERDESK_USER": "kim", "PEERDESK_PASSWORD": "a wrong guess"})
    workers = [Worker(env, "cli", "alerts") for _ in range(CLI_PARALLEL)]
    _start_together(workers)
    results = [w.result(timeout=120) for w in workers]
    lines = sorted(r["stderr"] for r in results)
    assert all(r["rc"] == 1 for r in results), lines
    assert all("unexpected" not in line.lower() for line in lines), lines  # before: "An unexpected error …"
    assert sum(MESSAGE_WRONG in line for line in lines) == auth.FREE_ATTEMPTS, lines
    assert sum(MESSAGE_LOCKED in line for line in lines) == CLI_PARALLEL - auth.FREE_ATTEMPTS, lines
