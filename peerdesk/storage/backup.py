"""Encrypted backups with SQLite's online backup API (never a file copy of a live database)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

from peerdesk.errors import StorageError
from peerdesk.storage.cipher import CIPHER_FORMAT, CipherFormat, connect, unlock
from peerdesk.storage.config import data_dir
from peerdesk.storage.database import Database
from peerdesk.storage.keys import DatabaseKey
from peerdesk.storage.safe_output import fsync_dir


def backups_dir(override: Path | None = None) -> Path:
    path = override or (data_dir() / "backups")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def backup_sqlite(source: Path, key: DatabaseKey, dest: Path) -> Path:
    """Copy a live encrypted database page by page into `dest`, encrypted with the same key and format."""
    try:
        src, fmt = unlock(source, key)
    except StorageError:
        raise StorageError("error.backup_failed") from None
    try:
        return _backup_from(src, key, fmt, dest)
    finally:
        src.close()


def _backup_from(src, key: DatabaseKey, fmt: CipherFormat, dest: Path) -> Path:
    from sqlcipher3 import dbapi2 as sqlcipher

    from peerdesk.storage.partial import writing

    dest.parent.mkdir(parents=True, exist_ok=True)
    with writing(dest.with_name(dest.name + ".partial")) as tmp:
        dst = connect(tmp, key, fmt)  # a page copy keeps the source's format
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE").fetchall()  # a backup is one self-contained file
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise StorageError("error.backup_failed")
        except sqlcipher.Error:
            raise StorageError("error.backup_failed") from None
        finally:
            dst.close()
        _fsync(tmp)
        os.replace(tmp, dest)
    fsync_dir(dest.parent)
    return dest


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _export(src, dest: Path, key: DatabaseKey, fmt: CipherFormat) -> None:
    """Write the database of connection `src` into a new file `dest` in cipher format `fmt`, and check it."""
    from sqlcipher3 import dbapi2 as sqlcipher

    for leftover in (dest, Path(f"{dest}-journal")):  # from an attempt that was cut short
        leftover.unlink(missing_ok=True)
    try:
        src.execute("ATTACH DATABASE ? AS converted KEY ?", (str(dest), key.attach_value()))
        try:
            for pragma in fmt.pragmas("converted"):
                src.execute(pragma).fetchall()
            src.execute("SELECT sqlcipher_export('converted')").fetchall()
        finally:
            src.execute("DETACH DATABASE converted")
        out, _ = unlock(dest, key, (fmt,))
        try:
            tables = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            same = all(
                src.execute(f'SELECT count(*) FROM "{t}"').fetchone() == out.execute(f'SELECT count(*) FROM "{t}"').fetchone()
                for t in tables
            )
            if not same or out.execute("PRAGMA cipher_integrity_check").fetchall() or (
                out.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
            ):
                raise StorageError("error.backup_failed")
            out.execute("PRAGMA journal_mode = WAL").fetchall()  # as the app keeps its file
        finally:
            out.close()
        _fsync(dest)
    except (sqlcipher.Error, StorageError, OSError):
        dest.unlink(missing_ok=True)
        raise


def upgrade_cipher_format(path: Path, key: DatabaseKey, backup_dir: Path | None = None) -> Path | None:
    """Rewrite a file of an older cipher format in CIPHER_FORMAT, once; returns the backup of it as it was.

    Only while no other connection has the file open: from the check to the replace this connection
    holds an exclusive lock. Otherwise (or if anything fails) the file is left as it was, still usable
    in its old format, and None is returned: the next start tries again."""
    from sqlcipher3 import dbapi2 as sqlcipher

    conn, fmt = unlock(path, key, isolation_level=None, timeout=0)
    new = path.with_name(path.name + ".upgrading")
    try:
        if fmt == CIPHER_FORMAT:
            return None
        try:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE").fetchall()
            # Leaving WAL needs every other connection closed, and leaves no -wal behind for the new file.
            conn.execute("PRAGMA journal_mode = DELETE").fetchall()
            conn.execute("BEGIN EXCLUSIVE")  # in exclusive locking mode the lock is kept after COMMIT
            conn.execute("COMMIT")
        except sqlcipher.OperationalError:  # "database is locked": in use by another process
            return None
        try:
            backup = _backup_from(conn, key, fmt, backups_dir(backup_dir) / f"peerdesk-{_stamp()}-before-cipher-upgrade.db")
            _export(conn, new, key, CIPHER_FORMAT)
        except (sqlcipher.Error, StorageError, OSError):  # e.g. a full disk: keep the old format for now
            return None
        try:
            os.replace(new, path)  # POSIX: atomic, while the lock still keeps others out
        except PermissionError:  # Windows: not while a handle is open; if someone opened it meanwhile, give up
            conn.close()
            try:
                os.replace(new, path)
            except OSError:
                new.unlink(missing_ok=True)
                return None
        fsync_dir(path.parent)
        return backup
    finally:
        conn.close()


def _libpq(url: str) -> tuple[str, dict]:
    """A libpq URI for pg_dump/pg_restore (password passed in the environment, not on the command line)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    uri = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _dies_with_us():
    """For pg_dump/pg_restore: on Linux, the child is killed when PeerDesk dies (even by SIGKILL), so a
    restore cannot go on replacing the database unseen, after the process that would audit it is gone."""
    import sys

    if not sys.platform.startswith("linux"):
        return None

    def preexec() -> None:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG

    return preexec


