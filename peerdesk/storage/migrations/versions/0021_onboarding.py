"""onboarding: a ward's stage and its history, the office's contact person, planned briefings

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-02

- workplace.stage / stage_since: where the ward stands on the way to a placement, kept in step with
  the newest row of the new workplace_stage_change table (the history: stage, from which day, who, note).
  workplace.office_contact_id: the office's named contact person (an app user); the ward-side contact
  stays in contact_name / contact_phone / contact_email.
- briefing.status (planned / held / cancelled): held_on is now the briefing's date, planned or held.
  Every existing briefing was logged after it happened, so it is "held". briefing.staff_total: of how
  many staff (staff_count is how many were reached).
- briefing_attendee.attended: an invitee of a planned briefing is a row with attended = false until it
  is marked held; every existing attendee came (true).

Existing wards get a stage derived from their data, from the day of the upgrade's facts:
  a placement running on the day of the upgrade  -> placement_running, since its (earliest) start;
  else a staff briefing (kind briefing, staff reached > 0) -> staff_briefed, since the latest one;
  else -> contacted, since the ward was registered (created_at).
Each gets one history row saying so (note "migration 0021"), with no user.
SQLite rebuilds workplace, briefing and briefing_attendee, with foreign keys off (storage.migrate.upgrade_to).
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

STAGES = ("contacted", "interested", "agreement_signed", "staff_briefed", "placement_running", "paused", "ended")


def _stage_enum():
    return sa.Enum(*STAGES, name="onboarding_stage", native_enum=False, create_constraint=True, length=32)


def _day(value) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table("workplace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", _stage_enum(), server_default="contacted", nullable=False))
        batch_op.add_column(sa.Column("stage_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("office_contact_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_workplace_office_contact_id_app_user"), "app_user", ["office_contact_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("briefing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.Enum("planned", "held", "cancelled", name="occurrence", native_enum=False,
                                                        create_constraint=True, length=32), server_default="held", nullable=False))
        batch_op.add_column(sa.Column("staff_total", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f("ck_briefing_staff_total_not_below_count"),
                                         "staff_total IS NULL OR staff_total >= staff_count")
        batch_op.create_index("ix_briefing_status_date", ["status", "held_on"], unique=False)
    with op.batch_alter_table("briefing_attendee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attended", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "workplace_stage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workplace_id", sa.Integer(), nullable=False),
        sa.Column("stage", _stage_enum(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("briefing_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workplace_id"], ["workplace.id"], name=op.f("fk_workplace_stage_change_workplace_id_workplace"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_workplace_stage_change_user_id_app_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["briefing_id"], ["briefing.id"], name=op.f("fk_workplace_stage_change_briefing_id_briefing"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workplace_stage_change")),
    )
    op.create_index("ix_workplace_stage_change_workplace", "workplace_stage_change", ["workplace_id", "from_date"], unique=False)

    # Existing wards: a stage derived from their data (see the module doc), in three set-wise queries.
    conn = op.get_bind()
    today = dt.date.today()
    running = dict(conn.execute(sa.text(
        "SELECT workplace_id, MIN(start_date) FROM placement WHERE start_date <= :today "
        "AND (end_date IS NULL OR end_date >= :today) GROUP BY workplace_id"), {"today": today}).fetchall())
    briefed = dict(conn.execute(sa.text(
        "SELECT workplace_id, MAX(held_on) FROM briefing WHERE kind = 'briefing' AND staff_count > 0 "
        "AND held_on <= :today GROUP BY workplace_id"), {"today": today}).fetchall())
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for wid, created in conn.execute(sa.text("SELECT id, created_at FROM workplace")).fetchall():
        if wid in running:
            stage, since = "placement_running", _day(running[wid])
        elif wid in briefed:
            stage, since = "staff_briefed", _day(briefed[wid])
        else:
            stage, since = "contacted", min(_day(created), today)
        rows.append({"wid": wid, "stage": stage, "since": since})
    for r in rows:
        conn.execute(sa.text("UPDATE workplace SET stage = :stage, stage_since = :since WHERE id = :wid"), r)
    if rows:
        conn.execute(sa.text(
            "INSERT INTO workplace_stage_change (workplace_id, stage, from_date, note, recorded_at) "
            "VALUES (:wid, :stage, :since, 'migration 0021', :now)"), [dict(r, now=now) for r in rows])
    with op.batch_alter_table("workplace", schema=None) as batch_op:
        batch_op.alter_column("stage_since", existing_type=sa.Date(), nullable=False)
        batch_op.create_index("ix_workplace_stage", ["stage", "stage_since"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_workplace_stage_change_workplace", table_name="workplace_stage_change")
    op.drop_table("workplace_stage_change")
    with op.batch_alter_table("briefing_attendee", schema=None) as batch_op:
        batch_op.drop_column("attended")
    with op.batch_alter_table("briefing", schema=None) as batch_op:
        batch_op.drop_index("ix_briefing_status_date")
        batch_op.drop_constraint(batch_op.f("ck_briefing_staff_total_not_below_count"), type_="check")
        batch_op.drop_column("staff_total")
        batch_op.drop_constraint(op.f("ck_briefing_occurrence"), type_="check")  # the status column's CHECK
        batch_op.drop_column("status")
    with op.batch_alter_table("workplace", schema=None) as batch_op:
        batch_op.drop_index("ix_workplace_stage")
        batch_op.drop_constraint(batch_op.f("fk_workplace_office_contact_id_app_user"), type_="foreignkey")
        batch_op.drop_column("office_contact_id")
        batch_op.drop_column("stage_since")
        batch_op.drop_constraint(op.f("ck_workplace_onboarding_stage"), type_="check")
        batch_op.drop_column("stage")
