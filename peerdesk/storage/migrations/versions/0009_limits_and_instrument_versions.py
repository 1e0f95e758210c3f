"""limits: free text gets a finite length on PostgreSQL; instruments get versions (code + edition)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

PeerDesk checks every text's length before either database sees it (services/limits.py); PostgreSQL
now stores the free-text columns as VARCHAR(n) too. SQLite ignores lengths and keeps TEXT.

An instrument that has answers keeps its scale and items; a changed instrument is a new version, so
the code alone is no longer unique: (code, edition) is. SQLite cannot drop a constraint in place, so
the instrument table is rebuilt — with foreign keys off (storage.migrate.upgrade_to), or the rebuild's
DROP TABLE would cascade to the items (and be refused for the answers).
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (table, column, length, nullable) of the free-text columns, as the models declare them.
LONG_TEXT = (
    ("study", "consent_text_sv", 100_000, True),
    ("study", "consent_text_en", 100_000, True),
    ("instrument_item", "text_sv", 2000, False),
    ("instrument_item", "text_en", 2000, False),
    ("answer", "text", 20_000, True),
    ("quote", "text", 20_000, False),
    ("report_section", "body", 500_000, False),
    ("supervision_session", "notes", 500_000, True),
    ("briefing", "summary", 500_000, True),
)


def _instrument(upgrade: bool) -> None:
    if op.get_bind().dialect.name == "sqlite" and op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        # storage.migrate.upgrade_to switches them off; with them on, the rebuild would lose the items.
        raise RuntimeError("foreign keys are on: the instrument table cannot be rebuilt safely")
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        if upgrade:
            batch_op.add_column(sa.Column("edition", sa.Integer(), server_default="1", nullable=False))
            batch_op.drop_constraint("uq_instrument_code", type_="unique")
            batch_op.create_unique_constraint(batch_op.f("uq_instrument_code_edition"), ["code", "edition"])
            batch_op.create_check_constraint("edition_positive", "edition >= 1")
        else:
            batch_op.drop_constraint(batch_op.f("ck_instrument_edition_positive"), type_="check")
            batch_op.drop_constraint(batch_op.f("uq_instrument_code_edition"), type_="unique")
            batch_op.drop_column("edition")
            batch_op.create_unique_constraint(batch_op.f("uq_instrument_code"), ["code"])


def upgrade() -> None:
    _instrument(True)
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length, nullable in LONG_TEXT:
            op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text(), existing_nullable=nullable)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length, nullable in LONG_TEXT:
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length), existing_nullable=nullable)
    _instrument(False)
