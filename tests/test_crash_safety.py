"""Crash and fault safety on the encrypted SQLite file.

- A child process commits small transactions and reports each committed id; it is killed
  with SIGKILL at random moments, many times. Every reported id must be there afterwards
  and both integrity checks must pass.
- A save on a full disk or a read-only file fails with a readable message and leaves the
  database consistent, with nothing half-saved.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import PeerDeskError
from peerdesk.services import supervision
from peerdesk.services.access import SYSTEM
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from tests import factories as f
from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from peerdesk import models as m
    from peerdesk.services import records
    from peerdesk.services.access import SYSTEM
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey

    db = open_database(DatabaseTarget("sqlite", path=Path(sys.argv[1])), DatabaseKey(raw_hex=sys.argv[2]))
    i = 0
    while True:
        with db.begin(SYSTEM) as s:
            w = records.create(s, m.Workplace, name=f"Avd {sys.argv[3]}-{i}", organisation="K", kind="inpatient")
        print(w.id, flush=True)  # only after the commit has returned
        i += 1
    """
)


def _integrity(path: Path) -> tuple[str, list]:
    from peerdesk.storage.cipher import CIPHER_FORMAT, connect

    conn = connect(path, TEST_KEY, CIPHER_FORMAT)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute("PRAGMA cipher_integrity_check").fetchall()
    finally:
        conn.close()


def test_committed_changes_survive_sigkill_at_random_moments(sqlite_template, tmp_path):
    path = tmp_path / "crash.db"
    shutil.copy(sqlite_template, path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rnd = random.Random(4711)
    reported: list[int] = []
    deadline = time.monotonic() + 60  # bounded in time for CI
    kills = 0
    while kills < 12 and time.monotonic() < deadline:
        child = subprocess.Popen([sys.executable, str(script), str(path), TEST_KEY.raw_hex, str(kills)],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        first = child.stdout.readline()  # wait until it is committing
        assert first.strip().isdigit(), "the writer did not start"
        reported.append(int(first))
        time.sleep(rnd.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        lines = out.split("\n")
        # a line without its newline may have been cut mid-write: only whole lines were reported
        reported += [int(x) for x in lines[:-1] if x.strip()]
        kills += 1
    assert kills >= 5 and len(reported) > kills
    db = open_database(DatabaseTarget("sqlite", path=path), TEST_KEY)  # opens normally after the crashes
    with db.session(SYSTEM) as s:
        present = set(s.scalars(select(m.Workplace.id)))
    db.dispose()
    missing = sorted(set(reported) - present)
    assert not missing, f"committed but lost: {missing}"
    assert _integrity(path) == ("ok", [])


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None and sys.platform.startswith("linux")


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs of our own, so the disk can really fill up or turn read-only."""
    if not _can_mount():
        pytest.skip("needs root and mount to make a small disk")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode != 0:
        pytest.skip("mount is not permitted here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _db_on(disk: Path, template: Path):
    shutil.copy(template, disk / "peerdesk.db")
    db = open_database(DatabaseTarget("sqlite", path=disk / "peerdesk.db"), TEST_KEY)
    with db.begin(SYSTEM) as s:
        peer = f.peer(s, "Kvar", "Kvar")
        supervision.log_session(s, "2025-01-01", [peer.id], notes="redan sparad")
    return db, peer.id


def _counts(db) -> tuple[int, int]:
    with db.session(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(m.SupervisionSession)), s.scalar(select(func.count()).select_from(m.SessionParticipant))


def test_a_save_on_a_full_disk_says_so_and_saves_nothing(small_disk, sqlite_template):
    db, peer_id = _db_on(small_disk, sqlite_template)
    free = shutil.disk_usage(small_disk).free
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(free - 64 * 1024, 0))
    with pytest.raises(PeerDeskError) as info:
        with db.begin(SYSTEM) as s:
            supervision.log_session(s, "2025-02-01", [peer_id], notes="x" * 400_000)
    assert info.value.key == "error.disk_full", info.value.key
    assert "nothing was saved" in info.value.message
    filler.unlink()
    assert _counts(db) == (1, 1)
    with db.begin(SYSTEM) as s:  # with space again, the same save works
        supervision.log_session(s, "2025-02-01", [peer_id], notes="x" * 400_000)
    assert _counts(db) == (2, 2)
    db.dispose()
    assert _integrity(small_disk / "peerdesk.db") == ("ok", [])


def test_a_save_on_a_read_only_disk_says_so_and_saves_nothing(small_disk, sqlite_template):
    db, peer_id = _db_on(small_disk, sqlite_template)
    db.engine.dispose()  # the pool reconnects on the next save, as after a network blip or a sleep
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0
    try:
        with pytest.raises(PeerDeskError) as info:
            with db.begin(SYSTEM) as s:
                supervision.log_session(s, "2025-02-01", [peer_id], notes="ny")
        assert info.value.key in ("error.read_only", "error.cannot_save", "error.cannot_open"), info.value.key
        assert "nothing" in info.value.message.lower() or "could not" in info.value.message.lower()
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], capture_output=True)
    db.dispose()
    db = open_database(DatabaseTarget("sqlite", path=small_disk / "peerdesk.db"), TEST_KEY)
    assert _counts(db) == (1, 1)
    db.dispose()
    assert _integrity(small_disk / "peerdesk.db") == ("ok", [])
