"""Access tokens renewed with a refresh token (TikTok, LinkedIn, Pinterest, X; YouTube through
Google's client), against the stand-ins of test_new_sources answering each platform's token
endpoint in its documented shape: the renewed tokens are used at once and stored encrypted
(TikTok's rotated refresh token works once, so it is stored even when the sync then fails);
a refused renewal marks the connection `needs_reauth` and keeps its data."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from bot.bootstrap import Runtime
from bot.cli import main
from bot.services.connections import connect, list_connections
from bot.settings import Settings
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import Connection
from tests.integrations.test_new_sources import (
    FIRST,
    LAST,
    SOURCES,
    World,
    _submission,
    stored,
    sync,
)
from tests.slack.conftest import harness, wait_for  # noqa: F401  (the Slack app harness)
from tests.support.standin import Call, Reply, StandIn


@dataclass(frozen=True)
class Renewal:
    """A platform's token endpoint as the stand-in plays it."""

    path: str
    client_field: str
    basic: bool
    rotates: bool


RENEWALS = {
    "tiktok": Renewal("/v2/oauth/token/", "client_key", basic=False, rotates=True),
    "linkedin": Renewal("/oauth/v2/accessToken", "client_id", basic=False, rotates=False),
    "pinterest": Renewal("/v5/oauth/token", "client_id", basic=True, rotates=False),
    "x": Renewal("/2/oauth2/token", "client_id", basic=True, rotates=True),
}
NEW_TOKEN = "renewedAccessToken0123456789"
REFRESH = "oldRefreshToken0123456789"
ROTATED = "rotatedRefreshToken0123456789"
SECRET = "appSecret0123456789"


def answer_for(renewal: Renewal) -> dict[str, Any]:
    """The token endpoint's answer to a refresh, as each platform documents it."""
    body: dict[str, Any] = {"access_token": NEW_TOKEN, "expires_in": 86400, "token_type": "Bearer"}
    if renewal.rotates:
        body["refresh_token"] = ROTATED
    return body


