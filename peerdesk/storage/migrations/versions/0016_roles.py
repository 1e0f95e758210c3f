"""roles: Housing First and municipal services' informants — clients/residents, case managers, professions

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02

The 2022 article's municipal services (Housing First) have informants the ward study did not: the
residents/clients and their case managers, and staff of several professions. InformantRole gains
`client` and `case_manager`; consents, questionnaire responses and interviews gain a nullable
`profession`. The roles are stored as VARCHAR with a named CHECK (models.base.enum_type, the same on
both databases, no PostgreSQL ENUM type), so each role CHECK is dropped and created again with the new
values; the consent's `informant_identified` CHECK learns that clients and case managers are recorded
by code or name like staff and patients. SQLite rebuilds the tables (batch mode, foreign keys off:
storage.migrate.upgrade_to); every existing row keeps its values.

Downgrade refuses while any row holds a new role, rather than deleting someone's consent.
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OLD_ROLES = ("peer_supporter", "staff", "manager", "patient")
NEW_ROLES = (*OLD_ROLES, "client", "case_manager")
PROFESSIONS = ("nurse", "assistant_nurse", "social_worker", "dietitian", "occupational_therapist", "psychologist", "physician",
               "other")
# (table, the role CHECK's name without the table prefix)
ROLE_CHECKS = (("consent", "informant_role"), ("consent_form", "form_informant_role"), ("interview", "interview_informant_role"),
               ("questionnaire_response", "response_informant_role"), ("quote", "quote_informant_role"))
PROFESSION_TABLES = ("consent", "questionnaire_response", "interview")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _identified(coded) -> str:
    return ("(informant_role = 'peer_supporter' AND peer_supporter_id IS NOT NULL)"
            " OR (informant_role = 'manager' AND manager_id IS NOT NULL)"
            f" OR ({_in('informant_role', coded)} AND (informant_code IS NOT NULL OR informant_name IS NOT NULL))")


def _foreign_keys_off() -> None:
    if op.get_bind().dialect.name == "sqlite" and op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("foreign keys are on: the tables cannot be rebuilt safely")


def _roles(roles, coded) -> None:
    for table, name in ROLE_CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), _in("informant_role", roles))
            if table == "consent":
                batch_op.drop_constraint(op.f("ck_consent_informant_identified"), type_="check")
                batch_op.create_check_constraint(op.f("ck_consent_informant_identified"), _identified(coded))


def upgrade() -> None:
    _foreign_keys_off()
    _roles(NEW_ROLES, ("staff", "patient", "client", "case_manager"))
    for table in PROFESSION_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("profession", sa.Enum(*PROFESSIONS, name="staff_profession", native_enum=False,
                                                                 create_constraint=True, length=32), nullable=True))


def downgrade() -> None:
    _foreign_keys_off()
    for table, _name in ROLE_CHECKS:
        used = op.get_bind().execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE informant_role IN ('client', 'case_manager')")).scalar()
        if used:
            raise RuntimeError(f"{table} holds clients or case managers: they would be lost by the downgrade")
    for table in PROFESSION_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_staff_profession"), type_="check")
            batch_op.drop_column("profession")
    _roles(OLD_ROLES, ("staff", "patient"))
