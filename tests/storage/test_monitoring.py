"""The figures /metrics reads from the database at scrape time, on each backend: sync lag
per source from its healthy connections, connections by health, digests posted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry

from bot.metrics import DatabaseFigures
from storage.db import make_engine, session_scope
from storage.tables import Connection, DigestRun, Team
from tests.support.scrape import names, scrape_registry, value

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def figures(engine):
    registry = CollectorRegistry()
    registry.register(DatabaseFigures(engine, clock=lambda: NOW))
    return scrape_registry(registry)


def connection(source, health, succeeded, *, account, credentials=b"sealed", attempted=None):
    return Connection(
        team_id="T1",
        source=source,
        platform=source,
        external_id=account,
        credentials_enc=credentials,
        health=health,
        last_sync_at=attempted or succeeded,
        last_success_at=succeeded,
        created_at=NOW - timedelta(days=30),
    )


def test_lag_is_the_oldest_last_success_of_each_source_failing_ones_included(engine):
    with session_scope(engine) as session:
        session.add(Team(id="T1"))
        session.flush()
        session.add_all(
            [
                connection("facebook", "ok", NOW - timedelta(hours=2), account="p1"),
                connection("facebook", "ok", NOW - timedelta(minutes=30), account="p2"),
                # failing for three days, tried again five minutes ago: three days stale
                connection(
                    "instagram",
                    "failing",
                    NOW - timedelta(days=3),
                    attempted=NOW - timedelta(minutes=5),
                    account="i1",
                ),
                connection("instagram", "ok", NOW - timedelta(minutes=10), account="i2"),
                # connected 30 days ago, never synced since: as stale as that
                connection("ga4", "new", None, account="g1"),
                # imported by hand: not synced by the clock, no lag to speak of
                connection("csv", "ok", NOW - timedelta(days=40), account="c", credentials=None),
            ]
        )
        session.add_all(
            [
                DigestRun(team_id="T1", channel_id="C1", week="2026-W45", status="posted"),
                DigestRun(team_id="T1", channel_id="C1", week="2026-W46", status="posted"),
                DigestRun(team_id="T1", channel_id="C2", week="2026-W46", status="failed"),
                DigestRun(team_id="T1", channel_id="C1", week="2026-W47", status="claimed"),
            ]
        )

    samples = figures(engine)
    assert value(samples, "impact_database_up") == 1.0
    assert value(samples, "impact_sync_lag_seconds", source="facebook") == 2 * 3600.0
    assert value(samples, "impact_sync_lag_seconds", source="instagram") == 3 * 86400.0
    assert value(samples, "impact_sync_lag_seconds", source="ga4") == 30 * 86400.0
    assert value(samples, "impact_sync_lag_seconds", source="csv") is None
    assert value(samples, "impact_connections", source="facebook", health="ok") == 2.0
    assert value(samples, "impact_connections", source="instagram", health="failing") == 1.0
    assert value(samples, "impact_connections", source="ga4", health="new") == 1.0
    assert value(samples, "impact_connections", source="csv", health="ok") is None
    assert value(samples, "impact_digests_posted_total") == 2.0
    assert value(samples, "impact_digest_runs", status="failed") == 1.0
    assert value(samples, "impact_digest_runs", status="claimed") == 1.0


def test_an_empty_database_shows_no_lag_and_nothing_posted(engine):
    samples = figures(engine)
    assert value(samples, "impact_digests_posted_total") == 0.0
    assert "impact_sync_lag_seconds" not in names(samples)


def test_a_database_that_does_not_answer_gives_a_page_that_says_so(tmp_path):
    gone = make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    samples = figures(gone)
    assert value(samples, "impact_database_up") == 0.0
    assert "impact_digests_posted_total" not in names(samples)  # not a false zero
    gone.dispose()
