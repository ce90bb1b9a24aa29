"""`/impact connect <source>` by logging in to the platform, through HTTP end to end: the
command answers with a login link, the platform's stand-ins answer the code exchange and
the account listing in their documented shapes, and the browser lands on our callback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlmodel import select

from bot.logconfig import scrub
from storage.db import session_scope
from storage.tables import Connection, OAuthState, utcnow
from tests.slack.conftest import Harness, make_runtime, start
from tests.support.slack_api import SlackStandIn
from tests.support.standin import Reply, StandIn, json_file

PUBLIC = "https://impact.example.com"
APP_SECRET = "meta-app-secret-value"
GOOGLE_SECRET = "google-client-secret-value"


def page(page_id: str, name: str, token: str, instagram: dict | None = None) -> dict:
    row = {"id": page_id, "name": name, "access_token": token, "category": "Nonprofit"}
    if instagram:
        row["instagram_business_account"] = instagram
    return row


@pytest.fixture
def login(tmp_path) -> Iterator[tuple[Harness, StandIn]]:
    """The app with a Meta app and a Google client set; one stand-in plays Graph, Google's
    token endpoint, the Analytics Admin API and the GA4 Data API."""
    with SlackStandIn() as slack, StandIn() as platform:
        platform.route(
            "GET",
            "/v23.0/oauth/access_token",
            lambda call: Reply(
                200,
                {"access_token": "EAAlong" if "fb_exchange_token" in call.query else "EAAshort"},
            ),
        )
        platform.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        platform.route("GET", "/v23.0/5678", {"id": "5678", "name": "Tide Watch"})
        runtime = make_runtime(
            tmp_path,
            slack,
            SLACK_BOT_TOKEN="xoxb-test-token",
            IMPACT_PUBLIC_URL=PUBLIC,
            IMPACT_META_APP_ID="111",
            IMPACT_META_APP_SECRET=APP_SECRET,
            IMPACT_GOOGLE_CLIENT_ID="goog-client.apps.googleusercontent.com",
            IMPACT_GOOGLE_CLIENT_SECRET=GOOGLE_SECRET,
            IMPACT_FACEBOOK_BASE_URL=platform.url,
            IMPACT_INSTAGRAM_BASE_URL=platform.url,
            IMPACT_GA4_BASE_URL=platform.url,
            IMPACT_GOOGLE_OAUTH_BASE_URL=platform.url,
            IMPACT_GOOGLE_ADMIN_BASE_URL=platform.url,
            IMPACT_HTTP_MAX_RETRIES="0",
        )
        server, url = start(runtime)
        try:
            yield Harness(url, slack, runtime), platform
        finally:
            server.close()
            runtime.close()


def login_link(harness: Harness, source: str, respond_to: str = "c1") -> str:
    assert harness.command(f"connect {source}", respond_to=respond_to).status_code == 200
    answer = harness.responses(respond_to)[0]
    assert answer["response_type"] == "ephemeral"
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return buttons[0]["url"]


def state_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["state"][0]


def callback(harness: Harness, source: str, **params: str) -> requests.Response:
    return requests.get(f"{harness.url}/connect/{source}/callback", params=params, timeout=10)


def connections(harness: Harness) -> list[tuple[str, str, str | None, dict]]:
    vault = harness.runtime.require_vault()
    with session_scope(harness.runtime.engine) as session:
        return [
            (c.source, c.external_id, c.display_name, vault.decrypt(c.credentials_enc))
            for c in session.exec(select(Connection).order_by(Connection.id))
        ]


def test_connect_answers_with_a_facebook_login_link(login):
    harness, _ = login
    link = login_link(harness, "facebook")
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.netloc == "www.facebook.com" and parts.path == "/v23.0/dialog/oauth"
    assert query["client_id"] == "111"
    assert query["redirect_uri"] == f"{PUBLIC}/connect/facebook/callback"
    assert "read_insights" in query["scope"] and query["response_type"] == "code"
    assert harness.slack.requests("views.open") == []  # no token form
    with session_scope(harness.runtime.engine) as session:
        row = session.get(OAuthState, query["state"])
        assert row is not None and (row.team_id, row.channel_id) == ("T1", "C1")


def test_a_login_with_one_page_connects_it_and_tells_the_channel(login, caplog):
    harness, platform = login
    platform.route("GET", "/v23.0/me/accounts", {"data": [page("1234", "River Keepers", "PT1")]})
    state = state_of(login_link(harness, "facebook"))
    caplog.set_level(logging.DEBUG)

    landed = callback(harness, "facebook", code="code-abc", state=state)

    assert landed.status_code == 200 and "text/html" in landed.headers["Content-Type"]
    assert "Connected River Keepers" in landed.text
    assert landed.headers["Referrer-Policy"] == "no-referrer"
    exchange, extend = platform.calls("GET", "/v23.0/oauth/access_token")
    assert exchange.query["code"] == ["code-abc"]
    assert exchange.query["redirect_uri"] == [f"{PUBLIC}/connect/facebook/callback"]
    assert extend.query["fb_exchange_token"] == ["EAAshort"]
    listing = platform.calls("GET", "/v23.0/me/accounts")[0]
    assert listing.headers["Authorization"] == "Bearer EAAlong"
    assert connections(harness) == [
        ("facebook", "1234", "River Keepers", {"page_id": "1234", "access_token": "PT1"})
    ]
    told = harness.responses("c1", count=2)[1]
    assert "Connected *River Keepers*" in told["text"] and told["response_type"] == "ephemeral"
    # secrets never reach the log (as our handler writes it, even at DEBUG) or the page
    for secret in (APP_SECRET, "code-abc", "PT1", "EAAshort", "EAAlong"):
        assert secret not in scrub(caplog.text) and secret not in landed.text
    # the link works once
    again = callback(harness, "facebook", code="code-abc", state=state)
    assert again.status_code == 400 and "expired" in again.text
    assert "/impact connect facebook" in again.text
    assert len(connections(harness)) == 1


def test_a_login_reaching_several_pages_lets_the_user_pick_one(login):
    harness, platform = login
    second = f"{platform.url}/v23.0/me/accounts?after=abc"
    platform.route(
        "GET",
        "/v23.0/me/accounts",
        lambda call: (
            Reply(200, {"data": [page("5678", "Tide Watch", "PT2")]})
            if call.query.get("after")
            else Reply(
                200,
                {
                    "data": [page("1234", "River Keepers", "PT1")],
                    "paging": {"cursors": {"after": "abc"}, "next": second},
                },
            )
        ),
    )
    state = state_of(login_link(harness, "facebook"))

    chooser = callback(harness, "facebook", code="code-abc", state=state)

    assert chooser.status_code == 200
    assert "River Keepers" in chooser.text and "Tide Watch" in chooser.text
    assert "PT1" not in chooser.text and "PT2" not in chooser.text  # tokens stay on our side
    assert connections(harness) == []
    form_state = chooser.text.split('name="state" value="')[1].split('"')[0]
    assert form_state != state
    picked = requests.post(
        f"{harness.url}/connect/facebook/callback",
        data={"state": form_state, "account": "5678"},
        timeout=10,
    )
    assert picked.status_code == 200 and "Connected Tide Watch" in picked.text
    assert connections(harness) == [
        ("facebook", "5678", "Tide Watch", {"page_id": "5678", "access_token": "PT2"})
    ]
    replay = requests.post(
        f"{harness.url}/connect/facebook/callback",
        data={"state": form_state, "account": "1234"},
        timeout=10,
    )
    assert replay.status_code == 400 and len(connections(harness)) == 1


def test_a_declined_login_stores_nothing(login):
    harness, platform = login
    state = state_of(login_link(harness, "facebook"))
    landed = callback(harness, "facebook", error="access_denied", state=state)
    assert landed.status_code == 200 and "cancelled" in landed.text
    assert platform.calls("GET", "/v23.0/oauth/access_token") == []
    assert connections(harness) == []


def test_a_refused_code_says_why_and_stores_nothing(login):
    harness, platform = login
    platform.route(
        "GET",
        "/v23.0/oauth/access_token",
        Reply(
            400,
            {
                "error": {
                    "message": "This authorization code has been used.",
                    "type": "OAuthException",
                    "code": 100,
                }
            },
        ),
        times=1,
    )
    state = state_of(login_link(harness, "facebook"))
    landed = callback(harness, "facebook", code="old-code", state=state)
    assert landed.status_code == 502
    assert "This authorization code has been used." in landed.text
    assert "Nothing was stored" in landed.text
    told = harness.responses("c1", count=2)[1]
    assert "Facebook is not connected" in told["text"]
    assert connections(harness) == []


def test_an_unknown_state_is_refused(login):
    harness, platform = login
    landed = callback(harness, "facebook", code="code-abc", state="made-up")
    assert landed.status_code == 400 and "expired" in landed.text
    assert platform.calls("GET", "/v23.0/oauth/access_token") == []
    # a state issued for Facebook does not open the GA4 door
    state = state_of(login_link(harness, "facebook"))
    assert callback(harness, "ga4", code="c", state=state).status_code == 400


def test_instagram_connects_the_account_linked_to_a_page(login):
    harness, platform = login
    platform.route(
        "GET",
        "/v23.0/me/accounts",
        {
            "data": [
                page("1234", "River Keepers", "PT1"),  # no Instagram account linked
                page("5678", "Tide Watch", "PT2", {"id": "17841", "username": "tidewatch"}),
            ]
        },
    )
    platform.route("GET", "/v23.0/17841", {"id": "17841", "username": "tidewatch"})
    link = login_link(harness, "instagram")
    assert "instagram_manage_insights" in parse_qs(urlsplit(link).query)["scope"][0]
    landed = callback(harness, "instagram", code="c", state=state_of(link))
    assert landed.status_code == 200 and "Connected @tidewatch" in landed.text
    assert connections(harness) == [
        ("instagram", "17841", "@tidewatch", {"ig_user_id": "17841", "access_token": "PT2"})
    ]


def test_instagram_without_a_linked_account_explains_what_to_do(login):
    harness, platform = login
    platform.route("GET", "/v23.0/me/accounts", {"data": [page("1234", "River Keepers", "PT1")]})
    link = login_link(harness, "instagram")
    landed = callback(harness, "instagram", code="c", state=state_of(link))
    assert landed.status_code == 200 and "Link the account to a Page" in landed.text
    assert connections(harness) == []


def test_ga4_login_stores_a_refresh_token_for_the_property(login):
    harness, platform = login
    platform.route(
        "POST",
        "/token",
        lambda call: Reply(
            200,
            {"access_token": "ya29.first", "expires_in": 3599, "refresh_token": "1//refresh"}
            if call.form()["grant_type"] == ["authorization_code"]
            else {"access_token": "ya29.refreshed", "expires_in": 3599},
        ),
    )
    platform.route(
        "GET",
        "/v1beta/accountSummaries",
        {
            "accountSummaries": [
                {
                    "name": "accountSummaries/1000",
                    "account": "accounts/1000",
                    "displayName": "River Keepers",
                    "propertySummaries": [
                        {"property": "properties/987654", "displayName": "riverkeepers.org"}
                    ],
                }
            ]
        },
    )
    platform.route("GET", "/v1beta/properties/987654/metadata", {"name": "x/metadata"})
    link = login_link(harness, "ga4")
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert query["access_type"] == ["offline"] and "analytics.readonly" in query["scope"][0]

    landed = callback(harness, "ga4", code="4/code", state=state_of(link))

    assert landed.status_code == 200, landed.text
    assert "Connected GA4 property 987654" in landed.text
    exchange = platform.calls("POST", "/token")[0].form()
    assert exchange["code"] == ["4/code"] and exchange["client_secret"] == [GOOGLE_SECRET]
    assert exchange["redirect_uri"] == [f"{PUBLIC}/connect/ga4/callback"]
    listing = platform.calls("GET", "/v1beta/accountSummaries")[0]
    assert listing.headers["Authorization"] == "Bearer ya29.first"
    [(source, external_id, _, credentials)] = connections(harness)
    assert (source, external_id) == ("ga4", "987654")
    assert credentials["refresh_token"] == "1//refresh"
    # the connector's own check refreshed the token, as every sync will
    check = platform.calls("GET", "/v1beta/properties/987654/metadata")[0]
    assert check.headers["Authorization"] == "Bearer ya29.refreshed"


def test_the_token_form_stays_available(login):
    harness, _ = login
    harness.command("connect facebook token")
    opened = harness.slack.requests("views.open")[0]["view"]
    assert opened["callback_id"] == "connect_modal"


def test_the_login_button_click_is_acknowledged(login):
    """Slack also tells the app when a link button is clicked; an unanswered click shows the
    user a warning sign next to the button."""
    harness, _ = login
    clicked = harness.interaction(
        {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "api_app_id": "A0001",
            "trigger_id": "t",
            "channel": {"id": "C1"},
            "container": {"type": "message"},
            "actions": [{"action_id": "connect_login", "block_id": "b", "type": "button"}],
        }
    )
    assert clicked.status_code == 200


def test_an_expired_link_is_refused_and_swept_away(login):
    harness, platform = login
    state = state_of(login_link(harness, "facebook"))
    with session_scope(harness.runtime.engine) as session:
        row = session.get(OAuthState, state)
        row.expires_at = utcnow() - timedelta(seconds=1)
    landed = callback(harness, "facebook", code="code-abc", state=state)
    assert landed.status_code == 400 and "expired" in landed.text
    assert platform.calls("GET", "/v23.0/oauth/access_token") == []
    with session_scope(harness.runtime.engine) as session:
        stale = OAuthState(
            state="abandoned", purpose="ga4", team_id="T1", expires_at=utcnow() - timedelta(1)
        )
        session.add(stale)
    login_link(harness, "ga4", respond_to="c2")
    with session_scope(harness.runtime.engine) as session:
        assert session.get(OAuthState, "abandoned") is None


def test_without_a_meta_app_the_callback_says_to_use_a_token(harness):
    landed = requests.get(
        f"{harness.url}/connect/facebook/callback", params={"code": "c", "state": "s"}, timeout=10
    )
    assert landed.status_code == 404
    assert "/impact connect facebook" in landed.text and "token" in landed.text
