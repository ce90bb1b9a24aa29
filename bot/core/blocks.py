"""Block Kit for the weekly digest: plain dicts, within Slack's limits. Pure.

Limits kept (slack.md §5): at most 50 blocks, section text ≤ 3,000 characters, header ≤ 150,
≤ 10 fields of ≤ 2,000, ≤ 10 context elements, a `text` fallback under 4,000 characters.
Any text that came from data is escaped for mrkdwn.
"""

from __future__ import annotations

from typing import Any

from bot.core.digest import Digest, GoalLine, goal_value_text, metric_label, status_label
from bot.core.insights import Insight, pct, platform_name
from bot.core.model import PostRecord
from bot.core.progress import AT_RISK, MET, NO_DATA, OFF_TRACK, ON_TRACK, progress_bar

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_FIELD = 2000
MAX_GOALS = 10
GOAL_PROMPT = "Reply in this thread to set a goal, e.g. `signups +15% by Mar 31`"
STATUS_EMOJI = {
    MET: ":white_check_mark:",
    ON_TRACK: ":large_green_circle:",
    AT_RISK: ":large_yellow_circle:",
    OFF_TRACK: ":red_circle:",
    NO_DATA: ":white_circle:",
}
INSIGHT_EMOJI = {
    "engagement_without_outcome": ":chart_with_upwards_trend:",
    "weak_link": ":link:",
    "vanity_posts": ":sparkles:",
    "no_outcome_link": ":jigsaw:",
    "engagement_cost": ":hourglass_flowing_sand:",
}


