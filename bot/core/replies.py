"""Answers to `/impact` commands, thread replies and App Home, as Block Kit. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core import catalogue
from bot.core.blocks import DIVIDER, GOAL_PROMPT, context, escape, goal_text, header, section
from bot.core.commands import WEEKDAYS, help_text
from bot.core.digest import GoalLine, metric_label
from bot.core.freshness import connection_status, is_healthy
from bot.core.goals import Refusal
from bot.core.insights import pct, platform_name
from bot.core.model import DateRange
from bot.core.periods import range_label
from bot.core.progress import MET, NO_DATA, ON_TRACK
from bot.core.wording import plural

Message = dict[str, Any]


@dataclass(frozen=True, slots=True)
class MetricRow:
    platform: str  # '' = unattributed outcomes
    metric: str
    current: float
    previous: float

    @property
    def change(self) -> float | None:
        return None if not self.previous else (self.current - self.previous) / self.previous


@dataclass(frozen=True, slots=True)
class MetricsReport:
    period: str
    current: DateRange
    previous: DateRange
    platform: str | None
    rows: list[MetricRow]


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    id: int
    source: str
    name: str
    health: str
    last_sync: str | None  # ISO date
    hint: str | None = None


def message(text: str, blocks: list[dict[str, Any]] | None = None) -> Message:
    return {"text": text, "blocks": blocks or [section(escape(text))]}


def render_help(topic: str | None = None) -> Message:
    text = help_text(topic)
    return {"text": text, "blocks": [section(text)]}


def render_usage_error(text: str) -> Message:
    return {"text": text, "blocks": [section(f":warning: {text}")]}


def render_status(goals: Sequence[GoalLine], verdict: str) -> Message:
    if not goals:
        text = "No goals in this channel yet. " + GOAL_PROMPT
        return {"text": text, "blocks": [section(text)]}
    good = sum(g.evaluation.status in (MET, ON_TRACK) for g in goals)
    waiting = sum(g.evaluation.status == NO_DATA for g in goals)
    headline = f"{good} of {len(goals)} goals on track" + (
        f", {waiting} waiting for data" if waiting else ""
    )
    blocks = [section(f"*{escape(headline)}.* {escape(verdict)}")]
    blocks += [section(goal_text(g)) for g in goals[:20]]
    return {"text": f"{headline}. {verdict}", "blocks": blocks}


def render_goal_list(goals: Sequence[GoalLine]) -> Message:
    """This channel's goals, each with Edit and Delete buttons."""
    if not goals:
        text = "No goals in this channel yet. Try `/impact goal add signups +15% by Mar 31`."
        return {"text": text, "blocks": [section(text)]}
    blocks: list[dict[str, Any]] = []
    for goal in goals[:24]:
        blocks.append(
            {
                "type": "section",
                "block_id": f"goal-{goal.id}",
                "text": {"type": "mrkdwn", "text": goal_text(goal)},
                "accessory": {
                    "type": "overflow",
                    "action_id": "goal_menu",
                    "options": [
                        {
                            "text": {"type": "plain_text", "text": "Edit"},
                            "value": f"edit:{goal.id}",
                        },
                        {
                            "text": {"type": "plain_text", "text": "Delete"},
                            "value": f"delete:{goal.id}",
                        },
                    ],
                },
            }
        )
    return {"text": f"{len(goals)} goals in this channel", "blocks": blocks}


def render_goal_stored(goal: GoalLine, baseline: float | None) -> Message:
    """What was stored, the baseline measured, and an Undo button."""
    if baseline is None:
        measured = "no data before today, so progress starts from the first numbers that arrive"
    elif goal.spec.kind == "rate":
        measured = f"{baseline * 100:.2f}% over the last 4 weeks"
    elif goal.spec.kind == "relative" and not catalogue.is_level(goal.spec.metric):
        measured = f"{baseline:,.1f} a week (the 4 weeks before today)"
    else:
        measured = f"{baseline:,.10g}"
    text = f"Goal set: {goal.description}. Baseline: {measured}."
    return {
        "text": text,
        "blocks": [
            {
                "type": "section",
                "block_id": f"stored-{goal.id}",
                "text": {
                    "type": "mrkdwn",
                    "text": f":dart: *Goal set:* {escape(goal.description)}\n"
                    f"Baseline: {escape(measured)}.",
                },
                "accessory": {
                    "type": "button",
                    "action_id": "goal_undo",
                    "text": {"type": "plain_text", "text": "Undo"},
                    "value": str(goal.id),
                },
            }
        ],
    }


def render_refusal(refusal: Refusal) -> Message:
    text = refusal.message()
    return {
        "text": "No goal stored. " + text,
        "blocks": [section(":thinking_face: " + escape(text))],
    }


def render_metrics(report: MetricsReport) -> Message:
    scope = platform_name(report.platform) if report.platform else "All platforms"
    title = (
        f"*{scope} · {range_label(report.current.start, report.current.end)}* "
        f"(vs {range_label(report.previous.start, report.previous.end)})"
    )
    if not report.rows:
        text = f"{title}\nNo data for this period yet. Connect a source with `/impact connect`."
        return {"text": text, "blocks": [section(text)]}
    by_platform: dict[str, list[MetricRow]] = {}
    for row in report.rows:
        by_platform.setdefault(row.platform, []).append(row)
    fields = []
    for platform, rows in sorted(by_platform.items()):
        name = platform_name(platform) if platform else "Unattributed"
        lines = [f"*{name}*"]
        for row in rows:
            change = "new" if row.change is None else pct(row.change)
            lines.append(f"{metric_label(row.metric).capitalize()} {row.current:,.0f} ({change})")
        fields.append({"type": "mrkdwn", "text": "\n".join(lines)[:2000]})
    blocks: list[dict[str, Any]] = [section(title)]
    for start in range(0, len(fields), 10):
        blocks.append({"type": "section", "fields": fields[start : start + 10]})
    return {"text": f"{scope} metrics for {report.period}", "blocks": blocks}


