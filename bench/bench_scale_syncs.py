"""200 connections due for a sync at once, synced by worker processes on Redis and PostgreSQL
from the platforms' stand-ins, with 1 worker process and then 2, under per-platform budgets.

Seven sources (Instagram, Threads, LinkedIn, YouTube, TikTok, Pinterest, X; the routes of
bench_sync), about 29 connections each, every one last synced four days ago; two scheduler
processes lease them and send them to the queue. Every request takes a token from its
source's budget in Redis (`bot.budgets`), so whatever the number of workers, no platform's
stand-in may see more than its budget in any window of the budget's length: the bench counts
the requests each stand-in received in every such window. The budgets are the bench's
(BENCH_BUDGETS, below), small enough to bind within a run: the connectors' own allow a
minute's window and would make a run last minutes.

Prints each run's time until every connection is synced, the most requests each platform
saw in any window against its budget, and the ratio of the two runs (the budget-bound
platforms take as long with 2 workers: that is the budget doing its job).
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_sync import INSTAGRAM, NEW_SOURCES
from bench.fleet import REDIS_URL, Fleet, postgres_database, redis_namespace
from tests.support.arrivals import SENDING_SLACK, most_in_any
from tests.support.standin import StandIn

CONNECTIONS = int(os.environ.get("BENCH_SYNC_CONNECTIONS", "200"))
DAYS_BEHIND = 4
WORKER_THREADS = 8
TIMEOUT_SECONDS = 600
#: requests/seconds per source, for the bench's runs (the connectors' own are per minute)
BUDGETS = {
    "instagram": (40, 5),
    "threads": (40, 5),
    "linkedin": (20, 5),
    "youtube": (20, 5),
    "tiktok": (30, 5),
    "pinterest": (20, 5),
    "x": (20, 5),
}
BENCHES = (INSTAGRAM, *NEW_SOURCES)


def seed(url: str, key: str) -> None:
    from storage.crypto import Vault
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team, get_or_create_connection
    from storage.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    vault = Vault(key)
    with session_scope(engine) as s:
        ensure_team(s, "TSYNC")
        for index in range(CONNECTIONS):
            bench = BENCHES[index % len(BENCHES)]
            row = get_or_create_connection(
                s,
                "TSYNC",
                bench.source,
                f"{bench.source}{index}",
                platform=bench.source,
                display_name=f"{bench.source} {index}",
            )
            row.credentials_enc = vault.encrypt(bench.credentials(index))
        s.flush()
    engine.dispose()


def due_now(url: str) -> None:
    """Every connection due (never synced by the clock), last synced DAYS_BEHIND days ago."""
    from sqlalchemy import text

    from storage.db import make_engine

    cursor = (datetime.now(UTC).date() - timedelta(days=DAYS_BEHIND)).isoformat()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE connections SET last_sync_at = NULL, health = 'new', sync_cursor = :c"),
            {"c": cursor},
        )
    engine.dispose()


def synced(url: str) -> tuple[int, int]:
    """(connections synced ok, connections failing) now."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = dict(
            connection.execute(text("SELECT health, count(*) FROM connections GROUP BY health"))
            .tuples()
            .all()
        )
    engine.dispose()
    return rows.get("ok", 0), rows.get("failing", 0) + rows.get("needs_reauth", 0)


def run(url: str, namespace: str, key: str, workers: int) -> dict[str, object]:
    with ExitStack() as stack:
        apis = {}
        for bench in BENCHES:
            api = stack.enter_context(StandIn())
            bench.routes(api)
            apis[bench.source] = api
        env = {
            "DATABASE_URL": url,
            "IMPACT_BROKER_URL": REDIS_URL,
            "IMPACT_SECRET_KEY": key,
            "IMPACT_WORKER_THREADS": str(WORKER_THREADS),
            "IMPACT_HTTP_MAX_RETRIES": "0",
            "BENCH_NAMESPACE": namespace,
            "BENCH_BUDGETS": ",".join(f"{s}={n}/{w}" for s, (n, w) in BUDGETS.items()),
            **{f"IMPACT_{source.upper()}_BASE_URL": api.url for source, api in apis.items()},
        }
        with Fleet(env) as fleet:
            fleet.start("worker", workers)
            due_now(url)
            started = time.monotonic()
            fleet.start("scheduler", 2)
            ok = failing = 0
            while ok + failing < CONNECTIONS and time.monotonic() - started < TIMEOUT_SECONDS:
                time.sleep(0.2)
                ok, failing = synced(url)
            wall = time.monotonic() - started
        seen = {}
        for source, api in apis.items():
            times, seconds = [c.at for c in api.calls()], BUDGETS[source][1]
            seen[source] = (
                len(times),
                most_in_any(times, seconds - SENDING_SLACK),
                most_in_any(times, seconds),
            )
    return {"wall": wall, "ok": ok, "failing": failing, "seen": seen}


def main() -> None:
    from storage.crypto import generate_key

    key = generate_key()
    walls = []
    within = True
    with postgres_database("impact_bench_syncs") as url, redis_namespace("impact-bench") as ns:
        seed(url, key)
        for workers in (1, 2):
            result = run(url, f"{ns}-{workers}", key, workers)
            walls.append(float(result["wall"]))  # type: ignore[arg-type]
            print(
                f"{workers} worker process(es) x {WORKER_THREADS} threads: {result['ok']} of "
                f"{CONNECTIONS} connections synced ok ({result['failing']} failing) in "
                f"{result['wall']:.1f} s",
                flush=True,
            )
            for source, (made, most, strict) in result["seen"].items():  # type: ignore[attr-defined]
                limit, seconds = BUDGETS[source]
                within = within and most <= limit
                print(
                    f"  {source:9} {made:5} requests, most in any {seconds - SENDING_SLACK:g} s: "
                    f"{most:3} (in any {seconds} s: {strict:3}), budget {limit} per {seconds} s: "
                    f"{'ok' if most <= limit else 'ABOVE BUDGET'}",
                    flush=True,
                )
            within = within and result["ok"] == CONNECTIONS
    print(
        f"1 vs 2 worker processes: {walls[0]:.1f} s vs {walls[1]:.1f} s, ratio "
        f"{walls[0] / walls[1]:.2f}x; every connection synced and no platform above its "
        f"budget: {'met' if within else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
