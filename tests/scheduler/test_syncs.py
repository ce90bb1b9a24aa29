"""Scheduled syncs: each connection on its period, once across instances, paused when its
token expired, and the team told about it once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import Runtime
from bot.scheduler import DigestScheduler
from bot.services.connections import connect
from bot.services.schedules import set_schedule
from bot.settings import Settings
from storage.crypto import Vault, generate_key
from tests.integrations.test_sync import daily_insights
from tests.support.slack_api import SlackStandIn
from tests.support.standin import Reply, StandIn, json_file

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_syncs_run_on_their_period_once_and_pause_after_an_expired_token(engine):
    with StandIn() as graph, SlackStandIn() as slack:
        graph.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        graph.route("GET", "/v23.0/1234/insights", daily_insights)
        graph.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
        settings = Settings.from_env(
            {
                "IMPACT_FACEBOOK_BASE_URL": graph.url,
                "IMPACT_HTTP_MAX_RETRIES": "0",
                "SLACK_BOT_TOKEN": "xoxb-sched",
                "SLACK_API_URL": slack.api_url,
                "IMPACT_SYNC_INTERVAL_HOURS": "6",
            }
        )
        runtime = Runtime(settings, engine, Vault(generate_key()))
        connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": "EAAtoken"})
        set_schedule(
            engine,
            team_id="T1",
            channel_id="C1",
            weekday=0,
            hour=9,
            minute=0,
            timezone="Europe/Berlin",
        )
        first, second = DigestScheduler(runtime), DigestScheduler(runtime, instance="other")

        assert [r.status for r in first.sync_due(NOW)] == ["ok"]
        assert second.sync_due(NOW + timedelta(minutes=1)) == []  # claimed and fresh
        assert first.sync_due(NOW + timedelta(hours=5)) == []  # not due yet
        assert [r.status for r in second.sync_due(NOW + timedelta(hours=8))] == ["ok"]

        graph.reset()
        graph.route(
            "GET",
            "/v23.0/1234/insights",
            json_file("facebook/error_token_expired.json", status=400),
        )
        assert [r.status for r in first.sync_due(NOW + timedelta(hours=16))] == ["needs_reauth"]
        assert first.announce_failures() == 1 and second.announce_failures() == 0
        told = slack.requests("chat.postMessage")
        assert len(told) == 1 and told[0]["channel"] == "C1"
        assert "/impact connect facebook" in told[0]["text"]
        calls_before = len(graph.calls())
        assert first.sync_due(NOW + timedelta(days=3)) == []  # paused until reconnected
        assert len(graph.calls()) == calls_before
        first.stop()
        second.stop()
