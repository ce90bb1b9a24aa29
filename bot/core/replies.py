"""Answers to `/impact` commands, thread replies and App Home, as Block Kit. Pure."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core import catalogue
from bot.core.blocks import (
    DIVIDER,
    GOAL_PROMPT,
    context,
    escape,
    goal_text,
    header,
    section,
)
from bot.core.commands import WEEKDAYS, help_text
from bot.core.digest import Digest, GoalLine, metric_label
from bot.core.freshness import connection_status, is_healthy
from bot.core.goals import Refusal
from bot.core.hints import import_command
from bot.core.insights import pct, platform_name
from bot.core.model import DateRange
from bot.core.periods import range_label
from bot.core.progress import MET, ON_TRACK
from bot.core.wording import plural

Message = dict[str, Any]
Block = dict[str, Any]


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


@dataclass(frozen=True, slots=True)
class SettingsView:
    """A team's settings in force; `defaults` names those the team has not set."""

    currency: str
    country: str | None
    minutes_per_reply: float
    defaults: frozenset[str]


def render_settings(view: SettingsView, changed: Sequence[str] = ()) -> Message:
    """`/impact settings`: what is in force (and what was just set)."""
    shown = {
        "currency": ("Currency", view.currency, "`currency EUR`"),
        "country": ("Country", view.country or "none (no public holidays)", "`country DE`"),
        "minutes_per_reply": (
            "Minutes per reply",
            f"{view.minutes_per_reply:g}",
            "`minutes-per-reply 3`",
        ),
    }
    lines = []
    for key, (label, value, example) in shown.items():
        note = " (default)" if key in view.defaults else ""
        mark = " :white_check_mark: set" if key in changed else ""
        lines.append(f"• *{label}:* {escape(value)}{note}{mark} · change: {example}")
    title = "Settings saved." if changed else "This team's settings:"
    text = title + "\n" + "\n".join(lines)
    fallback = title + " " + ", ".join(f"{label} {value}" for label, value, _ in shown.values())
    return {"text": fallback, "blocks": [section(text)]}


def message(text: str, blocks: list[dict[str, Any]] | None = None) -> Message:
    return {"text": text, "blocks": blocks or [section(escape(text))]}


def render_help(topic: str | None = None) -> Message:
    text = help_text(topic)
    return {"text": text, "blocks": [section(text)]}


def render_usage_error(text: str) -> Message:
    return {"text": text, "blocks": [section(f":warning: {text}")]}


#: Goals shown by `/impact status`; the rest are counted, and `/impact goals` pages them.
STATUS_GOALS = 20


def render_status(goals: Sequence[GoalLine], digest: Digest) -> Message:
    """Goals of the channel with status, the last digest's headline (once), and every
    standing finding that holds."""
    judged = [g for g in goals if g.judged]
    good = sum(g.evaluation.status in (MET, ON_TRACK) for g in judged)
    blocks: list[dict[str, Any]] = [
        section(f"*{escape(digest.label)}:* {escape(digest.headline.text)}")
    ]
    summary = "No goals in this channel yet. " + GOAL_PROMPT
    if goals:
        summary = f"{good} of {len(judged)} judged goals on track"
        blocks.append(section(f"*{escape(summary)}*"))
        ordered = [*judged, *(g for g in goals if not g.judged)]
        blocks += [section(goal_text(g, digest.currency)) for g in ordered[:STATUS_GOALS]]
        if len(ordered) > STATUS_GOALS:
            more = len(ordered) - STATUS_GOALS
            blocks.append(
                context(f"…and {more} more: `/impact goals` lists them all, page by page.")
            )
    else:
        blocks.append(context(summary))
    if digest.all_standing:
        blocks += [DIVIDER, section("*Standing findings* (what has held for weeks)")]
        for finding in digest.all_standing[:10]:
            blocks.append(section(f"• {escape(finding.message)}\n_→ {escape(finding.action)}_"))
    text = f"{digest.headline.text} {summary}."
    return {"text": text, "blocks": blocks[:50]}


