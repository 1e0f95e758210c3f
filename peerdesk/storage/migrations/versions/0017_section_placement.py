"""report sections: the evaluator chooses where a section stands, before the results or after them

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-02

The evaluator's own text always printed last, after the quotes, so a round report could have no
introduction or method chapter before its tables. A section now has a placement, "before" (with
the introduction and method, ahead of the results) or "after" (discussion, conclusions). Existing
sections keep where they printed until now: "after".
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placement", sa.String(length=8), server_default="after", nullable=False))
        batch_op.create_check_constraint(op.f("ck_report_section_placement_known"), "placement IN ('before', 'after')")


def downgrade() -> None:
    with op.batch_alter_table("report_section", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_report_section_placement_known"), type_="check")
        batch_op.drop_column("placement")
