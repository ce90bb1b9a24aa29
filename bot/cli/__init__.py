"""The `impact` command line. Each command (group) lives in its own module of this package
and is registered in `main` below; a command that is not built is not listed."""

from __future__ import annotations

import click

from bot import __version__
from bot.cli.db import db, keygen
from bot.cli.demo import demo
from bot.cli.digest import digest, goal, goals
from bot.cli.exporting import export
from bot.cli.importing import import_
from bot.cli.scheduler import scheduler
from bot.cli.serve import serve, socket
from bot.cli.settings import settings
from bot.cli.sources import connect, connections, feed, sync
from bot.cli.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="impact")
def main() -> None:
    """Impact: which engagement moves your outcomes, and which does not.

    Configuration comes from the environment (see .env.example); a .env file in the
    current directory is read too.
    """


main.add_command(db)
main.add_command(keygen)
main.add_command(demo)
main.add_command(import_)
main.add_command(export)
main.add_command(digest)
main.add_command(goal)
main.add_command(goals)
main.add_command(serve)
main.add_command(socket)
main.add_command(scheduler)
main.add_command(worker)
main.add_command(connect)
main.add_command(connections)
main.add_command(sync)
main.add_command(feed)
main.add_command(settings)
