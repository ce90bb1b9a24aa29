"""Thread replies, retries, signatures, buttons, the goal form and App Home through HTTP."""

from __future__ import annotations

import time

from sqlmodel import select

from storage.db import session_scope
from storage.tables import Goal
from tests.slack.conftest import sign, wait_for


def reply(text, ts="1700000100.000200", parent="UBOT", **extra):
    return {
        "type": "message",
        "channel": "C1",
        "user": "U1",
        "text": text,
        "ts": ts,
        "thread_ts": "1700000001.000100",
        "parent_user_id": parent,
        **extra,
    }


def stored_goals(harness):
    with session_scope(harness.runtime.engine) as s:
        return [
            (g.metric, g.source_ts) for g in s.exec(select(Goal).where(Goal.deleted_at.is_(None)))
        ]


def test_thread_reply_sets_a_goal_and_answers_in_the_thread(harness):
    assert harness.event(reply("goal: signups +15% by Mar 31")).status_code == 200
    answer = wait_for(lambda: harness.slack.requests("chat.postMessage"))[0]
    assert answer["thread_ts"] == "1700000001.000100" and answer["channel"] == "C1"
    assert "Goal set: signups +15% by Mar 31" in answer["text"]
    assert "Undo" in str(answer["blocks"])
    assert stored_goals(harness) == [("signups", "1700000100.000200")]


def test_retries_and_the_mention_copy_store_and_answer_once(harness):
    event = reply("<@UBOT> donations to 5,000 by Q1")
    harness.event(event, event_id="Ev9")
    harness.event(
        event,
        event_id="Ev9",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    harness.event({**event, "type": "app_mention"}, event_id="Ev10")
    wait_for(lambda: harness.slack.requests("chat.postMessage"))
    time.sleep(0.5)  # give a wrongly duplicated reply time to show up
    assert len(harness.slack.requests("chat.postMessage")) == 1
    assert stored_goals(harness) == [("donations", "1700000100.000200")]


def test_failure_reply_explains_and_stores_nothing(harness):
    harness.event(reply("set goal vibes up by friday"))
    answer = wait_for(lambda: harness.slack.requests("chat.postMessage"))[0]
    assert "`vibes up` is not a metric I know" in answer["text"] or "not a metric" in answer["text"]
    assert "signups +15% by Mar 31" in answer["text"]  # the examples
    assert stored_goals(harness) == []


def test_chatter_bots_and_other_threads_are_ignored(harness):
    harness.event(reply("nice work everyone"), event_id="E1")
    harness.event(reply("goal signups +5% by Q1", ts="2.0", parent="USOMEONE"), event_id="E2")
    harness.event(reply("goal signups +5% by Q1", ts="3.0", bot_id="B9"), event_id="E3")
    harness.event(
        reply("goal signups +5% by Q1", ts="4.0", subtype="message_changed"), event_id="E4"
    )
    top_level = reply("goal signups +5% by Q1", ts="5.0")
    top_level.pop("thread_ts")
    harness.event(top_level, event_id="E5")
    time.sleep(0.8)
    assert harness.slack.requests("chat.postMessage") == [] and stored_goals(harness) == []


def test_bad_or_stale_signatures_get_401_and_reach_nothing(harness):
    body = b"command=%2Fimpact&text=goal+add+signups+%2B5%25+by+Q1&team_id=T1&channel_id=C1"
    forged = harness.post(
        body, "application/x-www-form-urlencoded", signed=sign(body, secret="wrong-secret")
    )
    stale = harness.post(
        body,
        "application/x-www-form-urlencoded",
        signed=sign(body, timestamp=int(time.time()) - 600),
    )
    missing = harness.post(
        body,
        "application/x-www-form-urlencoded",
        signed={"X-Slack-Request-Timestamp": str(int(time.time()))},
    )
    assert (forged.status_code, stale.status_code, missing.status_code) == (401, 401, 401)
    time.sleep(0.3)
    assert harness.slack.calls() == [] and stored_goals(harness) == []


def _submission(text, metadata="|C1"):
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "goal_modal",
            "private_metadata": metadata,
            "state": {"values": {"goal": {"text": {"type": "plain_text_input", "value": text}}}},
        },
    }


