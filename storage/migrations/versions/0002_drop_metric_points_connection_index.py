"""drop the connection index of metric_points

Every metric point write kept a second b-tree up to date for one rare operation: deleting a
connection (its points go by ON DELETE CASCADE). Measured on a million-row import into
SQLite, that index cost about 40% of the write time. The primary key (team, day,
connection, metric, platform) still serves uniqueness and the "one team, one period" reads;
removing a connection now scans the team's points once, which is acceptable for something
done by hand a few times in a team's life.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:10:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("metric_points", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_points_connection")


def downgrade() -> None:
    with op.batch_alter_table("metric_points", schema=None) as batch_op:
        batch_op.create_index("ix_metric_points_connection", ["connection_id"], unique=False)
