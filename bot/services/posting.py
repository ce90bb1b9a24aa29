"""Post a digest to a channel: the message, then the chart as a file in its thread."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.core.blocks import render_digest
from bot.core.blocks import section as _section
from bot.core.digest import Digest

log = logging.getLogger(__name__)


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
    message = render_digest(digest)
    blocks = message["blocks"]
    if late:
        note = _section(
            ":hourglass: _This digest is late: Impact was not running at the scheduled time._"
        )
        blocks = [blocks[0], note, *blocks[1:]][:50]
    response = client.chat_postMessage(
        channel=channel_id,
        text=message["text"],
        blocks=blocks,
        unfurl_links=False,
        unfurl_media=False,
    )
    ts = str(response["ts"])
    if chart_png and not digest.is_empty:
        try:
            client.files_upload_v2(
                channel=channel_id,
                thread_ts=ts,
                file=chart_png,
                filename="impact-chart.png",
                title=f"Interactions vs outcomes · 12 weeks to {digest.label}",
            )
        except Exception:  # the digest is out; the chart is a bonus
            log.warning("slack.chart_upload_failed channel=%s", channel_id, exc_info=True)
    return ts
