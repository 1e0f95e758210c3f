"""training: a cohort's course days, their trainers, attendance per participant and day, certifications

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-02

New tables only; existing cohorts and peer supporters are untouched (a certified_on already recorded
stays the person's certification date, without a course_certification row).
"""
from alembic import op
import sqlalchemy as sa

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_VERSIONED = (
    lambda: sa.Column("version", sa.Integer(), nullable=False),
    lambda: sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    lambda: sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
)


def upgrade() -> None:
    op.create_table(
        "course_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("status", sa.Enum("planned", "held", "cancelled", name="occurrence", native_enum=False, create_constraint=True,
                                    length=32), nullable=False),
        *(c() for c in _VERSIONED),
        sa.CheckConstraint("length(theme) > 0", name=op.f("ck_course_day_theme_not_empty")),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_course_day_cohort_id_cohort"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_day")),
        sa.UniqueConstraint("cohort_id", "day", name=op.f("uq_course_day_cohort_id_day")),
    )
    op.create_index("ix_course_day_day", "course_day", ["day"], unique=False)
    op.create_table(
        "course_trainer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_day_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("peer_supporter_id", sa.Integer(), nullable=True),
        sa.Column("guest_name", sa.String(length=200), nullable=True),
        sa.Column("guest_organisation", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN peer_supporter_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN guest_name IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_course_trainer_one_kind_of_trainer"),
        ),
        sa.CheckConstraint("guest_organisation IS NULL OR guest_name IS NOT NULL", name=op.f("ck_course_trainer_organisation_of_a_guest")),
        sa.ForeignKeyConstraint(["course_day_id"], ["course_day.id"], name=op.f("fk_course_trainer_course_day_id_course_day"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_course_trainer_user_id_app_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["peer_supporter_id"], ["peer_supporter.id"], name=op.f("fk_course_trainer_peer_supporter_id_peer_supporter"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_trainer")),
    )
    op.create_index(op.f("ix_course_trainer_course_day_id"), "course_trainer", ["course_day_id"], unique=False)
    op.create_index("ix_course_trainer_user", "course_trainer", ["user_id"], unique=False)
    op.create_index("ix_course_trainer_peer", "course_trainer", ["peer_supporter_id"], unique=False)
    op.create_table(
        "course_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_day_id", sa.Integer(), nullable=False),
        sa.Column("peer_supporter_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("present", "excused", "absent", name="attendance_status", native_enum=False, create_constraint=True,
                                    length=32), nullable=False),
        sa.ForeignKeyConstraint(["course_day_id"], ["course_day.id"], name=op.f("fk_course_attendance_course_day_id_course_day"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["peer_supporter_id"], ["peer_supporter.id"],
                                name=op.f("fk_course_attendance_peer_supporter_id_peer_supporter"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_attendance")),
        sa.UniqueConstraint("course_day_id", "peer_supporter_id", name=op.f("uq_course_attendance_course_day_id_peer_supporter_id")),
    )
    op.create_index("ix_course_attendance_peer", "course_attendance", ["peer_supporter_id"], unique=False)
    op.create_table(
        "course_certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_supporter_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("certified_on", sa.Date(), nullable=False),
        sa.Column("certified_by_id", sa.Integer(), nullable=True),
        sa.Column("days_attended", sa.Integer(), nullable=False),
        sa.Column("days_held", sa.Integer(), nullable=False),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint("days_attended >= 0 AND days_held >= days_attended", name=op.f("ck_course_certification_days_in_range")),
        sa.ForeignKeyConstraint(["peer_supporter_id"], ["peer_supporter.id"],
                                name=op.f("fk_course_certification_peer_supporter_id_peer_supporter"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_course_certification_cohort_id_cohort"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["certified_by_id"], ["app_user.id"], name=op.f("fk_course_certification_certified_by_id_app_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_certification")),
        sa.UniqueConstraint("peer_supporter_id", name=op.f("uq_course_certification_peer_supporter_id")),
    )
    op.create_index(op.f("ix_course_certification_cohort_id"), "course_certification", ["cohort_id"], unique=False)
    op.create_index(op.f("ix_course_certification_certified_by_id"), "course_certification", ["certified_by_id"], unique=False)


def downgrade() -> None:
    op.drop_table("course_certification")
    op.drop_table("course_attendance")
    op.drop_table("course_trainer")
    op.drop_table("course_day")
