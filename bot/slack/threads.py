"""Thread replies set goals.

A reply in the thread of a message the bot posted that starts with `goal`/`set goal` or
mentions the bot is read with the goal grammar; the bot answers in the thread. Other chatter
is ignored. The same message can arrive as `message` and as `app_mention`, and Slack
retries events: the key `channel:ts` is claimed in the database first, so a reply is stored
and answered once whichever replica receives it.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.bootstrap import Runtime
from bot.core.goals import Refusal
from bot.core.replies import render_goal_stored, render_refusal
from bot.services.goals import add_goal
from bot.services.teams import mark_event_processed, touch_team
from bot.slack.identity import team_of

_GOAL_START = re.compile(r"^\s*(?:set\s+)?goal\b", re.I)


#: Message subtypes that are a person's reply: "Also send to #channel" arrives as a
#: thread_broadcast, and one with a file attached as file_share. Every other subtype (edits,
#: joins, bot messages...) is not a reply.
REPLY_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def parent_author(event: dict[str, Any]) -> str | None:
    """Who wrote the thread's parent: `parent_user_id`, or for a thread_broadcast (which has
    none) the `root` message's author."""
    return event.get("parent_user_id") or (event.get("root") or {}).get("user")


def is_goal_reply(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A human reply in a thread the bot started, addressed to it."""
    if event.get("bot_id") or event.get("subtype") not in REPLY_SUBTYPES:
        return False
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not thread_ts or thread_ts == ts:
        return False
    text = event.get("text") or ""
    mentioned = bool(bot_user_id) and f"<@{bot_user_id}" in text
    parent = parent_author(event)
    if parent not in (None, bot_user_id) and not mentioned:
        return False  # someone else's thread
    if parent is None and not mentioned:
        return False
    return mentioned or bool(_GOAL_START.match(text))


def register(app: App, runtime: Runtime) -> None:
    def ack_event(ack: Ack) -> None:
        ack()

    def on_reply(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if not is_goal_reply(event, context.bot_user_id):
            return
        channel, ts = event.get("channel", ""), event.get("ts", "")
        team_id = team_of(context)
        if not mark_event_processed(runtime.engine, f"reply:{channel}:{ts}", team_id):
            return  # a retry, or the same message delivered as app_mention too
        today = touch_team(runtime.engine, team_id)
        text = re.sub(r"<@\w+(?:\|[^>]*)?>", " ", event.get("text") or "")
        result = add_goal(
            runtime.engine,
            team_id=team_id,
            channel_id=channel,
            text=text,
            user_id=event.get("user"),
            today=today,
            source_ts=ts,
        )
        if isinstance(result, Refusal):
            reply = render_refusal(result)
        else:
            reply = render_goal_stored(result.line, result.baseline)
        client.chat_postMessage(channel=channel, thread_ts=event["thread_ts"], **reply)

    app.event("message")(ack=ack_event, lazy=[on_reply])
    app.event("app_mention")(ack=ack_event, lazy=[on_reply])