#: Goals on one page of `/impact goals` (one block each, well inside 50 a message).
GOALS_PER_PAGE = 20
#: Goals on one page of App Home (a view holds 100 blocks; connections and schedules follow).
HOME_GOALS_PER_PAGE = 25
#: Schedules listed in App Home, each a block with its Stop button.
HOME_SCHEDULES = 20


def page_of(total: int, page: int, per_page: int) -> tuple[int, int, int]:
    """(the page actually shown, its first index, the number of pages): a page past the
    end (goals deleted meanwhile) shows the last one."""
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    return page, page * per_page, pages


def pager(prefix: str, page: int, pages: int, first: int, shown: int, total: int) -> list[Block]:
    """ "Goals 21–40 of 61" and Previous/Next buttons, or nothing when one page holds all.
    The buttons' values are the page they open; their action ids are `<prefix>_prev|next`."""
    if pages <= 1:
        return []
    buttons = []
    if page > 0:
        buttons.append(_button(f"{prefix}_prev", "Previous", str(page - 1)))
    if page < pages - 1:
        buttons.append(_button(f"{prefix}_next", "Next", str(page + 1)))
    return [
        context(f"Goals {first + 1}–{first + shown} of {total} · page {page + 1} of {pages}"),
        {"type": "actions", "block_id": f"{prefix}-pages", "elements": buttons},
    ]


def _button(action_id: str, label: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label[:75]},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def render_goal_list(
    goals: Sequence[GoalLine], page: int = 0, notice: Sequence[Block] = ()
) -> Message:
    """This channel's goals, each with Edit and Delete, `GOALS_PER_PAGE` at a time with
    Previous/Next (`goals_page_prev|next`). `notice` blocks go first (e.g. "Deleted… Undo")."""
    if not goals:
        text = "No goals in this channel yet. Try `/impact goal add signups +15% by Mar 31`."
        return {"text": text, "blocks": [*notice, section(text)]}
    page, first, pages = page_of(len(goals), page, GOALS_PER_PAGE)
    shown = goals[first : first + GOALS_PER_PAGE]
    blocks: list[Block] = list(notice)
    for goal in shown:
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
                            "value": f"edit:{goal.id}:{page}",
                        },
                        {
                            "text": {"type": "plain_text", "text": "Delete"},
                            "value": f"delete:{goal.id}:{page}",
                        },
                    ],
                },
            }
        )
    blocks += pager("goals_page", page, pages, first, len(shown), len(goals))
    text = f"{len(goals)} goals in this channel"
    if pages > 1:
        text += f", {first + 1}–{first + len(shown)} shown"
    return {"text": text, "blocks": blocks}


def deleted_notice(description: str | None, goal_id: int) -> list[Block]:
    """The line above the list after Delete, with an Undo (`goal_restore`) button;
    `description` None: it was gone already."""
    if description is None:
        return [context("That goal was already removed.")]
    return [
        {
            "type": "section",
            "block_id": f"deleted-{goal_id}",
            "text": {
                "type": "mrkdwn",
                "text": f":wastebasket: Deleted *{escape(description[:500])}*.",
            },
            "accessory": _button("goal_restore", "Undo", str(goal_id)),
        }
    ]


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


def render_connections(
    connections: Sequence[ConnectionInfo], team_id: str | None = None
) -> Message:
    if not connections:
        text = (
            "No sources connected yet. Connect one with `/impact connect instagram` (or `ga4`, "
            f"`facebook`), or import a CSV with {import_command(team_id)}."
        )
        return {"text": text, "blocks": [section(text)]}
    lines = []
    for c in connections:
        state = ":large_green_circle:" if is_healthy(c.health) else ":warning:"
        lines.append(f"{state} *{escape(c.name)}* ({c.source}) · {escape(status_of(c))}")
    return {"text": plural(len(connections), "connection"), "blocks": _line_sections(lines)}


