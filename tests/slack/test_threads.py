"""Thread replies sent with "Also send to #channel" (subtype thread_broadcast) set goals like
any reply, once, whatever Slack retries."""

from __future__ import annotations

import time

from sqlmodel import select

from storage.db import session_scope
from storage.tables import Goal
from tests.slack.conftest import wait_for


def broadcast(text, ts="1700000200.000300", root_user="UBOT", **extra):
    """A reply also sent to the channel, as Slack delivers it: no parent_user_id, the
    parent's author in `root.user`."""
    return {
        "type": "message",
        "subtype": "thread_broadcast",
        "channel": "C1",
        "user": "U1",
        "text": text,
        "ts": ts,
        "thread_ts": "1700000001.000100",
        "root": {
            "type": "message",
            "user": root_user,
            "bot_id": "B0001" if root_user == "UBOT" else None,
            "text": "Impact digest · Nov 9–15",
            "ts": "1700000001.000100",
            "thread_ts": "1700000001.000100",
        },
        **extra,
    }


def stored(harness):
    with session_scope(harness.runtime.engine) as s:
        return [(g.metric, g.channel_id, g.source_ts) for g in s.exec(select(Goal))]


def test_a_broadcast_reply_sets_the_goal_and_answers_in_the_thread(harness):
    assert harness.event(broadcast("goal: signups +15% by Mar 31")).status_code == 200
    answer = wait_for(lambda: harness.slack.requests("chat.postMessage"))[0]
    assert answer["thread_ts"] == "1700000001.000100" and answer["channel"] == "C1"
    assert "Goal set: signups +15% by Mar 31" in answer["text"]
    assert stored(harness) == [("signups", "C1", "1700000200.000300")]


def test_a_retried_broadcast_stores_and_answers_once(harness):
    event = broadcast("set goal donations to 5,000 by Q1")
    harness.event(event, event_id="EvB")
    for retry in ("1", "2"):
        harness.event(
            event,
            event_id="EvB",
            headers={"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"},
        )
    wait_for(lambda: harness.slack.requests("chat.postMessage"))
    time.sleep(0.5)  # give a wrongly duplicated reply time to show up
    assert len(harness.slack.requests("chat.postMessage")) == 1
    assert stored(harness) == [("donations", "C1", "1700000200.000300")]


def test_a_broadcast_in_someone_elses_thread_is_ignored_unless_it_mentions_the_bot(harness):
    harness.event(broadcast("goal signups +5% by Q1", root_user="USOMEONE"), event_id="E1")
    time.sleep(0.5)
    assert stored(harness) == []
    harness.event(
        broadcast("<@UBOT> signups +5% by Q1", ts="1700000300.000100", root_user="USOMEONE"),
        event_id="E2",
    )
    wait_for(lambda: stored(harness))
    assert stored(harness) == [("signups", "C1", "1700000300.000100")]


def test_other_subtypes_stay_ignored(harness):
    for n, subtype in enumerate(("message_changed", "bot_message", "channel_join")):
        harness.event(
            broadcast("goal signups +5% by Q1", ts=f"{n}.1", subtype=subtype), event_id=f"E{n}"
        )
    time.sleep(0.6)
    assert harness.slack.requests("chat.postMessage") == [] and stored(harness) == []


def test_a_reply_with_a_file_attached_sets_the_goal_too(harness):
    reply = broadcast("goal: leads +10% by Q2", ts="1700000400.000100", subtype="file_share")
    reply.pop("root")
    reply["parent_user_id"] = "UBOT"
    reply["files"] = [{"id": "F1", "name": "plan.png"}]
    harness.event(reply, event_id="EvFile")
    wait_for(lambda: stored(harness))
    assert stored(harness) == [("leads", "C1", "1700000400.000100")]
