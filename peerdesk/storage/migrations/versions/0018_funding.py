"""funding: grants, the regions and workplaces they cover, their reports; who pays for a contract or placement

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02

Contract periods kept their funder as free text (`funding_source`). Grants are now a register, and
contract periods and placements point at the grant that pays for them (`grant_id`, empty for
existing rows: the free text is kept, and the import maps it to a grant).
SQLite rebuilds contract_period and placement, with foreign keys off (storage.migrate.upgrade_to).
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funding_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funder", sa.String(length=200), nullable=False),
        sa.Column("funder_kind", sa.Enum("inheritance_fund", "region", "municipality", "foundation", "other",
                                         name="funder_kind", native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("amount_sek", sa.BigInteger(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.String(length=500000).with_variant(sa.Text(), "sqlite"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("length(funder) > 0", name=op.f("ck_funding_grant_funder_not_empty")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_funding_grant_end_after_start")),
        sa.CheckConstraint("amount_sek IS NULL OR amount_sek >= 0", name=op.f("ck_funding_grant_amount_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_grant")),
    )
    op.create_index("ix_funding_grant_end", "funding_grant", ["end_date"], unique=False)
    op.create_table(
        "grant_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("workplace_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(region IS NULL) <> (workplace_id IS NULL)", name=op.f("ck_grant_coverage_region_or_workplace")),
        sa.ForeignKeyConstraint(["grant_id"], ["funding_grant.id"], name=op.f("fk_grant_coverage_grant_id_funding_grant"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workplace_id"], ["workplace.id"], name=op.f("fk_grant_coverage_workplace_id_workplace"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_coverage")),
    )
    op.create_index(op.f("ix_grant_coverage_grant_id"), "grant_coverage", ["grant_id"], unique=False)
    op.create_index("ix_grant_coverage_workplace", "grant_coverage", ["workplace_id"], unique=False)
    op.create_table(
        "grant_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["grant_id"], ["funding_grant.id"], name=op.f("fk_grant_report_grant_id_funding_grant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_report")),
    )
    op.create_index(op.f("ix_grant_report_grant_id"), "grant_report", ["grant_id"], unique=False)
    op.create_index("ix_grant_report_due", "grant_report", ["due_on"], unique=False)
    for table in ("contract_period", "placement"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("grant_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_grant_id_funding_grant"), "funding_grant", ["grant_id"], ["id"],
                                        ondelete="RESTRICT")
            batch_op.create_index(batch_op.f(f"ix_{table}_grant_id"), ["grant_id"], unique=False)


def downgrade() -> None:
    for table in ("placement", "contract_period"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_grant_id"))
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_grant_id_funding_grant"), type_="foreignkey")
            batch_op.drop_column("grant_id")
    op.drop_table("grant_report")
    op.drop_table("grant_coverage")
    op.drop_table("funding_grant")
