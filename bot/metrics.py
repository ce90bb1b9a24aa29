"""Prometheus metrics: what a person running Impact watches.

    impact_ack_seconds{kind,name}        Slack requests acknowledged (histogram: count and
                                         time in the app), per kind (command, interaction,
                                         event) and name (the /impact subcommand, the
                                         interaction or event type)
    impact_slack_refused_total{status}   Slack requests refused (bad signature, malformed)
    impact_job_seconds{actor}            jobs run (histogram of their run time)
    impact_job_wait_seconds{actor}       time from enqueue to a worker taking the job
    impact_job_failures_total{actor}     jobs that raised
    impact_queue_depth{queue}            messages waiting in each queue of the broker
    impact_sync_lag_seconds{source}      now - the oldest last success among the source's
                                         synced connections (failing ones included)
    impact_connections{source,health}    synced connections per source and health
    impact_digest_runs{status}           digest runs per status
    impact_digests_posted_total          digests posted
    impact_database_up                   0 when the database did not answer the scrape

Where they are served. `impact serve` answers `GET /metrics` with the acks, the queue
depths, the database figures and the jobs its own threads ran (the in-process broker).
With IMPACT_BROKER_URL set, jobs run in `impact worker` processes, each with its own
counters: each serves them on IMPACT_METRICS_PORT (`--processes N`: that port and the
N-1 after it), and Prometheus scrapes every worker as a target and sums. `impact scheduler`
does the same (its jobs, when it runs them itself). Nothing is shared between processes,
so a worker on another machine needs no shared directory.

Job figures come from a Dramatiq middleware (`JobMetrics`, on every broker), acks from a
Flask hook (`instrument_acks`); no actor or listener is edited to be counted.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

import dramatiq
from dramatiq import Broker
from flask import Flask, Response, g, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from bot.core.commands import HELP_LINES
from bot.core.errors import ConfigError
from storage.db import Engine
from storage.monitoring import digest_runs_by_status, source_health

log = logging.getLogger(__name__)

#: Slack wants an ack within 3 s; the buckets resolve the fast end, where acks should be.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
#: Jobs range from an answer (well under a second) to a year's backfill (minutes).
JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
SLACK_EVENTS = "/slack/events"
#: Event and interaction types are Slack's words; anything else is not a label value.
_NAME = re.compile(r"[a-z_]{1,40}")


# --- jobs: a Dramatiq middleware ----------------------------------------------------------
class JobMetrics(dramatiq.Middleware):
    """Times every job a worker of this broker runs and counts the ones that raise. Also a
    Prometheus collector, so any registry can serve its figures."""

    def __init__(self) -> None:
        self.seconds = Histogram(
            "impact_job_seconds",
            "Run time of the jobs this process ran, by actor.",
            ["actor"],
            buckets=JOB_BUCKETS,
            registry=None,
        )
        self.wait = Histogram(
            "impact_job_wait_seconds",
            "Time from a job's enqueue to a worker of this process taking it, by actor.",
            ["actor"],
            buckets=JOB_BUCKETS,
            registry=None,
        )
        self.failures = Counter(
            "impact_job_failures",
            "Jobs this process ran that raised, by actor.",
            ["actor"],
            registry=None,
        )
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def after_declare_actor(self, broker: Broker, actor: dramatiq.Actor[Any, Any]) -> None:
        """Every actor shows from the start, with 0 jobs and 0 failures."""
        for metric in (self.seconds, self.wait, self.failures):
            metric.labels(actor.actor_name)

    def before_process_message(self, broker: Broker, message: dramatiq.Message[Any]) -> None:
        enqueued = message.message_timestamp / 1000
        self.wait.labels(message.actor_name).observe(max(0.0, time.time() - enqueued))
        with self._lock:
            self._started[message.message_id] = time.perf_counter()

    def after_process_message(
        self,
        broker: Broker,
        message: dramatiq.Message[Any],
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        with self._lock:
            started = self._started.pop(message.message_id, None)
        if started is not None:
            self.seconds.labels(message.actor_name).observe(time.perf_counter() - started)
        if exception is not None:
            self.failures.labels(message.actor_name).inc()

    def after_skip_message(self, broker: Broker, message: dramatiq.Message[Any]) -> None:
        with self._lock:
            self._started.pop(message.message_id, None)

    def collect(self) -> Iterator[Metric]:
        yield from self.seconds.collect()
        yield from self.wait.collect()
        yield from self.failures.collect()


def job_metrics_of(broker: Broker) -> JobMetrics | None:
    return next((m for m in broker.middleware if isinstance(m, JobMetrics)), None)


# --- the broker's queues, at scrape time --------------------------------------------------
class QueueDepth(Collector):
    """Messages waiting in each queue (sent, not yet taken by a worker), asked of the broker
    at each scrape: Redis's list length, or the in-process queue's size."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "impact_queue_depth", "Messages waiting in each job queue.", labels=["queue"]
        )
        for queue in sorted(self.broker.get_declared_queues()):
            if queue.endswith((".DQ", ".XQ")):  # Dramatiq's delay and dead-letter queues
                continue
            try:
                family.add_metric([queue], float(waiting(self.broker, queue)))
            except Exception:
                log.warning("metrics.queue_depth_failed queue=%s", queue, exc_info=True)
        yield family


