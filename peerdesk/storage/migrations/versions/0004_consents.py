"""consents: printed numbered consent forms, and which consents each produced report used

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ROLES = ("peer_supporter", "staff", "manager", "patient")


def upgrade() -> None:
    op.create_table(
        "consent_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_number", sa.String(length=40), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("workplace_id", sa.Integer(), nullable=True),
        sa.Column("informant_role", sa.Enum(*_ROLES, name="form_informant_role", native_enum=False, create_constraint=True, length=32), nullable=True),
        sa.Column("peer_supporter_id", sa.Integer(), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("printed_on", sa.Date(), nullable=False),
        sa.Column("printed_by_id", sa.Integer(), nullable=True),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["consent_id"], ["consent.id"], name=op.f("fk_consent_form_consent_id_consent"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["manager_id"], ["manager.id"], name=op.f("fk_consent_form_manager_id_manager"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["peer_supporter_id"], ["peer_supporter.id"], name=op.f("fk_consent_form_peer_supporter_id_peer_supporter"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["printed_by_id"], ["app_user.id"], name=op.f("fk_consent_form_printed_by_id_app_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"], name=op.f("fk_consent_form_study_id_study"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["workplace_id"], ["workplace.id"], name=op.f("fk_consent_form_workplace_id_workplace"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_form")),
        sa.UniqueConstraint("form_number", name=op.f("uq_consent_form_form_number")),
    )
    with op.batch_alter_table("consent_form", schema=None) as batch_op:
        batch_op.create_index("ix_consent_form_study_workplace", ["study_id", "workplace_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_form_peer_supporter_id"), ["peer_supporter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_form_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_form_consent_id"), ["consent_id"], unique=False)

    op.create_table(
        "report_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=True),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("produced_by_id", sa.Integer(), nullable=True),
        sa.Column("output", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["produced_by_id"], ["app_user.id"], name=op.f("fk_report_run_produced_by_id_app_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["evaluation_round.id"], name=op.f("fk_report_run_round_id_evaluation_round"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"], name=op.f("fk_report_run_study_id_study"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_run")),
    )
    with op.batch_alter_table("report_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_run_study_id"), ["study_id"], unique=False)

    op.create_table(
        "report_run_consent",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["consent_id"], ["consent.id"], name=op.f("fk_report_run_consent_consent_id_consent"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["report_run.id"], name=op.f("fk_report_run_consent_run_id_report_run"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "consent_id", name=op.f("pk_report_run_consent")),
    )
    with op.batch_alter_table("report_run_consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_run_consent_consent_id"), ["consent_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_run_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_run_consent_consent_id"))
    op.drop_table("report_run_consent")
    with op.batch_alter_table("report_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_run_study_id"))
    op.drop_table("report_run")
    with op.batch_alter_table("consent_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_form_consent_id"))
        batch_op.drop_index(batch_op.f("ix_consent_form_manager_id"))
        batch_op.drop_index(batch_op.f("ix_consent_form_peer_supporter_id"))
        batch_op.drop_index("ix_consent_form_study_workplace")
    op.drop_table("consent_form")
