"""Run the real WSGI app on a local port and drive it the way Slack does: signed requests
in, Web API calls answered and recorded by the Slack stand-in."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from bot.bootstrap import Runtime, build_runtime
from bot.jobs import EmbeddedWorker, Jobs, build_jobs
from bot.server import create_http_server, make_wsgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from storage.crypto import generate_key
from storage.migrate import upgrade
from tests.support.slack_api import SlackStandIn

SECRET = "test-signing-secret"


def sign(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest.hexdigest()}


def wait_for(check: Callable[[], Any], seconds: float = 8.0) -> Any:
    """Poll until `check()` is truthy (lazy listeners run on threads after the ack)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the app")


@dataclass
class Harness:
    url: str
    slack: SlackStandIn
    runtime: Runtime

    def post(
        self,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: dict[str, str] | None = None,
    ) -> requests.Response:
        all_headers = {"Content-Type": content_type, **(signed or sign(body)), **(headers or {})}
        return requests.post(f"{self.url}/slack/events", data=body, headers=all_headers, timeout=10)

    def command(
        self,
        text: str,
        *,
        team: str = "T1",
        channel: str = "C1",
        user: str = "U1",
        respond_to: str = "r1",
    ) -> requests.Response:
        body = urlencode(
            {
                "command": "/impact",
                "text": text,
                "team_id": team,
                "team_domain": "acme",
                "channel_id": channel,
                "user_id": user,
                "user_name": "ana",
                "response_url": self.slack.response_url(respond_to),
                "trigger_id": "trig-1",
                "api_app_id": "A0001",
            }
        ).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str = "Ev1",
        team: str = "T1",
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": team,
                "api_app_id": "A0001",
                "event": event,
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
            }
        ).encode()
        return self.post(body, "application/json", headers)

    def interaction(self, payload: dict[str, Any]) -> requests.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def responses(self, name: str = "r1", count: int = 1) -> list[dict[str, Any]]:
        return wait_for(
            lambda: len(self.slack.responses(name)) >= count and self.slack.responses(name)
        )


class Served:
    """The app served on a local port, acking and handing the work after the ack to the job
    queue (the in-process broker, run by worker threads here), as `impact serve` does by
    default."""

    def __init__(self, runtime: Runtime, jobs: Jobs | None = None) -> None:
        self.own = jobs is None
        self.jobs = jobs or build_jobs(runtime)
        app = build_app(runtime, hand_off=self.jobs.hand_off)
        self.worker = EmbeddedWorker(self.jobs.broker, threads=4).start() if self.own else None
        wsgi = make_wsgi_app(runtime, app, self.jobs.broker)
        self.server = create_http_server(wsgi, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=self.server.run, daemon=True).start()

    def close(self) -> None:
        self.server.close()
        if self.worker is not None:
            self.worker.stop()
            self.jobs.broker.close()


def start(runtime: Runtime) -> tuple[Served, str]:
    served = Served(runtime)
    return served, f"http://127.0.0.1:{served.server.effective_port}"


def make_runtime(tmp_path, slack: SlackStandIn, **extra: str) -> Runtime:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'slack.db'}",
        "IMPACT_SECRET_KEY": generate_key(),
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        **extra,
    }
    runtime = build_runtime(Settings.from_env(env))
    upgrade(runtime.engine)
    return runtime


@pytest.fixture
def harness(tmp_path) -> Iterator[Harness]:
    with SlackStandIn(user_tz={"U1": "America/New_York"}) as slack:
        runtime = make_runtime(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-test-token")
        server, url = start(runtime)
        try:
            yield Harness(url, slack, runtime)
        finally:
            server.close()
            runtime.close()
