"""Many goals: `/impact goals`, App Home and `/impact status` reach every one of them,
within Slack's block limits (50 a message, 100 a Home tab)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.goals import add_goal
from tests.slack.conftest import wait_for

METRICS = ("signups", "donations", "leads", "orders", "registrations", "applications")


@pytest.fixture
def many(harness):
    """61 goals in C1 (and one elsewhere), each with a text of its own."""
    for n in range(61):
        added = add_goal(
            harness.runtime.engine,
            team_id="T1",
            channel_id="C1",
            text=f"{METRICS[n % len(METRICS)]} to {1000 + n} by 2031-12-31",
            user_id="U1",
            today=date.today(),
        )
        assert not hasattr(added, "examples"), added
    add_goal(
        harness.runtime.engine,
        team_id="T1",
        channel_id="C9",
        text="signups to 77 by 2031-12-31",
        user_id="U1",
        today=date.today(),
    )
    return harness


def targets(blocks):
    """The goal targets (1000 + n) listed in `blocks`, in order."""
    import re

    return [int(m.replace(",", "")) for m in re.findall(r"to \$?(1,0\d\d) by", str(blocks))]


def page_action(harness, action_id, value, respond_to):
    return harness.interaction(
        {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "api_app_id": "A0001",
            "trigger_id": "t",
            "channel": {"id": "C1"},
            "response_url": harness.slack.response_url(respond_to),
            "container": {"type": "message", "is_ephemeral": True},
            "actions": [
                {"action_id": action_id, "block_id": "b", "type": "button", "value": value}
            ],
        }
    )


def button(blocks, action_id):
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    return None


def test_goals_pages_through_every_goal_within_fifty_blocks(many):
    many.command("goals", respond_to="p1")
    first = many.responses("p1")[0]
    assert first["text"].startswith("61 goals in this channel")
    assert len(first["blocks"]) <= 50
    seen = targets(first["blocks"])
    assert button(first["blocks"], "goals_page_prev") is None
    answer, name = first, "p1"
    while (next_button := button(answer["blocks"], "goals_page_next")) is not None:
        name = f"p{int(name[1:]) + 1}"
        assert page_action(many, "goals_page_next", next_button["value"], name).status_code == 200
        answer = many.responses(name)[0]
        assert answer["replace_original"] is True and len(answer["blocks"]) <= 50
        seen += targets(answer["blocks"])
    assert seen == list(range(1000, 1061))  # every goal once, in order, none of C9's
    back = button(answer["blocks"], "goals_page_prev")
    page_action(many, "goals_page_prev", back["value"], "back")
    assert targets(many.responses("back")[0]["blocks"])[0] == 1040  # page 3 of 4


def test_the_menu_on_a_later_page_keeps_that_page_after_delete(many):
    many.command("goals", respond_to="p1")
    nxt = button(many.responses("p1")[0]["blocks"], "goals_page_next")
    page_action(many, "goals_page_next", nxt["value"], "p2")
    second = many.responses("p2")[0]["blocks"]
    menu = next(b["accessory"] for b in second if b.get("accessory", {}).get("type") == "overflow")
    delete = next(o for o in menu["options"] if o["value"].startswith("delete:"))
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "channel": {"id": "C1"},
        "response_url": many.slack.response_url("del"),
        "container": {"type": "message"},
        "actions": [
            {
                "action_id": "goal_menu",
                "block_id": "b",
                "type": "overflow",
                "selected_option": delete,
            }
        ],
    }
    many.interaction(payload)
    after = many.responses("del")[0]["blocks"]
    assert targets(after)[:2] == [1021, 1022]  # page 2 still, without the deleted 1020


def test_app_home_pages_through_every_goal_within_a_hundred_blocks(many):
    many.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    views = [wait_for(lambda: many.slack.requests("views.publish"))[0]["view"]]
    while (nxt := button(views[-1]["blocks"], "home_goals_next")) is not None:
        count = len(views) + 1
        many.interaction(
            {
                "type": "block_actions",
                "team": {"id": "T1"},
                "user": {"id": "U1"},
                "api_app_id": "A0001",
                "trigger_id": "t",
                "container": {"type": "view", "view_id": "VHOME"},
                "view": {"id": "VHOME", "type": "home"},
                "actions": [
                    {
                        "action_id": "home_goals_next",
                        "block_id": "b",
                        "type": "button",
                        "value": nxt["value"],
                    }
                ],
            }
        )
        views.append(
            wait_for(
                lambda c=count: (
                    len(many.slack.requests("views.publish")) >= c
                    and many.slack.requests("views.publish")
                )
            )[count - 1]["view"]
        )
    assert all(len(v["blocks"]) <= 100 for v in views)
    seen = [t for v in views for t in targets(v["blocks"])]
    assert sorted(seen) == sorted([*range(1000, 1061)]) and len(views) == 3
    assert "of 62" in str(views[0]["blocks"])  # the Home tab shows every channel's goals


def test_status_says_how_many_goals_it_did_not_list(many):
    many.command("status", respond_to="s")
    answer = many.responses("s")[0]
    assert len(answer["blocks"]) <= 50
    assert "41 more" in str(answer["blocks"]) and "/impact goals" in str(answer["blocks"])
