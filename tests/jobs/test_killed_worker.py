"""A worker process killed (SIGKILL) in the middle of a digest post, on Redis: the message goes
to another worker once the dead one stops beating, the job runs again, and the channel gets
exactly one digest with one chart."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from bot.jobs import EmbeddedWorker, Jobs, WorkContext, make_broker
from tests.jobs.conftest import REDIS_URL, drop_namespace, redis_or_skip
from tests.scheduler import test_tick
from tests.scheduler.test_crash_resume import assert_exactly_one_digest_with_one_chart
from tests.scheduler.test_tick import MONDAY_9_BERLIN, _schema_of, the_run
from tests.support.standin import Call, Reply

world = test_tick.world
#: How long (ms) a worker may be silent before Redis hands its messages to another.
HEARTBEAT_MS = 1500
ALWAYS = 1_000_000  # Dramatiq's maintenance chance is out of a million commands


def _doomed_worker(url: str, schema: str | None, api_url: str, namespace: str) -> None:
    from bot.bootstrap import Runtime
    from bot.settings import Settings
    from storage.db import make_engine

    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-sched", "SLACK_API_URL": api_url})
    runtime = Runtime(settings, make_engine(url, **kwargs), None)
    broker = make_broker(REDIS_URL, namespace=namespace, heartbeat_timeout=HEARTBEAT_MS)
    Jobs(broker, lambda: WorkContext(runtime))
    EmbeddedWorker(broker, threads=1).start()
    time.sleep(120)  # killed long before


@pytest.mark.redis
@pytest.mark.slow
def test_a_worker_killed_while_slack_answers_its_post_loses_nothing_and_posts_once(world):
    redis_or_skip()
    runtime, slack = world
    namespace = f"impact-test-{os.getpid()}-{time.monotonic_ns()}"

    def slow_answer(call: Call) -> Reply:
        reply = slack._post_message(call)  # the message is in the channel
        time.sleep(30)  # and the worker is killed before the answer reaches it
        return reply

    slack.route("POST", "/api/chat.postMessage", slow_answer, times=1)
    url = runtime.engine.url.render_as_string(hide_password=False)
    schema = _schema_of(runtime) if runtime.engine.dialect.name == "postgresql" else None
    child = multiprocessing.get_context("spawn").Process(
        target=_doomed_worker, args=(url, schema, slack.api_url, namespace)
    )
    sender = Jobs(
        make_broker(REDIS_URL, namespace=namespace, heartbeat_timeout=HEARTBEAT_MS),
        lambda: WorkContext(runtime),
    )
    heir = None
    try:
        child.start()
        sender.post_digest.send("T0DEMO", "C0DEMO", "2026-W47", False, MONDAY_9_BERLIN.isoformat())
        deadline = time.monotonic() + 60
        while not slack.messages("C0DEMO") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slack.messages("C0DEMO"), "the doomed worker never posted"
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join(10)
        assert the_run(runtime.engine).status == "claimed"  # the dead worker's, mid-post

        broker = make_broker(
            REDIS_URL,
            namespace=namespace,
            heartbeat_timeout=HEARTBEAT_MS,
            maintenance_chance=ALWAYS,
        )
        Jobs(broker, lambda: WorkContext(runtime))
        heir = EmbeddedWorker(broker, threads=1).start()
        deadline = time.monotonic() + 60
        while the_run(runtime.engine).status != "posted" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert the_run(runtime.engine).attempts == 2  # the same message, delivered again
        assert_exactly_one_digest_with_one_chart(runtime, slack)
    finally:
        if child.is_alive():
            child.kill()
        if heir is not None:
            heir.stop()
            heir.worker.broker.close()
        sender.broker.close()
        drop_namespace(namespace)
