"""The Slack stand-in answers like Slack and enforces the per-channel post rate."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.slack_api import SlackStandIn


def test_post_is_recorded_and_second_post_within_a_second_is_rate_limited():
    with SlackStandIn(per_channel_interval=1.0) as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        first = client.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
        assert first["ok"] and first["ts"]
        try:
            client.chat_postMessage(channel="C1", text="again")
            raise AssertionError("expected a 429")
        except SlackApiError as err:
            assert err.response.status_code == 429
            assert err.response.headers["Retry-After"] == "1"
        client.chat_postMessage(channel="C2", text="other channel is fine")
        sent = slack.requests("chat.postMessage")
        assert sent[0]["blocks"] == [{"type": "divider"}] and sent[0]["_token"] == "xoxb-test"
        assert [s["channel"] for s in sent] == ["C1", "C1", "C2"]
