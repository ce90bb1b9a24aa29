"""Multi-workspace install: Add to Slack, the OAuth callback, per-team tokens, uninstall."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from sqlmodel import select

from storage.db import session_scope
from storage.tables import Team
from tests.slack.conftest import Harness, make_runtime, start, wait_for
from tests.support.slack_api import SlackStandIn


@pytest.fixture
def oauth(tmp_path) -> Iterator[Harness]:
    with SlackStandIn(team_id="T0001") as slack:
        runtime = make_runtime(
            tmp_path,
            slack,
            SLACK_CLIENT_ID="111.222",
            SLACK_CLIENT_SECRET="client-secret",
            IMPACT_PUBLIC_URL="https://impact.example.org",
        )
        server, url = start(runtime)
        try:
            yield Harness(url, slack, runtime)
        finally:
            server.close()
            runtime.close()


def teams(harness):
    with session_scope(harness.runtime.engine) as s:
        return s.exec(select(Team)).all()


def install(harness) -> tuple[str, requests.Session]:
    browser = requests.Session()
    page = browser.get(f"{harness.url}/slack/install", timeout=5)
    # the state cookie is Secure; this browser talks plain HTTP to the test server
    browser.headers["Cookie"] = page.headers["Set-Cookie"].split(";")[0]
    assert page.status_code == 200
    state = re.search(r"state=([\w-]+)", page.text).group(1)
    assert "client_id=111.222" in page.text and "chat:write,chat:write.public" in page.text
    assert "redirect_uri=https://impact.example.org/slack/oauth_redirect" in page.text
    return state, browser


def test_bad_state_ends_on_an_error_page_and_stores_nothing(oauth):
    answer = requests.get(f"{oauth.url}/slack/oauth_redirect?code=abc&state=forged", timeout=5)
    assert answer.status_code >= 400 and "Installation did not finish" in answer.text
    assert teams(oauth) == [] and oauth.slack.requests("oauth.v2.access") == []


def test_install_stores_an_encrypted_token_used_for_that_team(oauth):
    state, browser = install(oauth)
    done = browser.get(f"{oauth.url}/slack/oauth_redirect?code=the-code&state={state}", timeout=5)
    assert done.status_code == 200 and "Impact is installed" in done.text
    exchange = oauth.slack.requests("oauth.v2.access")[0]
    assert exchange["code"] == "the-code"
    [team] = teams(oauth)
    assert team.id == "T0001" and team.bot_user_id == "UBOT"
    assert team.bot_token_enc and b"xoxb-installed-token" not in team.bot_token_enc
    again = browser.get(f"{oauth.url}/slack/oauth_redirect?code=the-code&state={state}", timeout=5)
    assert again.status_code >= 400  # a state works once

    oauth.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, team="T0001"
    )
    published = wait_for(lambda: oauth.slack.requests("views.publish"))[0]
    assert published["_token"] == "xoxb-installed-token"

    oauth.event({"type": "app_uninstalled"}, team="T0001", event_id="Ev-un")
    wait_for(lambda: teams(oauth)[0].uninstalled_at is not None)
    assert teams(oauth)[0].bot_token_enc is None
