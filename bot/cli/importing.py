"""`impact import FILE --team T`."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.base import runtime
from bot.services.importing import import_csv


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--team", "team_id", required=True, help="Slack team id the data belongs to.")
def import_(file: Path, team_id: str) -> None:
    """Import a CSV file of metrics or posts (all rows or none; re-importing changes nothing).

    Metrics: date,platform,account,metric,value[,kind]. Posts: post_id,platform,account,
    published_at,permalink,impressions,reach,reactions,comments,shares,saves,clicks,link_clicks.
    """
    with runtime() as rt:
        report = import_csv(rt.engine, file, team_id)
        click.echo(report.summary())
        if not report.ok:
            raise SystemExit(1)