@pytest.fixture(params=sorted(RENEWALS))
def renewing(request, engine):
    source = SOURCES[request.param]
    renewal = RENEWALS[request.param]
    world = World()
    with StandIn() as api:
        source.routes(api, world)
        settings = Settings.from_env(
            {f"IMPACT_{source.name.upper()}_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "1"}
        )
        creds = {
            **source.creds,
            "refresh_token": REFRESH,
            renewal.client_field: "app-id",
            "client_secret": SECRET,
            "expires_at": int(time.time()) - 60,  # expired a minute ago
        }
        yield source, renewal, world, api, Runtime(settings, engine, Vault(generate_key())), creds


def sealed(runtime: Runtime, connection_id: int) -> dict[str, Any]:
    with session_scope(runtime.engine) as session:
        row = session.get(Connection, connection_id)
        return runtime.require_vault().decrypt(row.credentials_enc)


def expire(runtime: Runtime, connection_id: int) -> None:
    with session_scope(runtime.engine) as session:
        row = session.get(Connection, connection_id)
        creds = runtime.require_vault().decrypt(row.credentials_enc)
        row.credentials_enc = runtime.require_vault().encrypt(
            {**creds, "expires_at": int(time.time()) - 60}
        )


def test_an_expired_token_is_renewed_used_and_stored(renewing):
    source, renewal, _world, api, runtime, creds = renewing
    api.route("POST", renewal.path, Reply(200, answer_for(renewal)))

    info = connect(runtime, "T1", source.name, creds)

    [refresh] = api.calls("POST", renewal.path)
    form = refresh.form()
    assert form["grant_type"] == ["refresh_token"] and form["refresh_token"] == [REFRESH]
    if renewal.basic:  # the app's id and secret in a Basic header, never in the form
        pair = base64.b64encode(f"app-id:{SECRET}".encode()).decode()
        assert refresh.headers["Authorization"] == f"Basic {pair}"
        assert "client_secret" not in form
    else:
        assert form[renewal.client_field] == ["app-id"] and form["client_secret"] == [SECRET]
    check = api.calls()[1]
    assert check.headers["Authorization"] == f"Bearer {NEW_TOKEN}"
    kept = sealed(runtime, info.id)
    assert kept["access_token"] == NEW_TOKEN
    assert kept["refresh_token"] == (ROTATED if renewal.rotates else REFRESH)
    assert kept["expires_at"] > time.time() + 86000

    # a day later the token is still fresh: the sync renews nothing and stores the fixtures
    report = sync(runtime, info.id, LAST + timedelta(days=source.settle), since=FIRST)
    assert report.status == "ok", report.error
    assert stored(runtime, info.id) == source.expected()
    assert len(api.calls("POST", renewal.path)) == 1
    assert {c.headers["Authorization"] for c in api.calls() if c.path != renewal.path} == {
        f"Bearer {NEW_TOKEN}"
    }


def test_a_rotated_refresh_token_is_kept_when_the_sync_then_fails(renewing):
    source, renewal, world, api, runtime, creds = renewing
    api.route("POST", renewal.path, Reply(200, answer_for(renewal)))
    info = connect(runtime, "T1", source.name, {**creds, "expires_at": int(time.time()) + 86400})
    assert api.calls("POST", renewal.path) == []  # fresh: not renewed at the check
    expire(runtime, info.id)
    world.broken["daily"] = lambda call: Reply(502, "bad gateway")

    report = sync(runtime, info.id, LAST + timedelta(days=source.settle), since=FIRST)

    assert report.status == "failing"
    assert len(api.calls("POST", renewal.path)) == 1
    kept = sealed(runtime, info.id)
    assert kept["access_token"] == NEW_TOKEN
    assert kept["refresh_token"] == (ROTATED if renewal.rotates else REFRESH)


def test_a_refused_renewal_marks_needs_reauth_and_keeps_the_data(renewing, caplog):
    source, renewal, _world, api, runtime, creds = renewing
    info = connect(runtime, "T1", source.name, {**creds, "expires_at": int(time.time()) + 86400})
    today = LAST + timedelta(days=source.settle)
    assert sync(runtime, info.id, today, since=FIRST).status == "ok"
    kept = stored(runtime, info.id)
    expire(runtime, info.id)
    api.route(
        "POST",
        renewal.path,
        Reply(400, {"error": "invalid_grant", "error_description": "Refresh token is revoked"}),
    )

    with caplog.at_level("DEBUG"):
        report = sync(runtime, info.id, today + timedelta(days=2))

    assert report.status == "needs_reauth"
    assert len(api.calls("POST", renewal.path)) == 1  # refused at once, not retried
    assert stored(runtime, info.id) == kept
    [listed] = list_connections(runtime.engine, "T1")
    assert listed.health == "needs_reauth" and f"/impact connect {source.name}" in listed.hint
    for secret in (REFRESH, SECRET, source.token):
        assert secret not in caplog.text and secret not in (report.error or "")


def test_without_a_refresh_token_an_expired_token_is_sent_as_it_is(renewing):
    """A token pasted in the form (no refresh token) is used until the platform refuses it."""
    source, renewal, _world, api, runtime, _creds = renewing
    connect(runtime, "T1", source.name, source.creds)
    assert api.calls("POST", renewal.path) == []
    assert api.calls()[0].headers["Authorization"] == f"Bearer {source.token}"


# --- YouTube: a refresh token with Google's client, by --from-json and by the form ---------
YT = SOURCES["youtube"]
YT_REFRESH = {
    "channel_id": YT.creds["channel_id"],
    "refresh_token": "1//ytRefreshToken0123456789",
    "client_id": "goog-client.apps.googleusercontent.com",
    "client_secret": "googSecret0123456789",
}


def google_token(call: Call) -> Reply:
    if call.form().get("refresh_token") == [YT_REFRESH["refresh_token"]]:
        return Reply(200, {"access_token": YT.token, "expires_in": 3599})
    return Reply(400, {"error": "invalid_grant", "error_description": "Token has been revoked."})


@pytest.fixture
def youtube(engine):
    world = World()
    with StandIn() as api:
        YT.routes(api, world)
        api.route("POST", "/token", google_token)
        env = {
            "IMPACT_YOUTUBE_BASE_URL": api.url,
            "IMPACT_GOOGLE_OAUTH_BASE_URL": api.url,
            "IMPACT_HTTP_MAX_RETRIES": "1",
        }
        yield api, world, env, Runtime(Settings.from_env(env), engine, Vault(generate_key()))


def test_youtube_connects_and_syncs_with_a_refresh_token(youtube):
    api, _world, _env, runtime = youtube
    info = connect(runtime, "T1", "youtube", YT_REFRESH)
    assert info.name == YT.account
    report = sync(runtime, info.id, LAST + timedelta(days=YT.settle), since=FIRST)
    assert report.status == "ok", report.error
    assert stored(runtime, info.id) == YT.expected()
    refresh = api.calls("POST", "/token")[0].form()
    assert refresh["grant_type"] == ["refresh_token"]
    assert refresh["client_secret"] == [YT_REFRESH["client_secret"]]
    assert all(
        c.headers["Authorization"] == f"Bearer {YT.token}"
        for c in api.calls()
        if c.path != "/token"
    )


def test_youtube_refresh_token_revoked_marks_needs_reauth(youtube):
    _api, _world, _env, runtime = youtube
    info = connect(runtime, "T1", "youtube", YT_REFRESH)
    today = LAST + timedelta(days=YT.settle)
    assert sync(runtime, info.id, today, since=FIRST).status == "ok"
    kept = stored(runtime, info.id)
    with session_scope(runtime.engine) as session:  # revoked since
        row = session.get(Connection, info.id)
        row.credentials_enc = runtime.require_vault().encrypt(
            {**YT_REFRESH, "refresh_token": "1//revoked"}
        )
    report = sync(runtime, info.id, today + timedelta(days=1))
    assert report.status == "needs_reauth"
    assert stored(runtime, info.id) == kept


def test_youtube_from_json_takes_a_refresh_token(youtube, tmp_path):
    _api, _world, env, _runtime = youtube
    env = {
        **env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "IMPACT_SECRET_KEY": generate_key(),
        "IMPACT_LOG_LEVEL": "WARNING",
    }
    args = ["connect", "youtube", "--team", "T1", "--from-json", "-"]
    result = CliRunner().invoke(main, args, input=json.dumps(YT_REFRESH), env=env)
    assert result.exit_code == 0, result.output
    assert f"Connected {YT.account} (youtube)" in result.output
    assert YT_REFRESH["refresh_token"] not in result.output
    half = {k: v for k, v in YT_REFRESH.items() if k != "client_secret"}
    refused = CliRunner().invoke(main, args, input=json.dumps(half), env=env)
    assert refused.exit_code != 0
    assert "client_secret" in refused.output  # says which field is missing


def test_youtube_token_form_takes_a_refresh_token_instead_of_an_access_token(harness, youtube):  # noqa: F811
    api, _world, env, _runtime = youtube
    object.__setattr__(
        harness.runtime.settings,
        "base_urls",
        {
            "youtube": env["IMPACT_YOUTUBE_BASE_URL"],
            "google_oauth": env["IMPACT_GOOGLE_OAUTH_BASE_URL"],
        },
    )
    harness.command("connect youtube")
    opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
    optional = {b["block_id"] for b in opened["blocks"] if b.get("optional")}
    assert optional == {"access_token", "refresh_token", "client_id", "client_secret"}
    # the access token left empty
    harness.interaction(_submission(replace(YT, creds={**YT_REFRESH, "access_token": ""})))
    done = wait_for(lambda: harness.slack.requests("views.update"))
    assert f"Connected *{YT.account}*" in str(done[0]["view"]["blocks"])
    assert api.calls("POST", "/token")[0].form()["grant_type"] == ["refresh_token"]
    # the channel id stays required
    without_channel = replace(YT, creds={**YT_REFRESH, "channel_id": ""})
    refused = harness.interaction(_submission(without_channel))
    assert refused.json()["errors"] == {"channel_id": "Required."}
