"""`impact db upgrade` and `impact keygen`."""

from __future__ import annotations

import click

from bot.bootstrap import new_secret_key
from bot.cli.base import runtime


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations (creates the database when missing)."""
    with runtime(migrate=False) as rt:
        before, _ = rt.schema_revisions()
        rt.migrate()
        after, _ = rt.schema_revisions()
        where = rt.database_label
        if before == after:
            click.echo(f"Database {where} is up to date (revision {after}).")
        else:
            click.echo(f"Database {where} upgraded from {before or 'empty'} to {after}.")


@db.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one."""
    with runtime(migrate=False) as rt:
        current, head = rt.schema_revisions()
        click.echo(f"current: {current or 'empty'}; head: {head}")


@click.command()
def keygen() -> None:
    """Print a new IMPACT_SECRET_KEY line for your .env."""
    click.echo(f"IMPACT_SECRET_KEY={new_secret_key()}")
