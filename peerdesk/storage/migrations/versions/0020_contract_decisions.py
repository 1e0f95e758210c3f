"""contract decisions: what happens when a contract period ends, and when the person was told

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-02

A contract period gets a decision about its end: `continuation_decision` (undecided / continues /
ends; existing rows: undecided), when and by whom it was made (`decided_on`, `decided_by_id`), the
period it continues into (`follow_on_id`), and when and how the person was told (`told_on`,
`told_how`: letter handed over, by post, by e-mail).

The old flag `continuation_informed` was never used by any rule. Where it is True, the person was
told *something*, but what was decided was never recorded. Such rows keep an undecided decision
(we do not guess it) and get `told_on` = the date the row was last changed (`updated_at`), the
best trace of when the flag was set; `told_how` stays empty (not known). The flag itself is kept,
no longer shown, so old spreadsheets still import; the data survives a downgrade too (told_on set
→ the flag is set again).
SQLite rebuilds contract_period, with foreign keys off (storage.migrate.upgrade_to).
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract_period", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "continuation_decision",
            sa.Enum("undecided", "continues", "ends", name="continuation_decision", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False, server_default="undecided"))
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("follow_on_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("told_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column(
            "told_how",
            sa.Enum("handed_over", "postal", "email", name="told_how", native_enum=False, create_constraint=True, length=32),
            nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_contract_period_decided_by_id_app_user"), "app_user", ["decided_by_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_contract_period_follow_on_id_contract_period"), "contract_period",
                                    ["follow_on_id"], ["id"], ondelete="SET NULL")
    # The old flag: told on the day the row was last changed; the decision itself was never recorded.
    cp = sa.table("contract_period", sa.column("continuation_informed", sa.Boolean()), sa.column("told_on", sa.Date()),
                  sa.column("updated_at", sa.DateTime(timezone=True)))
    rows = op.get_bind().execute(sa.select(sa.literal_column("id"), cp.c.updated_at).select_from(cp)
                                 .where(cp.c.continuation_informed.is_(True))).fetchall()
    for row_id, updated in rows:
        day = dt.date.fromisoformat(updated[:10]) if isinstance(updated, str) else updated.date()
        op.get_bind().execute(sa.text("UPDATE contract_period SET told_on = :d WHERE id = :i"), {"d": day, "i": row_id})
    with op.batch_alter_table("contract_period", schema=None) as batch_op:
        batch_op.alter_column("continuation_decision", server_default=None)


def downgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE contract_period SET continuation_informed = :t WHERE told_on IS NOT NULL"), {"t": True})
    with op.batch_alter_table("contract_period", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contract_period_follow_on_id_contract_period"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_contract_period_decided_by_id_app_user"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_contract_period_told_how"), type_="check")  # the enums' CHECKs
        batch_op.drop_constraint(op.f("ck_contract_period_continuation_decision"), type_="check")
        for name in ("told_how", "told_on", "follow_on_id", "decided_by_id", "decided_on", "continuation_decision"):
            batch_op.drop_column(name)
