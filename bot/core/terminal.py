"""The digest for a terminal: what `impact demo` and `impact digest` print. Pure.

Colour is ANSI and only when asked (the CLI asks when stdout is a TTY).
"""

from __future__ import annotations

from bot.core.digest import Digest, goal_value_text, metric_label, status_label
from bot.core.insights import pct, platform_name
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
    out.append(paint(digest.verdict, "cyan"))
    if digest.is_empty:
        out.append("Nothing changed this week and no goal moved.")
        return "\n".join(out) + "\n"

    out.append("")
    out.append(paint("Goals", "bold"))
    if not digest.goals:
        out.append('  No goals yet. Set one: impact goal add "signups +15% by Mar 31" --team T')
    for line in digest.goals:
        status = line.evaluation.status
        out.append(
            f"  {progress_bar(line.evaluation.progress)} {line.description}  "
            + paint(status_label(status), STATUS_COLOUR.get(status, "dim"))
        )
        owner = f" · set by {line.owner}" if line.owner else ""
        out.append(paint(f"             {goal_value_text(line)}{owner}", "dim"))

    out.append("")
    out.append(paint("Engagement not tied to outcomes", "bold"))
    if not digest.insights:
        out.append("  Nothing this week: engagement and outcomes moved together.")
    for insight in digest.insights:
        out.append(f"  • {insight.message}")
        for post in insight.numbers.get("posts", []):
            out.append(
                f"      {post.get('title') or post['post_id']}: {post['interactions']:,} "
                f"interactions, {post['link_clicks']} link clicks  {post.get('permalink') or ''}"
            )
        out.append(paint(f"    → {insight.action}", "dim"))

    if digest.platforms:
        out.append("")
        out.append(paint("By platform (vs the 4 weeks before)", "bold"))
        outcome_names = sorted({m for p in digest.platforms for m in p.outcomes})
        head = f"  {'':<11}{'interactions':>20}{'link clicks':>18}"
        head += "".join(f"{metric_label(m):>20}" for m in outcome_names)
        out.append(head)
        for p in digest.platforms:
            row = f"  {platform_name(p.platform):<11}"
            row += _cell(p.interactions, p.interactions_change, 20)
            row += _cell(p.link_clicks, p.link_clicks_change, 18)
            for metric in outcome_names:
                row += _cell(p.outcomes.get(metric), p.outcomes_change.get(metric), 20)
            out.append(row)

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

    if digest.connections:
        out.append("")
        out.append(paint("Data freshness", "bold"))
        for c in digest.connections:
            when = f"synced {c.last_sync.isoformat()}" if c.last_sync else "never synced"
            state = "ok" if c.health in ("ok", "new") else paint(c.health.replace("_", " "), "red")
            hint = f" — {c.hint}" if c.hint and c.health not in ("ok", "new") else ""
            out.append(f"  {c.name}: {state}, {when}{hint}")
    out.append("")
    out.append(
        paint('Set a goal: reply in the digest thread, e.g. "signups +15% by Mar 31".', "dim")
    )
    return "\n".join(out) + "\n"


def _cell(value: float | None, change: float | None, width: int) -> str:
    if value is None:
        return f"{'—':>{width}}"
    shown = f"{value:,.0f} ({'new' if change is None else pct(change)})"
    return f"{shown:>{width}}"
