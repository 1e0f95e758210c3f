"""the evaluator's own text sections in round reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["evaluation_round.id"], name=op.f("fk_report_section_round_id_evaluation_round"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_section")),
    )
    with op.batch_alter_table("report_section", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_section_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_section_round_id"))
    op.drop_table("report_section")
