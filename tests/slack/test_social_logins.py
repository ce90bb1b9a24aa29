"""`/impact connect <source>` by the platform's login for LinkedIn, YouTube, TikTok,
Pinterest, Threads and X, through HTTP end to end: the command answers with the login link,
one stand-in answers the token endpoint and the account listing in each platform's
documented shape (and the connector's check), and the browser lands on our callback."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bot.logconfig import scrub
from bot.settings import Settings
from tests.slack.conftest import Harness, make_runtime, start
from tests.slack.test_platform_login import callback, connections, login_link, state_of
from tests.support.slack_api import SlackStandIn
from tests.support.standin import Call, Reply, StandIn, json_file

PUBLIC = "https://impact.example.com"
GOOGLE_SECRET = "google-client-secret-value"
#: login -> (client id, secret) of the platform app
APPS = {
    "linkedin": ("li-client", "li-secret-value"),
    "tiktok": ("tt-client-key", "tt-secret-value"),
    "pinterest": ("1484000", "pin-secret-value"),
    "threads": ("990602627938098", "th-secret-value"),
    "x": ("x-client-id", "x-secret-value"),
}


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@dataclass
class Case:
    """One platform's login: where the link goes, what the stand-in answers, what is stored."""

    source: str
    host: str
    path: str
    client_param: str
    scopes: set[str]
    token_path: str
    token_answer: dict[str, Any]
    routes: dict[tuple[str, str], Any]
    connected: str
    stored: dict[str, Any]
    #: the secrets that must reach no page and no log
    secrets: tuple[str, ...]
    extra_query: dict[str, str] = field(default_factory=dict)


