"""The migrations build the schema from empty, and the schema is what the tables declare."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
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


def test_an_upgraded_connection_keeps_its_last_success_only_where_one_is_known(empty_engine):
    # before 0005, last_sync_at was also the clock's last attempt: only a healthy
    # connection's, or one the clock never syncs (CSV), was surely a success
    upgrade(empty_engine, "0004")
    synced = "2026-11-20 06:00:00"
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO teams (id, name, timezone, bot_scopes, settings_json, created_at) VALUES ('T1', '', 'UTC', '', '{}', :at)"
            ),
            {"at": synced},
        )
        for source, health, sealed in (
            ("facebook", "ok", b"x"),
            ("instagram", "failing", b"x"),
            ("csv", "new", None),
        ):
            connection.execute(
                text(
                    "INSERT INTO connections (team_id, source, external_id, display_name, "
                    "credentials_enc, health, last_sync_at, created_at) "
                    "VALUES ('T1', :source, :source, '', :sealed, :health, :at, :at)"
                ),
                {"source": source, "health": health, "sealed": sealed, "at": synced},
            )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        found = dict(
            connection.execute(text("SELECT source, last_success_at FROM connections")).all()
        )
    assert found["facebook"] is not None and found["csv"] is not None
    assert found["instagram"] is None


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
