"""supervisor assignment history (access to session notes moves with the assignment)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervisor_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_supporter_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name=op.f("ck_supervisor_assignment_end_after_start")),
        sa.ForeignKeyConstraint(["peer_supporter_id"], ["peer_supporter.id"], name=op.f("fk_supervisor_assignment_peer_supporter_id_peer_supporter"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supervisor_id"], ["app_user.id"], name=op.f("fk_supervisor_assignment_supervisor_id_app_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_assignment")),
    )
    with op.batch_alter_table("supervisor_assignment", schema=None) as batch_op:
        batch_op.create_index("ix_supervisor_assignment_peer", ["peer_supporter_id", "end_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervisor_assignment_supervisor_id"), ["supervisor_id"], unique=False)
    # The current assignments become the first rows of the history (start unknown).
    op.execute(
        "INSERT INTO supervisor_assignment (peer_supporter_id, supervisor_id) "
        "SELECT id, supervisor_id FROM peer_supporter WHERE supervisor_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("supervisor_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_assignment_supervisor_id"))
        batch_op.drop_index("ix_supervisor_assignment_peer")
    op.drop_table("supervisor_assignment")
