"""`impact connect`, `impact sync`, `impact connections` and `impact feed create` end to end."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main
from storage.crypto import generate_key
from tests.integrations.test_sync import daily_insights
from tests.support.standin import Reply, StandIn, json_file


def test_connect_sync_and_list(tmp_path):
    with StandIn() as api:
        api.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        api.route("GET", "/v23.0/1234/insights", daily_insights)
        api.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            "IMPACT_FACEBOOK_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        runner = CliRunner()
        connected = runner.invoke(
            main,
            ["connect", "facebook", "--team", "T1"],
            input="1234\nEAAsecretToken123456789012345\n",
            env=env,
        )
        assert connected.exit_code == 0, connected.output
        assert "Connected River Keepers (facebook)" in connected.output
        assert "EAAsecretToken" not in connected.output
        synced = runner.invoke(main, ["sync", "--team", "T1", "--since", "2026-06-01"], env=env)
        assert synced.exit_code == 0, synced.output
        assert "River Keepers (facebook): ok" in synced.output and " points" in synced.output
        listed = runner.invoke(main, ["connections", "--team", "T1"], env=env)
        assert "facebook" in listed.output and "ok" in listed.output and "synced" in listed.output
        feed = runner.invoke(main, ["feed", "create", "Donorbox", "--team", "T1"], env=env)
        assert "/webhooks/outcomes/donorbox-" in feed.output and "secret: " in feed.output


def test_connect_without_a_key_says_how_to_make_one(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "IMPACT_SECRET_KEY": ""}
    result = CliRunner().invoke(main, ["feed", "create", "x", "--team", "T1"], env=env)
    assert result.exit_code == 1 and "impact keygen" in result.output
