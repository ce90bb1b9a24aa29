"""Every hint names a command that works for that source and team (issue 16, item 10)."""

from __future__ import annotations

import re

import pytest

from bot.core import catalogue
from bot.core.commands import parse_command
from integrations.registry import CONNECTORS

#: Every social platform of the catalogue (product.md section 1).
PLATFORMS = [s.name for s in catalogue.SOURCES.values() if s.platform]

CONNECT = re.compile(r"`/impact connect ?([^`]*)`")


def assert_every_command_works(text, team="T1"):
    """Each `/impact connect X` named connects X (or is the webhook feed's instructions),
    and a `--team` names the team, not a placeholder."""
    for source in CONNECT.findall(text):
        assert source.strip(), f"a hint names `/impact connect ` with no source: {text}"
        assert source in CONNECTORS or source == "webhook", f"`/impact connect {source}`: {text}"
        parse_command(f"connect {source}")  # and it is a command that parses
    assert "<team id>" not in text and "YOUR_TEAM_ID" not in text, text
    for team_id in re.findall(r"--team (\S+?)`", text):
        assert team_id == team, text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_connect_a_social_platform_opens_its_form_and_never_says_not_connectable(harness, platform):
    """Since issue 14 every social platform has a connector: `/impact connect <platform>`
    (no platform login set up in this harness) opens that platform's token form. This
    replaces the test of the "not connectable, import a CSV" answer for a platform without
    a connector, which no platform reaches any more; that answer's wording is still
    checked, purely, in tests/core/test_hints.py with a smaller set of connectable sources."""
    assert platform in CONNECTORS
    harness.command(f"connect {platform}", respond_to="p")
    opened = harness.slack.requests("views.open")
    assert len(opened) == 1 and opened[0]["view"]["callback_id"] == "connect_modal"
    assert platform in str(opened[0]["view"])
    assert harness.slack.responses("p") == []  # no "not connectable" answer


def test_connect_webhook_names_the_team(harness):
    harness.command("connect webhook", team="T7", respond_to="w")
    text = harness.responses("w")[0]["text"]
    assert "--team T7`" in text
    assert_every_command_works(text, team="T7")


def test_no_connections_and_nothing_to_sync_name_commands_that_work(harness):
    harness.command("connect", respond_to="c")
    listed = harness.responses("c")[0]["text"]
    assert "`impact import FILE --team T1`" in listed
    assert_every_command_works(listed)
    harness.command("sync", respond_to="y")
    synced = str(harness.responses("y")[0]["blocks"])
    assert "Nothing to sync" in synced and "<source>" not in synced
    assert_every_command_works(synced)
    harness.command("sync tiktok", respond_to="yt")
    tiktok = str(harness.responses("yt")[0]["blocks"])
    assert "`/impact connect tiktok`" in tiktok  # connectable since issue 14
    assert_every_command_works(tiktok)


@pytest.mark.parametrize(
    ("goal", "says"),
    [
        ("interactions +10% by Mar 31", "`/impact connect instagram`"),
        ("engagement rate 3% on tiktok by Dec 15", "`/impact connect tiktok`"),
        ("linkedin link clicks +10% by Mar 31", "`impact import FILE --team T1`"),
        ("instagram link clicks +10% by Mar 31", "`/impact connect instagram`"),
        ("signups +15% by Mar 31", "`/impact connect ga4`"),
    ],
)
def test_a_goal_without_data_says_how_to_provide_it_with_a_command_that_works(harness, goal, says):
    harness.command(f"goal add {goal}", respond_to="g")
    assert "Goal set" in harness.responses("g")[0]["text"]
    harness.command("goals", respond_to="list")
    listed = str(harness.responses("list")[0]["blocks"])
    assert says in listed
    assert_every_command_works(listed)
    harness.command("status", respond_to="status")
    assert_every_command_works(str(harness.responses("status")[0]["blocks"]))
