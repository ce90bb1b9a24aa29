"""`impact scheduler`: the clock (safe to run on several machines)."""

from __future__ import annotations

import signal
import threading

import click

from bot.cli.base import runtime
from bot.jobs import running_jobs
from bot.metrics import serve_job_metrics
from bot.scheduler import DigestScheduler


@click.command()
def scheduler() -> None:
    """Send due digests (each channel's day, time and time zone) and syncs to the job queue.

    With IMPACT_BROKER_URL set, `impact worker` processes run them; else threads of this
    process do. Each digest is posted once however many schedulers run. With
    IMPACT_METRICS_PORT set, the metrics of the jobs it runs itself are served there."""
    with runtime() as rt:
        rt.require_vault()
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        with running_jobs(rt) as jobs:
            port = rt.settings.metrics_port
            metrics = None if port is None else serve_job_metrics(jobs.broker, port)
            running = DigestScheduler(rt, jobs=jobs).start()
            click.echo(f"Impact scheduler running as {running.instance}. Ctrl-C stops it.")
            try:
                stop.wait()
            finally:
                running.stop()
                if metrics is not None:
                    metrics.shutdown()
