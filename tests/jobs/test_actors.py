"""Every actor through a real broker (in-process, and Redis when it answers): the clock sends
what is due, workers run it, and delivery at least once never doubles an effect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import Runtime
from bot.jobs import EmbeddedWorker, Jobs, WorkContext
from bot.metrics import waiting
from bot.scheduler import DigestScheduler
from bot.services.connections import connect
from bot.services.schedules import set_schedule
from bot.settings import Settings
from storage.crypto import Vault, generate_key
from tests.integrations.test_sync import daily_insights
from tests.scheduler import test_tick
from tests.scheduler.test_crash_resume import assert_exactly_one_digest_with_one_chart
from tests.scheduler.test_tick import MONDAY_9_BERLIN, the_run
from tests.slack.conftest import Served, make_runtime, wait_for
from tests.support.slack_api import SlackStandIn
from tests.support.standin import Reply, StandIn, json_file

world = test_tick.world  # the demo team with a Monday 09:00 Berlin schedule, and Slack
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_two_clocks_send_a_due_digest_and_the_workers_post_it_once(world, queues):
    runtime, slack = world
    jobs = queues.jobs(lambda: WorkContext(runtime), threads=4)
    first = DigestScheduler(runtime, jobs=jobs)
    second = DigestScheduler(runtime, instance="other", jobs=jobs)

    assert first.enqueue_due(MONDAY_9_BERLIN) == 1
    assert second.enqueue_due(MONDAY_9_BERLIN) in (0, 1)  # 0 once a worker has claimed it
    # the second clock's message when both saw it due at once
    jobs.post_digest.send("T0DEMO", "C0DEMO", "2026-W47", False, MONDAY_9_BERLIN.isoformat())
    queues.drain(jobs)

    assert_exactly_one_digest_with_one_chart(runtime, slack)
    assert the_run(runtime.engine).claimed_by.startswith("job:")
    assert first.enqueue_due(MONDAY_9_BERLIN + timedelta(minutes=1)) == 0  # posted: not due


def test_a_digest_waiting_in_a_long_queue_is_not_sent_again_every_minute(world, queues):
    """Two clocks tick every minute while the workers are busy elsewhere: the digest's job
    is sent once, not once a minute per clock (2,000 due digests made a queue of 17,000
    messages before); only a job queued so long that it must be lost is sent again."""
    runtime, slack = world
    jobs = Jobs(queues.broker(), lambda: WorkContext(runtime))  # no worker yet: a backlog
    first = DigestScheduler(runtime, jobs=jobs)
    second = DigestScheduler(runtime, instance="other", jobs=jobs)

    assert first.enqueue_due(MONDAY_9_BERLIN) == 1
    assert the_run(runtime.engine).status == "queued"
    for minute in range(1, 10):
        clock = first if minute % 2 else second
        assert clock.enqueue_due(MONDAY_9_BERLIN + timedelta(minutes=minute)) == 0
    assert waiting(jobs.broker, "digests") == 1
    # queued for longer than a claim may go stale: taken for lost, sent once more
    assert second.enqueue_due(MONDAY_9_BERLIN + timedelta(minutes=11)) == 1
    assert first.enqueue_due(MONDAY_9_BERLIN + timedelta(minutes=12)) == 0

    queues.workers.append(EmbeddedWorker(jobs.broker, threads=2).start())
    queues.drain(jobs)
    assert_exactly_one_digest_with_one_chart(runtime, slack)
    assert the_run(runtime.engine).status == "posted"


def test_a_minute_with_many_channels_due_sends_each_digest_once_between_two_clocks(world, queues):
    """Monday 09:00 in a big install: 1,201 channels due in the same minute (more than one
    batch of the clock's queued-mark) are sent once each, however the two clocks tick."""
    runtime, _slack = world
    for n in range(1_200):
        set_schedule(
            runtime.engine,
            team_id="T0DEMO",
            channel_id=f"C{n:05d}",
            weekday=0,
            hour=9,
            minute=0,
            timezone="Europe/Berlin",
        )
    jobs = Jobs(queues.broker(), lambda: WorkContext(runtime))  # no worker: what is queued
    first = DigestScheduler(runtime, jobs=jobs)
    second = DigestScheduler(runtime, instance="other", jobs=jobs)

    assert first.enqueue_due(MONDAY_9_BERLIN) == 1_201
    assert second.enqueue_due(MONDAY_9_BERLIN) == 0
    assert first.enqueue_due(MONDAY_9_BERLIN + timedelta(minutes=1)) == 0
    assert waiting(jobs.broker, "digests") == 1_201


def test_a_failed_post_is_sent_again_after_its_backoff_and_posted_once(world, queues):
    runtime, slack = world
    slack.route("POST", "/api/chat.postMessage", Reply(500, "down"), times=1)
    jobs = queues.jobs(lambda: WorkContext(runtime))
    clock = DigestScheduler(runtime, jobs=jobs)

    assert clock.enqueue_due(MONDAY_9_BERLIN) == 1
    queues.drain(jobs)
    assert the_run(runtime.engine).status == "retrying"
    assert clock.enqueue_due(MONDAY_9_BERLIN + timedelta(seconds=10)) == 0  # backoff
    assert clock.enqueue_due(MONDAY_9_BERLIN + timedelta(seconds=31)) == 1
    queues.drain(jobs)
    assert_exactly_one_digest_with_one_chart(runtime, slack)


def test_syncs_and_the_announcement_of_an_expired_token_run_as_jobs(engine, queues):
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
            }
        )
        runtime = Runtime(settings, engine, Vault(generate_key()))
        connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": "EAAtoken"})
        set_schedule(
            engine, team_id="T1", channel_id="C1", weekday=3, hour=9, minute=0, timezone="UTC"
        )
        jobs = queues.jobs(lambda: WorkContext(runtime))
        first = DigestScheduler(runtime, jobs=jobs)
        second = DigestScheduler(runtime, instance="other", jobs=jobs)

        assert first.enqueue_due(NOW) == 1  # the sync, leased by this clock
        assert second.enqueue_due(NOW + timedelta(minutes=1)) == 0
        queues.drain(jobs)
        assert graph.calls("GET", "/v23.0/1234/insights")

        graph.reset()
        graph.route(
            "GET",
            "/v23.0/1234/insights",
            json_file("facebook/error_token_expired.json", status=400),
        )
        assert first.enqueue_due(NOW + timedelta(hours=16)) == 1
        queues.drain(jobs)
        # the connection now needs a new token: both clocks send the announcement...
        assert first.enqueue_due(NOW + timedelta(hours=16, minutes=1)) == 1
        assert second.enqueue_due(NOW + timedelta(hours=16, minutes=1)) in (0, 1)  # 0 once told
        jobs.announce_failures.send((NOW + timedelta(hours=16, minutes=1)).isoformat())
        queues.drain(jobs)
        told = slack.requests("chat.postMessage")  # ...and the team is told once
        assert len(told) == 1 and "/impact connect facebook" in told[0]["text"]
        assert first.enqueue_due(NOW + timedelta(hours=16, minutes=2)) == 0  # paused, told


