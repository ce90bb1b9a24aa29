"""`impact digest`, `impact goal add`, `impact goals`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.base import runtime
from bot.cli.slackpost import post_to_channel, require_token
from bot.core.blocks import render_digest
from bot.core.digest import Digest, goal_value_text, status_label
from bot.core.goals import Refusal
from bot.core.periods import IsoWeek
from bot.core.progress import NO_DATA, progress_bar
from bot.core.terminal import render_text
from bot.services.coverage import no_data_message
from bot.services.digest import build_digest, default_week, today_in
from bot.services.goals import add_goal, list_goals


def write_files(digest: Digest, out_dir: Path) -> list[Path]:
    """digest.json, blocks.json and chart.png of a digest into `out_dir`."""
    from bot.chart import render_chart  # matplotlib: imported only by commands that draw

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "digest.json": json.dumps(digest.to_json(), indent=2, ensure_ascii=False) + "\n",
        "blocks.json": json.dumps(render_digest(digest), indent=2, ensure_ascii=False) + "\n",
    }
    written = []
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8")
        written.append(out_dir / name)
    (out_dir / "chart.png").write_bytes(render_chart(digest))
    written.append(out_dir / "chart.png")
    return written


@click.command()
@click.option("--team", "team_id", required=True, help="Slack team id.")
@click.option(
    "--channel", "channel_id", default=None, help="Channel whose goals to show (default: all)."
)
@click.option(
    "--week", default=None, help="ISO week like 2026-W46 (default: the last complete week)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable digest.")
@click.option(
    "--post",
    is_flag=True,
    help="Post it to --channel with the bot token (SLACK_BOT_TOKEN or the installation's).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write digest.json, blocks.json and chart.png here.",
)
def digest(
    team_id: str,
    channel_id: str | None,
    week: str | None,
    as_json: bool,
    post: bool,
    out_dir: Path | None,
) -> None:
    """Build the weekly digest of a team (terminal, --json, files with --out, or --post to
    the channel). A team or week without data exits 1 and says which command loads some."""
    if post and not channel_id:
        raise click.UsageError("--post needs --channel: the channel to post the digest to.")
    with runtime(log=False) as rt:
        token = require_token(rt, team_id) if post else None
        chosen = (
            IsoWeek.parse(week) if week else default_week(rt.engine, team_id, datetime.now(UTC))
        )
        missing = no_data_message(
            rt.engine, team_id, chosen.days, f"week {chosen} ({chosen.label})"
        )
        if missing:
            raise click.ClickException(missing)
        built = build_digest(rt.engine, team_id=team_id, channel_id=channel_id, week=chosen)
        if token is not None and channel_id:
            ts = post_to_channel(rt, token, channel_id, built)
            done = f"Posted the digest of {built.label} to {channel_id} (ts {ts})."
            click.echo(done, err=as_json)
    if post and not as_json and not out_dir:
        return
    if as_json:
        click.echo(json.dumps(built.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(built, colour=sys.stdout.isatty()), nl=False)
    if out_dir:
        for path in write_files(built, out_dir):
            click.echo(f"wrote {path}", err=True)


@click.group()
def goal() -> None:
    """Set goals."""


@goal.command("add")
@click.argument("text")
@click.option("--team", "team_id", required=True, help="Slack team id.")
@click.option("--channel", "channel_id", default="", help="Channel the goal belongs to.")
def goal_add(text: str, team_id: str, channel_id: str) -> None:
    """Set a goal, e.g. impact goal add "signups +15% by Mar 31" --team T0001."""
    with runtime(log=False) as rt:
        today = today_in(rt.engine, team_id, datetime.now(UTC))
        result = add_goal(
            rt.engine, team_id=team_id, channel_id=channel_id, text=text, user_id=None, today=today
        )
    if isinstance(result, Refusal):
        raise click.ClickException("No goal stored.\n" + result.message())
    base = "no data before today" if result.baseline is None else f"{result.baseline:,.4g}"
    click.echo(f"Goal {result.goal_id} stored: {result.line.description} (baseline {base}).")


@click.command()
@click.option("--team", "team_id", required=True, help="Slack team id.")
@click.option("--channel", "channel_id", default=None, help="Only this channel's goals.")
def goals(team_id: str, channel_id: str | None) -> None:
    """List a team's goals with progress and status."""
    with runtime(log=False) as rt:
        today = today_in(rt.engine, team_id, datetime.now(UTC))
        lines = list_goals(rt.engine, team_id, channel_id, today=today)
    if not lines:
        click.echo(
            'No goals yet. Set one: impact goal add "signups +15% by Mar 31" --team ' + team_id
        )
    for line in lines:
        status = status_label(line.evaluation.status)
        if line.evaluation.status == NO_DATA or line.evaluation.current is None:
            detail = f" ({line.hint})" if line.hint else ""  # the value would say "no data" again
        else:
            detail = f" ({goal_value_text(line)})"
        click.echo(
            f"{line.id:>4}  {progress_bar(line.evaluation.progress)}  {line.description}  "
            f"{status}{detail}"
        )
