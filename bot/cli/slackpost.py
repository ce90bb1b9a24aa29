"""Post a built digest to Slack from the command line: the bot token, the client, and Slack's
refusals as plain sentences. A thin wrapper around `bot.services.posting.post_digest`."""

from __future__ import annotations

import click
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.bootstrap import Runtime
from bot.core.digest import Digest
from bot.services.posting import post_digest
from bot.services.teams import bot_token_for
from bot.slack.client import api_url, make_web_client

#: Slack error codes a person can act on, with what to do.
SLACK_HINTS = {
    "channel_not_found": "check the channel id (C…), and invite the bot: /invite @Impact",
    "not_in_channel": "invite the bot to the channel first: /invite @Impact",
    "is_archived": "the channel is archived: choose another",
    "invalid_auth": "the bot token is not valid: check SLACK_BOT_TOKEN (xoxb-…)",
    "not_authed": "no bot token was sent: set SLACK_BOT_TOKEN (xoxb-…)",
    "account_inactive": "the bot token belongs to an uninstalled app: reinstall it",
    "token_revoked": "the bot token was revoked: reinstall the app and set the new token",
    "missing_scope": "the app lacks the chat:write scope: add it and reinstall",
}


def require_token(rt: Runtime, team_id: str) -> str:
    """The bot token to post for `team_id`, or a clean error saying how to provide one."""
    token = bot_token_for(rt, team_id)
    if not token:
        raise click.ClickException(
            "--post needs a bot token: set SLACK_BOT_TOKEN=xoxb-… (Slack app settings > "
            "OAuth & Permissions > Bot User OAuth Token), or install the app to the workspace."
        )
    return token


def post_to_channel(rt: Runtime, token: str, channel_id: str, digest: Digest) -> str:
    """Post `digest` with its chart to `channel_id`; the message ts. Slack's refusals and an
    unreachable Slack become a ClickException that names the cause (never the token)."""
    from bot.chart import render_chart  # matplotlib: only when posting

    client = make_web_client(rt.settings, token)
    try:
        return post_digest(
            client, channel_id=channel_id, digest=digest, chart_png=render_chart(digest)
        )
    except SlackApiError as err:
        code = str(err.response.get("error", "unknown_error"))
        hint = SLACK_HINTS.get(code, "see https://api.slack.com/methods/chat.postMessage")
        raise click.ClickException(
            f"Slack did not post the digest to {channel_id}: {code} ({hint})."
        ) from None
    except (SlackClientError, OSError) as err:
        raise click.ClickException(
            f"Could not reach Slack at {api_url(rt.settings)}: {type(err).__name__}. "
            "Check the network or SLACK_API_URL."
        ) from None