def backup_postgresql(url: str, dest: Path) -> Path:
    """A custom-format pg_dump of the whole database."""
    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        raise StorageError("error.pg_dump_missing")
    from peerdesk.storage.partial import writing

    uri, env = _libpq(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with writing(dest.with_name(dest.name + ".partial")) as tmp:  # never a half-written dump under the real name
        result = subprocess.run([pg_dump, "-Fc", "-f", str(tmp), "-d", uri], env=env, capture_output=True, timeout=3600,
                                preexec_fn=_dies_with_us())
        if result.returncode != 0:
            raise StorageError("error.backup_failed")
        _fsync(tmp)
        os.replace(tmp, dest)
    fsync_dir(dest.parent)
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
        anchor_for_backup(db)
        made = backup_sqlite(Path(db.target.path), db.key, folder / f"peerdesk-{_stamp()}-scheduled.db")
        scheduled.append(made)
    for old in scheduled[: max(len(scheduled) - keep, 0)]:
        old.unlink(missing_ok=True)
    return made


def clean_leftovers(db: Database) -> list[Path]:
    """Remove what killed backups and restores left behind (never a file a running one still writes)."""
    from peerdesk.storage.partial import clean_stale

    also = (Path(str(db.target.path) + ".restoring"),) if db.target.is_sqlite else ()
    return clean_stale((backups_dir(),), also)


def anchor_for_backup(db: Database):
    """Sign the audit trail's state and keep it in the database (so the backup carries it) and beside it.
    A database from before migration 0008 has nowhere to keep it: then None."""
    from peerdesk.storage import anchors, office

    try:
        key = anchors.anchor_key(db)
        with db.engine.begin() as conn:
            if not office.has_meta(conn):
                return None
            anchor = anchors.take(conn, key, "backup")
            office.write(conn, office.BACKUP_ANCHOR, json.loads(anchor.to_json()))
        anchors.append(anchors.anchors_file(db.target), anchor)
        return anchor
    except Exception:  # a read-only database or folder: the backup itself still matters more
        return None


def backup_now(db: Database, dest: Path | None = None) -> Path:
    folder = backups_dir()
    clean_leftovers(db)
    anchor_for_backup(db)
    if db.target.is_sqlite:
        return backup_sqlite(Path(db.target.path), db.key, dest or folder / f"peerdesk-{_stamp()}.db")
    return backup_postgresql(db.engine.url.render_as_string(hide_password=False), dest or folder / f"peerdesk-{_stamp()}.pgdump")


def is_backup_file(path: Path) -> bool:
    """A PeerDesk backup (an encrypted SQLite file or a pg_dump archive), not an anchors file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.startswith(b"PGDMP") or (len(head) == 16 and not head.lstrip().startswith((b"{", b"[")))


def _pgdump_meta(path: Path) -> dict:
    """office_meta as it is inside a pg_dump archive (pg_restore writes just that table's rows)."""
    pg_restore = shutil.which("pg_restore")
    if not pg_restore:
        raise StorageError("error.pg_dump_missing")
    result = subprocess.run([pg_restore, "--data-only", "--table=office_meta", "-f", "-", str(path)],
                            capture_output=True, timeout=600)
    if result.returncode != 0:
        raise StorageError("error.backup_damaged")
    meta, inside = {}, False
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("COPY ") and "office_meta" in line:
            inside = True
        elif inside and line == "\\.":
            inside = False
        elif inside and "\t" in line:
            key, value = line.split("\t", 1)
            meta[key] = json.loads(value.replace("\\\\", "\\"))
    return meta


def backup_meta(path: Path, db: Database) -> dict:
    """The backup's office id and the anchor it carries (empty for a backup from before 0008)."""
    from peerdesk.storage import office

    path = Path(path)
    if not path.is_file():
        raise StorageError("error.backup_missing", path=str(path))
    if not db.target.is_sqlite:
        return _pgdump_meta(path)
    try:
        conn, _ = unlock(path, db.key)
    except StorageError:
        raise StorageError("error.backup_wrong_key") from None
    try:
        return {k: office.read_sqlite_file(conn, k) for k in (office.OFFICE_ID, office.BACKUP_ANCHOR)}
    finally:
        conn.close()


def backup_anchor(path: Path, db: Database):
    from peerdesk.storage import anchors, office

    data = backup_meta(path, db).get(office.BACKUP_ANCHOR)
    return anchors.Anchor.from_json(json.dumps(data)) if data else None


PAGE_SIZE = 4096  # SQLCipher 4's page size, pinned by both cipher formats; a whole file is whole pages


def _whole_pages(path: Path) -> bool:
    """A complete SQLite file is one or more whole pages; a truncated one (almost always) is not."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= PAGE_SIZE and size % PAGE_SIZE == 0


def check_sqlite_backup(path: Path, key: DatabaseKey) -> str | None:
    """Open a backup with the key and run both integrity checks; returns its schema revision."""
    from sqlcipher3 import dbapi2 as sqlcipher

    if not Path(path).is_file():
        raise StorageError("error.backup_missing", path=str(path))
    if not _whole_pages(Path(path)):  # cut short (a full disk, a copy interrupted): not a question of the key
        raise StorageError("error.backup_incomplete")
    try:
        conn, _ = unlock(path, key)
    except StorageError as exc:
        raise StorageError("error.backup_wrong_key" if exc.key == "error.wrong_key" else exc.key, **exc.params) from None
    try:
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


def restore_sqlite(backup: Path, key: DatabaseKey, target: Path, revision: str | None = None) -> Path | None:
    """Replace the database at `target` with a checked backup. The current database is backed up
    first (returned), so a restore can itself be undone. The copy goes page by page under SQLite's own
    locking, in one transaction: another connection sees the old database or the restored one.
    `revision`: the backup's, when the caller has just checked it (storage/restoring.py)."""
    from peerdesk.storage.schema import KNOWN_REVISIONS

    revision = revision or check_sqlite_backup(backup, key)
    if revision not in KNOWN_REVISIONS:
        raise StorageError("error.schema_newer", revision=revision, ours=KNOWN_REVISIONS[-1])
    safety = None
    if Path(target).exists():
        safety = backup_sqlite(Path(target), key, backups_dir() / f"peerdesk-{_stamp()}-before-restore.db")
        dst, fmt = unlock(Path(target), key)
    else:
        dst, fmt = connect(Path(target), key), CIPHER_FORMAT
    src, src_fmt = unlock(Path(backup), key)
    converted = Path(str(target) + ".restoring")
    try:
        if src_fmt != fmt:  # a page copy needs the same format: convert the backup first (never the backup file itself)
            _export(src, converted, key, fmt)
            src.close()
            src = connect(converted, key, fmt)
        src.backup(dst)  # page by page, under SQLite's own locking
        dst.execute("PRAGMA journal_mode = WAL").fetchall()
    finally:
        dst.close()
        src.close()
        converted.unlink(missing_ok=True)
    return safety


def restore_postgresql(url: str, dump: Path) -> None:
    pg_restore = shutil.which("pg_restore")
    if not pg_restore:
        raise StorageError("error.pg_dump_missing")
    if not Path(dump).is_file():
        raise StorageError("error.backup_missing", path=str(dump))
    uri, env = _libpq(url)
    args = [pg_restore, "--clean", "--if-exists", "--single-transaction", "--no-owner", "-d", uri, str(dump)]
    if subprocess.run(args, env=env, capture_output=True, timeout=3600, preexec_fn=_dies_with_us()).returncode != 0:
        raise StorageError("error.restore_failed")
