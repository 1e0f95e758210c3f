"""Schema creation and upgrades with Alembic, shipped inside the package.

A new database is created at the current schema; an older one is upgraded
after an automatic backup; one written by a newer PeerDesk is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text

from peerdesk.errors import StorageError
from peerdesk.storage.database import WRITE_TRANSACTION, Database
from peerdesk.storage.schema import HEAD_REVISION, KNOWN_REVISIONS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class SchemaState:
    revision: str | None  # None: an empty database
    foreign: bool = False  # tables, but not PeerDesk's

    @property
    def is_new(self) -> bool:
        return self.revision is None and not self.foreign

    @property
    def is_current(self) -> bool:
        return self.revision == HEAD_REVISION

    @property
    def is_newer(self) -> bool:
        return self.revision is not None and self.revision not in KNOWN_REVISIONS

    @property
    def needs_upgrade(self) -> bool:
        return self.revision in KNOWN_REVISIONS and self.revision != HEAD_REVISION


def schema_state(db: Database) -> SchemaState:
    """One cheap query: which schema revision the database is at."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
        else:
            names = [r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
        if "alembic_version" not in names:
            return SchemaState(None, foreign=bool([n for n in names if not n.startswith("sqlite_")]))
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return SchemaState(row[0] if row else None)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_to(db: Database, revision: str = "head") -> None:
    """Run the migrations in one transaction. On SQLite with foreign keys off (SQLite's own advice for
    changing a table: a rebuild's DROP TABLE would otherwise cascade to the rows that refer to it), and
    checked before the commit; the pragma only works outside a transaction, so it is set first."""
    from alembic import command

    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(**WRITE_TRANSACTION)  # SQLite: BEGIN IMMEDIATE, waiting for other writers
            with conn.begin():
                command.upgrade(_alembic_config(conn), revision)
                if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                    raise StorageError("error.cannot_save")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def script_heads() -> list[str]:
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return list(ScriptDirectory.from_config(cfg).get_heads())


def ensure_schema(db: Database, *, allow_upgrade: bool = True, backup_dir: Path | None = None) -> str:
    """Bring the database to the current schema. Returns "created", "current" or "upgraded"."""
    state = schema_state(db)
    if state.foreign:
        raise StorageError("error.not_peerdesk_database")
    if state.is_newer:
        raise StorageError("error.schema_newer", revision=state.revision, ours=HEAD_REVISION)
    if state.is_current:
        return "current"
    if state.is_new:
        upgrade_to(db)
        return "created"
    if not allow_upgrade:
        raise StorageError("error.upgrade_needed", revision=state.revision, ours=HEAD_REVISION)
    from peerdesk.storage.backup import backup_before_upgrade

    backup_before_upgrade(db, state.revision, backup_dir)
    upgrade_to(db)
    return "upgraded"


def schema_matches_models(db: Database) -> list:
    """Differences between the migrated schema and the ORM models (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from peerdesk.models import Base

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _not_storage_table})
        return compare_metadata(ctx, Base.metadata)


def _not_storage_table(obj, name, type_, reflected, compare_to) -> bool:
    """`office_meta` belongs to the storage layer (storage/office.py), not to the ORM models."""
    return not (type_ == "table" and name == "office_meta")


def table_names(db: Database) -> list[str]:
    return inspect(db.engine).get_table_names()
