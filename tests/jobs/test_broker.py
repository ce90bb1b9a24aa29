"""Which broker a process gets, and what `/healthz` and `impact worker` say about it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from dramatiq.brokers.stub import StubBroker

from bot.jobs import broker_health, is_embedded, make_broker

IMPACT = Path(sys.executable).with_name("impact")


def test_no_url_is_the_in_process_broker_and_it_is_always_healthy():
    broker = make_broker(None)
    assert isinstance(broker, StubBroker) and is_embedded(broker) and broker_health(broker)


def test_a_url_that_is_not_redis_is_refused_without_showing_it():
    with pytest.raises(ValueError, match="amqp://") as refused:
        make_broker("amqp://user:hunter2@rabbit:5672/")
    assert "hunter2" not in str(refused.value)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_redis_that_does_not_answer_is_unhealthy():
    broker = make_broker(
        f"redis://127.0.0.1:{_closed_port()}/0", socket_connect_timeout=0.5, socket_timeout=0.5
    )
    assert not is_embedded(broker) and not broker_health(broker)


def test_healthz_says_which_of_database_and_broker_is_down(tmp_path):
    from bot.bootstrap import build_runtime
    from bot.server import make_wsgi_app
    from bot.settings import Settings
    from bot.slack.app import build_app

    runtime = build_runtime(
        Settings.from_env(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_BOT_TOKEN": "xoxb-h",
                "IMPACT_REQUIRE_SECRET_KEY": "false",
            }
        )
    )
    down = make_broker(
        f"redis://127.0.0.1:{_closed_port()}/0", socket_connect_timeout=0.5, socket_timeout=0.5
    )
    try:
        answer = make_wsgi_app(runtime, build_app(runtime), down).test_client().get("/healthz")
        assert answer.status_code == 503
        assert answer.json == {"ok": False, "database": "up", "broker": "down"}
    finally:
        runtime.close()


def test_impact_worker_without_a_broker_says_how_to_set_one(tmp_path):
    done = subprocess.run(
        [str(IMPACT), "worker"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "IMPACT_BROKER_URL is not set" in done.stderr