def escape(text: str) -> str:
    """mrkdwn-escape text that came from data (`&`, `<`, `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    if not url or not url.startswith(("https://", "http://")):
        return escape(label)
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, MAX_SECTION)}}


def context(*texts: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _clip(t, MAX_SECTION)} for t in texts[:10]],
    }


def header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": _clip(text, 150), "emoji": True},
    }


DIVIDER = {"type": "divider"}


def render_digest(digest: Digest) -> dict[str, Any]:
    """The digest as a message: `{"text": fallback, "blocks": [...]}`."""
    if digest.is_empty:
        return render_quiet(digest)
    blocks: list[dict[str, Any]] = [
        header(f"Impact digest · {digest.label}"),
        section(f"*{escape(digest.verdict)}*"),
    ]
    blocks += _goal_blocks(digest)
    blocks += _insight_blocks(digest)
    blocks += _platform_blocks(digest)
    blocks += _post_blocks(digest)
    if digest.chart:
        outcome = metric_label(digest.outcome) if digest.outcome else "outcomes"
        blocks.append(
            context(
                f":bar_chart: Weekly interactions vs {outcome}, last 12 weeks: chart in the thread."
            )
        )
    footer = _footer(digest)
    blocks = _fit(blocks, footer)
    return {"text": _fallback(digest), "blocks": blocks}


def render_quiet(digest: Digest) -> dict[str, Any]:
    """The short message for a week in which nothing changed and no goal moved."""
    text = f"Impact digest · {digest.label}: a quiet week, no new data and no goal moved."
    return {
        "text": text,
        "blocks": [section(f":zzz: {escape(text)}"), context(GOAL_PROMPT)],
    }


def _fit(blocks: list[dict[str, Any]], footer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    room = MAX_BLOCKS - len(footer)
    if len(blocks) > room:
        dropped = len(blocks) - room + 1
        blocks = [*blocks[: room - 1], context(f"_{dropped} more items in `/impact digest`._")]
    return blocks + footer


def _goal_blocks(digest: Digest) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [DIVIDER, section("*Goals*")]
    if not digest.goals:
        blocks.append(context("No goals yet. " + GOAL_PROMPT))
        return blocks
    for line in digest.goals[:MAX_GOALS]:
        blocks.append(section(goal_text(line)))
    if len(digest.goals) > MAX_GOALS:
        blocks.append(context(f"_and {len(digest.goals) - MAX_GOALS} more: `/impact goals`_"))
    return blocks


def goal_text(line: GoalLine) -> str:
    e = line.evaluation
    status = e.status
    owner = f" · set by <@{escape(line.owner)}>" if line.owner else ""
    return (
        f"{STATUS_EMOJI.get(status, '')} *{escape(line.description)}* — {status_label(status)}\n"
        f"`{progress_bar(e.progress)}` {escape(goal_value_text(line))}{owner}"
    )


def _insight_blocks(digest: Digest) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [DIVIDER, section("*Engagement not tied to outcomes*")]
    if not digest.insights:
        blocks.append(context("Nothing this week: engagement and outcomes moved together."))
        return blocks
    for insight in digest.insights:
        blocks.append(section(insight_text(insight)))
    return blocks


def insight_text(insight: Insight) -> str:
    emoji = INSIGHT_EMOJI.get(insight.type, ":mag:")
    text = f"{emoji} {escape(insight.message)}"
    if insight.type == "vanity_posts":
        for post in insight.numbers.get("posts", []):
            title = post.get("title") or post["post_id"]
            text += (
                f"\n• {link(post.get('permalink'), title)} ({platform_name(post['platform'])}): "
                f"{post['interactions']:,} interactions, {post['link_clicks']} link clicks"
            )
    return f"{text}\n_→ {escape(insight.action)}_"


def _platform_blocks(digest: Digest) -> list[dict[str, Any]]:
    if not digest.platforms:
        return []
    fields = []
    for line in digest.platforms[:10]:
        rows = [
            f"*{platform_name(line.platform)}*",
            f"Interactions {line.interactions:,.0f} {_change(line.interactions_change)}",
            f"Link clicks {line.link_clicks:,.0f} {_change(line.link_clicks_change)}",
        ]
        for metric, value in line.outcomes.items():
            rows.append(
                f"{escape(metric_label(metric)).capitalize()} {value:,.0f} "
                f"{_change(line.outcomes_change.get(metric))}"
            )
        fields.append({"type": "mrkdwn", "text": _clip("\n".join(rows), MAX_FIELD)})
    return [
        DIVIDER,
        section("*By platform* (vs the 4 weeks before)"),
        {"type": "section", "fields": fields},
    ]


def _change(value: float | None) -> str:
    return "(new)" if value is None else f"({pct(value)})"


def _post_line(index: int, post: PostRecord, value: str) -> str:
    title = post.title or post.external_id
    return f"{index}. {link(post.permalink, _clip(title, 60))} · {value}"


def _post_blocks(digest: Digest) -> list[dict[str, Any]]:
    if not digest.top_by_interactions:
        return []
    outcome = metric_label(digest.outcome) if digest.outcome else "outcomes"
    if digest.top_by_outcome:
        left = "\n".join(
            _post_line(i, p, f"{p.outcomes:,.0f} {outcome}")
            for i, p in enumerate(digest.top_by_outcome, 1)
        )
    else:
        left = "_No post brought a measured outcome this week._"
    right = "\n".join(
        _post_line(i, p, f"{p.interactions:,} interactions")
        for i, p in enumerate(digest.top_by_interactions, 1)
    )
    return [
        DIVIDER,
        {
            "type": "section",
            "fields": [
                {
                    "type": "mrkdwn",
                    "text": _clip(f"*Top posts by {escape(outcome)}*\n{left}", MAX_FIELD),
                },
                {
                    "type": "mrkdwn",
                    "text": _clip(f"*Top posts by interactions*\n{right}", MAX_FIELD),
                },
            ],
        },
    ]


def _footer(digest: Digest) -> list[dict[str, Any]]:
    items = []
    for c in digest.connections[:8]:
        when = f"synced {c.last_sync:%b} {c.last_sync.day}" if c.last_sync else "never synced"
        if c.health in ("ok", "new"):
            items.append(f":large_green_circle: {escape(c.name)} · {when}")
        else:
            hint = f": {escape(c.hint)}" if c.hint else ""
            items.append(f":warning: {escape(c.name)} · {c.health.replace('_', ' ')}{hint}")
    blocks = [DIVIDER]
    if items:
        blocks.append(context(*items))
    blocks.append(context(GOAL_PROMPT))
    return blocks


def _fallback(digest: Digest) -> str:
    """The notification and screen-reader text: the verdict and the headline numbers."""
    parts = [f"Impact digest · {digest.label}: {digest.verdict}"]
    for line in digest.platforms:
        parts.append(
            f"{platform_name(line.platform)}: {line.interactions:,.0f} interactions "
            f"{_change(line.interactions_change)}"
        )
    return _clip(" ".join(parts), 3900)
