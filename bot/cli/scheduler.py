"""`impact scheduler`: post the weekly digests (safe to run on several machines)."""

from __future__ import annotations

import signal
import threading

import click

from bot.cli.base import runtime
from bot.scheduler import DigestScheduler


@click.command()
def scheduler() -> None:
    """Post weekly digests at each channel's day, time and time zone, exactly once."""
    with runtime() as rt:
        rt.require_vault()
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        running = DigestScheduler(rt).start()
        click.echo(f"Impact scheduler running as {running.instance}. Ctrl-C stops it.")
        try:
            stop.wait()
        finally:
            running.stop()
