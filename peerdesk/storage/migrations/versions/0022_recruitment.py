"""recruitment: applicants to the course, who interviewed them, the decision and the peer supporter made

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-02

New tables only; no existing row changes. The applicant's written story is never stored, only the
date it came (models/recruitment.py).
"""
from alembic import op
import sqlalchemy as sa

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applicant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("source", sa.Enum("advertisement", "user_organisation", "care_referral", "earlier_participant", "other_channel",
                                    name="applicant_source", native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("story_received_on", sa.Date(), nullable=True),
        sa.Column("interviewed_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.Enum("pending", "accepted", "not_now", "declined",
                                      name="applicant_decision", native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("decision_reason", sa.String(length=300), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("peer_supporter_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("peer_supporter_id IS NOT NULL OR (length(first_name) > 0 AND length(last_name) > 0)",
                           name=op.f("ck_applicant_name_until_accepted")),
        sa.CheckConstraint("(decision = 'pending') = (decided_on IS NULL)", name=op.f("ck_applicant_decided_has_date")),
        sa.CheckConstraint("(decision = 'accepted') = (cohort_id IS NOT NULL)", name=op.f("ck_applicant_accepted_has_cohort")),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_applicant_cohort_id_cohort"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["peer_supporter_id"], ["peer_supporter.id"], name=op.f("fk_applicant_peer_supporter_id_peer_supporter"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant")),
        sa.UniqueConstraint("peer_supporter_id", name=op.f("uq_applicant_peer_supporter_id")),
    )
    op.create_index("ix_applicant_decision", "applicant", ["decision", "decided_on"], unique=False)
    op.create_index(op.f("ix_applicant_cohort_id"), "applicant", ["cohort_id"], unique=False)
    op.create_table(
        "applicant_interviewer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.CheckConstraint("user_id IS NULL OR name IS NULL", name=op.f("ck_applicant_interviewer_user_or_name")),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicant.id"], name=op.f("fk_applicant_interviewer_applicant_id_applicant"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_applicant_interviewer_user_id_app_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant_interviewer")),
    )
    op.create_index(op.f("ix_applicant_interviewer_applicant_id"), "applicant_interviewer", ["applicant_id"], unique=False)
    op.create_index(op.f("ix_applicant_interviewer_user_id"), "applicant_interviewer", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("applicant_interviewer")
    op.drop_table("applicant")