def status_of(connection: ConnectionInfo) -> str:
    """`imported Nov 20`, `synced Nov 20`, `needs reauth (last synced Nov 20): …`."""
    day = date.fromisoformat(connection.last_sync) if connection.last_sync else None
    return connection_status(connection.source, connection.health, day, connection.hint)


def _line_sections(lines: Sequence[str], limit: int = 2900, most: int = 10) -> list[Block]:
    """Lines as sections of at most `limit` characters, never cut mid-line; past `most`
    sections the rest is counted, not dropped silently."""
    chunks: list[list[str]] = [[]]
    for line in lines:
        if chunks[-1] and sum(len(x) + 1 for x in chunks[-1]) + len(line) > limit:
            chunks.append([])
        chunks[-1].append(line)
    blocks = [section("\n".join(chunk)) for chunk in chunks[:most]]
    if len(chunks) > most:
        blocks.append(context(f"…and {sum(len(c) for c in chunks[most:])} more."))
    return blocks


def render_home(
    goals: Sequence[GoalLine],
    connections: Sequence[ConnectionInfo],
    schedules: Sequence[tuple[str, str]],
    *,
    page: int = 0,
    notice: Sequence[Block] = (),
    team_id: str | None = None,
) -> dict[str, Any]:
    """The App Home view: goals with status (`HOME_GOALS_PER_PAGE` a page, Previous/Next as
    `home_goals_prev|next`), connections with health, the schedules (channel, description)
    each with a Stop button, and the common actions. `notice` goes under the actions (a sync
    running or done). At most 100 blocks, as Slack allows a Home tab."""
    blocks: list[Block] = [
        header("Impact"),
        section("Which engagement moves your outcomes, and which does not."),
        {
            "type": "actions",
            "block_id": "home-actions",
            "elements": [
                _button("home_add_goal", "Add a goal", "add", "primary"),
                _button("home_schedule", "Set a weekly digest", "schedule"),
                _button("home_sync", "Sync now", "sync"),
            ],
        },
        *notice,
        DIVIDER,
        section("*Goals*"),
    ]
    if goals:
        page, first, pages = page_of(len(goals), page, HOME_GOALS_PER_PAGE)
        shown = goals[first : first + HOME_GOALS_PER_PAGE]
        blocks += [section(goal_text(g)) for g in shown]
        blocks += pager("home_goals", page, pages, first, len(shown), len(goals))
    else:
        blocks.append(context("No goals yet. Add one with the button above, or " + GOAL_PROMPT))
    blocks += [DIVIDER, section("*Connections*")]
    blocks += render_connections(connections, team_id)["blocks"]
    blocks += [DIVIDER, section("*Weekly digests*")]
    blocks += _home_schedules(schedules)
    return {"type": "home", "blocks": blocks[:100]}


def _home_schedules(schedules: Sequence[tuple[str, str]]) -> list[Block]:
    if not schedules:
        return [
            context(
                "None yet: *Set a weekly digest* above, or `/impact schedule monday 09:00` in a "
                "channel."
            )
        ]
    blocks: list[Block] = [
        {
            "type": "section",
            "block_id": f"schedule-{channel}"[:255],
            "text": {"type": "mrkdwn", "text": f"<#{escape(channel)}>: {escape(described)}"},
            "accessory": _button("home_schedule_stop", "Stop", channel, "danger"),
        }
        for channel, described in schedules[:HOME_SCHEDULES]
    ]
    if len(schedules) > HOME_SCHEDULES:
        more = len(schedules) - HOME_SCHEDULES
        blocks.append(context(f"…and {more} more: `/impact schedule` in a channel shows its own."))
    return blocks


