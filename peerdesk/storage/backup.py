"""Encrypted backups with SQLite's online backup API (never a file copy of a live database)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from peerdesk.errors import StorageError
from peerdesk.storage.config import data_dir
from peerdesk.storage.database import Database
from peerdesk.storage.keys import DatabaseKey


def backups_dir(override: Path | None = None) -> Path:
    path = override or (data_dir() / "backups")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def backup_sqlite(source: Path, key: DatabaseKey, dest: Path) -> Path:
    """Copy a live encrypted database page by page into `dest`, encrypted with the same key."""
    from sqlcipher3 import dbapi2 as sqlcipher

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    src = sqlcipher.connect(str(source))
    dst = sqlcipher.connect(str(tmp))
    try:
        src.execute("PRAGMA cipher_log_level = NONE").fetchall()
        src.execute(key.pragma())
        dst.execute(key.pragma())
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE").fetchall()  # a backup is one self-contained file
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StorageError("error.backup_failed")
    except sqlcipher.Error:
        raise StorageError("error.backup_failed") from None
    finally:
        dst.close()
        src.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return dest


def _libpq(url: str) -> tuple[str, dict]:
    """A libpq URI for pg_dump/pg_restore (password passed in the environment, not on the command line)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    uri = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def backup_postgresql(url: str, dest: Path) -> Path:
    """A custom-format pg_dump of the whole database."""
    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        raise StorageError("error.pg_dump_missing")
    uri, env = _libpq(url)
    result = subprocess.run([pg_dump, "-Fc", "-f", str(dest), "-d", uri], env=env, capture_output=True, timeout=3600)
    if result.returncode != 0:
        raise StorageError("error.backup_failed")
    return dest


def backup_before_upgrade(db: Database, revision: str | None, override_dir: Path | None = None) -> Path:
    folder = backups_dir(override_dir)
    if db.target.is_sqlite:
        dest = folder / f"peerdesk-{_stamp()}-before-upgrade-from-{revision}.db"
        return backup_sqlite(Path(db.target.path), db.key, dest)
    dest = folder / f"peerdesk-{_stamp()}-before-upgrade-from-{revision}.pgdump"
    return backup_postgresql(db.engine.url.render_as_string(hide_password=False), dest)


def scheduled_backup(db: Database, interval_hours: float = 24, keep: int = 14, folder: Path | None = None, now: dt.datetime | None = None) -> Path | None:
    """Back up if the newest scheduled backup is older than the interval; keep the newest `keep`."""
    folder = backups_dir(folder)
    now = now or dt.datetime.now()
    scheduled = sorted(folder.glob("peerdesk-*-scheduled.db"), key=lambda p: p.stat().st_mtime)
    made = None
    if not scheduled or now - dt.datetime.fromtimestamp(scheduled[-1].stat().st_mtime) >= dt.timedelta(hours=interval_hours):
        made = backup_sqlite(Path(db.target.path), db.key, folder / f"peerdesk-{_stamp()}-scheduled.db")
        scheduled.append(made)
    for old in scheduled[: max(len(scheduled) - keep, 0)]:
        old.unlink(missing_ok=True)
    return made


def backup_now(db: Database, dest: Path | None = None) -> Path:
    folder = backups_dir()
    if db.target.is_sqlite:
        return backup_sqlite(Path(db.target.path), db.key, dest or folder / f"peerdesk-{_stamp()}.db")
    return backup_postgresql(db.engine.url.render_as_string(hide_password=False), dest or folder / f"peerdesk-{_stamp()}.pgdump")


def check_sqlite_backup(path: Path, key: DatabaseKey) -> str | None:
    """Open a backup with the key and run both integrity checks; returns its schema revision."""
    from sqlcipher3 import dbapi2 as sqlcipher

    if not Path(path).is_file():
        raise StorageError("error.backup_missing", path=str(path))
    conn = sqlcipher.connect(str(path))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
        conn.execute(key.pragma())
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError:
            raise StorageError("error.backup_wrong_key") from None
        try:
            damaged = conn.execute("PRAGMA cipher_integrity_check").fetchall() or (
                conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
            )
            row = None if damaged else conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlcipher.DatabaseError:
            damaged = True
        if damaged:
            raise StorageError("error.backup_damaged")
        return row[0] if row else None
    finally:
        conn.close()


def restore_sqlite(backup: Path, key: DatabaseKey, target: Path) -> Path | None:
    """Replace the database at `target` with a checked backup. The current database is backed up
    first (returned), so a restore can itself be undone. PeerDesk must not be running."""
    from sqlcipher3 import dbapi2 as sqlcipher

    from peerdesk.storage.schema import KNOWN_REVISIONS

    revision = check_sqlite_backup(backup, key)
    if revision not in KNOWN_REVISIONS:
        raise StorageError("error.schema_newer", revision=revision, ours=KNOWN_REVISIONS[-1])
    safety = None
    if Path(target).exists():
        safety = backup_sqlite(Path(target), key, backups_dir() / f"peerdesk-{_stamp()}-before-restore.db")
    src = sqlcipher.connect(str(backup))
    dst = sqlcipher.connect(str(target))
    try:
        for conn in (src, dst):
            conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
            conn.execute(key.pragma())
        src.backup(dst)  # page by page, under SQLite's own locking
        dst.execute("PRAGMA journal_mode = WAL").fetchall()
    finally:
        dst.close()
        src.close()
    return safety


def restore_postgresql(url: str, dump: Path) -> None:
    pg_restore = shutil.which("pg_restore")
    if not pg_restore:
        raise StorageError("error.pg_dump_missing")
    if not Path(dump).is_file():
        raise StorageError("error.backup_missing", path=str(dump))
    uri, env = _libpq(url)
    args = [pg_restore, "--clean", "--if-exists", "--single-transaction", "--no-owner", "-d", uri, str(dump)]
    if subprocess.run(args, env=env, capture_output=True, timeout=3600).returncode != 0:
        raise StorageError("error.restore_failed")
