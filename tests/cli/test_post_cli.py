"""`impact digest --post` and `impact demo --post CHANNEL` against the Slack stand-in, and a
digest asked of a team or week without data."""

from __future__ import annotations

from tests.support.slack_api import SlackStandIn
from tests.support.standin import Reply

TOKEN = "xoxb-test-token-123"


def demo_db(impact) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{impact.folder / 'impact-demo' / 'demo.db'}"}


def test_demo_post_then_digest_post_reach_the_channel(impact):
    with SlackStandIn() as slack:
        slack_env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.api_url}
        shown = impact("demo", "--today", "2026-11-23", "--post", "C0SHOW", **slack_env)
        assert shown.code == 0, shown.both
        assert "Posted the demo digest to C0SHOW" in shown.out
        env = {**demo_db(impact), **slack_env}
        args = ("digest", "--team", "T0DEMO", "--channel", "C0DEMO", "--week", "2026-W47")
        posted = impact(*args, "--post", **env)
        assert posted.code == 0, posted.both
        assert "Posted the digest of Nov 16–22 to C0DEMO" in posted.out
        messages = slack.requests("chat.postMessage")
        uploads = slack.requests("files.completeUploadExternal")
    assert [m["channel"] for m in messages] == ["C0SHOW", "C0DEMO"]
    assert all(m["_token"] == TOKEN for m in messages)
    assert messages[1]["blocks"][0]["text"]["text"] == "Impact digest · Nov 16–22"
    assert len(uploads) == 2  # the chart in each thread
    assert TOKEN not in shown.both + posted.both


def test_post_without_a_token_or_channel_and_a_refusing_slack_are_explained(impact):
    impact("demo", "--today", "2026-11-23")
    args = ("digest", "--team", "T0DEMO", "--week", "2026-W47", "--post")
    no_channel = impact(*args, **demo_db(impact))
    assert no_channel.code == 2 and "--post needs --channel" in no_channel.err
    no_token = impact(*args, "--channel", "C0DEMO", **demo_db(impact))
    assert no_token.code == 1 and "set SLACK_BOT_TOKEN" in no_token.err
    with SlackStandIn() as slack:
        slack.reset()
        refusal = Reply(200, {"ok": False, "error": "channel_not_found"})
        slack.route("POST", "/api/chat.postMessage", refusal)
        env = {**demo_db(impact), "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.api_url}
        refused = impact(*args, "--channel", "C0GONE", **env)
    assert refused.code == 1
    assert "Slack did not post the digest to C0GONE: channel_not_found" in refused.err
    assert "/invite @Impact" in refused.err and TOKEN not in refused.both
    demo_post = impact("demo", "--today", "2026-11-23", "--post", "C0SHOW")
    assert demo_post.code == 1 and "set SLACK_BOT_TOKEN" in demo_post.err


def test_a_mistyped_team_or_a_week_without_data_is_not_a_quiet_week(impact):
    impact("demo", "--today", "2026-11-23")
    typo = impact("digest", "--team", "T0DEMOX", "--week", "2026-W47", **demo_db(impact))
    assert typo.code == 1 and "quiet week" not in typo.both.lower()
    assert "no data for team T0DEMOX in week 2026-W47 (Nov 16–22)" in typo.err
    assert "impact import FILE --team T0DEMOX" in typo.err
    early = impact("digest", "--team", "T0DEMO", "--week", "2020-W10", "--json", **demo_db(impact))
    assert early.code == 1 and early.out == ""
    assert "no data for team T0DEMO in week 2020-W10" in early.err
    assert "its data runs from 2026-" in early.err
