"""Per-source request budgets shared by every worker: Dramatiq's rate limiters.

A sync takes one token from its source's budget before every request it sends (retries
included), not one per sync: a sync makes anywhere from one request (an account synced an
hour ago) to hundreds (a two-year backfill), so a token per sync cannot bound what a
platform receives, while a token per request, taken atomically in the shared backend right
before the request, bounds the sum over all workers on all machines.

Each source's budget (`HttpConnector.budget`: at most N requests in any S seconds) is a
Dramatiq `WindowRateLimiter` on the broker's backend: Redis when IMPACT_BROKER_URL is
Redis (the keys live under the broker's namespace), else an in-memory one for the workers
of this process (the embedded default, where this process is the only one sending). The
window limiter counts requests per whole second over its window, so a window of S + 1
seconds is used: any S consecutive seconds then hold at most N requests, wherever they start.

A spent budget makes the sync wait (polling at each second's turn, when the oldest second
leaves the window); one that stays spent for `max_wait` raises BudgetExhausted, which ends
the sync where it is (its chunks and cursor kept) without touching the connection's health,
and the job is sent again later with Dramatiq's backoff (`bot.jobs`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping

from dramatiq import Broker
from dramatiq.rate_limits import RateLimiterBackend, WindowRateLimiter
from dramatiq.rate_limits.backends import StubBackend

from integrations.base import Budget, BudgetExhausted

log = logging.getLogger(__name__)
#: How long a request waits for a token before its sync is sent again later (seconds).
MAX_WAIT_SECONDS = 60.0


def connector_budgets() -> dict[str, Budget]:
    """Each source's budget, from its connector class."""
    from integrations.registry import CONNECTORS

    return {source: connector.budget for source, connector in CONNECTORS.items()}


def backend_for(broker: Broker) -> RateLimiterBackend:
    """The broker's Redis for a Redis broker (shared by every process), else in memory."""
    client = getattr(broker, "client", None)
    if client is not None:
        from dramatiq.rate_limits.backends import RedisBackend

        return RedisBackend(client=client)
    return StubBackend()


class Budgets:
    """The budgets of every source on one backend. `take(source)` returns when a request
    may be sent; `taker(source)` is that call for `SourceConfig.take`."""

    def __init__(
        self,
        backend: RateLimiterBackend,
        budgets: Mapping[str, Budget] | None = None,
        *,
        namespace: str = "impact",
        max_wait: float = MAX_WAIT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.budgets = dict(connector_budgets() if budgets is None else budgets)
        self.max_wait = max_wait
        self.sleep = sleep
        self.backend, self.namespace = backend, namespace
        self._limiters: dict[str, WindowRateLimiter] = {}

    @classmethod
    def on(cls, broker: Broker, **options: object) -> Budgets:
        """Budgets on `broker`'s backend, under its namespace."""
        namespace = getattr(broker, "namespace", "impact")
        return cls(backend_for(broker), namespace=namespace, **options)  # type: ignore[arg-type]

    def _key(self, source: str, account: str | None) -> str | None:
        """The budget a request of `source` for `account` counts against: the source's, or
        the account's own where the quota is per account. None: no budget."""
        budget = self.budgets.get(source)
        if budget is None:
            return None
        key = f"{source}:{account}" if budget.per_account and account else source
        if key not in self._limiters:
            self._limiters[key] = WindowRateLimiter(
                self.backend,
                f"{self.namespace}:budget:{key}",
                limit=budget.requests,
                window=budget.seconds + 1,
            )
        return key

    def taker(self, source: str, account: str | None = None) -> Callable[[], None] | None:
        """What a sync of `source` (for `account`, its external id) calls before each
        request; None for a source without a budget."""
        key = self._key(source, account)
        if key is None:
            return None
        return lambda: self.take(source, account)

    def take(self, source: str, account: str | None = None) -> None:
        """Wait for a token of the budget of `source` (or of `account`, where the quota is
        per account); BudgetExhausted after `max_wait` s."""
        key = self._key(source, account)
        if key is None:
            return
        limiter = self._limiters[key]
        started = time.monotonic()
        while True:
            with limiter.acquire(raise_on_failure=False) as acquired:
                if acquired:
                    return
            waited = time.monotonic() - started
            if waited >= self.max_wait:
                log.info("budget.exhausted source=%s waited=%.0fs", source, waited)
                raise BudgetExhausted(source, waited)
            # a second leaves the window at each second's turn: try again just after it
            # (jittered, so that waiting workers do not all ask at the same instant)
            pause = 1.0 - time.time() % 1.0 + random.uniform(0.0, 0.05)
            self.sleep(min(pause, max(self.max_wait - waited, 0.0)))