CASES = {
    "linkedin": Case(
        "linkedin",
        "www.linkedin.com",
        "/oauth/v2/authorization",
        "client_id",
        {"r_organization_admin", "r_organization_social"},
        "/oauth/v2/accessToken",
        {
            "access_token": "AQVliLoginToken",
            "expires_in": 5184000,
            "refresh_token": "AQWliRefresh",
            "refresh_token_expires_in": 31536000,
        },
        {
            ("GET", "/rest/organizationAcls"): {
                "elements": [
                    {
                        "organization": "urn:li:organization:2414183",
                        "role": "ADMINISTRATOR",
                        "roleAssignee": "urn:li:person:K9xT",
                        "state": "APPROVED",
                    }
                ],
                "paging": {"count": 100, "start": 0, "total": 1},
            },
            ("GET", "/rest/organizations/2414183"): json_file("linkedin/organization.json"),
        },
        "River Keepers",
        {
            "organization_id": "2414183",
            "access_token": "AQVliLoginToken",
            "refresh_token": "AQWliRefresh",
            "client_id": "li-client",
            "client_secret": "li-secret-value",
        },
        ("AQVliLoginToken", "AQWliRefresh", "li-secret-value"),
    ),
    "youtube": Case(
        "youtube",
        "accounts.google.com",
        "/o/oauth2/v2/auth",
        "client_id",
        {
            "https://www.googleapis.com/auth/yt-analytics.readonly",
            "https://www.googleapis.com/auth/youtube.readonly",
        },
        "/token",
        {"access_token": "ya29.first", "expires_in": 3599, "refresh_token": "1//ytrefresh"},
        {
            ("GET", "/youtube/v3/channels"): {
                "kind": "youtube#channelListResponse",
                "items": [{"id": "UCriverKeepers0000000001", "snippet": {"title": "River TV"}}],
            },
        },
        "River TV",
        {
            "channel_id": "UCriverKeepers0000000001",
            "refresh_token": "1//ytrefresh",
            "client_id": "goog-client.apps.googleusercontent.com",
            "client_secret": GOOGLE_SECRET,
        },
        ("ya29.first", "1//ytrefresh", GOOGLE_SECRET),
        {"access_type": "offline"},
    ),
    "tiktok": Case(
        "tiktok",
        "www.tiktok.com",
        "/v2/auth/authorize/",
        "client_key",
        {"user.info.basic", "video.list"},
        "/v2/oauth/token/",
        {
            "access_token": "act.ttLoginToken",
            "expires_in": 86400,
            "open_id": "-000riverkeepers-open-id",
            "refresh_expires_in": 31536000,
            "refresh_token": "rft.ttRefresh",
            "scope": "user.info.basic,video.list",
            "token_type": "Bearer",
        },
        {("GET", "/v2/user/info/"): json_file("tiktok/user_info.json")},
        "River Keepers",
        {
            "access_token": "act.ttLoginToken",
            "refresh_token": "rft.ttRefresh",
            "client_key": "tt-client-key",
            "client_secret": "tt-secret-value",
        },
        ("act.ttLoginToken", "rft.ttRefresh", "tt-secret-value"),
    ),
    "pinterest": Case(
        "pinterest",
        "www.pinterest.com",
        "/oauth/",
        "client_id",
        {"user_accounts:read", "pins:read"},
        "/v5/oauth/token",
        {
            "access_token": "pina_LoginToken",
            "refresh_token": "pinr_Refresh",
            "response_type": "authorization_code",
            "token_type": "bearer",
            "expires_in": 2592000,
            "refresh_token_expires_in": 31536000,
            "scope": "user_accounts:read pins:read",
        },
        {("GET", "/v5/user_account"): json_file("pinterest/user_account.json")},
        "River Keepers",
        {
            "access_token": "pina_LoginToken",
            "refresh_token": "pinr_Refresh",
            "client_id": "1484000",
            "client_secret": "pin-secret-value",
        },
        ("pina_LoginToken", "pinr_Refresh", "pin-secret-value"),
    ),
    "threads": Case(
        "threads",
        "threads.com",
        "/oauth/authorize",
        "client_id",
        {"threads_basic", "threads_manage_insights"},
        "/oauth/access_token",
        {"access_token": "THshortLived", "user_id": 17841400000000001},
        {
            ("GET", "/access_token"): {
                "access_token": "THlongLived",
                "token_type": "bearer",
                "expires_in": 5183944,
            },
            ("GET", "/v1.0/me"): json_file("threads/user.json"),
            ("GET", "/v1.0/17841400000000001"): json_file("threads/user.json"),
        },
        "riverkeepers",
        {"user_id": "17841400000000001", "access_token": "THlongLived"},
        ("THshortLived", "THlongLived", "th-secret-value"),
    ),
    "x": Case(
        "x",
        "x.com",
        "/i/oauth2/authorize",
        "client_id",
        {"tweet.read", "users.read", "offline.access"},
        "/2/oauth2/token",
        {
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "xLoginToken",
            "scope": "tweet.read users.read offline.access",
            "refresh_token": "xRefresh",
        },
        {
            ("GET", "/2/users/me"): json_file("x/user.json"),
            ("GET", "/2/users/1500000000000000001"): json_file("x/user.json"),
        },
        "River Keepers",
        {
            "user_id": "1500000000000000001",
            "access_token": "xLoginToken",
            "refresh_token": "xRefresh",
            "client_id": "x-client-id",
            "client_secret": "x-secret-value",
        },
        ("xLoginToken", "xRefresh", "x-secret-value"),
        {"code_challenge_method": "S256"},
    ),
}


def google_token(call: Call) -> Reply:
    form = call.form()
    if form["grant_type"] == ["authorization_code"]:
        return Reply(200, CASES["youtube"].token_answer)
    return Reply(200, {"access_token": "ya29.refreshed", "expires_in": 3599})


@pytest.fixture
def social(tmp_path) -> Iterator[tuple[Harness, StandIn]]:
    """The app with every platform's app set; one stand-in plays all their APIs and token
    endpoints (each source's base URL points at it)."""
    with SlackStandIn() as slack, StandIn() as platform:
        env = {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "IMPACT_PUBLIC_URL": PUBLIC,
            "IMPACT_GOOGLE_CLIENT_ID": "goog-client.apps.googleusercontent.com",
            "IMPACT_GOOGLE_CLIENT_SECRET": GOOGLE_SECRET,
            "IMPACT_GOOGLE_OAUTH_BASE_URL": platform.url,
            "IMPACT_HTTP_MAX_RETRIES": "0",
        }
        for login, (client_id, secret) in APPS.items():
            env[f"IMPACT_{login.upper()}_CLIENT_ID"] = client_id
            env[f"IMPACT_{login.upper()}_CLIENT_SECRET"] = secret
        for source in CASES:
            env[f"IMPACT_{source.upper()}_BASE_URL"] = platform.url
        runtime = make_runtime(tmp_path, slack, **env)
        server, url = start(runtime)
        try:
            yield Harness(url, slack, runtime), platform
        finally:
            server.close()
            runtime.close()


