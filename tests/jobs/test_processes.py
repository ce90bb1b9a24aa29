"""`impact scheduler` and `impact worker --processes 2` as separate processes on Redis, as a
person runs them: a digest due now is sent by the clock and posted once by a worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from bot.services.demo import load_demo
from bot.services.schedules import set_schedule
from storage.crypto import generate_key
from storage.db import make_engine
from storage.migrate import upgrade
from tests.jobs.conftest import redis_or_skip
from tests.slack.conftest import wait_for
from tests.support.scrape import scrape, value
from tests.support.slack_api import SlackStandIn

IMPACT = Path(sys.executable).with_name("impact")
#: A database of Redis for this test alone: the processes use the default namespace.
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.timeout(300)  # three processes importing everything: ~2 min on a loaded machine
def test_the_clock_and_two_worker_processes_post_a_due_digest_once(tmp_path):
    redis_or_skip()
    url = f"sqlite:///{tmp_path / 'impact.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC) - timedelta(minutes=1)
    load_demo(engine, now.date())
    set_schedule(
        engine,
        team_id="T0DEMO",
        channel_id="C0DEMO",
        weekday=now.weekday(),
        hour=now.hour,
        minute=now.minute,
        timezone="UTC",
    )
    engine.dispose()
    with SlackStandIn() as slack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPACT_", "SLACK_"))}
        env.update(
            {
                "DATABASE_URL": url,
                "IMPACT_SECRET_KEY": generate_key(),
                "IMPACT_BROKER_URL": REDIS_URL,
                "SLACK_BOT_TOKEN": "xoxb-proc",
                "SLACK_API_URL": slack.api_url,
                "IMPACT_WORKER_NICE": "7",
            }
        )
        # worker process i serves its job metrics on port + i, the scheduler on port + 2
        port = free_ports(3)
        commands = (
            (["worker", "--processes", "2", "--threads", "2"], port),
            (["scheduler"], port + 2),
        )
        processes = [
            subprocess.Popen(
                [str(IMPACT), *args],
                env={**env, "IMPACT_METRICS_PORT": str(metrics)},
                cwd=tmp_path,
            )
            for args, metrics in commands
        ]
        try:
            wait_for(lambda: slack.messages("C0DEMO"), seconds=180)
            wait_for(lambda: slack.requests("files.completeUploadExternal"), seconds=30)
            # what Prometheus, scraping each worker process, sums: one digest job, no failure
            wait_for(lambda: _jobs(port, 2, "post_digest") == (1.0, 0.0), seconds=15)
            scheduler = scrape(f"http://127.0.0.1:{port + 2}/metrics")
            assert value(scheduler, "impact_job_seconds_count", actor="post_digest") == 0.0
            # the workers yield the CPU to acks (IMPACT_WORKER_NICE); the clock does not
            # (the parent, its two worker processes and multiprocessing's resource tracker)
            workers = [processes[0].pid, *_children(processes[0].pid)]
            assert len(workers) >= 3
            assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in workers} == {7}
            assert os.getpriority(os.PRIO_PROCESS, processes[1].pid) == os.nice(0)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(60)
            _flush(REDIS_URL)
    assert len(slack.messages("C0DEMO")) == 1
    assert [p.returncode for p in processes] == [0, 0]


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.timeout(240)
def test_worker_processes_start_on_a_new_database(tmp_path):
    """`impact worker --processes 2` as the first command on an empty database: the schema
    is made once, before the processes start, so none of them fails racing to make it."""
    redis_or_skip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPACT_", "SLACK_"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            "IMPACT_BROKER_URL": REDIS_URL,
        }
    )
    worker = subprocess.Popen(
        [str(IMPACT), "worker", "--processes", "2", "--threads", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert worker.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True)
    reader.start()
    try:
        # a process that failed to start never says it runs (the parent waits on the other)
        wait_for(lambda: sum("Impact worker running" in line for line in lines) == 2, 90)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
        reader.join(10)
    output = "".join(lines)
    assert worker.returncode == 0, output
    assert "Traceback" not in output
    engine = make_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            assert engine.dialect.has_table(connection, "digest_runs")
    finally:
        engine.dispose()


def _children(parent: int) -> list[int]:
    """The pids whose parent is `parent` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def free_ports(count: int) -> int:
    """The first of `count` consecutive ports that are free now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", first + offset))
        except OSError:
            continue
        return first
    raise AssertionError("no run of free ports")


def _jobs(port: int, processes: int, actor: str) -> tuple[float, float]:
    """(jobs run, jobs failed) of `actor`, summed over the worker processes' pages."""
    pages = []
    for offset in range(processes):
        try:
            pages.append(scrape(f"http://127.0.0.1:{port + offset}/metrics"))
        except requests.ConnectionError:
            return (-1.0, -1.0)  # not serving yet
    return (
        sum(value(page, "impact_job_seconds_count", actor=actor) or 0.0 for page in pages),
        sum(value(page, "impact_job_failures_total", actor=actor) or 0.0 for page in pages),
    )


def _flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter("impact:*"))
    if keys:
        client.delete(*keys)
