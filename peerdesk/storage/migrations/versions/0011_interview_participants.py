"""interview participants: an interview holds every participant's consent, not one

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02

A group interview or focus group has several participants, each with a consent; the old
`interview.consent_id` could hold only one. The new `interview_participant` table holds
(interview, consent) pairs. Each existing `interview.consent_id` is moved into it, then the
column is dropped (SQLite rebuilds the table, with foreign keys off: storage.migrate.upgrade_to).
Quotes get an index on `interview_id`: withdrawal looks quotes up through their interview.

Downgrade puts one consent per interview back (the lowest id) and drops the table.
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _foreign_keys_off() -> None:
    if op.get_bind().dialect.name == "sqlite" and op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("foreign keys are on: the interview table cannot be rebuilt safely")


def upgrade() -> None:
    _foreign_keys_off()
    op.create_table(
        "interview_participant",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["consent_id"], ["consent.id"], name=op.f("fk_interview_participant_consent_id_consent"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"], name=op.f("fk_interview_participant_interview_id_interview"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("interview_id", "consent_id", name=op.f("pk_interview_participant")),
    )
    with op.batch_alter_table("interview_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_participant_consent_id"), ["consent_id"], unique=False)
    op.execute(
        "INSERT INTO interview_participant (interview_id, consent_id) "
        "SELECT interview.id, interview.consent_id FROM interview "
        "JOIN consent ON consent.id = interview.consent_id"
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_constraint("fk_interview_consent_id_consent", type_="foreignkey")
        batch_op.drop_column("consent_id")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_interview_id"), ["interview_id"], unique=False)


def downgrade() -> None:
    _foreign_keys_off()
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_interview_id"))
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_interview_consent_id_consent", "consent", ["consent_id"], ["id"], ondelete="SET NULL")
    op.execute(
        "UPDATE interview SET consent_id = (SELECT MIN(p.consent_id) FROM interview_participant p "
        "WHERE p.interview_id = interview.id)"
    )
    with op.batch_alter_table("interview_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_participant_consent_id"))
    op.drop_table("interview_participant")
