"""`impact worker`: run the jobs of the queue (any number, on any machines)."""

from __future__ import annotations

import multiprocessing
import os
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
    finished (up to 30 s); a worker that is killed loses nothing, its jobs go to another.
    With IMPACT_METRICS_PORT set, process i serves its job metrics on that port + i."""
    settings = load_settings()
    if settings.broker_url is None:
        raise click.ClickException(
            "IMPACT_BROKER_URL is not set: without it, `impact serve` and `impact scheduler` "
            "run their jobs themselves. Set it to a Redis URL (redis://host:6379/0) on every "
            "process to run workers apart."
        )
    port = settings.metrics_port
    if port is not None and port + processes - 1 > 65535:
        raise click.ClickException(
            f"IMPACT_METRICS_PORT={port} leaves no room for {processes} processes (one port "
            "each, counting up): choose a lower port."
        )
    yield_cpu(settings.worker_nice)  # the children inherit it
    if processes == 1:
        run_worker(settings, threads, port)
        return
    with runtime(settings):
        pass  # the schema is brought up to date here, once, not raced by every child
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(
            target=run_worker,
            args=(settings, threads, None if port is None else port + i),
            name=f"impact-worker-{i}",
        )
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


def run_worker(settings: Settings, threads: int, metrics_port: int | None = None) -> None:
    """One worker process: its own runtime and broker connection, until SIGINT/SIGTERM;
    its job metrics on `metrics_port` when given."""
    from bot.jobs import EmbeddedWorker, build_jobs
    from bot.metrics import serve_job_metrics

    yield_cpu(settings.worker_nice)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with runtime(settings) as rt:
        jobs = build_jobs(rt)
        running = EmbeddedWorker(jobs.broker, threads=threads).start()
        metrics = None if metrics_port is None else serve_job_metrics(jobs.broker, metrics_port)
        where = "" if metrics is None else f", metrics on port {metrics_port}"
        click.echo(f"Impact worker running {threads} threads{where}. Ctrl-C stops it.")
        try:
            stop.wait()
        finally:
            if metrics is not None:
                metrics.shutdown()
            running.stop(timeout_ms=30_000)
            jobs.broker.close()


def yield_cpu(nice: int) -> None:
    """Lower this process's CPU priority to `nice` (IMPACT_WORKER_NICE), once: answers,
    digests and syncs can wait a little, an ack cannot, wherever a worker shares the cores
    of a web process. Where the system has no niceness, nothing changes."""
    if not hasattr(os, "nice"):
        return
    current = os.nice(0)
    if current < nice:
        os.nice(nice - current)
