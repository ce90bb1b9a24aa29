"""Platform logins for `/impact connect <source>`: the login link, and the pages the browser
sees when it comes back. Pure: no I/O.

Facebook and Instagram log in with Facebook Login (a Meta app), GA4 with a Google OAuth
client. The callback is `<public url>/connect/<source>/callback`; the platform sends the
browser there with `code` and our one-time `state` (or with `error` when the user declined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

#: Source -> the login that serves it.
LOGINS = {"facebook": "meta", "instagram": "meta", "ga4": "google"}

META_DIALOG = "https://www.facebook.com/{version}/dialog/oauth"
GOOGLE_AUTHORIZE = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
#: What Impact reads: the Pages a user manages and their insights (and, for Instagram, the
#: professional account linked to a Page).
META_SCOPES = {
    "facebook": "pages_show_list,pages_read_engagement,read_insights",
    "instagram": "pages_show_list,pages_read_engagement,instagram_basic,instagram_manage_insights",
}
SOURCE_NAMES = {"facebook": "Facebook", "instagram": "Instagram", "ga4": "Google Analytics"}
#: What the user picks from when a login reaches several accounts.
ACCOUNT_KINDS = {
    "facebook": ("Page", "Pages"),
    "instagram": ("Instagram account", "Instagram accounts"),
    "ga4": ("GA4 property", "GA4 properties"),
}
NONE_FOUND = {
    "facebook": "This login manages no Facebook Page, or did not share any with Impact. "
    "Log in as someone with a role on the Page and tick it when Facebook asks.",
    "instagram": "None of the Pages this login shared has an Instagram professional account "
    "linked. Link the account to a Page in Instagram's settings, then connect again.",
    "ga4": "This Google login can read no GA4 property. Ask for Viewer access to the "
    "property in Google Analytics, then connect again.",
}


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
    source: str, *, client_id: str, redirect_uri: str, state: str, graph_version: str = "v23.0"
) -> str:
    """The platform's login page for `source`, coming back to `redirect_uri` with `state`."""
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
    }
    if LOGINS.get(source) == "meta":
        query["scope"] = META_SCOPES[source]
        return f"{META_DIALOG.format(version=graph_version)}?{urlencode(query)}"
    if LOGINS.get(source) == "google":
        query["scope"] = GOOGLE_SCOPE
        # a refresh token, so that syncs go on after the hour the access token lives
        query.update(access_type="offline", prompt="consent")
        return f"{GOOGLE_AUTHORIZE}?{urlencode(query)}"
    raise ValueError(f"{source} has no platform login")


def render_login_link(source: str, url: str) -> dict[str, Any]:
    """The ephemeral answer to `/impact connect <source>` when a login is configured."""
    name = SOURCE_NAMES.get(source, source)
    text = (
        f"Connect {name}: log in with {'Facebook' if LOGINS[source] == 'meta' else 'Google'} "
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
                        "text": f"Have a token instead (a system user's)? `/impact connect {source} token`",
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
