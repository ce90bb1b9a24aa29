"""The job queue: every piece of work that is not a Slack ack runs as a Dramatiq actor.

    answer_slack      the lazy half of a slash command, button, form or event: the web
                      process acks and hands the raw request off (`Jobs.hand_off`); the
                      worker's copy of the app dispatches it again and runs that lazy
                      listener alone
    post_digest       one (team, channel, week) digest: claim, build, post, resumably
    sync_connection   one connection the clock found due (and leased)
    announce_failures tell teams about connections that need a new token

A sync's requests take tokens from their source's budget, shared by all workers through the
broker's backend (`bot.budgets`); a sync whose budget stays spent is sent again with
Dramatiq's backoff (the one actor retried by Dramatiq), resuming from its cursor.

The broker comes from IMPACT_BROKER_URL: `redis://...` in production, where `impact worker`
processes on any number of machines run the jobs; unset, an in-process broker whose worker
threads run in the process that sends (`impact serve`, `impact scheduler`, `make demo`), so
a laptop and the tests need nothing more, and a process that dies loses what it had queued.

Delivery is at least once: Redis hands a message to another worker when the one that had it
stops beating. Each actor is therefore idempotent through a claim in the database: a digest
run is claimed by the message's id (so the same message delivered again resumes its own
post: message ts recorded, run id in the message's metadata, chart only once), a sync was
leased by the clock and upserts its points, an announcement is marked before it is sent. No
actor is retried by Dramatiq on an exception: digest posts have their own backoff in
`digest_runs`, syncs come round at the next period, and an answer to a person is not
repeated.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import dramatiq
from dramatiq import Broker, Worker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage, default_middleware
from slack_bolt import App, BoltRequest

from bot.bootstrap import Runtime
from bot.budgets import Budgets
from bot.metrics import JobMetrics
from bot.scheduler import DigestJob, DigestScheduler
from bot.services.teams import event_processed, mark_event_processed
from integrations.base import BudgetExhausted

log = logging.getLogger(__name__)

#: Bolt's own markers for "run only this lazy function of the listener" (see its Lambda
#: adapter): the worker's app dispatches the request again and runs just that function.
LAZY_ONLY, LAZY_NAME = "x-slack-bolt-lazy-only", "x-slack-bolt-lazy-function-name"
#: The headers a worker's app reads again: how to parse the body. The signature is not
#: among them: the web process verified it.
KEPT_HEADERS = frozenset({"content-type"})
#: Answers to a person first: a worker takes them before digests and syncs.
ANSWER_PRIORITY, BACKGROUND_PRIORITY = 0, 10
#: A job running longer than this is stopped (ms); a backfill of a year takes minutes.
TIME_LIMIT_MS = 30 * 60 * 1000
DEFAULT_NAMESPACE = "impact"
#: A sync whose source's budget stays spent is sent again after 30 s, 1 min, 2 min... (ms)
BUDGET_BACKOFF_MS, BUDGET_MAX_BACKOFF_MS, BUDGET_RETRIES = 30_000, 15 * 60 * 1000, 10


def _budget_spent(retries: int, error: BaseException) -> bool:
    """Dramatiq's `retry_when` for syncs: again while the budget was the reason."""
    return isinstance(error, dramatiq.Retry) and retries < BUDGET_RETRIES


def make_broker(
    url: str | None, *, namespace: str = DEFAULT_NAMESPACE, **redis_options: Any
) -> Broker:
    """A Redis broker for `redis://` URLs, else the in-process one. Unknown schemes raise
    ValueError naming the URL's scheme only (it may hold a password). `redis_options` go to
    Dramatiq's RedisBroker (tests shorten `heartbeat_timeout`, after which a silent worker's
    messages go to another)."""
    middleware = [m() for m in default_middleware] + [CurrentMessage(), JobMetrics()]
    if url is None:
        return StubBroker(middleware=middleware)
    scheme = url.split("://", 1)[0]
    if scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"IMPACT_BROKER_URL must be a redis:// URL, got a {scheme}:// one")
    from dramatiq.brokers.redis import RedisBroker

    return RedisBroker(url=url, namespace=namespace, middleware=middleware, **redis_options)


def is_embedded(broker: Broker) -> bool:
    """True for the in-process broker: the process that sends must also run the jobs."""
    return isinstance(broker, StubBroker)


