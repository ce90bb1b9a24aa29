"""Enterprise Grid and Slack Connect payloads are answered for the installation's team.

An org-wide install is one installation for the whole org, stored under the enterprise id:
commands, events (an org-wide app_home_opened names no team) and interactivity (payload
`team` null) from any of its workspaces read and write that team. A modal opened from a
Slack Connect channel carries the installing workspace in `view.app_installed_team_id`,
not in `team.id` (the user's own workspace).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlmodel import select

from bot.slack.installation import DbInstallationStore
from storage.db import session_scope
from storage.tables import Goal, Team
from tests.slack.conftest import Harness, make_runtime, start, wait_for
from tests.support.slack_api import SlackStandIn


@pytest.fixture
def grid(tmp_path) -> Iterator[Harness]:
    with SlackStandIn(team_id="T0001") as slack:
        runtime = make_runtime(
            tmp_path,
            slack,
            SLACK_CLIENT_ID="111.222",
            SLACK_CLIENT_SECRET="client-secret",
            IMPACT_PUBLIC_URL="https://impact.example.org",
        )
        store = DbInstallationStore(runtime.slack_installations())
        # an org-wide install of org E1, and a workspace install of T1 (in org E2)
        store.save(
            Installation(
                app_id="A0001",
                enterprise_id="E1",
                enterprise_name="Acme Org",
                team_id=None,
                bot_token="xoxb-org-token",
                bot_id="BORG",
                bot_user_id="UBOT",
                bot_scopes="commands,chat:write",
                user_id="UINSTALLER",
                is_enterprise_install=True,
            )
        )
        store.save(
            Installation(
                app_id="A0001",
                enterprise_id="E2",
                team_id="T1",
                team_name="Workspace One",
                bot_token="xoxb-t1-token",
                bot_id="BT1",
                bot_user_id="UBOT",
                bot_scopes="commands,chat:write",
                user_id="UINSTALLER",
            )
        )
        server, url = start(runtime)
        try:
            yield Harness(url, slack, runtime)
        finally:
            server.close()
            runtime.close()


def goals(harness):
    with session_scope(harness.runtime.engine) as s:
        return [(g.team_id, g.channel_id, g.metric) for g in s.exec(select(Goal))]


def command(harness, text, respond_to, **fields):
    body = {
        "command": "/impact",
        "text": text,
        "channel_id": "C1",
        "user_id": "U1",
        "response_url": harness.slack.response_url(respond_to),
        "trigger_id": "trig",
        "api_app_id": "A0001",
        **fields,
    }
    return harness.post(urlencode(body).encode(), "application/x-www-form-urlencoded")


def test_the_installations_are_stored_under_the_org_and_the_workspace(grid):
    with session_scope(grid.runtime.engine) as s:
        assert sorted((t.id, t.enterprise_id) for t in s.exec(select(Team))) == [
            ("E1", "E1"),
            ("T1", "E2"),
        ]


def test_a_command_from_a_workspace_of_an_org_wide_install_is_answered_for_the_org(grid):
    response = command(
        grid,
        "goal add signups +15% by Mar 31",
        "r",
        team_id="T5",
        team_domain="acme-sales",
        enterprise_id="E1",
        enterprise_name="Acme Org",
        is_enterprise_install="true",
    )
    assert response.status_code == 200
    assert "Goal set" in grid.responses("r")[0]["text"]
    assert goals(grid) == [("E1", "C1", "signups")]


def test_a_command_from_a_grid_workspace_install_is_answered_for_that_workspace(grid):
    command(
        grid,
        "goal add donations to 5,000 by Q1",
        "r",
        team_id="T1",
        team_domain="one",
        enterprise_id="E2",
        is_enterprise_install="false",
    )
    assert "Goal set" in grid.responses("r")[0]["text"]
    assert goals(grid) == [("T1", "C1", "donations")]


def test_org_wide_app_home_opened_with_no_team_shows_the_orgs_goals(grid):
    command(
        grid,
        "goal add signups +15% by Mar 31",
        "r",
        team_id="T5",
        enterprise_id="E1",
        is_enterprise_install="true",
    )
    grid.responses("r")
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": None,
            "enterprise_id": "E1",
            "api_app_id": "A0001",
            "event": {
                "type": "app_home_opened",
                "user": "U1",
                "channel": "D1",
                "tab": "home",
                "view": {"id": "VHOME", "team_id": "T5", "type": "home"},
            },
            "event_id": "EvHome",
            "event_time": int(time.time()),
            "is_ext_shared_channel": False,
            "authorizations": [
                {
                    "enterprise_id": "E1",
                    "team_id": None,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": True,
                }
            ],
        }
    ).encode()
    assert grid.post(body, "application/json").status_code == 200
    published = wait_for(lambda: grid.slack.requests("views.publish"))[0]
    assert published["_token"] == "xoxb-org-token" and published["user_id"] == "U1"
    assert "*signups +15%" in str(published["view"]["blocks"])


def test_interactivity_with_a_null_team_from_an_org_wide_install_is_the_orgs(grid):
    payload = {
        "type": "block_actions",
        "team": None,
        "enterprise": {"id": "E1", "name": "Acme Org"},
        "is_enterprise_install": True,
        "user": {"id": "U1", "team_id": "T5"},
        "api_app_id": "A0001",
        "trigger_id": "trig",
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "team_id": "T5"},
        "actions": [
            {"action_id": "home_schedule", "block_id": "b", "type": "button", "value": "x"}
        ],
    }
    assert grid.interaction(payload).status_code == 200
    opened = wait_for(lambda: grid.slack.requests("views.open"))[0]
    assert opened["_token"] == "xoxb-org-token"
    form = opened["view"]
    values = {
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C3"}},
        "day": {"value": {"type": "static_select", "selected_option": {"value": "0"}}},
        "time": {"value": {"type": "timepicker", "selected_time": "09:00"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Paris"}},
    }
    submission = {
        **payload,
        "type": "view_submission",
        "view": {**form, "id": "VFORM", "team_id": "T5", "state": {"values": values}},
    }
    submission.pop("actions"), submission.pop("container")
    assert grid.interaction(submission).status_code == 200
    from storage.tables import DigestSchedule

    def schedules():
        with session_scope(grid.runtime.engine) as s:
            return [(r.team_id, r.channel_id) for r in s.exec(select(DigestSchedule))]

    wait_for(schedules)
    assert schedules() == [("E1", "C3")]


def test_a_slack_connect_modal_is_answered_for_the_installing_workspace(grid):
    submission = {
        "type": "view_submission",
        "team": {"id": "T9", "domain": "partner"},  # the user's own workspace
        "user": {"id": "UPARTNER", "team_id": "T9"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "is_enterprise_install": False,
        "view": {
            "id": "V1",
            "type": "modal",
            "team_id": "T9",
            "app_installed_team_id": "T1",
            "callback_id": "goal_modal",
            "private_metadata": "|CSHARED",
            "state": {
                "values": {
                    "goal": {"text": {"type": "plain_text_input", "value": "leads +5% by Q2"}}
                }
            },
        },
    }
    assert grid.interaction(submission).status_code == 200
    told = wait_for(lambda: grid.slack.requests("chat.postEphemeral"))[0]
    assert told["_token"] == "xoxb-t1-token" and told["channel"] == "CSHARED"
    assert goals(grid) == [("T1", "CSHARED", "leads")]


def test_uninstalling_an_org_wide_install_forgets_the_orgs_token(grid):
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": None,
            "enterprise_id": "E1",
            "api_app_id": "A0001",
            "event": {"type": "app_uninstalled"},
            "event_id": "EvGone",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": "E1",
                    "team_id": None,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": True,
                }
            ],
        }
    ).encode()
    assert grid.post(body, "application/json").status_code == 200

    def org():
        with session_scope(grid.runtime.engine) as s:
            team = s.get(Team, "E1")
            return team.bot_token_enc is None and team.uninstalled_at is not None

    wait_for(org)
    with session_scope(grid.runtime.engine) as s:
        assert s.get(Team, "T1").bot_token_enc is not None  # another installation is untouched
