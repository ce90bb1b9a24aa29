"""Platform logins for `/impact connect <source>`: the login link, and the pages the browser
sees when it comes back. Pure: no I/O.

Each source that connects by logging in names a platform login (`LOGINS`); a login is data
(`PlatformLogin`): where the browser goes, which parameter carries the app's id, how scopes
are joined, whether PKCE is used and what else the authorize URL needs. The scopes are per
source and least-privilege: only what the connector reads. The callback is
`<public url>/connect/<source>/callback`; the platform sends the browser there with `code`
and our one-time `state` (or with `error` when the user declined).

Checked with `search` (docs), 2026-11:
- Meta: Facebook Login's "manually build a login flow", `facebook.com/{v}/dialog/oauth`.
- Google (GA4, YouTube; one OAuth client): `accounts.google.com/o/oauth2/v2/auth` with
  `access_type=offline` and `prompt=consent` for a refresh token; YouTube's scopes
  `yt-analytics.readonly` and `youtube.readonly` (read only).
- LinkedIn: learn.microsoft.com "Authorization Code Flow (3-legged OAuth)":
  `www.linkedin.com/oauth/v2/authorization`, scopes space-separated; the Community
  Management pages list `r_organization_admin` (pages and their reporting data, for
  organizations the member administers; also what `organizationAcls` needs) and
  `r_organization_social` (the organization's posts): both read-only.
- TikTok: developers.tiktok.com "Login Kit for Web": `www.tiktok.com/v2/auth/authorize/`
  with `client_key` (not client_id) and comma-separated scopes; `user.info.basic` and
  `video.list` (the Display API). PKCE is required for desktop and mobile apps only.
- Pinterest: developers.pinterest.com "Set up authentication and authorization":
  `www.pinterest.com/oauth/`, comma-separated scopes; `user_accounts:read` (account
  analytics) and `pins:read`.
- Threads: developers.facebook.com/documentation/threads "Get Access Tokens" (updated
  2026-08): `threads.com/oauth/authorize` with the Threads app id (not the Meta app id),
  comma-separated scopes; `threads_basic` and `threads_manage_insights`.
- X: docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE": `x.com/i/oauth2/authorize`
  with `code_challenge` (S256); `tweet.read`, `users.read`, and `offline.access` for a
  refresh token (access tokens live two hours without it).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class PlatformLogin:
    """How a platform's login page is asked for."""

    #: Shown on the button: "log in with <label>".
    label: str
    #: The authorize URL; `{version}` is the Graph version (Meta).
    authorize: str
    #: The query parameter that carries the app's id (TikTok: `client_key`).
    client_param: str = "client_id"
    scope_separator: str = " "
    #: OAuth 2.0 PKCE (RFC 7636, S256): a verifier kept with the state, its challenge sent.
    pkce: bool = False
    #: Further query parameters the authorize URL needs.
    extra: tuple[tuple[str, str], ...] = ()


PLATFORM_LOGINS: dict[str, PlatformLogin] = {
    "meta": PlatformLogin(
        "Facebook", "https://www.facebook.com/{version}/dialog/oauth", scope_separator=","
    ),
    "google": PlatformLogin(
        "Google",
        "https://accounts.google.com/o/oauth2/v2/auth",
        # a refresh token, so that syncs go on after the hour the access token lives
        extra=(("access_type", "offline"), ("prompt", "consent")),
    ),
    "linkedin": PlatformLogin("LinkedIn", "https://www.linkedin.com/oauth/v2/authorization"),
    "tiktok": PlatformLogin(
        "TikTok",
        "https://www.tiktok.com/v2/auth/authorize/",
        client_param="client_key",
        scope_separator=",",
    ),
    "pinterest": PlatformLogin(
        "Pinterest", "https://www.pinterest.com/oauth/", scope_separator=","
    ),
    "threads": PlatformLogin("Threads", "https://threads.com/oauth/authorize", scope_separator=","),
    "x": PlatformLogin("X", "https://x.com/i/oauth2/authorize", pkce=True),
}

#: Source -> the platform login that serves it.
LOGINS = {
    "facebook": "meta",
    "instagram": "meta",
    "ga4": "google",
    "youtube": "google",
    "linkedin": "linkedin",
    "tiktok": "tiktok",
    "pinterest": "pinterest",
    "threads": "threads",
    "x": "x",
}

#: What Impact reads of each source, and nothing more.
SCOPES: dict[str, tuple[str, ...]] = {
    # the Pages a user manages and their insights (and, for Instagram, the professional
    # account linked to a Page)
    "facebook": ("pages_show_list", "pages_read_engagement", "read_insights"),
    "instagram": (
        "pages_show_list",
        "pages_read_engagement",
        "instagram_basic",
        "instagram_manage_insights",
    ),
    "ga4": ("https://www.googleapis.com/auth/analytics.readonly",),
    "youtube": (
        "https://www.googleapis.com/auth/yt-analytics.readonly",
        "https://www.googleapis.com/auth/youtube.readonly",
    ),
    "linkedin": ("r_organization_admin", "r_organization_social"),
    "tiktok": ("user.info.basic", "video.list"),
    "pinterest": ("user_accounts:read", "pins:read"),
    "threads": ("threads_basic", "threads_manage_insights"),
    "x": ("tweet.read", "users.read", "offline.access"),
}
SOURCE_NAMES = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "ga4": "Google Analytics",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "pinterest": "Pinterest",
    "threads": "Threads",
    "x": "X",
}
#: What the user picks from when a login reaches several accounts.
ACCOUNT_KINDS = {
    "facebook": ("Page", "Pages"),
    "instagram": ("Instagram account", "Instagram accounts"),
    "ga4": ("GA4 property", "GA4 properties"),
    "youtube": ("YouTube channel", "YouTube channels"),
    "linkedin": ("LinkedIn page", "LinkedIn pages"),
}
NONE_FOUND = {
    "facebook": "This login manages no Facebook Page, or did not share any with Impact. "
    "Log in as someone with a role on the Page and tick it when Facebook asks.",
    "instagram": "None of the Pages this login shared has an Instagram professional account "
    "linked. Link the account to a Page in Instagram's settings, then connect again.",
    "ga4": "This Google login can read no GA4 property. Ask for Viewer access to the "
    "property in Google Analytics, then connect again.",
    "youtube": "This Google login has no YouTube channel. Log in with the Google account "
    "that owns the channel (or pick the channel's brand account when Google asks).",
    "linkedin": "This LinkedIn login is not a Super admin or Content admin of any page. Ask "
    "a page admin to give you that role, then connect again.",
    "tiktok": "TikTok did not say which account logged in. Connect again.",
    "pinterest": "Pinterest did not say which account logged in. Connect again.",
    "threads": "Threads did not say which account logged in. Connect again.",
    "x": "X did not say which account logged in. Connect again.",
}


