"""connections remember the currency their money is in

A money source (Stripe, Shopify, Meta ads) reports amounts in its account's currency. When
that is not the team's, the digest keeps those amounts apart instead of summing two
currencies; it needs to know, per connection, which currency its money is in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_column("currency")
