"""App Home through HTTP: Sync now, Add a goal (in a channel picked in the form), weekly
digests set, changed and stopped from the tab, and the tab refreshed after each."""

from __future__ import annotations

from sqlmodel import select

from bot.services.connections import connect
from bot.services.schedules import set_schedule
from storage.db import session_scope
from storage.tables import DigestSchedule, Goal
from tests.slack.conftest import wait_for


def click(harness, action_id, value="x", user="U1", team="T1"):
    return harness.interaction(
        {
            "type": "block_actions",
            "team": {"id": team},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A0001",
            "trigger_id": "trig-home",
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home", "team_id": team},
            "actions": [
                {"action_id": action_id, "block_id": "b", "type": "button", "value": value}
            ],
        }
    )


def submit(harness, view, values, team="T1"):
    return harness.interaction(
        {
            "type": "view_submission",
            "team": {"id": team},
            "user": {"id": "U1", "team_id": team},
            "api_app_id": "A0001",
            "trigger_id": "t",
            "view": {**view, "id": "VFORM", "state": {"values": values}},
        }
    )


def publishes(harness, count):
    return wait_for(
        lambda: (
            len(harness.slack.requests("views.publish")) >= count
            and harness.slack.requests("views.publish")
        )
    )


def goals(harness):
    with session_scope(harness.runtime.engine) as s:
        return [(g.channel_id, g.metric) for g in s.exec(select(Goal))]


def schedules(harness):
    with session_scope(harness.runtime.engine) as s:
        rows = s.exec(select(DigestSchedule).order_by(DigestSchedule.id))
        return [(r.channel_id, r.weekday, r.hour, r.minute, r.timezone, r.enabled) for r in rows]


def test_sync_now_syncs_and_tells_the_user_when_done(harness):
    from tests.integrations.test_sync import daily_insights
    from tests.support.standin import Reply, StandIn, json_file

    with StandIn() as graph:
        graph.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        graph.route("GET", "/v23.0/1234/insights", daily_insights)
        graph.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
        object.__setattr__(harness.runtime.settings, "base_urls", {"facebook": graph.url})
        connect(harness.runtime, "T1", "facebook", {"page_id": "1234", "access_token": "EAAt"})

        assert click(harness, "home_sync").status_code == 200
        published = publishes(harness, 2)
        assert "Syncing" in str(published[0]["view"]["blocks"])
        done = str(published[1]["view"]["blocks"])
        assert "Sync finished" in done and "River Keepers" in done and ": ok, " in done
        assert published[1]["user_id"] == "U1"
        assert graph.calls("GET", "/v23.0/1234/insights")


def test_add_a_goal_from_home_asks_for_the_channel_and_refreshes_the_tab(harness):
    assert click(harness, "home_add_goal").status_code == 200
    view = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
    channel_block = next(b for b in view["blocks"] if b["block_id"] == "channel")
    assert channel_block["element"]["type"] == "conversations_select"
    assert not channel_block.get("optional")
    goal = {"text": {"type": "plain_text_input", "value": "signups +15% by Mar 31"}}

    no_channel = submit(
        harness,
        view,
        {"goal": goal, "channel": {"value": {"type": "conversations_select"}}},
    )
    assert no_channel.json()["response_action"] == "errors"
    assert "channel" in no_channel.json()["errors"]
    assert goals(harness) == []

    picked = {"value": {"type": "conversations_select", "selected_conversation": "C7"}}
    assert submit(harness, view, {"goal": goal, "channel": picked}).status_code == 200
    home = publishes(harness, 1)[0]
    assert home["user_id"] == "U1" and "*signups +15%" in str(home["view"]["blocks"])
    assert goals(harness) == [("C7", "signups")]
    harness.command("goals", channel="C7", respond_to="g")
    assert "signups +15%" in str(harness.responses("g")[0]["blocks"])


def test_weekly_digest_set_changed_and_stopped_from_home(harness):
    assert click(harness, "home_schedule").status_code == 200
    view = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
    assert view["callback_id"] == "schedule_modal"
    assert [b["block_id"] for b in view["blocks"]] == ["channel", "day", "time", "timezone"]

    def values(channel, day, time, tz):
        return {
            "channel": {
                "value": {"type": "conversations_select", "selected_conversation": channel}
            },
            "day": {"value": {"type": "static_select", "selected_option": {"value": day}}},
            "time": {"value": {"type": "timepicker", "selected_time": time}},
            "timezone": {"value": {"type": "plain_text_input", "value": tz}},
        }

    bad = submit(harness, view, values("C2", "2", "10:30", "Mars/Olympus"))
    assert "Mars/Olympus" in bad.json()["errors"]["timezone"]
    assert schedules(harness) == []

    assert submit(harness, view, values("C2", "2", "10:30", None)).status_code == 200
    home = publishes(harness, 1)[0]["view"]
    assert "<#C2>" in str(home["blocks"]) and "Wednesday at 10:30 America/New_York" in str(
        home["blocks"]
    )
    assert schedules(harness) == [("C2", 2, 10, 30, "America/New_York", True)]

    submit(harness, view, values("C2", "4", "16:00", "Europe/Berlin"))  # change it
    publishes(harness, 2)
    assert schedules(harness) == [("C2", 4, 16, 0, "Europe/Berlin", True)]

    stop = next(
        b["accessory"]
        for b in publishes(harness, 2)[1]["view"]["blocks"]
        if b.get("block_id") == "schedule-C2"
    )
    assert stop["action_id"] == "home_schedule_stop" and stop["value"] == "C2"
    assert click(harness, "home_schedule_stop", "C2").status_code == 200
    after = publishes(harness, 3)[2]["view"]
    assert "stopped" in str(after["blocks"]) and "schedule-C2" not in str(after["blocks"])
    assert schedules(harness) == [("C2", 4, 16, 0, "Europe/Berlin", False)]


def test_home_lists_every_schedule_with_a_stop_button(harness):
    for n in range(3):
        set_schedule(
            harness.runtime.engine,
            team_id="T1",
            channel_id=f"C{n}",
            weekday=0,
            hour=9,
            minute=0,
            timezone="UTC",
        )
    harness.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    blocks = publishes(harness, 1)[0]["view"]["blocks"]
    stops = [b for b in blocks if b.get("accessory", {}).get("action_id") == "home_schedule_stop"]
    assert [b["accessory"]["value"] for b in stops] == ["C0", "C1", "C2"]
