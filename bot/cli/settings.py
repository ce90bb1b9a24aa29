"""`impact settings --team T [--currency EUR] [--country DE] [--minutes-per-reply 3]`."""

from __future__ import annotations

import click

from bot.cli.base import runtime
from bot.core.commands import parse_settings
from bot.core.errors import UsageError
from bot.services.team_settings import get_settings, update_settings


@click.command()
@click.option("--team", "team_id", required=True, help="Slack team id.")
@click.option("--currency", default=None, help="ISO 4217 code, e.g. EUR.")
@click.option("--country", default=None, help="ISO 3166 alpha-2 code, e.g. DE (public holidays).")
@click.option(
    "--minutes-per-reply", "minutes", default=None, help="Minutes one reply takes, e.g. 3."
)
def settings(team_id: str, currency: str | None, country: str | None, minutes: str | None) -> None:
    """Show the team's settings, or set those given (nothing is written on a bad value)."""
    words: list[str] = []
    for name, value in (
        ("currency", currency),
        ("country", country),
        ("minutes-per-reply", minutes),
    ):
        if value is not None:
            words += [name, value]
    try:
        request = parse_settings(words)
    except UsageError as err:
        raise click.BadParameter(err.message) from None
    with runtime(log=False) as rt:  # brings a fresh database to the newest schema too
        changes = request.changes
        view = (
            update_settings(rt.engine, team_id, request)
            if changes
            else get_settings(rt.engine, team_id)
        )
    for key, label, value in (
        ("currency", "currency", view.currency),
        ("country", "country", view.country or "none"),
        ("minutes_per_reply", "minutes per reply", f"{view.minutes_per_reply:g}"),
    ):
        note = " (default)" if key in view.defaults else (" (set)" if key in changes else "")
        click.echo(f"{label}: {value}{note}")