class WorkContext:
    """What the actors need in a worker process, built once there: the runtime, the job
    bodies (`DigestScheduler`) and, on the first answer, the Slack app."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        app_factory: Callable[[Runtime], App] | None = None,
        scheduler: DigestScheduler | None = None,
    ) -> None:
        self.runtime = runtime
        self.scheduler = scheduler or DigestScheduler(runtime, max_workers=1)
        self._app_factory = app_factory or _worker_app
        self._app: App | None = None
        self._lock = threading.Lock()

    @property
    def app(self) -> App:
        with self._lock:
            if self._app is None:
                self._app = self._app_factory(self.runtime)
            return self._app


def _worker_app(runtime: Runtime) -> App:
    from bot.slack.app import build_app

    # its requests come from the web process, which verified them, never from the network;
    # and a backlog older than Slack's five-minute signature window must still be answered
    return build_app(runtime, verify_requests=False)


class Jobs:
    """The actors, declared on one broker. `context` is called once, in the process that
    runs the first job, so that only workers build what the jobs need."""

    def __init__(self, broker: Broker, context: Callable[[], WorkContext]) -> None:
        self.broker = broker
        self._make_context = context
        self._context: WorkContext | None = None
        self._lock = threading.Lock()

        def declare(
            fn: Callable[..., Any], queue: str, priority: int, **options: Any
        ) -> dramatiq.Actor[Any, Any]:
            return dramatiq.actor(
                fn,
                broker=broker,
                actor_name=fn.__name__.lstrip("_"),
                queue_name=queue,
                priority=priority,
                max_retries=0,
                time_limit=TIME_LIMIT_MS,
                **options,
            )

        self.answer_slack = declare(self._answer_slack, "answers", ANSWER_PRIORITY)
        self.post_digest = declare(self._post_digest, "digests", BACKGROUND_PRIORITY)
        self.budgets = Budgets.on(broker)
        self.sync_connection = declare(
            self._sync_connection,
            "syncs",
            BACKGROUND_PRIORITY,
            retry_when=_budget_spent,
            min_backoff=BUDGET_BACKOFF_MS,
            max_backoff=BUDGET_MAX_BACKOFF_MS,
        )
        self.announce_failures = declare(self._announce_failures, "syncs", BACKGROUND_PRIORITY)

    @property
    def context(self) -> WorkContext:
        with self._lock:
            if self._context is None:
                self._context = self._make_context()
            return self._context

    def hand_off(self, body: str, headers: dict[str, list[str]], function_name: str) -> None:
        """Queue the lazy function `function_name` of the listener that acked this request
        (the web process's `bot.slack.app.HandOffApp`): an `answer_slack` job carrying the
        raw body and the headers Bolt reads, with its markers for "run only this lazy
        function". Raises when the broker cannot take it."""
        kept = {name: values for name, values in headers.items() if name in KEPT_HEADERS}
        marked = {**kept, LAZY_ONLY: ["1"], LAZY_NAME: [function_name]}
        self.answer_slack.send(body, marked)

    # --- the actors -------------------------------------------------------------------
    def _answer_slack(self, body: str, headers: dict[str, list[str]]) -> None:
        """Answer once per message: the message id is recorded among the processed event
        ids when the answer is done, so the same message delivered again (its worker died
        before acknowledging it) is not answered twice; one whose worker died mid-answer is
        answered by the next."""
        message = CurrentMessage.get_current_message()
        done_key = f"job:{message.message_id}" if message is not None else None
        engine = self.context.runtime.engine
        if done_key is not None and event_processed(engine, done_key):
            log.info("jobs.answer_skipped: answered already")
            return
        status = self.context.app.dispatch(BoltRequest(body=body, headers=headers)).status
        if status >= 400:
            log.error("jobs.answer_refused status=%s", status)
        if done_key is not None:
            mark_event_processed(engine, done_key, None)

    def _post_digest(self, team_id: str, channel_id: str, week: str, late: bool, now: str) -> None:
        message = CurrentMessage.get_current_message()
        instance = f"job:{message.message_id}" if message is not None else None
        result = self.context.scheduler.run_digest(
            DigestJob(team_id, channel_id, week, late),
            datetime.fromisoformat(now),
            instance=instance,
        )
        log.info("jobs.digest status=%s", result.status if result else "held elsewhere or done")

    def _sync_connection(self, connection_id: int, now: str) -> None:
        try:
            report = self.context.scheduler.run_sync(
                connection_id, datetime.fromisoformat(now), take_for=self.budgets.taker
            )
        except BudgetExhausted as err:  # kept what it had: again later, from its cursor
            raise dramatiq.Retry(str(err)) from None
        log.info("jobs.sync connection_id=%s status=%s", connection_id, report.status)

    def _announce_failures(self, now: str) -> None:
        told = self.context.scheduler.announce_failures(datetime.fromisoformat(now))
        log.info("jobs.announced count=%s", told)


class EmbeddedWorker:
    """Worker threads in this process, for the in-process broker (or a test's Redis)."""

    def __init__(self, broker: Broker, *, threads: int) -> None:
        self.worker = Worker(broker, worker_threads=threads, worker_timeout=100)

    def start(self) -> EmbeddedWorker:
        self.worker.start()
        return self

    def stop(self, timeout_ms: int = 10_000) -> None:
        self.worker.stop(timeout=timeout_ms)


def build_jobs(runtime: Runtime, *, namespace: str = DEFAULT_NAMESPACE) -> Jobs:
    """The job queue of this process, from IMPACT_BROKER_URL (the composition root's part)."""
    url = runtime.settings.broker_url
    broker = make_broker(url.reveal() if url else None, namespace=namespace)
    return Jobs(broker, lambda: WorkContext(runtime))


def broker_health(broker: Broker) -> bool:
    """True when the broker answers (the in-process one always does)."""
    client = getattr(broker, "client", None)
    if client is None:
        return True
    try:
        return bool(client.ping())
    except Exception:
        log.warning("jobs.broker_down", exc_info=True)
        return False


@contextmanager
def running_jobs(runtime: Runtime, *, namespace: str = DEFAULT_NAMESPACE) -> Iterator[Jobs]:
    """This process's job queue; with the in-process broker, its worker threads run here
    until the block ends (then they finish what they hold, up to 10 s)."""
    jobs = build_jobs(runtime, namespace=namespace)
    worker = None
    if is_embedded(jobs.broker):
        worker = EmbeddedWorker(jobs.broker, threads=runtime.settings.worker_threads).start()
    try:
        yield jobs
    finally:
        if worker is not None:
            worker.stop()
        jobs.broker.close()