def render_schedule(described: str | None) -> Message:
    if described is None:
        text = "No weekly digest in this channel. Set one: `/impact schedule monday 09:00 Europe/Berlin`."
    else:
        text = f"The weekly digest posts here {described}. Stop it with `/impact schedule off`."
    return {"text": text, "blocks": [section(text)]}


def render_connections(connections: Sequence[ConnectionInfo]) -> Message:
    if not connections:
        text = (
            "No sources connected yet. Connect one with `/impact connect instagram` (or `ga4`, "
            "`facebook`), or import a CSV with `impact import`."
        )
        return {"text": text, "blocks": [section(text)]}
    lines = []
    for c in connections:
        state = ":large_green_circle:" if is_healthy(c.health) else ":warning:"
        lines.append(f"{state} *{escape(c.name)}* ({c.source}) · {escape(status_of(c))}")
    text = "\n".join(lines)
    return {"text": plural(len(connections), "connection"), "blocks": [section(text)]}


def status_of(connection: ConnectionInfo) -> str:
    """`imported Nov 20`, `synced Nov 20`, `needs reauth (last synced Nov 20): …`."""
    day = date.fromisoformat(connection.last_sync) if connection.last_sync else None
    return connection_status(connection.source, connection.health, day, connection.hint)


def render_home(
    goals: Sequence[GoalLine],
    connections: Sequence[ConnectionInfo],
    schedules: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The App Home view: goals with status, connections with health, schedules, actions."""
    blocks: list[dict[str, Any]] = [
        header("Impact"),
        section("Which engagement moves your outcomes, and which does not."),
        {
            "type": "actions",
            "block_id": "home-actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "home_add_goal",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Add a goal"},
                },
                {
                    "type": "button",
                    "action_id": "home_sync",
                    "text": {"type": "plain_text", "text": "Sync now"},
                },
            ],
        },
        DIVIDER,
        section("*Goals*"),
    ]
    if goals:
        blocks += [section(goal_text(g)) for g in goals[:30]]
    else:
        blocks.append(context("No goals yet. " + GOAL_PROMPT))
    blocks += [DIVIDER, section("*Connections*")]
    blocks += render_connections(connections)["blocks"]
    blocks += [DIVIDER, section("*Weekly digests*")]
    if schedules:
        blocks.append(section("\n".join(f"<#{escape(c)}>: {escape(d)}" for c, d in schedules)))
    else:
        blocks.append(context("None yet: `/impact schedule monday 09:00` in a channel."))
    return {"type": "home", "blocks": blocks[:100]}


def goal_modal(goal_id: int | None = None, text: str = "", channel_id: str = "") -> dict[str, Any]:
    """The form behind `/impact goal add` with no text, Edit, and App Home's button."""
    return {
        "type": "modal",
        "callback_id": "goal_modal",
        "private_metadata": f"{goal_id or ''}|{channel_id}",
        "title": {"type": "plain_text", "text": "Edit goal" if goal_id else "Add a goal"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "goal",
                "label": {"type": "plain_text", "text": "Goal"},
                "hint": {
                    "type": "plain_text",
                    "text": "e.g. signups +15% by Mar 31, or Instagram link clicks to 2,000 by 2027-01-31",
                },
                "element": {"type": "plain_text_input", "action_id": "text", "initial_value": text}
                if text
                else {"type": "plain_text_input", "action_id": "text"},
            }
        ],
    }


def weekday_name(index: int) -> str:
    return WEEKDAYS[index].capitalize()


def connect_modal(
    source: str, fields: Sequence[tuple[str, str, bool]], channel_id: str = ""
) -> dict[str, Any]:
    """The form behind `/impact connect <source>`: one input per credential field."""
    return {
        "type": "modal",
        "callback_id": "connect_modal",
        "private_metadata": f"{source}|{channel_id}",
        "title": {
            "type": "plain_text",
            "text": f"Connect {platform_name(source) if source in catalogue.PLATFORMS else source.upper()}"[
                :24
            ],
        },
        "submit": {"type": "plain_text", "text": "Connect"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            context("Impact checks these with the source, then stores them encrypted."),
            *[
                {
                    "type": "input",
                    "block_id": name,
                    "label": {"type": "plain_text", "text": label[:2000]},
                    "element": {"type": "plain_text_input", "action_id": "value"},
                }
                for name, label, _secret in fields
            ],
        ],
    }


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section(text)],
    }


def render_sync(results: Sequence[tuple[str, str, int, str | None]]) -> Message:
    """(name, status, points, error) per connection synced."""
    if not results:
        text = (
            "Nothing to sync: no connected sources with credentials (`/impact connect <source>`)."
        )
        return {"text": text, "blocks": [section(text)]}
    lines = []
    for name, status, points, error in results:
        icon = ":large_green_circle:" if status == "ok" else ":warning:"
        detail = f" — {escape(error)}" if error else ""
        lines.append(
            f"{icon} *{escape(name)}*: {status.replace('_', ' ')}, {plural(points, 'point')}{detail}"
        )
    return {"text": "Sync finished", "blocks": [section("Sync finished.\n" + "\n".join(lines))]}
