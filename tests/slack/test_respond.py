"""The kept-alive responder posts Bolt's payload shape and never raises at the user."""

from __future__ import annotations

import logging
import socket

from bot.slack.respond import KeepAliveRespond, _session
from tests.support.slack_api import SlackStandIn


def test_posts_bolts_payload_and_reuses_the_connection():
    with SlackStandIn() as slack:
        respond = KeepAliveRespond(slack.response_url("k"))
        assert respond(text="hi", response_type="ephemeral") == 200
        assert respond(text="again", blocks=[{"type": "divider"}], replace_original=True) == 200
        first, second = slack.responses("k")
        port = int(slack.url.rsplit(":", 1)[1])
        pools = _session().get_adapter(slack.url).poolmanager.pools
        keys = pools.keys()  # urllib3's pool container cannot be iterated itself
        opened = [pools[key].num_connections for key in keys if key.key_port == port]
        assert opened == [1]  # the second answer reused the first's connection
    assert first == {"text": "hi", "response_type": "ephemeral"}
    assert second == {"text": "again", "blocks": [{"type": "divider"}], "replace_original": True}


def test_an_unreachable_url_is_logged_not_raised(caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="bot.slack.respond"):
        assert KeepAliveRespond(f"http://127.0.0.1:{port}/x", timeout=2)(text="hi") == 0
    assert "respond.failed error=ConnectionError" in caplog.text
