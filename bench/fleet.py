"""What the scale benches share: a PostgreSQL database of their own (created, then dropped),
a Redis namespace of their own on db 14 (deleted afterwards), and worker and scheduler
processes (`bench.scale_process`) that are always stopped, killed if they must be."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database; its URL. Dropped afterwards, connections and all."""
    from sqlalchemy import create_engine, text

    clean_up_on_sigterm()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def redis_namespace(prefix: str) -> Iterator[str]:
    """A Redis namespace prefix for the bench's queues and budgets; every key under it is
    deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    client.ping()  # fails here, with the URL's host, when Redis does not answer
    namespace = f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        yield namespace
    finally:
        clear_namespace(namespace)
        client.close()


def clear_namespace(namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{namespace}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    client.close()


def clean_up_on_sigterm() -> None:
    """SIGTERM (a `timeout`, a CI runner) ends the bench as Ctrl-C does: by an exception,
    so that its processes are stopped, its database dropped and its Redis keys deleted."""

    def leave(*_: object) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, leave)


def add_channels(session: Any, teams: int, channels: int, *, hour: int, timezone: str) -> None:
    """`teams` teams T0000..., and `channels` channels C00000... spread over them, each
    with a Monday digest at `hour`:00 in `timezone`."""
    from storage.tables import DigestSchedule, Team

    session.add_all(Team(id=f"T{t:04d}") for t in range(teams))
    session.flush()
    session.add_all(
        DigestSchedule(
            team_id=f"T{c % teams:04d}",
            channel_id=f"C{c:05d}",
            weekday=0,
            hour=hour,
            minute=0,
            timezone=timezone,
        )
        for c in range(channels)
    )


class Fleet:
    """Worker and scheduler processes sharing one environment."""

    def __init__(self, env: dict[str, str]) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("IMPACT_", "SLACK_"))}
        self.env = {**base, **env, "PYTHONPATH": str(ROOT)}
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, role: str, count: int = 1) -> list[subprocess.Popen[str]]:
        """Start `count` processes of `role` and wait until each says it runs."""
        started = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.scale_process", role],
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        self.processes.extend(started)
        for process in started:
            assert process.stdout is not None
            line = process.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a bench {role} did not start (exit {process.poll()})")
        return started

    def kill(self, process: subprocess.Popen[str]) -> None:
        """SIGKILL: no goodbye, no acknowledgement of what it held."""
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        """SIGTERM to every process still running, SIGKILL to those that do not stop."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes:
            with suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
            if process.poll() is None:
                process.kill()
                process.wait(5)
            if process.stdout is not None:
                process.stdout.close()
        self.processes.clear()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
