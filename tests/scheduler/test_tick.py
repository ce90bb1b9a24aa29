"""The scheduler posts each due digest once: on time, late within the grace period, after a
crash, through failures; never twice, whatever the number of instances."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.scheduler import DigestScheduler
from bot.services import runs
from bot.services.demo import load_demo
from bot.services.schedules import set_schedule
from bot.settings import Settings
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import DigestRun
from tests.support.slack_api import SlackStandIn

MONDAY_9_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def settings_for(slack: SlackStandIn, **extra: str) -> Settings:
    return Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-sched",
            "SLACK_API_URL": slack.api_url,
            "IMPACT_POST_MAX_ATTEMPTS": "3",
            **extra,
        }
    )


@pytest.fixture
def world(engine) -> Iterator[tuple[Runtime, SlackStandIn]]:
    with SlackStandIn() as slack:
        runtime = Runtime(settings_for(slack), engine, Vault(generate_key()))
        load_demo(engine, date(2026, 11, 23))
        set_schedule(
            engine,
            team_id="T0DEMO",
            channel_id="C0DEMO",
            weekday=0,
            hour=9,
            minute=0,
            timezone="Europe/Berlin",
        )
        yield runtime, slack


def posts(slack):
    return slack.requests("chat.postMessage")


def the_run(engine):
    with session_scope(engine) as s:
        return s.exec(select(DigestRun)).one()


def test_posts_once_on_time_with_the_chart_in_the_thread(world):
    runtime, slack = world
    first = DigestScheduler(runtime).tick(MONDAY_9_BERLIN)
    assert [(r.week, r.status, r.late) for r in first] == [("2026-W47", "posted", False)]
    assert posts(slack)[0]["channel"] == "C0DEMO"
    assert posts(slack)[0]["blocks"][0]["text"]["text"] == "Impact digest · Nov 16–22"
    assert (
        slack.requests("files.completeUploadExternal")[0]["thread_ts"]
        == the_run(runtime.engine).message_ts
    )
    # the same instance a minute later, and a second instance: nothing more
    assert DigestScheduler(runtime).tick(MONDAY_9_BERLIN + timedelta(minutes=1)) == []
    assert DigestScheduler(runtime, instance="other").tick(MONDAY_9_BERLIN) == []
    assert len(posts(slack)) == 1


def test_a_missed_run_posts_late_within_the_grace_period_only(world):
    runtime, slack = world
    assert DigestScheduler(runtime).tick(MONDAY_9_BERLIN + timedelta(hours=6, minutes=1)) == []
    assert posts(slack) == []
    late = DigestScheduler(runtime).tick(MONDAY_9_BERLIN + timedelta(hours=2))
    assert [(r.status, r.late) for r in late] == [("posted", True)]
    assert "This digest is late" in str(posts(slack)[0]["blocks"])
    assert the_run(runtime.engine).late is True


def test_a_crashed_claim_is_taken_over_once_it_is_stale(world):
    runtime, slack = world
    runs.claim(
        runtime.engine,
        team_id="T0DEMO",
        channel_id="C0DEMO",
        week="2026-W47",
        instance="died-before-posting",
        now=MONDAY_9_BERLIN,
    )
    assert DigestScheduler(runtime).tick(MONDAY_9_BERLIN + timedelta(minutes=5)) == []
    restarted = DigestScheduler(runtime, instance="restarted")
    result = restarted.tick(MONDAY_9_BERLIN + timedelta(minutes=11))
    assert [(r.status, r.late) for r in result] == [("posted", True)]
    assert len(posts(slack)) == 1 and the_run(runtime.engine).claimed_by == "restarted"


def test_a_failing_post_is_retried_with_backoff_then_marked_failed(world):
    runtime, slack = world
    slack.fail_post = 100
    scheduler = DigestScheduler(runtime)
    now = MONDAY_9_BERLIN
    assert [r.status for r in scheduler.tick(now)] == ["retrying"]
    assert scheduler.tick(now + timedelta(seconds=10)) == []  # backoff: not yet
    assert [r.status for r in scheduler.tick(now + timedelta(seconds=31))] == ["retrying"]
    assert [r.status for r in scheduler.tick(now + timedelta(seconds=95))] == ["failed"]
    run = the_run(runtime.engine)
    assert (run.status, run.attempts) == ("failed", 3) and "internal error" in run.error
    assert scheduler.tick(now + timedelta(minutes=30)) == []
    assert len(posts(slack)) == 3


def test_a_retry_that_succeeds_posts_once(world):
    runtime, slack = world
    slack.fail_post = 1
    scheduler = DigestScheduler(runtime)
    scheduler.tick(MONDAY_9_BERLIN)
    assert [r.status for r in scheduler.tick(MONDAY_9_BERLIN + timedelta(seconds=31))] == ["posted"]
    assert the_run(runtime.engine).status == "posted"


def test_empty_week_short_message_or_nothing_when_quiet(world):
    runtime, slack = world
    for channel, quiet in (("CQUIET", True), ("CLOUD", False)):
        set_schedule(
            runtime.engine,
            team_id="TEMPTY",
            channel_id=channel,
            weekday=0,
            hour=9,
            minute=0,
            timezone="Europe/Berlin",
            quiet=quiet,
        )
    results = {r.channel_id: r.status for r in DigestScheduler(runtime).tick(MONDAY_9_BERLIN)}
    assert results == {"C0DEMO": "posted", "CQUIET": "skipped", "CLOUD": "posted"}
    loud = [p for p in posts(slack) if p["channel"] == "CLOUD"]
    assert len(loud) == 1 and "No data for Nov 16–22" in loud[0]["text"]
    assert not [p for p in posts(slack) if p["channel"] == "CQUIET"]


def _instance(url: str, schema: str | None, api_url: str, start, done) -> None:  # type: ignore[no-untyped-def]
    from storage.db import make_engine

    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **kwargs)
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-sched", "SLACK_API_URL": api_url})
    runtime = Runtime(settings, engine, None)
    start.wait(10)
    done.put([r.status for r in DigestScheduler(runtime).tick(MONDAY_9_BERLIN)])


@pytest.mark.slow
def test_two_scheduler_processes_post_exactly_once(world):
    runtime, slack = world
    url = runtime.engine.url.render_as_string(hide_password=False)
    options = runtime.engine.dialect.name == "postgresql" and _schema_of(runtime)
    context = multiprocessing.get_context("spawn")
    start, done = context.Event(), context.Queue()
    children = [
        context.Process(target=_instance, args=(url, options or None, slack.api_url, start, done))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    start.set()
    outcomes = sorted(done.get(timeout=60) for _ in children)
    for child in children:
        child.join(30)
    assert outcomes == [[], ["posted"]]
    assert len(posts(slack)) == 1


def _schema_of(runtime: Runtime) -> str:
    with runtime.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT current_schema()").scalar_one()
