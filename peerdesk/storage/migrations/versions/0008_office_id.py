"""each database carries an office id (a random UUID), so a backup of another office is recognised

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

`office_meta` is a small key/value table kept by the storage layer, not an ORM model: it belongs
to this database file or server (office id, the audit anchor written into each backup), so an
office export does not carry it into another database.
"""
import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "office_meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.bulk_insert(meta, [{"key": "office_id", "value": json.dumps(str(uuid.uuid4()))}])


def downgrade() -> None:
    op.drop_table("office_meta")
