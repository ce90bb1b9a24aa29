"""A scheduler that dies at any step of a post, then another that takes the run over:
exactly one digest reaches the channel, with its chart in the thread once.

The crash is a `Killed` BaseException raised at the step (nothing of ours catches it, as
nothing runs after a kill -9), around the real Web API calls to the Slack stand-in; one
test kills a real scheduler process while Slack is answering its postMessage.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.scheduler import DigestScheduler
from bot.services import runs
from bot.settings import Settings
from tests.scheduler import test_tick
from tests.scheduler.test_tick import MONDAY_9_BERLIN, _schema_of, the_run
from tests.support.slack_api import SlackStandIn
from tests.support.standin import Call, Reply

world = test_tick.world  # the demo team with a Monday 09:00 Berlin schedule, and Slack
TAKEOVER = MONDAY_9_BERLIN + runs.STALE_CLAIM + timedelta(minutes=1)


class Killed(BaseException):
    """The scheduler process died here."""


class DyingClient(WebClient):
    """A real WebClient that dies just before or just after one Web API method."""

    def __init__(self, slack: SlackStandIn, die: tuple[str, str] | None) -> None:
        super().__init__(token="xoxb-sched", base_url=slack.api_url)
        self.die = die

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.die == (api_method, "before"):
            raise Killed(f"before {api_method}")
        answer = super().api_call(api_method, **kwargs)
        if self.die == (api_method, "after"):
            raise Killed(f"after {api_method}")
        return answer


CRASHES = {
    "before postMessage": ("chat.postMessage", "before"),
    "after postMessage": ("chat.postMessage", "after"),
    "during the chart upload": ("files.getUploadURLExternal", "before"),
    "after the chart upload": ("files.completeUploadExternal", "after"),
    "before marking posted": None,
}


def charts_in(slack: SlackStandIn, channel: str, ts: str) -> list[dict[str, Any]]:
    return [f for m in slack.thread(channel, ts) for f in m.get("files", [])]


def assert_exactly_one_digest_with_one_chart(runtime, slack: SlackStandIn) -> None:
    messages = slack.messages("C0DEMO")
    assert len(messages) == 1, [m.get("text") for m in messages]
    ts = messages[0]["ts"]
    assert [f["name"] for f in charts_in(slack, "C0DEMO", ts)] == ["impact-chart.png"]
    run = the_run(runtime.engine)
    assert (run.status, run.message_ts) == ("posted", ts)


@pytest.mark.parametrize("step", list(CRASHES))
def test_a_scheduler_killed_at_any_step_posts_the_digest_exactly_once(world, monkeypatch, step):
    runtime, slack = world
    die = CRASHES[step]
    if die is None:
        real = runs.mark_posted

        def dies_once(*args: Any, **kwargs: Any) -> None:
            monkeypatch.setattr(runs, "mark_posted", real)
            raise Killed("before mark_posted")

        monkeypatch.setattr(runs, "mark_posted", dies_once)
    doomed = DigestScheduler(
        runtime, instance="doomed", client_for=lambda _t: DyingClient(slack, die)
    )
    with pytest.raises(Killed):
        doomed.tick(MONDAY_9_BERLIN)

    # nobody takes over a fresh claim; once it is stale, one other instance does
    heir = DigestScheduler(runtime, instance="heir")
    assert heir.tick(MONDAY_9_BERLIN + timedelta(minutes=5)) == []
    assert [r.status for r in heir.tick(TAKEOVER)] == ["posted"]
    assert DigestScheduler(runtime, instance="late").tick(TAKEOVER + timedelta(minutes=30)) == []
    assert_exactly_one_digest_with_one_chart(runtime, slack)


def test_a_post_slack_accepted_but_whose_answer_was_lost_is_not_posted_again(world):
    runtime, slack = world

    def accepted_then_lost(call: Call) -> Reply:
        slack._post_message(call)  # Slack keeps the message...
        return Reply(502, "bad gateway")  # ...and the answer never makes it back

    slack.route("POST", "/api/chat.postMessage", accepted_then_lost, times=1)
    scheduler = DigestScheduler(runtime)
    assert [r.status for r in scheduler.tick(MONDAY_9_BERLIN)] == ["retrying"]
    assert [r.status for r in scheduler.tick(MONDAY_9_BERLIN + timedelta(minutes=2))] == ["posted"]
    assert_exactly_one_digest_with_one_chart(runtime, slack)


def test_a_post_whose_connection_dropped_after_slack_took_it_is_not_sent_again(world):
    """slack_sdk retries a dropped connection by itself; for chat.postMessage that would
    post a second message, since Slack may well have received the first."""
    runtime, slack = world

    def accepted_then_dropped(call: Call) -> Reply:
        slack._post_message(call)
        return Reply(drop=True)

    slack.route("POST", "/api/chat.postMessage", accepted_then_dropped, times=1)
    scheduler = DigestScheduler(runtime)
    assert [r.status for r in scheduler.tick(MONDAY_9_BERLIN)] == ["retrying"]
    assert len(slack.messages("C0DEMO")) == 1
    assert [r.status for r in scheduler.tick(MONDAY_9_BERLIN + timedelta(minutes=2))] == ["posted"]
    assert_exactly_one_digest_with_one_chart(runtime, slack)


def _doomed_scheduler(url: str, schema: str | None, api_url: str) -> None:
    from bot.bootstrap import Runtime
    from storage.db import make_engine

    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-sched", "SLACK_API_URL": api_url})
    DigestScheduler(Runtime(settings, make_engine(url, **kwargs), None)).tick(MONDAY_9_BERLIN)


def test_a_scheduler_process_killed_while_slack_answers_its_post(world):
    runtime, slack = world

    def slow_answer(call: Call) -> Reply:
        reply = slack._post_message(call)  # the message is in the channel
        time.sleep(30)  # and the process is killed before the answer reaches it
        return reply

    slack.route("POST", "/api/chat.postMessage", slow_answer, times=1)
    url = runtime.engine.url.render_as_string(hide_password=False)
    schema = _schema_of(runtime) if runtime.engine.dialect.name == "postgresql" else None
    child = multiprocessing.get_context("spawn").Process(
        target=_doomed_scheduler, args=(url, schema, slack.api_url)
    )
    child.start()
    deadline = time.monotonic() + 60
    while not slack.messages("C0DEMO") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slack.messages("C0DEMO"), "the doomed scheduler never posted"
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join(10)

    assert [r.status for r in DigestScheduler(runtime, instance="heir").tick(TAKEOVER)] == [
        "posted"
    ]
    assert_exactly_one_digest_with_one_chart(runtime, slack)
