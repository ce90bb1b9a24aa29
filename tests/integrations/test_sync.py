"""Sync through the real HTTP path into the database: resume after an interruption with no
gap and no duplicate, and an expired token marks the connection without losing data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.services.connections import connect, list_connections
from bot.services.sync import claim_due_syncs, source_config, sync_connection, sync_team
from bot.settings import Settings
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import Connection, MetricPointRow
from tests.support.standin import Reply, StandIn, json_file

TODAY = date(2026, 11, 23)
TOKEN = "EAAsecretPageToken1234567890abcdef"


def daily_insights(call):
    since = date.fromisoformat(call.query["since"][0])
    until = date.fromisoformat(call.query["until"][0])
    values = []
    day = since
    while day < until:
        end = (day + timedelta(days=1)).isoformat() + "T08:00:00+0000"
        values.append({"value": day.toordinal() % 97, "end_time": end})
        day += timedelta(days=1)
    metrics = call.query["metric"][0].split(",")
    return Reply(200, {"data": [{"name": m, "period": "day", "values": values} for m in metrics]})


@pytest.fixture
def world(engine):
    with StandIn() as api:
        settings = Settings.from_env(
            {"IMPACT_FACEBOOK_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "1"}
        )
        runtime = Runtime(settings, engine, Vault(generate_key()))
        api.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        api.route("GET", "/v23.0/1234/insights", daily_insights)
        api.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
        yield runtime, api


def points_of(runtime: Runtime, connection_id: int):
    with session_scope(runtime.engine) as s:
        rows = s.exec(select(MetricPointRow).where(MetricPointRow.connection_id == connection_id))
        return sorted((r.metric, r.day, r.value) for r in rows)


def test_connect_checks_and_stores_the_token_encrypted(world):
    runtime, _api = world
    info = connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": TOKEN})
    assert (info.name, info.source) == ("River Keepers", "facebook")
    with session_scope(runtime.engine) as s:
        row = s.exec(select(Connection)).one()
        assert TOKEN.encode() not in row.credentials_enc and row.external_id == "1234"
    assert list_connections(runtime.engine, "T1")[0].health == "new"


def test_interrupted_sync_resumes_to_the_same_points_as_an_uninterrupted_one(world):
    runtime, api = world
    clean = connect(runtime, "TCLEAN", "facebook", {"page_id": "1234", "access_token": TOKEN}).id
    broken = connect(runtime, "TBROKEN", "facebook", {"page_id": "1234", "access_token": TOKEN}).id
    since = TODAY - timedelta(days=200)
    assert (
        sync_connection(runtime, clean, today=TODAY, since=since, sleep=lambda s: None).status
        == "ok"
    )

    second_chunk = (since + timedelta(days=90)).isoformat()
    api.reset()
    api.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
    api.route(
        "GET",
        "/v23.0/1234/insights",
        lambda call: (
            Reply(500, "boom") if call.query["since"][0] == second_chunk else daily_insights(call)
        ),
    )
    first = sync_connection(runtime, broken, today=TODAY, since=since, sleep=lambda s: None)
    assert first.status == "failing"
    with session_scope(runtime.engine) as s:
        row = s.get(Connection, broken)
        assert (
            row.sync_cursor == (since + timedelta(days=89)).isoformat() and row.health == "failing"
        )
    api.reset()
    api.route("GET", "/v23.0/1234/insights", daily_insights)
    api.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
    resumed = sync_connection(runtime, broken, today=TODAY, sleep=lambda s: None)
    assert resumed.status == "ok"
    assert resumed.days.start == since + timedelta(days=90)  # from the cursor, no gap
    assert points_of(runtime, broken) == points_of(runtime, clean)
    assert len(points_of(runtime, clean)) == 200 * 4


def test_expired_token_marks_needs_reauth_and_keeps_the_data(world):
    runtime, api = world
    cid = connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": TOKEN}).id
    sync_team(runtime, "T1", today=TODAY)
    kept = points_of(runtime, cid)
    assert kept
    api.route(
        "GET",
        "/v23.0/1234/insights",
        json_file("facebook/error_token_expired.json", status=400),
        times=1,
    )
    report = sync_connection(runtime, cid, today=TODAY + timedelta(days=3), sleep=lambda s: None)
    assert report.status == "needs_reauth" and TOKEN not in (report.error or "")
    assert points_of(runtime, cid) == kept
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and "/impact connect facebook" in (info.hint or "")


def test_a_failing_connection_shows_the_day_of_its_last_data_not_of_its_last_attempt(world):
    """The clock's lease moves `last_sync_at` at every attempt: a connection failing since
    Friday must not show "last sync: today" on Monday (nor hide from /metrics' lag)."""
    runtime, api = world
    cid = connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": TOKEN}).id
    friday = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    assert sync_connection(runtime, cid, today=friday.date(), now=friday).status == "ok"
    api.reset()
    api.route("GET", "/v23.0/1234/insights", Reply(500, "down"))
    monday = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert claim_due_syncs(runtime, monday) == [cid]  # the lease: an attempt on Monday
    report = sync_connection(runtime, cid, today=monday.date(), now=monday, sleep=lambda s: None)
    assert report.status == "failing"

    [info] = list_connections(runtime.engine, "T1")
    assert (info.health, info.last_sync) == ("failing", "2026-11-20")


def test_usage_is_read_every_call_and_nothing_secret_is_logged(world, caplog):
    runtime, api = world
    cid = connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": TOKEN}).id
    api.route("GET", "/v23.0/1234/insights", Reply(503, "busy"), times=1)
    with caplog.at_level("INFO"):
        sync_connection(runtime, cid, today=TODAY, sleep=lambda s: None)
    assert "http.retry" in caplog.text and TOKEN not in caplog.text


def test_the_api_versions_come_from_their_settings():
    """IMPACT_LINKEDIN_VERSION and IMPACT_META_GRAPH_VERSION reach the connectors' config."""
    settings = Settings.from_env(
        {"IMPACT_LINKEDIN_VERSION": "202601", "IMPACT_META_GRAPH_VERSION": "v24.0"}
    )
    assert source_config(settings, "linkedin").version == "202601"
    assert source_config(settings, "instagram").version == "v24.0"
    assert source_config(settings, "stripe").version == ""
