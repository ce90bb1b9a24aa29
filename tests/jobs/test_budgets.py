"""Each source's request budget, shared by every worker (in-process, and Redis when it
answers): syncs running at once never send a platform more than its budget, and a sync
whose budget stays spent is sent again later instead of failing its connection."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.budgets import Budgets, backend_for
from bot.jobs import Jobs, WorkContext
from bot.settings import Settings
from integrations.base import Budget, BudgetExhausted
from integrations.registry import CONNECTORS
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.metrics import ensure_team, get_or_create_connection
from storage.tables import Connection, MetricPointRow
from tests.integrations.test_sync import daily_insights
from tests.slack.conftest import wait_for
from tests.support.arrivals import SENDING_SLACK, most_in_any
from tests.support.standin import Reply, StandIn

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def graph_api(api: StandIn) -> None:
    api.route("GET", re.compile(r"/v23\.0/\d+/insights"), daily_insights)
    api.route("GET", re.compile(r"/v23\.0/\d+/published_posts"), Reply(200, {"data": []}))


def facebook_pages(engine, url: str, count: int) -> tuple[Runtime, list[int]]:  # type: ignore[no-untyped-def]
    settings = Settings.from_env({"IMPACT_FACEBOOK_BASE_URL": url, "IMPACT_HTTP_MAX_RETRIES": "0"})
    vault = Vault(generate_key())
    with session_scope(engine) as session:
        ensure_team(session, "T1")
        rows = [
            get_or_create_connection(
                session, "T1", "facebook", str(1000 + i), platform="facebook", display_name=f"P{i}"
            )
            for i in range(count)
        ]
        for i, row in enumerate(rows):
            row.credentials_enc = vault.encrypt({"page_id": str(1000 + i), "access_token": "EAAt"})
        session.flush()
        ids = [row.id for row in rows]
    return Runtime(settings, engine, vault), [i for i in ids if i is not None]


def connections(engine) -> list[Connection]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return list(session.exec(select(Connection).order_by(Connection.id)))


def budgeted(jobs: Jobs, namespace: str, budget: Budget, **options: float) -> Jobs:
    jobs.budgets = Budgets(
        backend_for(jobs.broker),
        {"facebook": budget},
        namespace=namespace,
        **options,  # type: ignore[arg-type]
    )
    return jobs


def test_every_connector_has_a_budget_of_its_own():
    for source, connector in CONNECTORS.items():
        assert connector.budget.requests >= 1 and 1 <= connector.budget.seconds <= 60, source
    assert CONNECTORS["youtube"].budget != CONNECTORS["stripe"].budget


def test_a_budget_of_nothing_is_refused_with_what_was_wrong():
    with pytest.raises(ValueError, match="at least 1 request in 1 s"):
        Budget(requests=0, seconds=10)


def test_workers_syncing_at_once_never_send_a_platform_more_than_its_budget(sqlite_engine, queues):
    budget = Budget(requests=4, seconds=1)
    with StandIn() as graph:
        graph_api(graph)
        runtime, ids = facebook_pages(sqlite_engine, graph.url, 6)
        # on Redis two workers (as two processes would), sharing the budget through it
        workers = 2 if queues.kind == "redis" else 1
        pool = [
            budgeted(queues.jobs(lambda: WorkContext(runtime), threads=3), queues.namespace, budget)
            for _ in range(workers)
        ]
        for connection_id in ids:
            pool[0].sync_connection.send(connection_id, NOW.isoformat())
        queues.drain(pool[0])
        times = [call.at for call in graph.calls()]

    assert [c.health for c in connections(sqlite_engine)] == ["ok"] * 6
    assert len(times) >= 3 * budget.requests  # enough requests for the budget to bind
    assert most_in_any(times, budget.seconds - SENDING_SLACK) <= budget.requests


def test_a_sync_whose_budget_stays_spent_is_sent_again_and_the_connection_never_fails(
    sqlite_engine, queues, caplog
):
    caplog.set_level(logging.INFO)
    # one request in any 5 s: the sync (two requests or more) cannot finish in one go
    budget = Budget(requests=1, seconds=5)
    with StandIn() as graph:
        graph_api(graph)
        runtime, [connection_id] = facebook_pages(sqlite_engine, graph.url, 1)
        jobs = budgeted(
            queues.jobs(lambda: WorkContext(runtime)), queues.namespace, budget, max_wait=0.3
        )
        health: list[str] = []
        watching = threading.Event()

        def watch() -> None:  # the connection as a person would see it meanwhile
            while not watching.is_set():
                health.extend(c.health for c in connections(sqlite_engine))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            jobs.sync_connection.send_with_options(
                args=(connection_id, NOW.isoformat()), min_backoff=400
            )
            done = wait_for(
                lambda: connections(sqlite_engine)[0].last_sync_at is not None, seconds=30
            )
            queues.drain(jobs)
        finally:
            watching.set()
            watcher.join()
        insights = graph.calls("GET", "/v23.0/1000/insights")

    assert done
    assert "sync.deferred" in caplog.text  # it stopped on the budget at least once...
    assert "failing" not in health  # ...and the connection never looked broken
    row = connections(sqlite_engine)[0]
    assert row.health == "ok" and row.health_detail is None
    with session_scope(sqlite_engine) as session:
        assert session.exec(select(MetricPointRow)).first() is not None
    # resumed from its cursor: no chunk was asked twice
    ranges = [(c.query["since"][0], c.query["metric"][0]) for c in insights]
    assert len(ranges) == len(set(ranges))


def test_a_budget_spent_for_longer_than_the_wait_says_so():
    from dramatiq.rate_limits.backends import StubBackend

    budgets = Budgets(StubBackend(), {"x": Budget(1, 60)}, max_wait=0.2)
    take = budgets.taker("x")
    assert take is not None and budgets.taker("unknown") is None
    take()
    started = time.monotonic()
    with pytest.raises(BudgetExhausted, match="x request budget still spent") as spent:
        take()
    assert 0.2 <= time.monotonic() - started < 2
    assert "syncs it again shortly" in spent.value.user_hint("x")


def test_a_per_account_budget_is_each_accounts_own_and_an_app_budget_is_shared():
    """Stripe's quota is per account: one team's backfill spending its account's budget
    leaves another account's untouched; X's is the app's: every account shares it."""
    from dramatiq.rate_limits.backends import StubBackend

    budgets = Budgets(
        StubBackend(),
        {"stripe": Budget(1, 60, per_account=True), "x": Budget(1, 60)},
        max_wait=0.1,
    )
    budgets.take("stripe", "acct_A")
    budgets.take("stripe", "acct_B")  # another account: its own budget, not waiting
    with pytest.raises(BudgetExhausted):
        budgets.take("stripe", "acct_A")
    budgets.take("x", "123")
    with pytest.raises(BudgetExhausted):
        budgets.take("x", "456")  # the app's one budget, spent by the other account
