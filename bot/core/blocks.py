"""Block Kit for the weekly digest: plain dicts, within Slack's limits. Pure.

Limits kept (slack.md §5): at most 50 blocks, section text ≤ 3,000 characters, header ≤ 150,
≤ 10 fields of ≤ 2,000, ≤ 10 context elements, a `text` fallback under 4,000 characters.
Any text that came from data is escaped for mrkdwn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.digest import (
    Digest,
    GoalLine,
    Line,
    goal_value_text,
    metric_label,
    status_label,
)
from bot.core.frame import ALL
from bot.core.freshness import connection_status, is_healthy
from bot.core.insights import Insight, pct, platform_name
from bot.core.model import PostRecord
from bot.core.money import format_money
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
    "outcome_pending": ":hourglass:",
    "lagged_outcome": ":tada:",
    "outcome_without_engagement": ":dart:",
    "clicks_drive_outcomes": ":point_up_2:",
    "weak_link": ":link:",
    "inverse_link": ":left_right_arrow:",
    "share_gap": ":scales:",
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
        section(f"*{escape(digest.headline.text)}*"),
    ]
    if digest.action:
        blocks.append(section(action_text(digest)))
    blocks += _goal_blocks(digest)
    blocks += _insight_blocks(digest)
    blocks += _platform_blocks(digest)
    blocks += _post_blocks(digest)
    if digest.chart:
        outcome = metric_label(digest.outcome) if digest.outcome else "outcomes"
        blocks.append(
            context(
                f":bar_chart: Weekly interactions vs {escape(outcome)}, last 12 weeks: chart in "
                "the thread."
            )
        )
    footer = _footer(digest)
    blocks = _fit(blocks, footer)
    return {"text": _fallback(digest), "blocks": blocks}


def action_text(digest: Digest) -> str:
    action = digest.action
    assert action is not None
    owner = f" (<@{escape(action.owner)}>)" if action.owner else ""
    return f":point_right: *This week:* {escape(action.text)}{owner}"


def render_quiet(digest: Digest) -> dict[str, Any]:
    """The short message for a week with no data at all."""
    text = f"Impact digest · {digest.label}: {digest.headline.text}"
    apart = [context(f":currency_exchange: {escape(line)}") for line in digest.apart_lines()]
    return {
        "text": text,
        "blocks": [section(f":zzz: {escape(text)}"), *apart, context(GOAL_PROMPT)],
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
    judged = [g for g in digest.goals if g.judged]
    for line in judged[:MAX_GOALS]:
        blocks.append(section(goal_text(line, digest.currency)))
    if len(judged) > MAX_GOALS:
        blocks.append(context(f"_and {len(judged) - MAX_GOALS} more: `/impact goals`_"))
    apart = unjudged_goals_text(digest.goals, digest.currency)
    if apart:
        blocks.append(context(escape(apart)))
    return blocks


def unjudged_goals_text(goals: Sequence[GoalLine], currency: str = "USD") -> str:
    """`new` and `no_data` goals on one line: "Just set: …  ·  Waiting for data: … (hint)"."""
    fresh = [g.description for g in goals if g.evaluation.status == "new"]
    waiting = [
        f"{g.description} ({g.hint or 'no data yet'})"
        for g in goals
        if g.evaluation.status == NO_DATA
    ]
    parts = []
    if fresh:
        parts.append("Just set, judged from next week: " + "; ".join(fresh))
    if waiting:
        parts.append("Waiting for data: " + "; ".join(waiting))
    return "  ·  ".join(parts)


def goal_text(line: GoalLine, currency: str = "USD") -> str:
    e = line.evaluation
    status = e.status
    owner = f" · set by <@{escape(line.owner)}>" if line.owner else ""
    return (
        f"{STATUS_EMOJI.get(status, '')} *{escape(line.description)}* — {status_label(status)}\n"
        f"`{progress_bar(e.progress)}` {escape(goal_value_text(line, currency))}{owner}"
    )


def _insight_blocks(digest: Digest) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [DIVIDER, section("*Engagement not tied to outcomes*")]
    if not digest.alarms:
        blocks.append(context("Nothing this week: no engagement came apart from its outcome."))
    for insight in digest.alarms:
        blocks.append(section(insight_text(insight)))
    if digest.wins:
        blocks += [DIVIDER, section("*What is working*")]
        blocks += [section(insight_text(i)) for i in digest.wins]
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


def platform_rows(digest: Digest, line: Line) -> list[str]:
    """A platform's (or the totals') figures, one per row, each with its change."""
    values, changes = line.values, line.changes
    name = "All platforms" if line.platform == ALL else platform_name(line.platform)
    note = f" _new, {weeks_of_data(line)}_" if line.is_new else ""
    rows = [f"*{escape(name)}*{note}"]
    rows.append(
        f"Interactions {_num(values.get('interactions'))} {_change(values, changes, 'interactions')}"
    )
    rows.append(
        f"Link clicks {_num(values.get('link_clicks'))} {_change(values, changes, 'link_clicks')}"
    )
    rows.append(
        f"Engagement rate {_rate(values.get('engagement_rate'))} "
        f"{_change(values, changes, 'engagement_rate')}"
    )
    rows.append(f"CTR {_rate(values.get('ctr'))} {_change(values, changes, 'ctr')}")
    for metric, value in line.outcomes.items():
        shown = format_money(value, digest.currency) if digest.is_money(metric) else _num(value)
        change = line.outcomes_change.get(metric)
        tail = "" if line.is_new else f" ({'—' if change is None else pct(change)})"
        rows.append(f"{escape(metric_label(metric)).capitalize()} {shown}{tail}")
    if line.platform == ALL and line.unattributed:
        parts = [
            f"{format_money(v, digest.currency) if digest.is_money(m) else _num(v)} "
            f"{escape(metric_label(m))}"
            for m, v in line.unattributed.items()
        ]
        rows.append("_of which unattributed: " + ", ".join(parts) + "_")
    return [r.rstrip() for r in rows]


def weeks_of_data(line: Line) -> str:
    """`2 weeks of data`: the weeks before the digest week that had data, and this one."""
    weeks = line.history_weeks + (1 if line.values or line.outcomes else 0)
    return f"{weeks} week{'s' if weeks != 1 else ''} of data"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _platform_blocks(digest: Digest) -> list[dict[str, Any]]:
    lines = list(digest.platforms[:9])
    if digest.totals is not None and digest.platforms:
        lines.append(digest.totals)
    if not lines:
        return []
    fields = [
        {"type": "mrkdwn", "text": _clip("\n".join(platform_rows(digest, line)), MAX_FIELD)}
        for line in lines
    ]
    return [
        DIVIDER,
        section("*By platform* (vs a normal week: the 4 weeks before)"),
        {"type": "section", "fields": fields},
    ]


def _change(values: dict[str, float], changes: dict[str, float | None], name: str) -> str:
    if name not in values:
        return ""
    change = changes.get(name)
    return "" if change is None else f"({pct(change)})"


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


def standing_line(digest: Digest) -> str | None:
    count = len(digest.standing)
    if not count:
        return None
    noun = "finding" if count == 1 else "findings"
    return f"Standing: {count} {noun} (see `/impact status`)"


def _footer(digest: Digest) -> list[dict[str, Any]]:
    items = []
    for c in digest.connections[:9]:
        state = ":large_green_circle:" if is_healthy(c.health) else ":warning:"
        status = connection_status(c.source, c.health, c.last_sync, c.hint)
        items.append(f"{state} {escape(c.name)} · {escape(status)}")
    blocks = [DIVIDER]
    for text in digest.apart_lines():
        blocks.append(context(f":currency_exchange: {escape(text)}"))
    line = standing_line(digest)
    if line:
        blocks.append(context(f":pushpin: {line}"))
    if items:
        blocks.append(context(*items))
    blocks.append(context(GOAL_PROMPT))
    return blocks


def _fallback(digest: Digest) -> str:
    """The notification and screen-reader text: the headline and the one action."""
    parts = [f"Impact digest · {digest.label}: {digest.headline.text}"]
    if digest.action:
        parts.append(f"This week: {digest.action.text}")
    return _clip(" ".join(parts), 3900)
