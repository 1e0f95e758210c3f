"""patient comments: a quote can be taken from a respondent's written comment

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02

The patient survey's "Beskriv" comments (answer.text) can be reported as anonymised quotes. Such a
quote points at the answer it was taken from (`quote.answer_id`), and goes with it when the answer is
deleted (a consent's retention deletion, an erasure). A quote comes from an interview or from a
comment, never both. Existing quotes are untouched (their answer_id is empty).
SQLite rebuilds the quote table, with foreign keys off (storage.migrate.upgrade_to).
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_quote_answer_id_answer"), "answer", ["answer_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index(batch_op.f("ix_quote_answer_id"), ["answer_id"], unique=False)
        batch_op.create_check_constraint(batch_op.f("ck_quote_one_source"), "interview_id IS NULL OR answer_id IS NULL")


def downgrade() -> None:
    op.execute("DELETE FROM quote WHERE answer_id IS NOT NULL")  # a comment's quote has no place without the column
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_quote_one_source"), type_="check")
        batch_op.drop_index(batch_op.f("ix_quote_answer_id"))
        batch_op.drop_constraint(batch_op.f("fk_quote_answer_id_answer"), type_="foreignkey")
        batch_op.drop_column("answer_id")
