"""`impact worker`: run the jobs of the queue (any number, on any machines)."""

from __future__ import annotations

import multiprocessing
import signal
import threading

import click

from bot.cli.base import load_settings, runtime
from bot.settings import Settings


@click.command()
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=8, show_default=True)
def worker(processes: int, threads: int) -> None:
    """Run queued jobs (answers after an ack, digests, syncs) from IMPACT_BROKER_URL.

    Each process runs THREADS jobs at once. Stop with Ctrl-C or SIGTERM: jobs in hand are
    finished (up to 30 s); a worker that is killed loses nothing, its jobs go to another."""
    settings = load_settings()
    if settings.broker_url is None:
        raise click.ClickException(
            "IMPACT_BROKER_URL is not set: without it, `impact serve` and `impact scheduler` "
            "run their jobs themselves. Set it to a Redis URL (redis://host:6379/0) on every "
            "process to run workers apart."
        )
    if processes == 1:
        run_worker(settings, threads)
        return
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=run_worker, args=(settings, threads), name=f"impact-worker-{i}")
        for i in range(processes)
    ]
    for child in children:
        child.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Impact workers: {processes} processes of {threads} threads. Ctrl-C stops them.")
    while not stop.wait(1.0) and any(child.is_alive() for child in children):
        pass
    for child in children:
        if child.is_alive() and child.pid is not None:
            child.terminate()  # SIGTERM: finish the jobs in hand
    for child in children:
        child.join(40)


def run_worker(settings: Settings, threads: int) -> None:
    """One worker process: its own runtime and broker connection, until SIGINT/SIGTERM."""
    from bot.jobs import EmbeddedWorker, build_jobs

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with runtime(settings) as rt:
        jobs = build_jobs(rt)
        running = EmbeddedWorker(jobs.broker, threads=threads).start()
        click.echo(f"Impact worker running {threads} threads. Ctrl-C stops it.")
        try:
            stop.wait()
        finally:
            running.stop(timeout_ms=30_000)
            jobs.broker.close()
