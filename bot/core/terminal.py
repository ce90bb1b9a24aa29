"""The digest for a terminal: what `impact demo` and `impact digest` print. Pure.

Colour is ANSI and only when asked (the CLI asks when stdout is a TTY).
"""

from __future__ import annotations

from bot.core.blocks import standing_line, unjudged_goals_text, weeks_of_data
from bot.core.digest import Digest, goal_value_text, metric_label, status_label
from bot.core.frame import ALL
from bot.core.freshness import connection_status, is_healthy
from bot.core.insights import Insight, pct, platform_name
from bot.core.money import format_money
from bot.core.progress import AT_RISK, MET, NO_DATA, OFF_TRACK, ON_TRACK, progress_bar

_COLOURS = {
    "bold": "1",
    "dim": "2",
    "green": "32",
    "yellow": "33",
    "red": "31",
    "cyan": "36",
}
STATUS_COLOUR = {
    MET: "green",
    ON_TRACK: "green",
    AT_RISK: "yellow",
    OFF_TRACK: "red",
    NO_DATA: "dim",
}


def render_text(digest: Digest, colour: bool = False) -> str:
    def paint(text: str, style: str) -> str:
        return f"\033[{_COLOURS[style]}m{text}\033[0m" if colour else text

    out: list[str] = []
    out.append(paint(f"Impact digest · {digest.label}", "bold"))
    out.append(paint(digest.headline.text, "cyan"))
    if digest.is_empty:
        out.extend(paint(line.replace("`", ""), "yellow") for line in digest.apart_lines())
        return "\n".join(out) + "\n"
    if digest.action:
        owner = f" ({digest.action.owner})" if digest.action.owner else ""
        out.append(f"This week: {digest.action.text}{owner}")

    out.append("")
    out.append(paint("Goals", "bold"))
    if not digest.goals:
        out.append(
            f'  No goals yet. Set one: impact goal add "signups +15% by Mar 31" --team {digest.team}'
        )
    for line in digest.goals:
        if not line.judged:
            continue
        status = line.evaluation.status
        out.append(
            f"  {progress_bar(line.evaluation.progress)} {line.description}  "
            + paint(status_label(status), STATUS_COLOUR.get(status, "dim"))
        )
        owner = f" · set by {line.owner}" if line.owner else ""
        out.append(paint(f"             {goal_value_text(line, digest.currency)}{owner}", "dim"))
    apart = unjudged_goals_text(digest.goals, digest.currency)
    if apart:
        out.append(paint(f"  {apart}", "dim"))

    out.append("")
    out.append(paint("Engagement not tied to outcomes", "bold"))
    if not digest.alarms:
        out.append("  Nothing this week: no engagement came apart from its outcome.")
    for insight in digest.alarms:
        _insight(out, insight, paint)
    if digest.wins:
        out.append("")
        out.append(paint("What is working", "bold"))
        for insight in digest.wins:
            _insight(out, insight, paint)

    lines = [*digest.platforms, *([digest.totals] if digest.totals and digest.platforms else [])]
    if lines:
        out.append("")
        out.append(paint("By platform (vs a normal week: the 4 weeks before)", "bold"))
        outcome_names = list(digest.outcomes[:3])
        head = f"  {'':<14}{'interactions':>20}{'link clicks':>17}{'eng. rate':>17}{'CTR':>16}"
        head += "".join(f"{metric_label(m):>22}" for m in outcome_names)
        out.append(head)
        for p in lines:
            name = "All platforms" if p.platform == ALL else platform_name(p.platform)
            row = f"  {name:<14}"
            new = p.is_new
            row += _cell(p.values.get("interactions"), p.changes.get("interactions"), 20, new)
            row += _cell(p.values.get("link_clicks"), p.changes.get("link_clicks"), 17, new)
            row += _rate_cell(
                p.values.get("engagement_rate"), p.changes.get("engagement_rate"), 17, new
            )
            row += _rate_cell(p.values.get("ctr"), p.changes.get("ctr"), 16, new)
            for metric in outcome_names:
                value = p.outcomes.get(metric)
                shown = None
                if value is not None and digest.is_money(metric):
                    shown = format_money(value, digest.currency)
                row += _cell(value, p.outcomes_change.get(metric), 22, new, shown)
            if new:
                row += paint(f"  new, {weeks_of_data(p)}", "dim")
            out.append(row)
        if digest.totals and digest.totals.unattributed:
            parts = [
                (format_money(v, digest.currency) if digest.is_money(m) else f"{v:,.0f}")
                + f" {metric_label(m)}"
                for m, v in digest.totals.unattributed.items()
            ]
            out.append(paint("  of which unattributed: " + ", ".join(parts), "dim"))

    if digest.top_by_interactions:
        outcome = metric_label(digest.outcome) if digest.outcome else "outcomes"
        out.append("")
        out.append(paint(f"Top posts by {outcome}", "bold"))
        if not digest.top_by_outcome:
            out.append("  none brought a measured outcome this week")
        for post in digest.top_by_outcome:
            out.append(
                f"  {post.outcomes:>6,.0f}  {post.title or post.external_id}  {post.permalink or ''}"
            )
        out.append(paint("Top posts by interactions", "bold"))
        for post in digest.top_by_interactions:
            out.append(
                f"  {post.interactions:>6,}  {post.title or post.external_id}  {post.permalink or ''}"
            )

    out.append("")
    for text in digest.apart_lines():
        out.append(paint(text.replace("`", ""), "yellow"))
    standing = standing_line(digest)
    if standing:
        out.append(paint(standing.replace("`", ""), "dim"))
    if digest.connections:
        out.append(paint("Data freshness", "bold"))
        for c in digest.connections:
            status = connection_status(c.source, c.health, c.last_sync, c.hint)
            out.append(f"  {c.name}: " + (status if is_healthy(c.health) else paint(status, "red")))
    out.append("")
    out.append(
        paint('Set a goal: reply in the digest thread, e.g. "signups +15% by Mar 31".', "dim")
    )
    return "\n".join(out) + "\n"


def _insight(out: list[str], insight: Insight, paint) -> None:  # type: ignore[no-untyped-def]
    out.append(f"  • {insight.message}")
    for post in insight.numbers.get("posts", []):
        out.append(
            f"      {post.get('title') or post['post_id']}: {post['interactions']:,} "
            f"interactions, {post['link_clicks']} link clicks  {post.get('permalink') or ''}"
        )
    out.append(paint(f"    → {insight.action}", "dim"))


def _cell(
    value: float | None,
    change: float | None,
    width: int,
    new: bool = False,
    shown: str | None = None,
) -> str:
    if value is None:
        return f"{'—':>{width}}"
    text = shown or f"{value:,.0f}"
    if not new:
        text += f" ({'—' if change is None else pct(change)})"
    return f"{text:>{width}}"


def _rate_cell(value: float | None, change: float | None, width: int, new: bool) -> str:
    if value is None:
        return f"{'—':>{width}}"
    return _cell(value, change, width, new, f"{value:.2%}")
