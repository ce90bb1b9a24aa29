"""connections remember their last success apart from their last attempt

`last_sync_at` is also the clock's lease: it moves at every attempt, failed or not, so a
connection failing for a week showed data "from today". `last_success_at` moves only when
data came in (a sync that finished, an import, an event). Existing rows keep what is known:
a healthy connection's, or one the clock never syncs (CSV, webhooks), last sync was a
success; a failing one's last success is unknown.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 03:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_success_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.execute(
        "UPDATE connections SET last_success_at = last_sync_at "
        "WHERE health = 'ok' OR credentials_enc IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_column("last_success_at")
