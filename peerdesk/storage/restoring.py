"""Restoring a backup: only this office's (unless asked), with a copy of what was there, and audited.

1. The backup is checked (key, integrity, schema) and its office id compared with the database's:
   another office's backup is refused unless the person says so (`--other-office`, or a confirmation
   in the window).
2. The database as it is is kept first: `backups/peerdesk-…-before-restore.db` (SQLite) or
   `….pgdump` (a pg_dump of the live PostgreSQL database), and an anchor of its audit trail is added
   to the anchors file.
3. A note that a restore is under way is left in the data directory; the backup replaces the database.
4. The restored trail gets an entry `restore` naming the backup file, how many entries it holds and its
   head, and how many entries of the database before the restore were dropped with it. Then an anchor.
   If the process died between 3 and 4, the next start writes that entry (`finish_pending`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from peerdesk.errors import StorageError
from peerdesk.storage import anchors, office
from peerdesk.storage.database import Database


@dataclass(frozen=True)
class RestoreResult:
    safety: Path | None  # the database as it was before
    dropped: int  # audit entries of the database before that the restored trail does not have
    backup_entries: int
    other_office: bool


def _pending_file(db: Database) -> Path:
    from peerdesk.storage.config import data_dir

    return data_dir() / f"restore-pending-{anchors._tag(db.target)}.json"


def _live_state(db: Database) -> tuple[str | None, dict | None]:
    """The live database's office id and chain state, if there is a PeerDesk database to read."""
    try:
        with db.engine.connect() as conn:
            state = anchors.chain_state(conn)
            return office.office_id(conn), {"count": state.count, "last_id": state.last_id, "head": state.head}
    except Exception:  # an empty or missing database: nothing to keep, nothing dropped
        return None, None


def _check(db: Database, backup: Path) -> tuple[str | None, str | None, dict | None, str | None]:
    """Check the backup (a damaged one says so before anything else): its office id, ours, our chain,
    and (SQLite) the backup's schema revision."""
    from peerdesk.storage.backup import backup_meta, check_sqlite_backup

    revision = check_sqlite_backup(backup, db.key) if db.target.is_sqlite else None
    theirs = backup_meta(backup, db).get(office.OFFICE_ID)
    ours, before = _live_state(db)
    return theirs, ours, before, revision


def is_other_office(db: Database, backup: Path) -> bool:
    """Whether `backup` is checked and sound but belongs to another office (for the window to ask first)."""
    theirs, ours, _, _ = _check(db, Path(backup))
    return bool(theirs and ours and theirs != ours)


def restore(db: Database, backup: Path, actor=None, *, other_office: bool = False) -> RestoreResult:
    from peerdesk.storage.backup import (
        backup_postgresql,
        backups_dir,
        restore_postgresql,
        restore_sqlite,
        _stamp,
    )

    backup = Path(backup)
    theirs, ours, before, revision = _check(db, backup)
    other = bool(theirs and ours and theirs != ours)
    if other and not other_office:
        raise StorageError("error.restore_other_office")
    if before is not None:
        anchors.write_quietly(db, "before-restore")
    pending = _pending_file(db)
    pending.parent.mkdir(parents=True, exist_ok=True)
    note = {"backup": backup.name, "before": before, "other_office": other, "office_before": ours, "office_backup": theirs,
            "at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")}
    pending.write_text(json.dumps(note), encoding="utf-8")
    db.dispose()
    try:
        if db.target.is_sqlite:
            safety = restore_sqlite(backup, db.key, Path(db.target.path), revision)
        else:
            url = db.engine.url.render_as_string(hide_password=False)
            safety = backup_postgresql(url, backups_dir() / f"peerdesk-{_stamp()}-before-restore.pgdump") if before else None
            restore_postgresql(url, backup)
    except BaseException:
        pending.unlink(missing_ok=True)  # nothing was replaced (both restores are all-or-nothing)
        raise
    return _finish(db, note, actor, safety)


def _finish(db: Database, note: dict, actor, safety: Path | None) -> RestoreResult:
    from peerdesk.services import audit

    before = note.get("before") or {"count": 0, "last_id": None, "head": None}
    with db.begin(actor) as s:
        conn = s.connection()
        restored = anchors.chain_state(conn)
        dropped = before["count"] if note["other_office"] else max(before["count"] - restored.count, 0)
        audit.record(s, "restore", None, None, {
            "backup": note["backup"], "backup_entries": restored.count, "backup_head": (restored.head or "")[:16],
            "before_entries": before["count"], "before_head": (before["head"] or "")[:16], "dropped": dropped,
            "other_office": note["other_office"],
        })
        if note.get("office_before") and not note.get("office_backup") and office.has_meta(conn):
            office.write(conn, office.OFFICE_ID, note["office_before"])  # a backup from before office ids: ours
    anchors.write_quietly(db, "restore")
    _pending_file(db).unlink(missing_ok=True)
    return RestoreResult(safety, dropped, restored.count, note["other_office"])


def finish_pending(db: Database) -> RestoreResult | None:
    """At a start after a restore that was cut short: record it if the backup did replace the database."""
    from peerdesk.services.access import SYSTEM

    pending = _pending_file(db)
    try:
        note = json.loads(pending.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        pending.unlink(missing_ok=True)
        return None
    _, now = _live_state(db)
    before = note.get("before")
    with db.engine.connect() as conn:
        recorded = [r for r in anchors.restores(conn) if r.at >= anchors._utc(note["at"])]
    if recorded or (before is not None and now is not None and now["head"] == before["head"] and now["count"] == before["count"]):
        pending.unlink(missing_ok=True)  # already recorded, or the database was never replaced
        return None
    return _finish(db, note, SYSTEM, None)
