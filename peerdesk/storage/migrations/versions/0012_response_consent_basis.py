"""responses: whether an answer was given anonymously is recorded, not inferred from a missing consent

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02

Until now a patient's response with no consent counted as an anonymous survey answer. A consent
deleted by retention sets the responses' consent_id to NULL (ON DELETE SET NULL), so a withdrawn
patient's answers became usable again. `anonymous` is now set when the response is entered.
Existing rows: anonymous if and only if a patient's response with no consent today (what the rule
said until now), so existing anonymous answers stay usable and nothing else becomes usable.
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text(
        "UPDATE questionnaire_response SET anonymous = :yes WHERE consent_id IS NULL AND informant_role = 'patient'"
    ).bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.drop_column("anonymous")
