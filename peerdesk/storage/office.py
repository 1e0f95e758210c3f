"""The office id and other facts that belong to one database (the `office_meta` table, migration 0008).

Each database gets a random UUID when it is created (or upgraded to 0008). Backups carry it, so a
restore can tell this office's backup from another office's. The table also holds the audit anchor
written just before each backup, so every backup carries the state of its own audit trail.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

META = sa.table("office_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
OFFICE_ID = "office_id"
BACKUP_ANCHOR = "backup_anchor"


def has_meta(conn) -> bool:
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'office_meta'").first()
    else:
        found = conn.exec_driver_sql("SELECT to_regclass('office_meta')").scalar()
    return bool(found)


def read(conn, key: str):
    """A value from office_meta, or None (also for a database from before migration 0008)."""
    if not has_meta(conn):
        return None
    value = conn.execute(sa.select(META.c.value).where(META.c.key == key)).scalar()
    return json.loads(value) if value is not None else None


def write(conn, key: str, value) -> None:
    encoded = json.dumps(value, sort_keys=True)
    if conn.execute(sa.update(META).where(META.c.key == key).values(value=encoded)).rowcount == 0:
        conn.execute(sa.insert(META).values(key=key, value=encoded))


def office_id(conn) -> str | None:
    return read(conn, OFFICE_ID)


def read_sqlite_file(raw_conn, key: str):
    """The same, on a plain sqlcipher3 connection to a backup file."""
    if not raw_conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'office_meta'").fetchone():
        return None
    row = raw_conn.execute("SELECT value FROM office_meta WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None