def goal_modal(
    goal_id: int | None = None, text: str = "", channel_id: str = "", origin: str = ""
) -> dict[str, Any]:
    """The form behind `/impact goal add` with no text, Edit, and App Home's button.

    A goal belongs to a channel: without `channel_id` (App Home) the form asks for one.
    `private_metadata` is `goal id|channel|origin` (origin `home`: refresh App Home after)."""
    goal_input: Block = {
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
    blocks = [goal_input]
    if not channel_id:
        blocks.append(_channel_input("The channel whose digest shows this goal."))
    return {
        "type": "modal",
        "callback_id": "goal_modal",
        "private_metadata": f"{goal_id or ''}|{channel_id}|{origin}",
        "title": {"type": "plain_text", "text": "Edit goal" if goal_id else "Add a goal"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _channel_input(hint: str, channel_id: str = "") -> Block:
    element: Block = {
        "type": "conversations_select",
        "action_id": "value",
        "placeholder": {"type": "plain_text", "text": "Pick a channel"},
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id:
        element["initial_conversation"] = channel_id
    return {
        "type": "input",
        "block_id": "channel",
        "label": {"type": "plain_text", "text": "Channel"},
        "hint": {"type": "plain_text", "text": hint},
        "element": element,
    }


def schedule_modal(
    channel_id: str = "", weekday: int = 0, hour: int = 9, minute: int = 0, timezone: str = ""
) -> dict[str, Any]:
    """App Home's form to set or change a channel's weekly digest: channel, day, time, time
    zone (empty: the time zone of the person who sets it). Callback `schedule_modal`."""
    days = [
        {"text": {"type": "plain_text", "text": weekday_name(i)}, "value": str(i)} for i in range(7)
    ]
    zone_input: Block = {"type": "plain_text_input", "action_id": "value"}
    if timezone:
        zone_input["initial_value"] = timezone
    return {
        "type": "modal",
        "callback_id": "schedule_modal",
        "title": {"type": "plain_text", "text": "Weekly digest"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _channel_input("A channel with a digest already gets this day and time.", channel_id),
            {
                "type": "input",
                "block_id": "day",
                "label": {"type": "plain_text", "text": "Day"},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": days,
                    "initial_option": days[weekday],
                },
            },
            {
                "type": "input",
                "block_id": "time",
                "label": {"type": "plain_text", "text": "Time"},
                "element": {
                    "type": "timepicker",
                    "action_id": "value",
                    "initial_time": f"{hour:02d}:{minute:02d}",
                },
            },
            {
                "type": "input",
                "block_id": "timezone",
                "optional": True,
                "label": {"type": "plain_text", "text": "Time zone"},
                "hint": {
                    "type": "plain_text",
                    "text": "An IANA name such as Europe/Berlin. Empty: your Slack time zone.",
                },
                "element": zone_input,
            },
        ],
    }


def weekday_name(index: int) -> str:
    return WEEKDAYS[index].capitalize()


def connect_modal(
    source: str,
    fields: Sequence[tuple[str, str, bool]],
    channel_id: str = "",
    note: str = "",
    optional: Collection[str] = (),
) -> dict[str, Any]:
    """The form behind `/impact connect <source>`: one input per credential field (those in
    `optional` may be left empty); `note` says why it is a form (no platform login)."""
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
            *([context(note)] if note else []),
            context("Impact checks these with the source, then stores them encrypted."),
            *[
                {
                    "type": "input",
                    "block_id": name,
                    "label": {"type": "plain_text", "text": label[:2000]},
                    "element": {"type": "plain_text_input", "action_id": "value"},
                    **({"optional": True} if name in optional else {}),
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


def render_sync(
    results: Sequence[tuple[str, str, int, str | None]], nothing_hint: str = ""
) -> Message:
    """(name, status, points, error) per connection synced; `nothing_hint` says how to
    connect something when nothing was synced."""
    if not results:
        text = "Nothing to sync: no connected sources with credentials." + (
            f" {nothing_hint}" if nothing_hint else ""
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
