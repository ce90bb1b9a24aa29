"""`impact export --team T [--since D] [--until D] [--posts]`."""

from __future__ import annotations

import csv
from datetime import date, datetime

import click

from bot.cli.base import runtime
from bot.core.model import DateRange
from bot.services.exporting import export_metrics, export_posts

DAY = click.DateTime(["%Y-%m-%d"])


@click.command("export")
@click.option("--team", "team_id", required=True, help="Slack team id.")
@click.option("--since", type=DAY, default=None, help="First day to export (inclusive).")
@click.option("--until", type=DAY, default=None, help="Last day to export (inclusive).")
@click.option("--posts", is_flag=True, help="Export posts instead of metric points.")
def export(team_id: str, since: datetime | None, until: datetime | None, posts: bool) -> None:
    """Write a team's metric points (or posts) to standard output as CSV in the import
    format: `impact export --team T1 > t1.csv` then `impact import t1.csv --team T2` gives
    T2 the same points."""
    if since and until and since > until:
        raise click.BadParameter("--since is after --until.", param_hint="--since")
    days = None
    if since or until:
        days = DateRange(since.date() if since else date.min, until.date() if until else date.max)
    out = csv.writer(click.get_text_stream("stdout"), lineterminator="\n")
    with runtime(log=False) as rt:
        rows = (export_posts if posts else export_metrics)(rt.engine, team_id, days)
        header, first = next(rows), next(rows, None)
        if first is not None:
            out.writerows((header, first))
            out.writerows(rows)
    if first is None:
        what = "posts" if posts else "metric points"
        within = ""
        if since and until:
            within = f" between {since.date()} and {until.date()}"
        elif since or until:
            within = f" from {since.date()}" if since else f" up to {until.date()}"  # type: ignore[union-attr]
        raise click.ClickException(
            f"no {what} for team {team_id}{within}. Load some with "
            f"`impact import FILE --team {team_id}` or `impact sync --team {team_id}`."
        )
