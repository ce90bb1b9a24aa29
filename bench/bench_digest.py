"""Digest build on a large team: 50 connections × 12 metrics × 730 days (≈ 438k points),
20,000 posts, 20 goals, SQLite.

Targets (issues 4 and 12): the digest (JSON, with its 12-week statistics) built warm in
≤ 0.5 s and ≤ 3× one raw SQL GROUP BY week/platform/metric over the same rows in the same
run; peak RSS ≤ 250 MB. On SQLite, and on PostgreSQL when a server answers (the same data,
loaded by COPY into a schema of its own, dropped afterwards). The build runs
in a fresh child process so its RSS is the digest's, not the data generator's.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

TEAM, CHANNEL = "TBENCH", "CBENCH"
PLATFORMS = ("instagram", "facebook", "linkedin", "x", "youtube")
METRICS = (
    "impressions",
    "reach",
    "views",
    "followers",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "signups",
    "donations",
)
DAYS, CONNECTIONS, POSTS, GOALS = 730, 50, 20_000, 20
TODAY = date(2026, 11, 23)
#: Five kinds of goal; each is set four times with a different target (identical goals in a
#: channel are refused), so the team has 20 goals.
GOAL_TEXTS = (
    "signups +{n}% by end of Q1",
    "instagram link clicks to {n},000 by Dec 31",
    "donations +{n}% by Q2",
    "linkedin signups to {n}00 by end of March",
    "engagement rate {n}% on tiktok by Dec 15",
)


def _metric_rows():  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    start = TODAY - timedelta(days=DAYS)
    for conn_id in range(1, CONNECTIONS + 1):
        platform = PLATFORMS[(conn_id - 1) % len(PLATFORMS)]
        yield [
            (
                TEAM,
                (start + timedelta(days=d)).isoformat(),
                conn_id,
                metric,
                platform,
                float(rng.randint(1, 500)),
            )
            for d in range(DAYS)
            for metric in METRICS
        ]


def _post_rows() -> list[tuple]:  # type: ignore[type-arg]
    rng = random.Random(2)
    start = TODAY - timedelta(days=DAYS)
    now = datetime.now(UTC).isoformat(sep=" ")
    return [
        (
            conn,
            TEAM,
            PLATFORMS[(conn - 1) % 5],
            f"post-{i}",
            (datetime.combine(start, datetime.min.time()) + timedelta(minutes=i * 52)).isoformat(
                sep=" "
            ),
            f"https://example.test/p/{i}",
            f"Post {i}",
            1000,
            800,
            rng.randint(0, 900),
            rng.randint(0, 50),
            3,
            2,
            10,
            rng.randint(0, 20),
            float(rng.randint(0, 3)),
            now,
        )
        for i in range(POSTS)
        for conn in [1 + i % CONNECTIONS]
    ]


_POINT_COLUMNS = "team_id, day, connection_id, metric, platform, value"
_POST_COLUMNS = (
    "connection_id, team_id, platform, external_id, published_at, permalink, title, "
    "impressions, reach, reactions, comments, shares, saves, clicks, link_clicks, outcomes, "
    "updated_at"
)


def _prepare(url: str, connect_args: dict | None = None) -> None:  # type: ignore[type-arg]
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team
    from storage.migrate import upgrade
    from storage.tables import Connection

    engine = make_engine(url, **({"connect_args": connect_args} if connect_args else {}))
    upgrade(engine)
    with session_scope(engine) as s:
        ensure_team(s, TEAM, "Bench")
        for index in range(CONNECTIONS):
            s.add(
                Connection(
                    team_id=TEAM,
                    source="bench",
                    external_id=f"acct-{index}",
                    platform=PLATFORMS[index % len(PLATFORMS)],
                    health="ok",
                )
            )
    engine.dispose()


def load(path: Path) -> int:
    """The data set into a SQLite file; the number of metric points."""
    _prepare(f"sqlite:///{path}")
    db = sqlite3.connect(path)
    points = 0
    for rows in _metric_rows():
        db.executemany(
            f"INSERT INTO metric_points ({_POINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        points += len(rows)
    db.executemany(
        f"INSERT INTO posts ({_POST_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        _post_rows(),
    )
    db.commit()
    db.close()
    return points


def load_postgres(url: str, schema: str) -> int:
    """The same data set into a fresh PostgreSQL schema, by COPY."""
    import psycopg

    _prepare(url, {"options": f"-csearch_path={schema}"})
    points = 0
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn, conn.cursor() as cur:
        with cur.copy(f"COPY metric_points ({_POINT_COLUMNS}) FROM STDIN") as copy:
            for rows in _metric_rows():
                for row in rows:
                    copy.write_row(row)
                points += len(rows)
        with cur.copy(f"COPY posts ({_POST_COLUMNS}) FROM STDIN") as copy:
            for row in _post_rows():
                copy.write_row(row)
        cur.execute("ANALYZE")
    return points


def add_goals(url: str, connect_args: dict | None = None) -> None:  # type: ignore[type-arg]
    from bot.core.goals import Refusal
    from bot.services.goals import add_goal
    from storage.db import make_engine

    engine = make_engine(url, **({"connect_args": connect_args} if connect_args else {}))
    stored = 0
    for index in range(GOALS):
        result = add_goal(
            engine,
            team_id=TEAM,
            channel_id=CHANNEL,
            text=GOAL_TEXTS[index % len(GOAL_TEXTS)].format(n=2 + index // len(GOAL_TEXTS)),
            user_id="U1",
            today=TODAY - timedelta(weeks=4),
        )
        stored += not isinstance(result, Refusal)
    engine.dispose()
    if stored != GOALS:
        raise RuntimeError(f"only {stored} of {GOALS} bench goals were stored")


def measure(url: str, schema: str | None, queue) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from bot.core.periods import last_complete_week
    from bot.services.digest import build_digest
    from storage.db import make_engine

    args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = make_engine(url, **({"connect_args": args} if args else {}))
    week = last_complete_week(TODAY)
    json.dumps(build_digest(engine, team_id=TEAM, channel_id=CHANNEL, week=week).to_json())  # warm
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        json.dumps(build_digest(engine, team_id=TEAM, channel_id=CHANNEL, week=week).to_json())
        runs.append(time.perf_counter() - started)
    week_of = "date_trunc('week', day)" if schema else "strftime('%Y-%W', day)"
    query = text(
        f"SELECT {week_of}, platform, metric, sum(value) FROM metric_points"
        " WHERE team_id = :team GROUP BY 1, 2, 3"
    )
    raw = []
    with engine.connect() as conn:
        for _ in range(3):
            started = time.perf_counter()
            conn.execute(query, {"team": TEAM}).fetchall()
            raw.append(time.perf_counter() - started)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine.dispose()
    queue.put((statistics.median(runs), min(raw), rss_mb))


def _report(backend: str, digest_s: float, raw_s: float, rss_mb: float) -> None:
    ratio = digest_s / raw_s
    print(
        f"[{backend}] digest build (warm, median of 5): {digest_s * 1000:7.1f} ms   "
        f"target ≤ 500 ms: {'met' if digest_s <= 0.5 else 'NOT met'}"
    )
    print(
        f"[{backend}] raw GROUP BY week/platform/metric: {raw_s * 1000:7.1f} ms   ratio "
        f"{ratio:.2f} (target ≤ 3: {'met' if ratio <= 3 else 'NOT met'})"
    )
    print(
        f"[{backend}] peak RSS of the digest process: {rss_mb:6.0f} MB   target ≤ 250 MB: "
        f"{'met' if rss_mb <= 250 else 'NOT met'}"
    )


def _in_child(url: str, schema: str | None) -> tuple[float, float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=measure, args=(url, schema, queue))
    child.start()
    result = queue.get(timeout=300)
    child.join()
    return result


def _postgres_url() -> str | None:
    url = os.environ.get("IMPACT_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    candidate = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=2).close()
    except Exception:
        return None
    return candidate


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        points = load(path)
        add_goals(f"sqlite:///{path}")
        print(
            f"data: {points:,} points, {POSTS:,} posts, {GOALS} goals "
            f"(loaded in {time.perf_counter() - started:.1f} s)"
        )
        _report("SQLite", *_in_child(f"sqlite:///{path}", None))
    url = _postgres_url()
    if url is None:
        print("[PostgreSQL] skipped: no server at IMPACT_TEST_POSTGRES_URL or 127.0.0.1:5432")
        return
    from sqlalchemy import text

    from storage.db import make_engine

    schema = f"bench_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        started = time.perf_counter()
        load_postgres(url, schema)
        add_goals(url, {"options": f"-csearch_path={schema}"})
        print(f"[PostgreSQL] same data loaded in {time.perf_counter() - started:.1f} s")
        _report("PostgreSQL", *_in_child(url, schema))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