def waiting(broker: Broker, queue: str) -> int:
    """Messages in `queue` not yet taken by a worker."""
    client = getattr(broker, "client", None)
    if client is not None:  # Redis: the queue is a list of message ids under the namespace
        return int(client.llen(f"{broker.namespace}:{queue}"))  # type: ignore[attr-defined]
    return int(broker.queues[queue].qsize())  # type: ignore[attr-defined]


# --- the database, at scrape time ----------------------------------------------------------
def _utcnow() -> datetime:
    return datetime.now(UTC)


class DatabaseFigures(Collector):
    """Sync lag per source and digests posted, read from the database at each scrape (two
    aggregate queries). When the database does not answer, only `impact_database_up 0`."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("impact_database_up", "1 when the database answered the scrape.")
        try:
            health = source_health(self.engine)
            runs = digest_runs_by_status(self.engine)
        except Exception:
            log.warning("metrics.database_down", exc_info=True)
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        now = self.clock()
        lag = GaugeMetricFamily(
            "impact_sync_lag_seconds",
            "Seconds since the oldest last successful sync among a source's connections.",
            labels=["source"],
        )
        connections = GaugeMetricFamily(
            "impact_connections",
            "Synced connections by source and health.",
            labels=["source", "health"],
        )
        oldest: dict[str, datetime] = {}
        for row in health:
            connections.add_metric([row.source, row.health], float(row.connections))
            if row.oldest_sync is not None:
                oldest[row.source] = min(oldest.get(row.source, row.oldest_sync), row.oldest_sync)
        for source, moment in oldest.items():
            lag.add_metric([source], max(0.0, (now - moment).total_seconds()))
        yield lag
        yield connections
        by_status = GaugeMetricFamily(
            "impact_digest_runs", "Digest runs by status.", labels=["status"]
        )
        for status, count in sorted(runs.items()):
            by_status.add_metric([status], float(count))
        yield by_status
        yield CounterMetricFamily(
            "impact_digests_posted", "Digests posted to Slack.", value=float(runs.get("posted", 0))
        )


# --- acks: a Flask hook ---------------------------------------------------------------------
class AckMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.seconds = Histogram(
            "impact_ack_seconds",
            "Slack requests acknowledged, by kind and name, and their time in the app.",
            ["kind", "name"],
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        self.refused = Counter(
            "impact_slack_refused",
            "Slack requests refused (bad or stale signature, malformed), by HTTP status.",
            ["status"],
            registry=registry,
        )


def instrument_acks(web: Flask, acks: AckMetrics) -> None:
    """Time every request to /slack/events in the app (Bolt's verification, the ack and
    the enqueue of the work); label acknowledged ones with what they were."""

    @web.before_request
    def _start_clock() -> None:
        if request.path == SLACK_EVENTS:
            g.impact_ack_started = time.perf_counter()

    @web.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("impact_ack_started", None)
        if started is None:
            return response
        if response.status_code >= 400:
            acks.refused.labels(str(response.status_code)).inc()
        else:
            kind, name = ack_kind(request.get_data(cache=True))
            acks.seconds.labels(kind, name).observe(time.perf_counter() - started)
        return response


def ack_kind(body: bytes) -> tuple[str, str]:
    """(kind, name) of a verified Slack request body: ("command", "digest"),
    ("interaction", "block_actions"), ("event", "app_mention"). Unknown subcommands are
    "other", so what people type never becomes a label."""
    text = body.decode("utf-8", "replace")
    if text.lstrip().startswith("{"):
        try:
            payload = json.loads(text)
        except ValueError:
            return "other", "other"
        event = payload.get("event") if isinstance(payload, dict) else None
        name = event.get("type") if isinstance(event, dict) else payload.get("type")
        return "event", _label(name)
    fields = _form_fields(text, ("command", "text", "payload", "ssl_check"))
    if "command" in fields:
        words = unquote_plus(fields.get("text", "")).split(None, 1)
        sub = words[0].lower() if words else "help"
        sub = "help" if sub == "?" else sub
        return "command", sub if sub in HELP_LINES else "other"
    if "payload" in fields:
        try:
            payload = json.loads(unquote_plus(fields["payload"]))
        except ValueError:
            return "interaction", "other"
        return "interaction", _label(payload.get("type") if isinstance(payload, dict) else None)
    if "ssl_check" in fields:
        return "other", "ssl_check"
    return "other", "other"


def _form_fields(text: str, wanted: tuple[str, ...]) -> dict[str, str]:
    """The raw (still URL-encoded) values of the `wanted` fields of a form body: a tenth of
    the cost of `parse_qs`, which decodes every field (24 µs against 218 µs on a slash
    command's body, measured on a busy 2-core machine). This runs on every ack."""
    fields = {}
    for pair in text.split("&"):
        key, _, raw = pair.partition("=")
        if key in wanted and key not in fields:
            fields[key] = raw
    return fields


def _label(value: object) -> str:
    return value if isinstance(value, str) and _NAME.fullmatch(value) else "other"


# --- registries and endpoints ---------------------------------------------------------------
def web_registry(engine: Engine, broker: Broker | None) -> tuple[CollectorRegistry, AckMetrics]:
    """What `impact serve` shows on /metrics."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    acks = AckMetrics(registry)
    if broker is not None:
        registry.register(QueueDepth(broker))
        if jobs := job_metrics_of(broker):
            registry.register(jobs)
    registry.register(DatabaseFigures(engine))
    return registry, acks


def metrics_response(registry: CollectorRegistry, accept: str | None) -> Response:
    """The page in the format the scraper asked for (Prometheus text unless it asks for
    OpenMetrics), as prometheus_client's own server answers."""
    encode, content_type = choose_encoder(accept or "")
    return Response(encode(registry), status=200, content_type=content_type)


def serve_job_metrics(broker: Broker, port: int, host: str = "0.0.0.0") -> Any:
    """Serve this process's job figures on `port` (a thread; `port=0` picks a free one):
    for `impact worker` and `impact scheduler`, which have no web app. Returns the server
    (`server.server_port`, `server.shutdown()`)."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    if jobs := job_metrics_of(broker):
        registry.register(jobs)
    try:
        server, _thread = start_http_server(port, addr=host, registry=registry)
    except OSError as err:
        raise ConfigError(
            f"Cannot serve metrics on port {port} ({err.strerror or err}): another process "
            "holds it. Set IMPACT_METRICS_PORT to a free port, or empty it to serve none."
        ) from None
    log.info("metrics.serving port=%s", server.server_port)
    return server