def route(platform: StandIn, case: Case) -> None:
    if case.source == "youtube":
        platform.route("POST", "/token", google_token)
    else:
        platform.route("POST", case.token_path, Reply(200, case.token_answer))
    for (method, path), handler in case.routes.items():
        platform.route(method, path, handler)


@pytest.mark.parametrize("source", sorted(CASES))
def test_each_platform_login_connects_through_the_callback(social, source, caplog):
    harness, platform = social
    case = CASES[source]
    route(platform, case)
    link = login_link(harness, source)
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert (parts.netloc, parts.path) == (case.host, case.path)
    client_id = APPS[source][0] if source in APPS else "goog-client.apps.googleusercontent.com"
    assert query[case.client_param] == client_id
    assert query["redirect_uri"] == f"{PUBLIC}/connect/{source}/callback"
    assert set(query["scope"].replace(",", " ").split()) == case.scopes  # least privilege
    assert query.items() >= case.extra_query.items()
    caplog.set_level(logging.DEBUG)

    landed = callback(harness, source, code="code-abc", state=query["state"])

    assert landed.status_code == 200, landed.text
    assert f"Connected {case.connected}" in landed.text
    [(stored_source, _external, name, credentials)] = connections(harness)
    assert (stored_source, name) == (source, case.connected)
    expires_at = credentials.pop("expires_at", None)
    assert credentials == case.stored
    if "refresh_token" in case.stored and source != "youtube":
        assert expires_at is not None  # when to renew
    exchange = platform.calls("POST", case.token_path)[0]
    form = exchange.form()
    assert form["code"] == ["code-abc"] and form["grant_type"] == ["authorization_code"]
    assert form["redirect_uri"] == [f"{PUBLIC}/connect/{source}/callback"]
    told = harness.responses("c1", count=2)[1]
    assert f"Connected *{case.connected}*" in told["text"]
    for secret in (*case.secrets, "code-abc"):
        assert secret not in scrub(caplog.text) and secret not in landed.text


def test_tiktok_sends_its_client_key_and_secret_in_the_form(social):
    harness, platform = social
    route(platform, CASES["tiktok"])
    callback(harness, "tiktok", code="c", state=state_of(login_link(harness, "tiktok")))
    form = platform.calls("POST", "/v2/oauth/token/")[0].form()
    assert form["client_key"] == ["tt-client-key"] and form["client_secret"] == ["tt-secret-value"]
    assert "client_id" not in form


def test_x_uses_pkce_and_a_basic_header(social):
    harness, platform = social
    route(platform, CASES["x"])
    link = login_link(harness, "x")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    callback(harness, "x", code="c", state=query["state"])
    exchange = platform.calls("POST", "/2/oauth2/token")[0]
    verifier = exchange.form()["code_verifier"][0]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == digest.decode()  # the verifier kept with the state
    assert verifier not in link
    assert exchange.headers["Authorization"] == basic("x-client-id", "x-secret-value")
    assert "client_secret" not in exchange.form()


def test_pinterest_authenticates_with_a_basic_header_only(social):
    harness, platform = social
    route(platform, CASES["pinterest"])
    callback(harness, "pinterest", code="c", state=state_of(login_link(harness, "pinterest")))
    exchange = platform.calls("POST", "/v5/oauth/token")[0]
    assert exchange.headers["Authorization"] == basic("1484000", "pin-secret-value")
    assert "client_secret" not in exchange.form() and "client_id" not in exchange.form()


def test_threads_trades_the_short_token_for_a_long_lived_one(social):
    harness, platform = social
    route(platform, CASES["threads"])
    callback(harness, "threads", code="c", state=state_of(login_link(harness, "threads")))
    extend = platform.calls("GET", "/access_token")[0]
    assert extend.query["grant_type"] == ["th_exchange_token"]
    assert extend.query["access_token"] == ["THshortLived"]
    listing = platform.calls("GET", "/v1.0/me")[0]
    assert listing.headers["Authorization"] == "Bearer THlongLived"


