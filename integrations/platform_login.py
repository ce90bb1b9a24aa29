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

YouTube logs in with the same Google client as GA4 (its own scopes) and lists the login's
channels with the Data API's `channels?part=snippet&mine=true`.

LinkedIn, TikTok, Pinterest, Threads and X: the code is traded at the platform's token
endpoint (`integrations.tokens`, data per platform: URL, how the app authenticates, X's PKCE
verifier), then the login's accounts are listed as `LISTINGS` says (data too: endpoint,
where the items are, which fields name them):
- LinkedIn: `rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`
  (learn.microsoft.com "Organization Access Control by Role"), each organization's name from
  `rest/organizations/{id}`;
- TikTok: `v2/user/info/` (the token answer's `open_id` is the same user);
- Pinterest: `v5/user_account`;
- Threads: the short-lived token is made long-lived (`GET /access_token?grant_type=
  th_exchange_token`, 60 days; developers.facebook.com "Long-Lived Access Tokens"), then
  `v1.0/me?fields=id,username`;
- X: `2/users/me`.
Where the token answer has a refresh token, it is stored with the app's id and secret and
the token's expiry, so that the connector renews its access token (`integrations.tokens`).

Secrets and codes travel in query strings or forms as the platforms require; no URL, token
or code is ever put in an error message or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from bot.core.connect_links import LOGINS, Account
from bot.logconfig import scrub
from integrations import linkedin, tokens
from integrations.base import (
    BadResponse,
    ConnectorError,
    RateLimited,
    SourceConfig,
    SourceUnavailable,
)
from integrations.http import Classifier, HttpClient, dig

META_GRAPH = "https://graph.facebook.com"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_ADMIN = "https://analyticsadmin.googleapis.com"
YOUTUBE_DATA = "https://www.googleapis.com"
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
        if status < 400 and isinstance(body, dict) and _no_error(body.get("error")):
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


def _no_error(error: Any) -> bool:
    """No `error`, or TikTok's way of saying none: `{"code": "ok", ...}` in every answer."""
    return not error or (isinstance(error, dict) and error.get("code") == "ok")


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


def _google_tokens(
    code: str, redirect_uri: str, client_id: str, client_secret: str, token_url: str, timeout: float
) -> dict[str, Any]:
    """Google's answer to the code, which must carry a refresh token."""
    answer = _call(
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
    if not answer.get("refresh_token"):
        raise LoginRefused(
            "Google gave no refresh token, so syncs would stop within the hour. Remove "
            "Impact's access at myaccount.google.com/permissions, then connect again."
        )
    return answer


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
    data_url: str = YOUTUBE_DATA,
    source: str = "ga4",
    timeout: float = 20.0,
) -> list[Account]:
    """The GA4 properties (source `ga4`) or YouTube channels (`youtube`) the Google login
    reaches, each with the refresh token and client the connector renews its token with."""
    answer = _google_tokens(code, redirect_uri, client_id, client_secret, token_url, timeout)
    renewal = {
        "refresh_token": answer["refresh_token"],
        "client_id": client_id,
        "client_secret": client_secret,
    }
    headers = {"Authorization": f"Bearer {answer.get('access_token', '')}"}
    if source == "youtube":
        return _youtube_channels(data_url, headers, renewal, timeout)
    return _ga4_properties(admin_url, headers, renewal, timeout)


def _ga4_properties(
    admin_url: str, headers: dict[str, str], renewal: dict[str, str], timeout: float
) -> list[Account]:
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
                credentials = {"property_id": property_id, **renewal}
                accounts.append(Account(property_id, name, credentials))
        page_token = str(body.get("nextPageToken") or "")
        if not page_token:
            break
    return accounts


def _youtube_channels(
    data_url: str, headers: dict[str, str], renewal: dict[str, str], timeout: float
) -> list[Account]:
    """The login's channels: the Data API's `channels?part=snippet&mine=true`."""
    body = _call(
        "Google",
        "GET",
        f"{data_url.rstrip('/')}/youtube/v3/channels",
        timeout,
        params={"part": "snippet", "mine": "true", "maxResults": 50},
        headers=headers,
    )
    return [
        Account(
            str(channel["id"]),
            str((channel.get("snippet") or {}).get("title") or channel["id"]),
            {"channel_id": str(channel["id"]), **renewal},
        )
        for channel in body.get("items") or []
        if isinstance(channel, dict) and channel.get("id")
    ]


@dataclass(frozen=True, slots=True)
class Listing:
    """How a login's accounts are listed, once it has an access token."""

    #: Path on the source's API (`{id}` filled in for `name_from`).
    path: str
    params: tuple[tuple[str, Any], ...] = ()
    #: Dotted path to the list of accounts, or to the one account ("" = the whole answer).
    items: str = ""
    many: bool = False
    #: Dotted path of the account's id within an item (a URN's last part is taken).
    id: str = "id"
    #: Fields that name the account, the first present wins; `@field` shows a handle.
    names: tuple[str, ...] = ("name",)
    #: The credential field that carries the account's id (None: the token says who).
    id_field: str | None = None
    #: A path answering the account's `localizedName`, when the listing gives ids only.
    name_from: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


LISTINGS: dict[str, Listing] = {
    "linkedin": Listing(
        "rest/organizationAcls",
        (("q", "roleAssignee"), ("role", "ADMINISTRATOR"), ("state", "APPROVED"), ("count", 100)),
        items="elements",
        many=True,
        id="organization",
        id_field="organization_id",
        name_from="rest/organizations/{id}",
        headers=(("LinkedIn-Version", linkedin.VERSION), ("X-Restli-Protocol-Version", "2.0.0")),
    ),
    "tiktok": Listing(
        "v2/user/info/",
        (("fields", "open_id,display_name"),),
        "data.user",
        id="open_id",
        names=("display_name",),
    ),
    "pinterest": Listing("v5/user_account", names=("business_name", "@username")),
    "threads": Listing(
        "{version}/me", (("fields", "id,username"),), names=("@username",), id_field="user_id"
    ),
    "x": Listing(
        "2/users/me",
        (("user.fields", "username"),),
        "data",
        names=("name", "@username"),
        id_field="user_id",
    ),
}
TOKEN_ENDPOINTS: dict[str, tokens.TokenEndpoint] = {
    "linkedin": tokens.LINKEDIN,
    "tiktok": tokens.TIKTOK,
    "pinterest": tokens.PINTEREST,
    "threads": tokens.THREADS,
    "x": tokens.X,
}
#: At most this many pages named one by one (LinkedIn); more are named by their id.
MAX_NAMED = 50


def oauth_accounts(
    source: str,
    *,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    api_url: str,
    moved: bool = False,
    verifier: str = "",
    threads_version: str = "v1.0",
    timeout: float = 20.0,
) -> list[Account]:
    """The accounts a LinkedIn, TikTok, Pinterest, Threads or X login reaches, each with the
    credentials its connector takes. `api_url` is the source's API; `moved` says it is a
    stand-in, which then also plays the token endpoint."""
    login = LOGINS[source]
    endpoint, listing = TOKEN_ENDPOINTS[login], LISTINGS[login]
    name = endpoint.platform
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier:
        grant["code_verifier"] = verifier
    config = SourceConfig(base_url=api_url, timeout_seconds=timeout, max_retries=LOGIN_RETRIES)
    try:
        answer = endpoint.call(
            config,
            endpoint.at(api_url if moved else None),
            grant,
            client_id,
            client_secret,
            _refusal(name),
        )
        access = tokens.token_fields(answer)
    except (SourceUnavailable, RateLimited) as err:
        raise LoginRefused(f"{name} did not answer ({err})") from None
    except BadResponse:
        raise LoginRefused(f"{name} answered the login without an access token") from None
    if login == "threads":  # short-lived (an hour): trade it for a 60-day one
        long_lived = _call(
            name,
            "GET",
            f"{api_url.rstrip('/')}/access_token",
            timeout,
            params={
                "grant_type": "th_exchange_token",
                "client_secret": client_secret,
                "access_token": access["access_token"],
            },
        )
        access = {"access_token": str(long_lived.get("access_token") or "")}
        if not access["access_token"]:
            raise LoginRefused("Threads gave no long-lived token")
    credentials: dict[str, Any] = {"access_token": access["access_token"]}
    if access.get("refresh_token"):  # renewable: the connector renews before expiry
        credentials.update(
            {
                "refresh_token": access["refresh_token"],
                endpoint.client_field: client_id,
                "client_secret": client_secret,
                **({"expires_at": access["expires_at"]} if "expires_at" in access else {}),
            }
        )
    return _listed(listing, api_url, credentials, threads_version, name, timeout)


def _listed(
    listing: Listing,
    api_url: str,
    credentials: dict[str, Any],
    version: str,
    platform: str,
    timeout: float,
) -> list[Account]:
    root = api_url.rstrip("/")
    headers = {"Authorization": f"Bearer {credentials['access_token']}", **dict(listing.headers)}
    body = _call(
        platform,
        "GET",
        f"{root}/{listing.path.format(version=version)}",
        timeout,
        params=dict(listing.params),
        headers=headers,
    )
    found = dig(body, listing.items) if listing.items else body
    items = found if listing.many else [found]
    accounts: list[Account] = []
    for item in items if isinstance(items, list) else []:
        raw_id = dig(item, listing.id)
        if not raw_id:
            continue
        account_id = str(raw_id).rpartition(":")[2]
        title = _name(item, listing.names)
        if listing.name_from and not title and len(accounts) < MAX_NAMED:
            named = _call(
                platform,
                "GET",
                f"{root}/{listing.name_from.format(id=account_id)}",
                timeout,
                headers=headers,
            )
            title = str(named.get("localizedName") or "")
        creds = dict(credentials)
        if listing.id_field:
            creds[listing.id_field] = account_id
        accounts.append(Account(account_id, title or account_id, creds))
    return accounts


def _name(item: Any, names: tuple[str, ...]) -> str:
    for field in names:
        value = dig(item, field.lstrip("@"))
        if value:
            return f"@{value}" if field.startswith("@") else str(value)
    return ""
