"""Post a digest to a channel: the message, then the chart as a file in its thread.

The scheduler posts in steps that can each be resumed after a crash (`bot.scheduler`):
the message carries its run's id in Slack message metadata, so a run taken over can find
a message its dead predecessor posted but never recorded (`find_run_message`), and a chart
already in the thread is not uploaded twice (`chart_in_thread`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.core.blocks import render_digest
from bot.core.blocks import section as _section
from bot.core.digest import Digest

log = logging.getLogger(__name__)
#: Message metadata event type of a scheduled digest; its payload names the run.
DIGEST_EVENT = "impact_digest"
CHART_FILENAME = "impact-chart.png"
#: How far back a takeover looks for its run's message: newest first, pages of 200.
HISTORY_PAGES = 3


def post_digest(
    client: WebClient,
    *,
    channel_id: str,
    digest: Digest,
    chart_png: bytes | None,
    late: bool = False,
) -> str:
    """Post `digest` to `channel_id` and return the message ts. The chart goes into the
    thread (files_upload_v2); a failed upload does not undo the digest."""
    ts = post_message(client, channel_id=channel_id, digest=digest, late=late)
    if chart_png and not digest.is_empty:
        upload_chart(client, channel_id=channel_id, ts=ts, chart_png=chart_png, digest=digest)
    return ts


def post_message(
    client: WebClient,
    *,
    channel_id: str,
    digest: Digest,
    late: bool = False,
    run_id: int | None = None,
) -> str:
    """Post the digest message (no chart) and return its ts. With `run_id`, the message
    carries it in its metadata, for `find_run_message`."""
    message = render_digest(digest)
    blocks = message["blocks"]
    if late:
        note = _section(
            ":hourglass: _This digest is late: Impact was not running at the scheduled time._"
        )
        blocks = [blocks[0], note, *blocks[1:]][:50]
    extra: dict[str, Any] = {}
    if run_id is not None:
        extra["metadata"] = {"event_type": DIGEST_EVENT, "event_payload": {"run_id": run_id}}
    response = client.chat_postMessage(
        channel=channel_id,
        text=message["text"],
        blocks=blocks,
        unfurl_links=False,
        unfurl_media=False,
        **extra,
    )
    return str(response["ts"])


def upload_chart(
    client: WebClient, *, channel_id: str, ts: str, chart_png: bytes, digest: Digest
) -> bool:
    """Upload the chart into the thread of `ts`. False (logged) when the upload failed: the
    digest is out, the chart is a bonus."""
    try:
        client.files_upload_v2(
            channel=channel_id,
            thread_ts=ts,
            file=chart_png,
            filename=CHART_FILENAME,
            title=f"Interactions vs outcomes · 12 weeks to {digest.label}",
        )
    except Exception:
        log.warning("slack.chart_upload_failed channel=%s", channel_id, exc_info=True)
        return False
    return True


def find_run_message(client: WebClient, *, channel_id: str, run_id: int) -> str | None:
    """The ts of the digest message of run `run_id` in the channel's recent history, or
    None. Raises the Web API's error when the history cannot be read."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=channel_id, limit=200, include_all_metadata=True, cursor=cursor
        )
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == DIGEST_EVENT and payload.get("run_id") == run_id:
                return str(message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None
    return None


def chart_in_thread(client: WebClient, *, channel_id: str, ts: str) -> bool:
    """True when the thread of `ts` already holds the chart. Raises the Web API's error
    when the thread cannot be read."""
    page = client.conversations_replies(channel=channel_id, ts=ts, limit=200)
    return any(
        f.get("name") == CHART_FILENAME
        for message in page.get("messages") or []
        if message.get("ts") != ts
        for f in message.get("files") or []
    )