def test_a_linkedin_login_with_several_pages_offers_a_choice(social):
    harness, platform = social
    case = CASES["linkedin"]
    platform.route("POST", case.token_path, Reply(200, case.token_answer))
    platform.route(
        "GET",
        "/rest/organizationAcls",
        {
            "elements": [
                {"organization": "urn:li:organization:2414183", "state": "APPROVED"},
                {"organization": "urn:li:organization:777", "state": "APPROVED"},
            ]
        },
    )
    platform.route("GET", "/rest/organizations/2414183", json_file("linkedin/organization.json"))
    platform.route("GET", "/rest/organizations/777", {"id": 777, "localizedName": "Tide Watch"})
    chooser = callback(
        harness, "linkedin", code="c", state=state_of(login_link(harness, "linkedin"))
    )
    assert chooser.status_code == 200
    assert "River Keepers" in chooser.text and "Tide Watch" in chooser.text
    assert "AQVliLoginToken" not in chooser.text
    acl = platform.calls("GET", "/rest/organizationAcls")[0]
    assert acl.query["role"] == ["ADMINISTRATOR"] and acl.query["q"] == ["roleAssignee"]
    assert acl.headers["X-Restli-Protocol-Version"] == "2.0.0"
    form_state = chooser.text.split('name="state" value="')[1].split('"')[0]
    picked = requests.post(
        f"{harness.url}/connect/linkedin/callback",
        data={"state": form_state, "account": "777"},
        timeout=10,
    )
    assert picked.status_code == 200 and "Connected Tide Watch" in picked.text
    assert [c[:3] for c in connections(harness)] == [("linkedin", "777", "Tide Watch")]


def test_a_linkedin_login_that_administers_no_page_says_what_to_do(social):
    harness, platform = social
    case = CASES["linkedin"]
    platform.route("POST", case.token_path, Reply(200, case.token_answer))
    platform.route("GET", "/rest/organizationAcls", {"elements": []})
    landed = callback(
        harness, "linkedin", code="c", state=state_of(login_link(harness, "linkedin"))
    )
    assert landed.status_code == 200 and "admin" in landed.text
    assert connections(harness) == []


def test_a_refused_code_says_why_and_stores_nothing(social):
    harness, platform = social
    platform.route(
        "POST",
        "/v2/oauth/token/",
        Reply(
            400,
            {
                "error": "invalid_grant",
                "error_description": "Authorization code is expired.",
                "log_id": "202611230000TIKTOK",
            },
        ),
    )
    landed = callback(harness, "tiktok", code="old", state=state_of(login_link(harness, "tiktok")))
    assert landed.status_code == 502
    assert "Authorization code is expired." in landed.text and "Nothing was stored" in landed.text
    assert "TikTok is not connected" in harness.responses("c1", count=2)[1]["text"]
    assert connections(harness) == []


def test_a_declined_x_login_stores_nothing(social):
    harness, platform = social
    state = state_of(login_link(harness, "x"))
    landed = callback(harness, "x", error="access_denied", state=state)
    assert landed.status_code == 200 and "cancelled" in landed.text
    assert platform.calls("POST", "/2/oauth2/token") == []


def test_without_the_platform_app_the_token_form_opens_and_says_why(harness):
    """No TikTok app set on this Impact: the form, with the variables that would give a
    login link; `connect <source> token` never says it."""
    harness.command("connect tiktok")
    view = harness.slack.requests("views.open")[0]["view"]
    assert view["callback_id"] == "connect_modal"
    said = str(view["blocks"])
    assert "not set up" in said
    assert "IMPACT_TIKTOK_CLIENT_ID" in said and "IMPACT_TIKTOK_CLIENT_SECRET" in said
    harness.command("connect tiktok token")
    again = harness.slack.requests("views.open")[1]["view"]
    assert "not set up" not in str(again["blocks"])
    landed = requests.get(
        f"{harness.url}/connect/tiktok/callback", params={"code": "c", "state": "s"}, timeout=10
    )
    assert landed.status_code == 404 and "/impact connect tiktok" in landed.text


def test_a_login_app_is_on_only_with_both_its_id_and_secret():
    half = Settings.from_env(
        {"IMPACT_X_CLIENT_ID": "x-client-id", "IMPACT_TIKTOK_CLIENT_SECRET": "s"}
    )
    assert half.login_apps == {}
    both = Settings.from_env({"IMPACT_X_CLIENT_ID": " x-client-id ", "IMPACT_X_CLIENT_SECRET": "s"})
    [(login, (client_id, secret))] = both.login_apps.items()
    assert (login, client_id, secret.reveal()) == ("x", "x-client-id", "s")
    assert "'***'" in repr(both) and "'s'" not in repr(both)  # the secret never shows
