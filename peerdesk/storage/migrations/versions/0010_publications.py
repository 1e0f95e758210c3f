"""publications: a round report's figures frozen when it is published

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

A new table only; existing data is untouched. Every round stays unpublished (a draft) until
someone publishes it.
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["evaluation_round.id"], name=op.f("fk_publication_round_id_evaluation_round"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["published_by_id"], ["app_user.id"], name=op.f("fk_publication_published_by_id_app_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["run_id"], ["report_run.id"], name=op.f("fk_publication_run_id_report_run"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint("round_id", "version", name=op.f("uq_publication_round_id_version")),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_round_id"))
    op.drop_table("publication")
