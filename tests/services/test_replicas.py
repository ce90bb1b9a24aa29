"""Two (or eight) replicas creating the same rows keyed by Slack's ids at the same moment:
every one succeeds and there is one row. Threads stand for replicas, each with its own
connection, on SQLite and on PostgreSQL; the last test runs two real servers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlmodel import select

from bot.services import runs
from bot.services.schedules import set_schedule
from bot.services.teams import mark_event_processed, touch_team
from bot.slack.installation import DbInstallationStore
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.installations import SlackInstallations
from storage.metrics import ensure_team, get_or_create_connection
from storage.tables import Connection, DigestRun, DigestSchedule, ProcessedEvent, Team
from tests.scheduler.test_tick import MONDAY_9_BERLIN

REPLICAS = 8
ROUNDS = 5


def at_once(work: Callable[[int], Any], n: int = REPLICAS) -> list[Any]:
    """Run `work(i)` on n threads released together; every exception is re-raised."""
    gate = threading.Barrier(n)

    def run(i: int) -> Any:
        gate.wait(10)
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return [f.result() for f in [pool.submit(run, i) for i in range(n)]]


def count(engine, model, *where) -> int:
    with session_scope(engine) as s:
        return len(s.exec(select(model).where(*where)).all())


def test_first_commands_of_a_new_team_on_every_replica_at_once(engine):
    for r in range(ROUNDS):
        team = f"TNEW{r}"
        at_once(lambda _i, team=team: touch_team(engine, team, "Acme"))
        assert count(engine, Team, Team.id == team) == 1


def test_a_new_team_inside_a_longer_transaction_never_aborts_it(engine):
    for r in range(ROUNDS):
        team = f"TTX{r}"

        def connect(i: int, team=team) -> int:
            with session_scope(engine) as session:
                ensure_team(session, team)
                row = get_or_create_connection(
                    session, team, "csv", "shop-export", platform=None, display_name="Shop"
                )
                return row.id or 0

        ids = at_once(connect)
        assert len(set(ids)) == 1 and count(engine, Connection, Connection.team_id == team) == 1


def test_scheduling_a_new_channel_on_every_replica_at_once(engine):
    for r in range(ROUNDS):
        channel = f"CNEW{r}"
        at_once(
            lambda i, channel=channel: set_schedule(
                engine,
                team_id="TSCHED",
                channel_id=channel,
                weekday=i % 7,
                hour=9,
                minute=0,
                timezone="Europe/Berlin",
            )
        )
        assert count(engine, DigestSchedule, DigestSchedule.channel_id == channel) == 1


def test_installing_on_every_replica_at_once(engine):
    store = DbInstallationStore(SlackInstallations(engine, Vault(generate_key())))
    for r in range(ROUNDS):
        team = f"TINST{r}"
        at_once(
            lambda i, team=team: store.save(
                Installation(
                    app_id="A0001",
                    team_id=team,
                    team_name="Acme",
                    bot_token=f"xoxb-{i}",
                    bot_id="B1",
                    bot_user_id="UBOT",
                    bot_scopes=["commands"],
                    user_id="UINSTALLER",
                )
            )
        )
        assert count(engine, Team, Team.id == team) == 1


def test_one_event_delivered_to_every_replica_is_processed_once(engine):
    for r in range(ROUNDS):
        answers = at_once(lambda _i, r=r: mark_event_processed(engine, f"Ev{r}", "T1"))
        assert sorted(answers) == [False] * (REPLICAS - 1) + [True]
        assert count(engine, ProcessedEvent, ProcessedEvent.event_id == f"Ev{r}") == 1


def test_one_digest_run_claimed_by_every_scheduler_at_once(engine):
    touch_team(engine, "TRUN")
    for r in range(ROUNDS):
        week = f"2026-W{40 + r}"
        claims = at_once(
            lambda i, week=week: runs.claim(
                engine,
                team_id="TRUN",
                channel_id="C1",
                week=week,
                instance=f"i{i}",
                now=MONDAY_9_BERLIN,
            )
        )
        assert len([c for c in claims if c is not None]) == 1
        assert count(engine, DigestRun, DigestRun.week == week) == 1


@pytest.fixture
def two_replicas(tmp_path, request):
    """Two real `impact serve` apps on one database, answering to one Slack stand-in."""
    from tests.slack.conftest import make_runtime, start
    from tests.support.slack_api import SlackStandIn

    with SlackStandIn() as slack:
        runtimes = [
            make_runtime(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-test-token", **request.param)
            for _ in range(2)
        ]
        servers = [start(rt) for rt in runtimes]
        try:
            yield slack, [url for _server, url in servers], runtimes[0].engine
        finally:
            for server, _url in servers:
                server.close()
            for rt in runtimes:
                rt.close()


@pytest.mark.parametrize("two_replicas", [{}], indirect=True)
def test_a_new_teams_first_commands_on_two_servers_are_both_answered(two_replicas):
    import requests

    from tests.slack.conftest import sign, wait_for

    slack, urls, engine = two_replicas
    for r in range(ROUNDS):
        team = f"TSRV{r}"

        def command(i: int, team=team) -> int:
            body = (
                f"command=%2Fimpact&text=goals&team_id={team}&channel_id=C1&user_id=U{i}"
                f"&response_url={slack.response_url(f'{team}-{i}')}&trigger_id=t"
            ).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            url = urls[i % 2] + "/slack/events"
            return requests.post(url, data=body, headers=headers, timeout=10).status_code

        assert at_once(command, 4) == [200] * 4
        for i in range(4):
            wait_for(lambda i=i, team=team: slack.responses(f"{team}-{i}"))
        assert count(engine, Team, Team.id == team) == 1


def test_outcome_events_delivered_to_every_replica_at_once_all_count(engine):
    """Different events for one day arriving together: each replica sums the day's events
    after storing its own; without a lock each saw only its own and the last one won."""
    import json
    import time

    from bot.bootstrap import Runtime
    from bot.services.webhooks import create_feed, handle_outcome_webhook, sign
    from bot.settings import Settings
    from storage.tables import MetricPointRow

    runtime = Runtime(Settings.from_env({}), engine, Vault(generate_key()))
    slug, secret = create_feed(runtime, "THOOK", "Donorbox")
    for r in range(ROUNDS):
        day = f"2026-11-{10 + r}"

        def deliver(i: int, day=day) -> int:
            body = json.dumps({"metric": "donations", "value": 1, "date": day, "id": f"{day}-{i}"})
            ts = str(int(time.time()))
            headers = {
                "X-Impact-Timestamp": ts,
                "X-Impact-Signature": sign(secret, ts, body.encode()),
            }
            return handle_outcome_webhook(runtime, slug, headers, body.encode())[0]

        assert at_once(deliver) == [200] * REPLICAS
        with session_scope(engine) as s:
            points = s.exec(select(MetricPointRow).where(MetricPointRow.team_id == "THOOK")).all()
            by_day = {str(p.day): p.value for p in points}
        assert by_day[day] == REPLICAS
