"""platform connect: oauth_states remember the channel, the response_url and the accounts

`/impact connect <source>` answers with a login link; the callback needs to know where the
command was run (to answer there) and, when the login reaches several Pages or properties,
the encrypted list the user picks from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("response_url", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("payload_enc", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_states", schema=None) as batch_op:
        batch_op.drop_column("payload_enc")
        batch_op.drop_column("response_url")
        batch_op.drop_column("channel_id")
