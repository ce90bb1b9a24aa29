"""`impact db upgrade` and `impact keygen`."""

from __future__ import annotations

import click

from bot.cli.base import runtime
from storage.crypto import generate_key
from storage.migrate import current_revision, head_revision, upgrade


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations (creates the database when missing)."""
    with runtime(migrate=False) as rt:
        before = current_revision(rt.engine)
        upgrade(rt.engine)
        after = current_revision(rt.engine)
        where = rt.engine.url.render_as_string(hide_password=True)
        if before == after:
            click.echo(f"Database {where} is up to date (revision {after}).")
        else:
            click.echo(f"Database {where} upgraded from {before or 'empty'} to {after}.")


@db.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one."""
    with runtime(migrate=False) as rt:
        click.echo(f"current: {current_revision(rt.engine) or 'empty'}; head: {head_revision()}")


@click.command()
def keygen() -> None:
    """Print a new IMPACT_SECRET_KEY line for your .env."""
    click.echo(f"IMPACT_SECRET_KEY={generate_key()}")
