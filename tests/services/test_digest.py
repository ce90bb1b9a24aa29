"""The digest of the demo data, built from the database on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

from bot.core.blocks import render_digest
from bot.core.periods import last_complete_week
from bot.services.demo import load_demo
from bot.services.digest import build_digest
from bot.services.goals import add_goal, delete_goal, list_goals

TODAY = date(2026, 11, 23)
WEEK = last_complete_week(TODAY)


def demo_digest(engine, goals=("signups +15% by end of Q1",)):
    info = load_demo(engine, TODAY)
    for text in goals:
        add_goal(
            engine,
            team_id=info.team_id,
            channel_id=info.channel_id,
            text=text,
            user_id="U1",
            today=TODAY - timedelta(weeks=6),
        )
    return info, build_digest(engine, team_id=info.team_id, channel_id=info.channel_id, week=WEEK)


def test_json_has_exactly_the_product_shape(engine):
    _, digest = demo_digest(engine)
    data = digest.to_json()
    assert list(data) == [
        "team",
        "channel",
        "period",
        "currency",
        "headline",
        "action",
        "goals",
        "insights",
        "standing",
        "platforms",
        "totals",
    ]
    assert data["currency"] == "USD"
    assert data["headline"]["kind"] == "gap"
    assert data["action"]["insight"] == "engagement_without_outcome"
    assert data["period"] == {"start": "2026-11-16", "end": "2026-11-22"}
    goal = data["goals"][0]
    assert {
        "id",
        "metric",
        "platform",
        "target",
        "kind",
        "current",
        "progress",
        "status",
        "deadline",
    } <= set(goal)
    assert (goal["metric"], goal["target"], goal["kind"]) == ("signups", 0.15, "relative")
    platform = next(p for p in data["platforms"] if p["platform"] == "instagram")
    assert {
        "interactions",
        "interactions_change",
        "link_clicks",
        "outcomes",
        "outcomes_change",
    } <= set(platform)
    assert platform["interactions_change"] > 0.2 and "signups" in platform["outcomes"]


def test_the_story_shows_engagement_without_outcome_on_instagram(engine):
    _, digest = demo_digest(engine)
    gap = [i for i in digest.to_json()["insights"] if i["type"] == "engagement_without_outcome"]
    assert [i["platform"] for i in gap] == ["instagram"]
    assert gap[0]["engagement_change"] >= 0.2 and gap[0]["outcome_change"] <= 0.05
    assert gap[0]["outcome"] == "signups"
    # every number in the message is in the JSON too
    assert f"{gap[0]['engagement_change']:+.0%}" in gap[0]["message"]
    assert digest.headline.kind == "gap"
    assert digest.headline.text.startswith("Instagram interactions +47%; signups −5%")
    assert any(i["type"] == "vanity_posts" for i in digest.to_json()["insights"])


def test_same_inputs_same_output(engine):
    info, first = demo_digest(engine)
    again = build_digest(engine, team_id=info.team_id, channel_id=info.channel_id, week=WEEK)
    assert json.dumps(first.to_json()) == json.dumps(again.to_json())
    assert render_digest(first) == render_digest(again)


def test_block_kit_limits(engine):
    _, digest = demo_digest(engine, goals=[f"signups +{n}% by end of Q1" for n in range(1, 15)])
    message = render_digest(digest)
    blocks = message["blocks"]
    assert len(blocks) <= 50 and message["text"].startswith("Impact digest · Nov 16–22")
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
    assert "Reply in this thread to set a goal" in json.dumps(blocks[-1])


def test_goals_stay_in_their_team(engine):
    info, _ = demo_digest(engine)
    other = add_goal(
        engine,
        team_id="T-OTHER",
        channel_id="C9",
        text="signups to 10 by Dec 31",
        user_id="U9",
        today=TODAY,
    )
    assert [g.spec.metric for g in list_goals(engine, info.team_id, today=TODAY)] == ["signups"]
    assert delete_goal(engine, info.team_id, other.goal_id) is False
    assert len(list_goals(engine, "T-OTHER", today=TODAY)) == 1
    assert delete_goal(engine, "T-OTHER", other.goal_id) is True
    assert list_goals(engine, "T-OTHER", today=TODAY) == []


def test_goal_baseline_is_measured_when_set(engine):
    info = load_demo(engine, TODAY)
    added = add_goal(
        engine,
        team_id=info.team_id,
        channel_id=info.channel_id,
        text="linkedin signups +10% by Q1",
        user_id="U1",
        today=TODAY,
    )
    assert added.baseline is not None and 20 < added.baseline < 80  # weekly LinkedIn signups
    retried = add_goal(
        engine,
        team_id=info.team_id,
        channel_id=info.channel_id,
        text="linkedin signups +12% by Q1",  # the same goal twice would be refused
        user_id="U1",
        today=TODAY,
        source_ts="1700000000.1",
    )
    again = add_goal(
        engine,
        team_id=info.team_id,
        channel_id=info.channel_id,
        text="linkedin signups +12% by Q1",
        user_id="U1",
        today=TODAY,
        source_ts="1700000000.1",
    )
    assert retried.goal_id == again.goal_id  # a retried Slack event stores one goal


def test_a_week_without_data_is_the_short_message(engine):
    info, _ = demo_digest(engine)
    empty = build_digest(
        engine, team_id=info.team_id, channel_id=info.channel_id, week=WEEK.shift(40)
    )
    assert empty.is_empty
    message = render_digest(empty)
    assert len(message["blocks"]) == 2 and "No data for Aug 23–29" in message["text"]
