"""`impact demo`: the embedded default — demo data in a throwaway SQLite database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bot.core.model import DateRange
from bot.core.periods import last_complete_week, weeks_before
from bot.core.weekly import change, mean, weekly_series
from bot.services.demo import load_demo
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.weekly import daily_totals

PLATFORM_NAMES = {"instagram": "Instagram", "facebook": "Facebook", "linkedin": "LinkedIn"}


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("impact-demo"),
    show_default=True,
    help="Folder for the demo database and files.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Pretend today is this date (default: today).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo data.")
def demo(out_dir: Path, today: object, seed: int) -> None:
    """Load 26 weeks of demo data and show what Impact sees in it."""
    day = today.date() if today else date.today()  # type: ignore[attr-defined]
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{out_dir / 'demo.db'}")
    try:
        upgrade(engine)
        info = load_demo(engine, day, seed)
        click.echo(
            f"Loaded demo team {info.team_id}: {info.accounts} accounts, {info.points:,} metric "
            f"points and {info.posts} posts, {info.start} to {info.end}."
        )
        click.echo(summary(engine, info.team_id, day))
    finally:
        engine.dispose()


def summary(engine, team_id: str, today: date) -> str:  # type: ignore[no-untyped-def]
    """The last complete week per platform against the 4 weeks before."""
    week = last_complete_week(today)
    baseline_weeks = weeks_before(week, 4)
    days = DateRange(baseline_weeks[0].start, week.end)
    with session_scope(engine) as session:
        series = weekly_series(daily_totals(session, team_id, days))
    lines = [f"\nWeek {week} ({week.label}) against the 4 weeks before:\n"]
    header = f"  {'platform':<11}{'interactions':>14}{'change':>9}{'link clicks':>13}{'signups':>10}{'change':>9}"
    lines.append(header)
    for platform, name in PLATFORM_NAMES.items():
        row = []
        for metric in ("interactions", "link_clicks", "signups"):
            values = series.get((platform, metric), {})
            current = values.get(week, 0.0)
            base = mean(values.get(w, 0.0) for w in baseline_weeks)
            row.append((current, change(current, base)))
        (inter, inter_ch), (links, _), (signups, sign_ch) = row
        lines.append(
            f"  {name:<11}{inter:>14,.0f}{_pct(inter_ch):>9}{links:>13,.0f}{signups:>10,.0f}{_pct(sign_ch):>9}"
        )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0%}"
