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
    except sqlcipher.Error as exc:
        raise StorageError("error.backup_failed") from None
    finally:
        dst.close()
        src.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return dest


def backup_postgresql(url: str, dest: Path) -> Path:
    """A custom-format pg_dump of the whole database."""
    from sqlalchemy.engine import make_url

    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        raise StorageError("error.pg_dump_missing")
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    args = [pg_dump, "-Fc", "-f", str(dest), "-d", u.database or ""]
    if u.host:
        args += ["-h", u.host]
    if u.port:
        args += ["-p", str(u.port)]
    if u.username:
        args += ["-U", u.username]
    result = subprocess.run(args, env=env, capture_output=True, timeout=3600)
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


def backup_now(db: Database, dest: Path | None = None) -> Path:
    folder = backups_dir()
    if db.target.is_sqlite:
        return backup_sqlite(Path(db.target.path), db.key, dest or folder / f"peerdesk-{_stamp()}.db")
    return backup_postgresql(db.engine.url.render_as_string(hide_password=False), dest or folder / f"peerdesk-{_stamp()}.pgdump")
