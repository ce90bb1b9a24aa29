"""The migrations build the schema from empty, and the schema is what the tables declare."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.db import session_scope
from storage.migrate import current_revision, head_revision, upgrade
from storage.tables import Connection, DigestRun, MetricPointRow, Team


def test_upgrade_from_empty_reaches_head_and_is_repeatable(empty_engine):
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    upgrade(empty_engine)  # a second run changes nothing
    tables = set(inspect(empty_engine).get_table_names())
    assert {
        "teams",
        "connections",
        "metric_points",
        "posts",
        "goals",
        "digest_schedules",
        "digest_runs",
        "processed_events",
    } <= tables


def test_migrations_match_the_declared_tables(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"tables.py and the migrations disagree: {diff}"


def test_metric_point_is_unique_per_connection_metric_platform_day(engine):
    with session_scope(engine) as s:
        s.add(Team(id="T1"))
        s.flush()
        conn = Connection(team_id="T1", source="csv", external_id="ig", platform="instagram")
        s.add(conn)
        s.flush()
        s.add(
            MetricPointRow(
                connection_id=conn.id,
                team_id="T1",
                metric="reactions",
                platform="instagram",
                day=date(2026, 11, 9),
                value=3,
            )
        )
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(
            MetricPointRow(
                connection_id=conn.id,
                team_id="T1",
                metric="reactions",
                platform="instagram",
                day=date(2026, 11, 9),
                value=4,
            )
        )


def test_digest_run_can_be_claimed_once(engine):
    with session_scope(engine) as s:
        s.add(Team(id="T1"))
        s.flush()
        s.add(DigestRun(team_id="T1", channel_id="C1", week="2026-W46"))
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(DigestRun(team_id="T1", channel_id="C1", week="2026-W46"))


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(Connection(team_id="NO-SUCH-TEAM", source="csv", external_id="x"))
