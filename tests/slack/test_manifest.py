"""The manifest asks for exactly the scopes the app uses, and points at its routes."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.app import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def test_manifest_scopes_events_and_urls():
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/impact" and command["url"].endswith("/slack/events")
    events = manifest["settings"]["event_subscriptions"]
    assert events["request_url"].endswith("/slack/events")
    assert set(events["bot_events"]) == {
        "message.channels",
        "message.groups",
        "app_mention",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert len(manifest["display_information"]["name"]) <= 35
