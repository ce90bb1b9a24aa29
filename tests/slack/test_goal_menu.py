"""`/impact goals` → the goal menu (Edit, Delete), the edit form, and Undo, through HTTP."""

from __future__ import annotations

from sqlmodel import select

from storage.db import session_scope
from storage.tables import Goal
from tests.slack.conftest import wait_for


def active(harness):
    with session_scope(harness.runtime.engine) as s:
        rows = s.exec(select(Goal).where(Goal.deleted_at.is_(None)).order_by(Goal.id))
        return [(g.id, g.channel_id, g.metric, g.source_text) for g in rows]


def add(harness, text, respond_to="add", channel="C1"):
    harness.command(f"goal add {text}", respond_to=respond_to, channel=channel)
    return harness.responses(respond_to)[0]["blocks"][0]["accessory"]["value"]


def menu_action(harness, value, respond_to="menu", team="T1", channel="C1"):
    return {
        "type": "block_actions",
        "team": {"id": team},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "trig-menu",
        "channel": {"id": channel},
        "response_url": harness.slack.response_url(respond_to),
        "container": {"type": "message"},
        "actions": [
            {
                "action_id": "goal_menu",
                "block_id": f"goal-{value.partition(':')[2]}",
                "type": "overflow",
                "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value},
            }
        ],
    }


def edit_submission(text, metadata, team="T1"):
    return {
        "type": "view_submission",
        "team": {"id": team},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "view": {
            "id": "VEDIT",
            "type": "modal",
            "callback_id": "goal_modal",
            "private_metadata": metadata,
            "state": {"values": {"goal": {"text": {"type": "plain_text_input", "value": text}}}},
        },
    }


def test_edit_opens_the_form_prefilled_and_saving_updates_the_goal(harness):
    goal_id = add(harness, "signups +15% by Mar 31")
    response = harness.interaction(menu_action(harness, f"edit:{goal_id}"))
    assert response.status_code == 200
    opened = wait_for(lambda: harness.slack.requests("views.open"))[0]
    assert opened["trigger_id"] == "trig-menu"
    view = opened["view"]
    assert view["callback_id"] == "goal_modal" and view["title"]["text"] == "Edit goal"
    assert view["blocks"][0]["element"]["initial_value"] == "signups +15% by Mar 31"

    saved = harness.interaction(edit_submission("signups +20% by Mar 31", view["private_metadata"]))
    assert saved.status_code == 200
    wait_for(lambda: [g for g in active(harness) if g[3] == "signups +20% by Mar 31"])
    assert [(c, m, t) for _, c, m, t in active(harness)] == [
        ("C1", "signups", "signups +20% by Mar 31")
    ]
    told = wait_for(lambda: harness.slack.requests("chat.postEphemeral"))[0]
    assert told["channel"] == "C1" and "signups +20% by Mar 31" in told["text"]


def test_a_bad_goal_line_in_the_edit_form_is_shown_there_and_writes_nothing(harness):
    goal_id = add(harness, "signups +15% by Mar 31")
    before = active(harness)
    bad = harness.interaction(edit_submission("vibes +20% by Mar 31", f"{goal_id}|C1"))
    assert bad.status_code == 200
    assert bad.json()["response_action"] == "errors"
    assert "not a metric" in bad.json()["errors"]["goal"]
    assert active(harness) == before


def test_editing_another_teams_goal_changes_nothing_and_adds_nothing(harness):
    goal_id = add(harness, "signups +15% by Mar 31")
    before = active(harness)
    harness.interaction(edit_submission("donations to 5,000 by Q1", f"{goal_id}|C1", team="T2"))
    import time

    time.sleep(0.6)
    assert active(harness) == before


def test_edit_of_a_goal_gone_meanwhile_says_so(harness):
    goal_id = add(harness, "signups +15% by Mar 31")
    harness.interaction(menu_action(harness, f"delete:{goal_id}", respond_to="del"))
    harness.responses("del")
    answer = harness.interaction(menu_action(harness, f"edit:{goal_id}", respond_to="gone"))
    assert answer.status_code == 200
    assert "no longer exists" in harness.responses("gone")[0]["text"]
    assert harness.slack.requests("views.open") == []


def test_delete_removes_the_goal_lists_the_rest_and_undo_restores_it(harness):
    first = add(harness, "signups +15% by Mar 31", respond_to="a")
    add(harness, "donations to 5,000 by Q1", respond_to="b")
    assert harness.interaction(menu_action(harness, f"delete:{first}")).status_code == 200
    answer = harness.responses("menu")[0]
    assert answer["replace_original"] is True
    listed = str(answer["blocks"])
    assert "donations" in listed and "signups +15%" not in listed.split("Deleted")[0]
    assert [m for _, _, m, _ in active(harness)] == ["donations"]
    undo = next(
        e
        for b in answer["blocks"]
        for e in (b.get("elements") or [b.get("accessory") or {}])
        if e.get("action_id") == "goal_restore"
    )
    payload = menu_action(harness, "x:0", respond_to="restore")
    payload["actions"] = [
        {"action_id": "goal_restore", "block_id": "b", "type": "button", "value": undo["value"]}
    ]
    assert harness.interaction(payload).status_code == 200
    restored = harness.responses("restore")[0]
    assert "signups +15%" in str(restored["blocks"])
    assert sorted(m for _, _, m, _ in active(harness)) == ["donations", "signups"]


def test_undo_of_a_stored_goal_then_undo_again_says_already_removed(harness):
    goal_id = add(harness, "signups +15% by Mar 31")
    payload = menu_action(harness, "x:0", respond_to="u1")
    payload["actions"] = [
        {"action_id": "goal_undo", "block_id": "b", "type": "button", "value": goal_id}
    ]
    harness.interaction(payload)
    assert "Undone" in harness.responses("u1")[0]["text"]
    payload["response_url"] = harness.slack.response_url("u2")
    harness.interaction(payload)
    assert "already removed" in harness.responses("u2")[0]["text"]
    assert active(harness) == []
