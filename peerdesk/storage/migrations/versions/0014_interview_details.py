"""interview details, interview guides and survey logistics

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

Interviews now record their guide (a register of interview guides in versions, the seed's Bilaga 1–3),
the interviewer, the duration, the place (internal) and the transcript's status: recorded → transcribed
→ coded → deleted, with the dates. Focus groups and dialogue seminars become interview kinds. Every
existing interview keeps its data and starts as "recorded" (its recording's fate is not known).
`survey_logistics` holds per round, ward and informant group the questionnaires handed out, by whom,
and returned: the report's response rate.

Downgrade turns focus groups and dialogue seminars back into group interviews and drops the rest.
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_KINDS = ("individual", "group")
NEW_KINDS = ("individual", "group", "focus_group", "dialogue_seminar")
STATUSES = ("recorded", "transcribed", "coded", "deleted")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _foreign_keys_off() -> None:
    if op.get_bind().dialect.name == "sqlite" and op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("foreign keys are on: the interview table cannot be rebuilt safely")


def upgrade() -> None:
    _foreign_keys_off()
    op.create_table(
        "interview_guide",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("informant_role", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("edition >= 1", name=op.f("ck_interview_guide_edition_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_guide")),
        sa.UniqueConstraint("code", "edition", name=op.f("uq_interview_guide_code_edition")),
    )
    op.create_table(
        "interview_guide_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text_sv", sa.String(length=2000).with_variant(sa.Text(), "sqlite"), nullable=False),
        sa.Column("text_en", sa.String(length=2000).with_variant(sa.Text(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["guide_id"], ["interview_guide.id"], name=op.f("fk_interview_guide_question_guide_id_interview_guide"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_guide_question")),
        sa.UniqueConstraint("guide_id", "number", name=op.f("uq_interview_guide_question_guide_id_number")),
    )
    op.create_table(
        "survey_logistics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("workplace_id", sa.Integer(), nullable=False),
        sa.Column("informant_role", sa.String(length=32), nullable=False),
        sa.Column("handed_out", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=True),
        sa.Column("handed_out_by", sa.String(length=200), nullable=True),
        sa.Column("handed_out_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("handed_out >= 0", name=op.f("ck_survey_logistics_handed_out_not_negative")),
        sa.CheckConstraint("returned IS NULL OR (returned >= 0 AND returned <= handed_out)", name=op.f("ck_survey_logistics_returned_within")),
        sa.ForeignKeyConstraint(["round_id"], ["evaluation_round.id"], name=op.f("fk_survey_logistics_round_id_evaluation_round"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workplace_id"], ["workplace.id"], name=op.f("fk_survey_logistics_workplace_id_workplace"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["handed_out_by_id"], ["app_user.id"], name=op.f("fk_survey_logistics_handed_out_by_id_app_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_logistics")),
        sa.UniqueConstraint("round_id", "workplace_id", "informant_role", name=op.f("uq_survey_logistics_round_id_workplace_id_informant_role")),
    )
    with op.batch_alter_table("survey_logistics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_logistics_round_id"), ["round_id"], unique=False)
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guide_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("interviewer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("transcript_status", sa.String(length=32), server_default="recorded", nullable=False))
        batch_op.add_column(sa.Column("transcribed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("recording_deleted_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_interview_guide_id_interview_guide"), "interview_guide", ["guide_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_interview_interviewer_id_app_user"), "app_user", ["interviewer_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_check_constraint("duration_positive", "duration_minutes IS NULL OR duration_minutes > 0")
        batch_op.create_check_constraint("transcript_status", _in("transcript_status", STATUSES))
        batch_op.drop_constraint(batch_op.f("ck_interview_interview_kind"), type_="check")
        batch_op.create_check_constraint("interview_kind", _in("kind", NEW_KINDS))


def downgrade() -> None:
    _foreign_keys_off()
    op.execute("UPDATE interview SET kind = 'group' WHERE kind IN ('focus_group', 'dialogue_seminar')")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_interview_interview_kind"), type_="check")
        batch_op.create_check_constraint("interview_kind", _in("kind", OLD_KINDS))
        batch_op.drop_constraint(batch_op.f("ck_interview_transcript_status"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_interview_duration_positive"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_interview_interviewer_id_app_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_interview_guide_id_interview_guide"), type_="foreignkey")
        for column in ("recording_deleted_on", "transcribed_on", "transcript_status", "place", "duration_minutes", "interviewer_id",
                       "guide_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("survey_logistics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_logistics_round_id"))
    op.drop_table("survey_logistics")
    op.drop_table("interview_guide_question")
    op.drop_table("interview_guide")
