"""The second half of a platform login: trade the `code` for tokens and list the accounts
the login reaches, each with the credentials its connector takes.

Meta (Facebook Login, "manually build a login flow"): `GET /{v}/oauth/access_token` with
client_id, redirect_uri, client_secret and code gives a short-lived user token; the same
endpoint with `grant_type=fb_exchange_token` makes it long-lived; `GET /{v}/me/accounts`
lists the Pages it manages with a Page token each (Page tokens got from a long-lived user
token do not expire), and `instagram_business_account` the Instagram professional account
linked to each Page.

Google: `POST <token url>` with `grant_type=authorization_code` gives an access token and,
with `access_type=offline`, a refresh token; the Analytics Admin API's
`GET /v1beta/accountSummaries` lists the GA4 properties the login can read (paged by
`nextPageToken`). The GA4 connector then refreshes tokens itself.

Secrets and codes travel in query strings or forms as the platforms require; no URL, token
or code is ever put in an error message or a log line.
"""

from __future__ import annotations

from typing import Any

import requests

from bot.core.connect_links import Account
from bot.logconfig import scrub
from integrations.base import ConnectorError, RateLimited, SourceConfig, SourceUnavailable
from integrations.http import Classifier, HttpClient

META_GRAPH = "https://graph.facebook.com"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_ADMIN = "https://analyticsadmin.googleapis.com"
#: Pages of /me/accounts or accountSummaries followed at most (a login with thousands of
#: Pages is an agency's: they connect by token).
MAX_PAGES = 20
#: A login waits for a person in a browser: one retry of a dropped call, then say so.
LOGIN_RETRIES = 1


class LoginRefused(ConnectorError):
    """The platform did not complete the login; the message is safe to show the user."""

    action = "run `/impact connect {source}` in Slack to try again."


def _refusal(platform: str) -> Classifier:
    """Any HTTP error, or a body with `error`, refuses the login with the platform's words;
    5xx and 429 are left to the client's retry."""

    def classify(status: int, body: Any, answer: requests.Response) -> ConnectorError | None:
        if status >= 500 or status == 429:
            return None
        if status < 400 and isinstance(body, dict) and "error" not in body:
            return None
        if body is None:
            return LoginRefused(f"{platform} answered HTTP {status} without JSON")
        detail: Any = None
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict):  # Meta's and Google APIs' shape
                detail = error.get("message") or error.get("status")
            else:  # OAuth's: {"error": "invalid_grant", "error_description": "..."}
                detail = body.get("error_description") or error
        return LoginRefused(
            f"{platform} refused (HTTP {status}): {scrub(str(detail or 'no detail'))}"
        )

    return classify


def _call(platform: str, method: str, url: str, timeout: float, **kwargs: Any) -> dict[str, Any]:
    config = SourceConfig(base_url=url, timeout_seconds=timeout, max_retries=LOGIN_RETRIES)
    client = HttpClient(config, platform, _refusal(platform))
    try:
        body = client.request(
            method,
            url,
            params=kwargs.get("params"),
            form=kwargs.get("data"),
            headers=kwargs.get("headers"),
        )
    except (SourceUnavailable, RateLimited) as err:  # already scrubbed of URL and secrets
        raise LoginRefused(f"{platform} did not answer ({err})") from None
    finally:
        client.close()
    if not isinstance(body, dict):
        raise LoginRefused(f"{platform} answered without a JSON object")
    return body


def meta_accounts(
    source: str,
    *,
    code: str,
    redirect_uri: str,
    app_id: str,
    app_secret: str,
    version: str,
    base_url: str = META_GRAPH,
    timeout: float = 20.0,
) -> list[Account]:
    """Facebook Pages (source `facebook`) or their linked Instagram accounts (`instagram`)."""
    root = f"{base_url.rstrip('/')}/{version}"
    short = _call(
        "Facebook",
        "GET",
        f"{root}/oauth/access_token",
        timeout,
        params={
            "client_id": app_id,
            "redirect_uri": redirect_uri,
            "client_secret": app_secret,
            "code": code,
        },
    )
    long_lived = _call(
        "Facebook",
        "GET",
        f"{root}/oauth/access_token",
        timeout,
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": str(short.get("access_token", "")),
        },
    )
    headers = {"Authorization": f"Bearer {long_lived.get('access_token', '')}"}
    url: str | None = f"{root}/me/accounts"
    params: dict[str, Any] | None = {
        "fields": "id,name,access_token,instagram_business_account{id,username}",
        "limit": 100,
    }
    accounts: list[Account] = []
    for _ in range(MAX_PAGES):
        if not url:
            break
        body = _call("Facebook", "GET", url, timeout, params=params, headers=headers)
        for page in body.get("data") or []:
            accounts += _meta_account(source, page)
        url, params = (body.get("paging") or {}).get("next"), None  # `next` carries the query
    return accounts


def _meta_account(source: str, page: dict[str, Any]) -> list[Account]:
    page_id, token = str(page.get("id", "")), str(page.get("access_token", ""))
    if not page_id or not token:
        return []
    name = str(page.get("name") or page_id)
    if source == "facebook":
        return [Account(page_id, name, {"page_id": page_id, "access_token": token})]
    instagram = page.get("instagram_business_account") or {}
    if not instagram.get("id"):
        return []
    handle = f"@{instagram['username']}" if instagram.get("username") else str(instagram["id"])
    return [
        Account(
            str(instagram["id"]),
            f"{handle} (Page {name})",
            {"ig_user_id": str(instagram["id"]), "access_token": token},
        )
    ]


def google_accounts(
    *,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    token_url: str = GOOGLE_TOKEN_URL,
    admin_url: str = GOOGLE_ADMIN,
    timeout: float = 20.0,
) -> list[Account]:
    """The GA4 properties the login can read, each with a refresh token for the connector."""
    tokens = _call(
        "Google",
        "POST",
        token_url,
        timeout,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    refresh = tokens.get("refresh_token")
    if not refresh:
        raise LoginRefused(
            "Google gave no refresh token, so syncs would stop within the hour. Remove "
            "Impact's access at myaccount.google.com/permissions, then connect again."
        )
    headers = {"Authorization": f"Bearer {tokens.get('access_token', '')}"}
    accounts: list[Account] = []
    page_token = ""
    for _ in range(MAX_PAGES):
        params = {"pageSize": 200, **({"pageToken": page_token} if page_token else {})}
        body = _call(
            "Google",
            "GET",
            f"{admin_url.rstrip('/')}/v1beta/accountSummaries",
            timeout,
            params=params,
            headers=headers,
        )
        for summary in body.get("accountSummaries") or []:
            for prop in summary.get("propertySummaries") or []:
                property_id = str(prop.get("property", "")).rpartition("/")[2]
                if not property_id:
                    continue
                name = str(prop.get("displayName") or property_id)
                if summary.get("displayName"):
                    name += f" ({summary['displayName']})"
                credentials = {
                    "property_id": property_id,
                    "refresh_token": refresh,
                    "client_id": client_id,
                    "client_secret": client_secret,
                }
                accounts.append(Account(property_id, name, credentials))
        page_token = str(body.get("nextPageToken") or "")
        if not page_token:
            break
    return accounts
