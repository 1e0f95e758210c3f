"""planned meetings: supervision sessions and check-in meetings can be planned ahead, then held or cancelled

Revision ID: 0024
Revises: 0018
Create Date: 2026-12-02

Every existing session and meeting took place, so it becomes "held" (the server default). A session's
participants carry the same status (as they carry its date), so the overdue rule counts only held sessions
from the participant index. Planned sessions and meetings get an optional start time; sessions a place.
SQLite rebuilds the tables (batch mode), with foreign keys off (storage.migrate.upgrade_to).
"""
from alembic import op
import sqlalchemy as sa

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _status(table: str) -> sa.Column:
    return sa.Column("status", sa.Enum("planned", "held", "cancelled", name="occurrence", native_enum=False,
                                       create_constraint=True, length=32), server_default="held", nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("supervision_session", schema=None) as batch_op:
        batch_op.add_column(_status("supervision_session"))
        batch_op.add_column(sa.Column("starts_at", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=True))
    with op.batch_alter_table("supervision_participant", schema=None) as batch_op:
        batch_op.add_column(_status("supervision_participant"))
    with op.batch_alter_table("checkin_meeting", schema=None) as batch_op:
        batch_op.add_column(_status("checkin_meeting"))
        batch_op.add_column(sa.Column("starts_at", sa.Time(), nullable=True))


def downgrade() -> None:
    # SQLite rebuilds each table from its reflected definition: the status column's CHECK goes first.
    with op.batch_alter_table("checkin_meeting", schema=None) as batch_op:
        batch_op.drop_column("starts_at")
        batch_op.drop_constraint(op.f("ck_checkin_meeting_occurrence"), type_="check")
        batch_op.drop_column("status")
    with op.batch_alter_table("supervision_participant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_supervision_participant_occurrence"), type_="check")
        batch_op.drop_column("status")
    with op.batch_alter_table("supervision_session", schema=None) as batch_op:
        batch_op.drop_column("location")
        batch_op.drop_column("starts_at")
        batch_op.drop_constraint(op.f("ck_supervision_session_occurrence"), type_="check")
        batch_op.drop_column("status")
