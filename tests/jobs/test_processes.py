"""`impact scheduler` and `impact worker --processes 2` as separate processes on Redis, as a
person runs them: a digest due now is sent by the clock and posted once by a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.demo import load_demo
from bot.services.schedules import set_schedule
from storage.crypto import generate_key
from storage.db import make_engine
from storage.migrate import upgrade
from tests.jobs.conftest import redis_or_skip
from tests.slack.conftest import wait_for
from tests.support.slack_api import SlackStandIn

IMPACT = Path(sys.executable).with_name("impact")
#: A database of Redis for this test alone: the processes use the default namespace.
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.mark.redis
@pytest.mark.slow
def test_the_clock_and_two_worker_processes_post_a_due_digest_once(tmp_path):
    redis_or_skip()
    url = f"sqlite:///{tmp_path / 'impact.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC) - timedelta(minutes=1)
    load_demo(engine, now.date())
    set_schedule(
        engine,
        team_id="T0DEMO",
        channel_id="C0DEMO",
        weekday=now.weekday(),
        hour=now.hour,
        minute=now.minute,
        timezone="UTC",
    )
    engine.dispose()
    with SlackStandIn() as slack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPACT_", "SLACK_"))}
        env.update(
            {
                "DATABASE_URL": url,
                "IMPACT_SECRET_KEY": generate_key(),
                "IMPACT_BROKER_URL": REDIS_URL,
                "SLACK_BOT_TOKEN": "xoxb-proc",
                "SLACK_API_URL": slack.api_url,
            }
        )
        commands = (["worker", "--processes", "2", "--threads", "2"], ["scheduler"])
        processes = [
            subprocess.Popen([str(IMPACT), *args], env=env, cwd=tmp_path) for args in commands
        ]
        try:
            wait_for(lambda: slack.messages("C0DEMO"), seconds=60)
            wait_for(lambda: slack.requests("files.completeUploadExternal"), seconds=30)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(60)
            _flush(REDIS_URL)
    assert len(slack.messages("C0DEMO")) == 1
    assert [p.returncode for p in processes] == [0, 0]


def _flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter("impact:*"))
    if keys:
        client.delete(*keys)
