"""`python -m bot.cli`: the same as the `impact` command."""

from bot.cli import main

main(prog_name="impact")
