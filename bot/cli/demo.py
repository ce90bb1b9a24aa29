"""`impact demo`: the embedded default — demo data in a throwaway SQLite database, example
goals, and the digest a team would get, in the terminal and as files."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import click

from bot.bootstrap import own_database
from bot.cli.base import load_settings, runtime
from bot.cli.digest import write_files
from bot.cli.slackpost import post_to_channel
from bot.core.goals import Refusal
from bot.core.periods import last_complete_week
from bot.core.terminal import render_text
from bot.services.demo import load_demo
from bot.services.digest import build_digest
from bot.services.goals import add_goal
from bot.settings import Settings

#: (goal text, weeks before today it was set): the story's goals, one of each kind.
DEMO_GOALS = (
    ("signups +15% by end of Q1", 6),
    ("LinkedIn signups to 450 by Dec 31", 6),
    ("Instagram link clicks to 120 by Dec 31", 6),
    ("donations +10% by end of March", 3),
)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("impact-demo"),
    show_default=True,
    help="Folder for the demo database and the digest files.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Pretend today is this date (default: today).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo data.")
@click.option(
    "--post",
    "channel",
    default=None,
    metavar="CHANNEL",
    help="Also post the digest to this channel id (C…) with SLACK_BOT_TOKEN.",
)
def demo(out_dir: Path, today: object, seed: int, channel: str | None) -> None:
    """Load 26 weeks of demo data with example goals and show this week's digest."""
    day = today.date() if today else date.today()  # type: ignore[attr-defined]
    settings = load_settings() if channel else None
    token = _demo_token(settings) if settings else None
    out_dir.mkdir(parents=True, exist_ok=True)
    with own_database(f"sqlite:///{out_dir / 'demo.db'}") as engine:
        info = load_demo(engine, day, seed)
        for text, weeks_ago in DEMO_GOALS:
            result = add_goal(
                engine,
                team_id=info.team_id,
                channel_id=info.channel_id,
                text=text,
                user_id=None,
                today=day - timedelta(weeks=weeks_ago),
            )
            if isinstance(result, Refusal):  # the demo's own goals must parse
                raise click.ClickException(f"demo goal {text!r}: {result.message()}")
        digest = build_digest(
            engine, team_id=info.team_id, channel_id=info.channel_id, week=last_complete_week(day)
        )
    click.echo(
        f"Demo team {info.team_id}: {info.accounts} accounts, {info.points:,} metric points and "
        f"{info.posts} posts ({info.start} to {info.end}).\n"
    )
    click.echo(render_text(digest, colour=sys.stdout.isatty()), nl=False)
    written = write_files(digest, out_dir)
    click.echo("\nWrote " + ", ".join(str(p) for p in written) + ".")
    if settings is not None and token and channel:
        # the demo database is its own file: post through a runtime without touching DATABASE_URL
        demo_db = f"sqlite:///{out_dir / 'demo.db'}"
        with runtime(settings.model_copy(update={"database_url": demo_db})) as rt:
            ts = post_to_channel(rt, token, channel, digest)
        click.echo(f"Posted the demo digest to {channel} (ts {ts}).")


def _demo_token(settings: Settings) -> str:
    """The demo has no installation: only SLACK_BOT_TOKEN can post it."""
    if settings.slack_bot_token is None:
        raise click.ClickException(
            "--post needs a bot token: set SLACK_BOT_TOKEN=xoxb-… (Slack app settings > "
            "OAuth & Permissions > Bot User OAuth Token) and invite the bot to the channel."
        )
    return settings.slack_bot_token.reveal()
