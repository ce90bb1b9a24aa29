"""OAuth token endpoints as data, shared by the platform logins (trading a `code`) and the
connectors that renew their own access tokens (trading a `refresh_token`).

Renewal, checked with `search` (docs), 2026-11:
- TikTok ("Refresh a User Access Token", developers.tiktok.com, updated 2026-11):
  `POST open.tiktokapis.com/v2/oauth/token/` with `client_key`, `client_secret`,
  `grant_type=refresh_token`, `refresh_token`; the answer carries a *new* refresh token and
  "the previous refresh token stops working once a new one is issued", so it is stored at
  once. Access tokens live 2 hours by that page (24 hours by the older one and by
  platform-apis.md): either way `expires_in` says, and a sync renews when it is near.
- LinkedIn ("Programmatic Refresh Tokens", learn.microsoft.com): `POST
  www.linkedin.com/oauth/v2/accessToken` with `grant_type=refresh_token`, `refresh_token`,
  `client_id`, `client_secret`; access tokens 60 days, refresh tokens a year (not
  extended by renewing); only approved Marketing Developer Platform apps get one.
- Pinterest (v5 `POST /oauth/token`, the generated client's OauthApi.md): the app id and
  secret in a Basic `Authorization` header, `grant_type=refresh_token`; access tokens 30
  days, refresh tokens a year (platform-apis.md).
- X (docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE" and "user access token"):
  `POST api.x.com/2/oauth2/token`, a confidential client sends a Basic header;
  `grant_type=refresh_token`, `client_id`; access tokens live two hours.
Google (GA4, YouTube) is `integrations.google`'s: its refresh tokens do not rotate.

A refused renewal (`invalid_grant`: revoked, expired, already used) is AuthExpired, which
marks the connection `needs_reauth` and keeps its data; 429 and 5xx are retried by the
shared client. No token, code or secret is ever put in an error message or a log line.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from bot.core.model import Credentials
from integrations.base import AuthExpired, BadResponse, ConnectorError, SourceConfig
from integrations.http import Classifier, HttpClient

#: Renew an access token this long before it expires.
MARGIN_SECONDS = 600


@dataclass(frozen=True, slots=True)
class TokenEndpoint:
    """A platform's OAuth token endpoint and how a client authenticates to it."""

    platform: str
    url: str
    #: The form field (and credential) naming the app: TikTok says `client_key`.
    client_field: str = "client_id"
    #: The app's id and secret in a Basic header (Pinterest, X), else in the form.
    basic_auth: bool = False
    #: X also wants the client id in the form next to the Basic header.
    client_in_form: bool = True

    def at(self, moved_base: str | None) -> str:
        """The endpoint, or its path on `moved_base` (a stand-in or staging server)."""
        if not moved_base:
            return self.url
        return moved_base.rstrip("/") + urlsplit(self.url).path

    def call(
        self,
        config: SourceConfig,
        url: str,
        grant: Mapping[str, str],
        client_id: str,
        client_secret: str,
        classify: Classifier,
    ) -> dict[str, Any]:
        """POST `grant` (grant_type and its fields) with the app's credentials: the JSON
        object answered. The classifier decides what a refusal is."""
        form = dict(grant)
        headers: dict[str, str] = {}
        if self.basic_auth:
            pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
            if self.client_in_form:
                form[self.client_field] = client_id
        else:
            form.update({self.client_field: client_id, "client_secret": client_secret})
        client = HttpClient(
            replace(config, base_url=url), f"{self.platform}'s token endpoint", classify
        )
        try:
            body = client.request("POST", url, form=form, headers=headers)
        finally:
            client.close()
        if not isinstance(body, dict):
            raise BadResponse("token answer", "is not a JSON object")
        return body


LINKEDIN = TokenEndpoint("LinkedIn", "https://www.linkedin.com/oauth/v2/accessToken")
TIKTOK = TokenEndpoint("TikTok", "https://open.tiktokapis.com/v2/oauth/token/", "client_key")
PINTEREST = TokenEndpoint(
    "Pinterest", "https://api.pinterest.com/v5/oauth/token", basic_auth=True, client_in_form=False
)
X = TokenEndpoint("X", "https://api.x.com/2/oauth2/token", basic_auth=True)
THREADS = TokenEndpoint("Threads", "https://graph.threads.net/oauth/access_token")


def _renewal_refused(platform: str) -> Classifier:
    """400/401/403, or an OAuth `error` in any answer (TikTok may say it with a 200): the
    refresh token no longer works. 429 and 5xx are left to the client's retries."""

    def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
        if status >= 500 or status == 429:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if status in (400, 401, 403) or (error and error != "ok" and not isinstance(error, dict)):
            reason = error if isinstance(error, str) and error.isidentifier() else f"HTTP {status}"
            return AuthExpired(f"{platform} refused to renew the access token ({reason})")
        if isinstance(error, dict) and error.get("code") not in (None, "ok"):  # TikTok's shape
            return AuthExpired(f"{platform} refused to renew the access token")
        return None

    return classify


def can_renew(endpoint: TokenEndpoint, creds: Credentials) -> bool:
    """True when the credentials carry what renewing needs."""
    return all(creds.get(k) for k in ("refresh_token", endpoint.client_field, "client_secret"))


def renewal_due(creds: Credentials, now: float | None = None) -> bool:
    """No access token, no known expiry, or an expiry within the margin."""
    if not creds.get("access_token"):
        return True
    try:
        expires_at = float(creds.get("expires_at") or 0)
    except (TypeError, ValueError):
        return True
    return expires_at < (time.time() if now is None else now) + MARGIN_SECONDS


def renew(
    endpoint: TokenEndpoint, config: SourceConfig, creds: Credentials, moved_base: str | None
) -> dict[str, Any]:
    """Trade the refresh token for a new access token: the credential fields that changed
    (`access_token`, `expires_at`, and `refresh_token` when the platform rotated it)."""
    answer = endpoint.call(
        config,
        endpoint.at(moved_base),
        {"grant_type": "refresh_token", "refresh_token": str(creds["refresh_token"])},
        str(creds[endpoint.client_field]),
        str(creds["client_secret"]),
        _renewal_refused(endpoint.platform),
    )
    return token_fields(answer)


def token_fields(answer: Mapping[str, Any], now: float | None = None) -> dict[str, Any]:
    """The credential fields of a token answer: the access token, when it expires (epoch
    seconds, from `expires_in`) and the refresh token when one came."""
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise BadResponse("access_token")
    fields: dict[str, Any] = {"access_token": token}
    try:
        lifetime = float(answer["expires_in"])
    except (KeyError, TypeError, ValueError):
        lifetime = None
    if lifetime is not None:
        fields["expires_at"] = int((time.time() if now is None else now) + lifetime)
    if isinstance(answer.get("refresh_token"), str) and answer["refresh_token"]:
        fields["refresh_token"] = answer["refresh_token"]
    return fields


#: Told the credential fields a renewal changed, so that they are stored (encrypted).
Renewed = Callable[[dict[str, Any]], None]