def test_goal_form_validation_errors_then_success(harness):
    bad = harness.interaction(_submission("vibes +5% by Q1"))
    assert bad.status_code == 200
    errors = bad.json()
    assert errors["response_action"] == "errors" and "not a metric" in errors["errors"]["goal"]
    assert stored_goals(harness) == []
    good = harness.interaction(_submission("signups +5% by Q1"))
    assert good.status_code == 200 and not good.text.strip()
    wait_for(lambda: stored_goals(harness))
    assert [m for m, _ in stored_goals(harness)] == ["signups"]


def test_undo_button_removes_the_goal(harness):
    harness.command("goal add signups +15% by Mar 31")
    goal_id = harness.responses()[0]["blocks"][0]["accessory"]["value"]
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "channel": {"id": "C1"},
        "response_url": harness.slack.response_url("undo"),
        "container": {"type": "message"},
        "actions": [
            {
                "action_id": "goal_undo",
                "block_id": f"stored-{goal_id}",
                "value": goal_id,
                "type": "button",
            }
        ],
    }
    assert harness.interaction(payload).status_code == 200
    assert "Undone" in harness.responses("undo")[0]["text"]
    assert stored_goals(harness) == []


def test_app_home_is_published_for_the_user(harness):
    harness.command("goal add signups +15% by Mar 31")
    harness.responses()
    harness.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    published = wait_for(lambda: harness.slack.requests("views.publish"))[0]
    assert published["user_id"] == "U1" and published["view"]["type"] == "home"
    text = str(published["view"]["blocks"])
    assert "*signups +15%" in text and "Add a goal" in text and "Connections" in text


def test_healthz(harness):
    import requests

    answer = requests.get(f"{harness.url}/healthz", timeout=5)
    assert answer.status_code == 200 and answer.json() == {
        "ok": True,
        "database": "up",
        "broker": "up",
    }
    assert requests.get(f"{harness.url}/nope", timeout=5).status_code == 404


def _connect_submission(page_id, token):
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "view": {
            "id": "VCONNECT",
            "type": "modal",
            "callback_id": "connect_modal",
            "private_metadata": "facebook|C1",
            "state": {
                "values": {
                    "page_id": {"value": {"type": "plain_text_input", "value": page_id}},
                    "access_token": {"value": {"type": "plain_text_input", "value": token}},
                }
            },
        },
    }


def test_connect_form_checks_the_token_then_sync_pulls_data(harness):
    from tests.integrations.test_sync import daily_insights
    from tests.support.standin import Reply, StandIn, json_file

    with StandIn() as graph:
        graph.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        graph.route("GET", "/v23.0/1234/insights", daily_insights)
        graph.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
        graph.route(
            "GET", "/v23.0/9999", json_file("facebook/error_token_expired.json", status=400)
        )
        object.__setattr__(harness.runtime.settings, "base_urls", {"facebook": graph.url})

        harness.command("connect facebook")
        opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
        assert opened["callback_id"] == "connect_modal"
        assert [b["block_id"] for b in opened["blocks"] if b["type"] == "input"] == [
            "page_id",
            "access_token",
        ]

        empty = harness.interaction(_connect_submission("", "tok"))
        assert empty.json()["errors"] == {"page_id": "Required."}
        bad = harness.interaction(_connect_submission("9999", "EAAexpired"))
        assert bad.json()["response_action"] == "update"
        failed = wait_for(lambda: harness.slack.requests("views.update"))[0]["view"]
        assert "Nothing was stored" in str(failed["blocks"]) and "/impact connect facebook" in str(
            failed["blocks"]
        )
        harness.interaction(_connect_submission("1234", "EAAgoodtoken"))
        done = wait_for(
            lambda: (
                len(harness.slack.requests("views.update")) == 2
                and harness.slack.requests("views.update")
            )
        )
        assert "Connected *River Keepers*" in str(done[1]["view"]["blocks"])

        harness.command("sync", respond_to="sync")
        answer = harness.responses("sync")[0]
        assert (
            "River Keepers" in answer["blocks"][0]["text"]["text"]
            and ": ok, " in answer["blocks"][0]["text"]["text"]
        )
        harness.command("connect", respond_to="list")
        assert "River Keepers" in harness.responses("list")[0]["blocks"][0]["text"]["text"]