def test_the_answer_to_a_command_is_a_job(tmp_path, queues):
    with SlackStandIn() as slack:
        runtime = make_runtime(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-test-token")
        jobs = queues.jobs(lambda: WorkContext(runtime))
        served = Served(runtime, jobs)
        try:
            answer = _ask_goals(served, slack)
            assert len(answer) == 1 and "goal" in str(answer[0]).lower()
        finally:
            served.close()
            runtime.close()


def _goals_command(slack: SlackStandIn) -> str:
    """A person's `/impact goals`, answered at the response_url `r1`."""
    return (
        "command=%2Fimpact&text=goals&team_id=T1&channel_id=C1&user_id=U1"
        f"&response_url={slack.response_url('r1')}&trigger_id=t"
    )


def _ask_goals(served: Served, slack: SlackStandIn) -> list:
    """Send `/impact goals`, signed, to the web process; the answers it brought."""
    import requests

    from tests.slack.conftest import sign

    body = _goals_command(slack).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    url = f"http://127.0.0.1:{served.server.effective_port}/slack/events"
    assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
    return wait_for(lambda: slack.responses("r1"))


def test_an_answer_delivered_twice_is_given_once(tmp_path, queues):
    """Redis delivers a message again when its worker died before acknowledging it."""
    import json

    from bot.jobs import LAZY_NAME, LAZY_ONLY
    from tests.slack.conftest import sign

    with SlackStandIn() as slack:
        runtime = make_runtime(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-test-token")
        try:
            jobs = queues.jobs(lambda: WorkContext(runtime))
            body = _goals_command(slack)
            headers = {k.lower(): [v] for k, v in sign(body.encode()).items()} | {
                "content-type": ["application/x-www-form-urlencoded"],
                LAZY_ONLY: ["1"],
            }
            headers[LAZY_NAME] = ["run"]
            message = jobs.answer_slack.message(body, json.loads(json.dumps(headers)))
            jobs.broker.enqueue(message)
            queues.drain(jobs)
            jobs.broker.enqueue(message)  # the same message id again
            queues.drain(jobs)
            assert len(slack.responses("r1")) == 1
        finally:
            runtime.close()


def test_when_the_broker_is_down_the_web_process_answers_itself(tmp_path):
    """The ack hands the work to the queue; a queue that cannot take it must not cost the
    person their answer: it is given from a thread of the web process, once."""
    from bot.jobs import Jobs, make_broker

    with SlackStandIn() as slack:
        runtime = make_runtime(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-test-token")
        down = make_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
        served = Served(runtime, Jobs(down, lambda: WorkContext(runtime)))
        try:
            answer = _ask_goals(served, slack)
            assert len(answer) == 1 and "goal" in str(answer[0]).lower()
        finally:
            served.close()
            down.close()
            runtime.close()