def app_variables(login: str) -> tuple[str, str]:
    """The environment variables that set up a platform login's app."""
    if login == "meta":
        return ("IMPACT_META_APP_ID", "IMPACT_META_APP_SECRET")
    return (f"IMPACT_{login.upper()}_CLIENT_ID", f"IMPACT_{login.upper()}_CLIENT_SECRET")


def no_login_note(source: str) -> str:
    """Why the token form opened for a source that can log in: its app is not set up."""
    if source not in LOGINS:
        return ""
    login = LOGINS[source]
    client_id, secret = app_variables(login)
    return (
        f"Logging in with {PLATFORM_LOGINS[login].label} is not set up on this Impact (its "
        f"admin sets {client_id} and {secret}), so paste a token instead."
    )


def login_of(source: str) -> PlatformLogin:
    """The platform login of `source`; KeyError when it has none."""
    return PLATFORM_LOGINS[LOGINS[source]]


def pkce_challenge(verifier: str) -> str:
    """RFC 7636's S256 code challenge of `verifier`: base64url(sha256), without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Account:
    """One account a login can reach, with the credentials a connector needs for it."""

    external_id: str
    name: str
    credentials: dict[str, Any] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.external_id, "name": self.name, "credentials": self.credentials}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Account:
        return cls(str(raw["id"]), str(raw["name"]), dict(raw["credentials"]))


def callback_url(public_url: str, source: str) -> str:
    return f"{public_url.rstrip('/')}/connect/{source}/callback"


def authorize_url(
    source: str,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    graph_version: str = "v23.0",
    verifier: str = "",
) -> str:
    """The platform's login page for `source`, coming back to `redirect_uri` with `state`;
    `verifier` is the PKCE code verifier kept with the state (X)."""
    if source not in LOGINS:
        raise ValueError(f"{source} has no platform login")
    login = login_of(source)
    query = {
        login.client_param: client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
        "scope": login.scope_separator.join(SCOPES[source]),
        **dict(login.extra),
    }
    if login.pkce:
        if not verifier:
            raise ValueError(f"{source}'s login needs a PKCE code verifier")
        query.update(code_challenge=pkce_challenge(verifier), code_challenge_method="S256")
    return f"{login.authorize.format(version=graph_version)}?{urlencode(query)}"


def render_login_link(source: str, url: str) -> dict[str, Any]:
    """The ephemeral answer to `/impact connect <source>` when a login is configured."""
    name = SOURCE_NAMES.get(source, source)
    text = (
        f"Connect {name}: log in with {login_of(source).label} "
        "and pick the account. The link works once, for 15 minutes."
    )
    return {
        "text": f"{text} {url}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "connect_login",
                        "style": "primary",
                        "text": {"type": "plain_text", "text": f"Log in to connect {name}"},
                        "url": url,
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Have a token instead? `/impact connect {source} token`",
                    }
                ],
            },
        ],
    }


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Impact</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 4rem auto;
       padding: 0 1rem; color: #1d1c1d; }}
h1 {{ font-size: 1.4rem; }}
label {{ display: block; padding: .4rem 0; }}
button {{ font: inherit; padding: .5rem 1rem; margin-top: 1rem; }}
.muted {{ color: #616061; }}
</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def render_page(title: str, message: str, *, next_step: str = "") -> str:
    """A plain page for the browser that came back from the platform. Text is escaped."""
    body = f"<p>{escape(message)}</p>"
    if next_step:
        body += f'<p class="muted">{escape(next_step)}</p>'
    return _PAGE.format(title=escape(title), body=body)


def render_chooser(source: str, state: str, accounts: list[Account]) -> str:
    """The form to pick one of several accounts; it posts back to the callback."""
    kind, kinds = ACCOUNT_KINDS.get(source, ("account", "accounts"))
    options = "".join(
        f'<label><input type="radio" name="account" value="{escape(a.external_id)}"'
        f"{' checked' if index == 0 else ''}> {escape(a.name)}</label>"
        for index, a in enumerate(accounts)
    )
    body = (
        f"<p>This login reaches {len(accounts)} {escape(kinds)}. Which one should this Slack "
        "workspace follow? (To follow another too, run the command again.)</p>"
        f'<form method="post" action="/connect/{escape(source)}/callback">'
        f'<input type="hidden" name="state" value="{escape(state)}">{options}'
        '<button type="submit">Connect</button></form>'
    )
    return _PAGE.format(title=escape(f"Pick a {kind}"), body=body)
