"""The job queue on each broker: the in-process one always, Redis when it answers.

Redis tests use IMPACT_TEST_REDIS_URL (default: 127.0.0.1:6379, db 13) and a namespace of
their own, whose keys are deleted afterwards; they are skipped with the reason when Redis
does not answer.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from dramatiq import Broker

from bot.jobs import EmbeddedWorker, Jobs, WorkContext, make_broker

REDIS_URL = os.environ.get("IMPACT_TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/13"
QUEUES = ("answers", "digests", "syncs")


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as err:
        pytest.skip(f"Redis does not answer at IMPACT_TEST_REDIS_URL ({type(err).__name__})")


def drop_namespace(namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)


@dataclass
class Queues:
    """Makes brokers of one kind, all on one namespace; `jobs` starts worker threads."""

    kind: str
    namespace: str
    workers: list[EmbeddedWorker] = field(default_factory=list)
    brokers: list[Broker] = field(default_factory=list)

    def broker(self, **redis_options: Any) -> Broker:
        url = REDIS_URL if self.kind == "redis" else None
        broker = make_broker(url, namespace=self.namespace, **redis_options)
        self.brokers.append(broker)
        return broker

    def jobs(self, context: Callable[[], WorkContext], *, threads: int = 2) -> Jobs:
        jobs = Jobs(self.broker(), context)
        self.workers.append(EmbeddedWorker(jobs.broker, threads=threads).start())
        return jobs

    def drain(self, jobs: Jobs) -> None:
        """Wait until every queue is empty and the workers are idle."""
        for name in QUEUES:
            if name in jobs.broker.get_declared_queues():
                jobs.broker.join(name, timeout=60_000)
        for worker in self.workers:
            worker.worker.join()

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        for broker in self.brokers:
            broker.close()


@pytest.fixture(params=["embedded", pytest.param("redis", marks=pytest.mark.redis)])
def queues(request: pytest.FixtureRequest) -> Iterator[Queues]:
    if request.param == "redis":
        redis_or_skip()
    found = Queues(request.param, f"impact-test-{uuid.uuid4().hex[:10]}")
    try:
        yield found
    finally:
        found.close()
        if request.param == "redis":
            drop_namespace(found.namespace)
