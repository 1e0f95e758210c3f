"""`peerdesk backup` and `peerdesk restore` killed with SIGKILL at random (seeded) moments, many times.

Afterwards the database opens with the data it should have (untouched by a killed backup; before or
after a killed restore, never in between), the next start leaves no `.partial`/`.restoring` file
behind, and `peerdesk audit verify` still passes — a restore that got as far as replacing the
database is recorded in the trail even when the process died before it could say so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from peerdesk import cli
from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services.access import SYSTEM
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from tests import factories as f
from tests.conftest import TEST_KEY
from tests.test_crash_safety import _integrity

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "long-enough-pw"


@pytest.fixture
def home(sqlite_template, tmp_path, monkeypatch):
    """An office on SQLite with enough rows that a backup takes a moment; env for the command line."""
    shutil.copy(sqlite_template, tmp_path / "peerdesk.db")
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": TEST_KEY.raw_hex, "PEERDESK_USER": "admin",
           "PEERDESK_PASSWORD": PASSWORD, "PEERDESK_LANG": "en"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("PEERDESK_DATABASE_URL", raising=False)
    db = _open(tmp_path)
    with db.begin(SYSTEM) as s:
        f.user(s, "admin", (Role.ADMINISTRATOR,))
    with db.begin(SYSTEM) as s:
        for i in range(3000):
            s.add(m.Workplace(name=f"Avdelning {i:05d} " + "x" * 180, organisation="Kliniken", kind=m.WorkplaceKind.INPATIENT))
    db.dispose()
    return tmp_path, {**os.environ, **env, "PYTHONPATH": str(ROOT)}


def _open(folder: Path):
    return open_database(DatabaseTarget("sqlite", path=folder / "peerdesk.db"), TEST_KEY)


def _names(folder: Path) -> frozenset[str]:
    db = _open(folder)
    try:
        with db.session(SYSTEM) as s:
            return frozenset(s.scalars(select(m.Workplace.name)))
    finally:
        db.dispose()


def _leftovers(folder: Path) -> list[str]:
    found = [p for p in folder.rglob("*") if p.name.endswith((".partial", ".partial-journal", ".restoring"))]
    found += list((folder / "pending-files").glob("*")) if (folder / "pending-files").is_dir() else []
    found += list(folder.glob("restore-pending-*"))
    return sorted(str(p.relative_to(folder)) for p in found)


def _kill_at_random(args: list[str], env: dict, rnd: random.Random, moments: list[tuple[Path, str]],
                    latest: float = 3.0, after: float = 0.15) -> str:
    """Start `peerdesk ARGS`; kill it at a random moment of its life, or a random instant after a file
    matching one of `moments` (folder, glob) appears (a .partial backup, the before-restore copy).
    Returns how it ended."""
    child = subprocess.Popen([sys.executable, "-m", "peerdesk", *args], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    choice = rnd.randrange(len(moments) + 1)
    if choice == len(moments):
        delay = rnd.uniform(0.3, latest)
        while time.monotonic() - start < delay and child.poll() is None:
            time.sleep(0.002)
    else:
        folder, pattern = moments[choice]
        while child.poll() is None and not any(folder.glob(pattern)) and time.monotonic() - start < 30:
            time.sleep(0.0005)
        time.sleep(rnd.uniform(0, after))
    if child.poll() is not None:
        return "finished"
    child.send_signal(signal.SIGKILL)
    child.wait()
    return "killed"


def _next_start_is_clean(folder: Path, peerdesk_verify) -> None:
    code = peerdesk_verify()  # the next start: opens the database, tidies up, verifies the trail
    assert code == 0
    assert _leftovers(folder) == []
    assert _integrity(folder / "peerdesk.db") == ("ok", [])


@pytest.fixture
def verify(capsys):
    def run() -> int:
        capsys.readouterr()
        code = cli.main(["audit", "verify"])
        out, err = capsys.readouterr()
        assert code == 0, out + err
        return code

    return run


def test_a_killed_backup_leaves_no_partial_file_and_the_database_untouched(home, verify):
    folder, env = home
    before = _names(folder)
    rnd = random.Random(1702)
    outcomes = []
    for i in range(24):  # more rounds only while fewer than 4 were killed (a loaded machine finishes sooner)
        if i >= 8 and outcomes.count("killed") >= 4:
            break
        target = folder / "elsewhere" / f"b{i}.db"  # -o: a partial file outside the backups folder too
        args = ["backup"] + (["-o", str(target)] if i % 2 else [])
        (folder / "elsewhere").mkdir(exist_ok=True)
        (folder / "backups").mkdir(exist_ok=True)
        outcomes.append(_kill_at_random(args, env, rnd, [(target.parent if i % 2 else folder / "backups", "*.partial")]))
        assert _names(folder) == before
        _next_start_is_clean(folder, verify)
    assert outcomes.count("killed") >= 4, outcomes


def _restore_rounds(open_db, folder: Path, env: dict, backup: Path, rnd: random.Random, rounds: int, verify, **timing) -> None:
    """Work since the backup, then `peerdesk restore` killed at a random moment; check what is left."""
    restored_state = _names_of(open_db)
    outcomes, states = [], []
    timing = dict(timing)
    for i in range(rounds * 4):  # more rounds only while the random moments have not yet given both outcomes
        if i >= rounds and outcomes.count("killed") >= rounds // 2 and {"restored", "untouched"} <= set(states):
            break
        if outcomes[-1:] == ["finished"]:  # a fast machine finished before the kill: aim earlier next time
            timing = {k: max(v * 0.6, 0.05) for k, v in {"latest": 3.0, "after": 0.15, **timing}.items()}
        db = open_db()
        with db.begin(SYSTEM) as s:  # work done since the backup, which a restore drops
            for j in range(5):
                f.workplace(s, name=f"Efter {i}-{j}")
        db.dispose()
        live_state = _names_of(open_db)
        started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for old in (folder / "backups").glob("*before-restore.*"):
            old.unlink()
        moments = [(folder / "backups", "*before-restore*.partial"), (folder / "backups", "*before-restore.*[bp]")]
        outcomes.append(_kill_at_random(["restore", str(backup)], env, rnd, moments, **timing))
        assert verify() == 0  # the next start: tidies up, records a restore cut short, verifies the trail
        assert _leftovers(folder) == []
        now = _names_of(open_db)
        assert now in (live_state, restored_state)
        db = open_db()
        with db.session(SYSTEM) as s:
            recorded = s.scalars(select(m.AuditEvent.fields).where(m.AuditEvent.action == "restore", m.AuditEvent.at >= started)).all()
        db.dispose()
        if now == restored_state:  # replaced: then the trail says so, with what was dropped (at least this round's 5)
            assert len(recorded) == 1 and json.loads(recorded[0])["dropped"] >= 5
            states.append("restored")
        else:
            assert recorded == []
            states.append("untouched")
    assert outcomes.count("killed") >= rounds // 2, outcomes
    assert {"restored", "untouched"} <= set(states), list(zip(outcomes, states))


def _names_of(open_db) -> frozenset[str]:
    db = open_db()
    try:
        with db.session(SYSTEM) as s:
            return frozenset(s.scalars(select(m.Workplace.name)))
    finally:
        db.dispose()


def test_a_killed_restore_leaves_the_old_or_the_restored_database_and_is_audited(home, verify):
    folder, env = home
    backup = folder / "monday.db"
    assert subprocess.run([sys.executable, "-m", "peerdesk", "backup", "-o", str(backup)], env=env, cwd=ROOT,
                          capture_output=True).returncode == 0
    _restore_rounds(lambda: _open(folder), folder, env, backup, random.Random(1703), 10, verify)
    assert _integrity(folder / "peerdesk.db") == ("ok", [])


def test_a_killed_postgresql_backup_or_restore_is_all_or_nothing_and_audited(pg_databases, pg_template, tmp_path, monkeypatch, verify):
    url = pg_databases.url(pg_template)
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DATABASE_URL": url, "PEERDESK_USER": "admin",
           "PEERDESK_PASSWORD": PASSWORD, "PEERDESK_LANG": "en"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def open_db():
        return open_database(DatabaseTarget("postgresql", url=url))

    db = open_db()
    with db.begin(SYSTEM) as s:
        f.user(s, "admin", (Role.ADMINISTRATOR,))
        for i in range(2000):
            s.add(m.Workplace(name=f"Avdelning {i:05d}", organisation="Kliniken", kind=m.WorkplaceKind.INPATIENT))
    db.dispose()
    env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    rnd = random.Random(1704)
    (tmp_path / "backups").mkdir(exist_ok=True)
    before = _names_of(open_db)
    for i in range(4):  # a killed pg_dump leaves no half dump under any name
        _kill_at_random(["backup"], env, rnd, [(tmp_path / "backups", "*.partial")])
        assert verify() == 0 and _leftovers(tmp_path) == [] and _names_of(open_db) == before
    backup = tmp_path / "monday.pgdump"
    assert subprocess.run([sys.executable, "-m", "peerdesk", "backup", "-o", str(backup)], env=env, cwd=ROOT,
                          capture_output=True).returncode == 0
    started = time.monotonic()  # how long one whole restore takes here sets where the kills aim
    assert subprocess.run([sys.executable, "-m", "peerdesk", "restore", str(backup)], env=env, cwd=ROOT,
                          capture_output=True).returncode == 0
    took = time.monotonic() - started
    _restore_rounds(open_db, tmp_path, env, backup, rnd, 6, verify, latest=took, after=took / 2)
