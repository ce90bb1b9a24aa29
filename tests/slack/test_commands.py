"""Every /impact subcommand through HTTP, as Slack sends it."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.services.demo import load_demo
from storage.db import session_scope
from storage.tables import DigestSchedule, Goal, Team
from tests.slack.conftest import wait_for


def goals_in(harness):
    with session_scope(harness.runtime.engine) as s:
        return [
            (g.team_id, g.channel_id, g.metric, g.deleted_at is None) for g in s.exec(select(Goal))
        ]


def test_help_is_answered_in_the_ack(harness):
    response = harness.command("")
    assert response.status_code == 200
    assert "/impact goal add" in response.json()["text"]
    assert "`/impact metrics" in harness.command("help").json()["text"]


def test_unknown_subcommand_and_bad_arguments_write_nothing(harness):
    unknown = harness.command("dance")
    assert unknown.status_code == 200 and "I don't know `dance`" in unknown.json()["text"]
    bad = harness.command("metrics myspace")
    assert "`myspace` is neither a platform" in bad.json()["text"]
    assert "Usage: `/impact metrics" in bad.json()["text"]
    schedule = harness.command("schedule someday 9am")
    assert "`someday` is not a day of the week" in schedule.json()["text"]
    with session_scope(harness.runtime.engine) as s:
        assert s.exec(select(Team)).all() == []


def test_goal_add_stores_with_baseline_and_undo(harness):
    assert harness.command("goal add signups +15% by Mar 31").status_code == 200
    answer = harness.responses()[0]
    assert answer["response_type"] == "ephemeral"
    assert "Goal set: signups +15% by Mar 31" in answer["text"]
    assert answer["blocks"][0]["accessory"]["action_id"] == "goal_undo"
    assert goals_in(harness) == [("T1", "C1", "signups", True)]


def test_goal_add_refusal_stores_nothing(harness):
    harness.command("goal add vibes +15% by Mar 31")
    answer = harness.responses()[0]
    assert "`vibes` is not a metric I know" in answer["text"]
    assert goals_in(harness) == []


def test_goal_add_without_text_opens_the_form(harness):
    assert harness.command("goal add").status_code == 200
    opened = wait_for(lambda: harness.slack.requests("views.open"))
    assert opened[0]["trigger_id"] == "trig-1"
    assert opened[0]["view"]["callback_id"] == "goal_modal"


def test_goals_status_metrics_and_digest_on_demo_data(harness):
    load_demo(harness.runtime.engine, date.today())
    team, channel = "T0DEMO", "C0DEMO"
    harness.command(
        "goal add LinkedIn signups +10% by end of Q1", team=team, channel=channel, respond_to="g"
    )
    harness.responses("g")
    harness.command("goals", team=team, channel=channel, respond_to="goals")
    listed = harness.responses("goals")[0]
    assert listed["blocks"][0]["accessory"]["action_id"] == "goal_menu"
    assert "LinkedIn signups +10%" in listed["blocks"][0]["text"]["text"]
    harness.command("status", team=team, channel=channel, respond_to="status")
    assert "goals on track" in harness.responses("status")[0]["text"]
    harness.command("metrics instagram 30d", team=team, channel=channel, respond_to="m")
    metrics = harness.responses("m")[0]
    assert "*Instagram" in metrics["blocks"][0]["text"]["text"]
    assert "Interactions" in str(metrics["blocks"][1])
    harness.command("digest", team=team, channel=channel, respond_to="d")
    preview = harness.responses("d")[0]
    assert preview["blocks"][0]["text"]["text"].startswith("Impact digest · ")
    assert harness.slack.requests("chat.postMessage") == []  # a preview posts nothing
    harness.command("digest post", team=team, channel=channel, respond_to="dp")
    assert "Posted the digest" in harness.responses("dp")[0]["text"]
    posted = harness.slack.requests("chat.postMessage")
    assert posted[0]["channel"] == channel and posted[0]["blocks"][0]["type"] == "header"
    upload = wait_for(lambda: harness.slack.requests("files.completeUploadExternal"))
    # the chart goes into the digest's thread: the ts the stand-in gave the first post
    assert upload[0]["thread_ts"] == "1700000001.000100"
    assert upload[0]["channel_id"] == channel


def test_schedule_set_show_off_and_the_users_time_zone(harness):
    harness.command("schedule monday 09:00 Europe/Berlin", respond_to="s1")
    assert "every Monday at 09:00 Europe/Berlin" in harness.responses("s1")[0]["text"]
    harness.command("schedule fri 4pm", respond_to="s2")  # no zone: the user's, from users.info
    assert "every Friday at 16:00 America/New_York" in harness.responses("s2")[0]["text"]
    assert harness.slack.requests("users.info")[0]["user"] == "U1"
    harness.command("schedule", respond_to="s3")
    assert "Friday at 16:00" in harness.responses("s3")[0]["text"]
    harness.command("schedule monday 09:00 Mars/Olympus", respond_to="s4")
    assert "'Mars/Olympus' is not a time zone I know" in harness.responses("s4")[0]["text"]
    harness.command("schedule off", respond_to="s5")
    assert "stopped" in harness.responses("s5")[0]["text"]
    with session_scope(harness.runtime.engine) as s:
        rows = s.exec(select(DigestSchedule)).all()
        assert [(r.weekday, r.hour, r.timezone, r.enabled) for r in rows] == [
            (4, 16, "America/New_York", False)
        ]


def test_connect_and_sync_answer(harness):
    harness.command("connect", respond_to="c")
    assert "No sources connected yet" in harness.responses("c")[0]["text"]
    harness.command("sync", respond_to="y")
    assert "Nothing to sync" in harness.responses("y")[0]["text"]


def test_two_teams_never_see_each_others_goals(harness):
    harness.command("goal add signups +15% by Mar 31", team="T1", respond_to="a")
    harness.responses("a")
    harness.command("goals", team="T2", respond_to="b")
    assert "No goals in this channel yet" in harness.responses("b")[0]["text"]
    harness.command("goals", team="T1", respond_to="c")
    assert "signups +15%" in str(harness.responses("c")[0]["blocks"])


def test_connect_lists_csv_data_as_imported_not_green_never_synced(harness, tmp_path):
    from datetime import UTC, datetime

    from bot.services.importing import import_csv

    path = tmp_path / "m.csv"
    path.write_text("date,platform,account,metric,value\n2026-11-09,instagram,IG-Main,likes,3\n")
    import_csv(harness.runtime.engine, path, "T1", now=datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    harness.command("connect", respond_to="c")
    text = harness.responses("c")[0]["blocks"][0]["text"]["text"]
    assert text == ":large_green_circle: *IG-Main* (csv) · imported Nov 20"
    assert harness.responses("c")[0]["text"] == "1 connection"
