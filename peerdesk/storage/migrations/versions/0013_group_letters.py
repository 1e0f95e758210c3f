"""group letters: each ward keeps its letter in every round and report of a study

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-02

Reports and exports drew group letters anew on every run, so the same ward was "Group B" in one
report and "Group D" in the next. The letters are now drawn once (at random) and stored. Existing
data is untouched: a study's letters are drawn the first time a report or export needs them.
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("workplace_id", sa.Integer(), nullable=True),
        sa.Column("letter", sa.String(length=8), nullable=False),
        sa.CheckConstraint("(study_id IS NULL) <> (round_id IS NULL)", name=op.f("ck_group_letter_study_or_round")),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"], name=op.f("fk_group_letter_study_id_study"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["evaluation_round.id"], name=op.f("fk_group_letter_round_id_evaluation_round"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workplace_id"], ["workplace.id"], name=op.f("fk_group_letter_workplace_id_workplace"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_letter")),
        sa.UniqueConstraint("study_id", "workplace_id", name=op.f("uq_group_letter_study_id_workplace_id")),
        sa.UniqueConstraint("study_id", "letter", name=op.f("uq_group_letter_study_id_letter")),
        sa.UniqueConstraint("round_id", "workplace_id", name=op.f("uq_group_letter_round_id_workplace_id")),
        sa.UniqueConstraint("round_id", "letter", name=op.f("uq_group_letter_round_id_letter")),
    )


def downgrade() -> None:
    op.drop_table("group_letter")
