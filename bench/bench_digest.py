"""Digest build on a large team: 50 connections × 12 metrics × 730 days (≈ 438k points),
20,000 posts, 20 goals, SQLite.

Targets (issue 4): the digest (JSON) built warm in ≤ 0.5 s and ≤ 3× one raw SQL GROUP BY
week/platform/metric over the same rows in the same run; peak RSS ≤ 250 MB. The build runs
in a fresh child process so its RSS is the digest's, not the data generator's.
"""

from __future__ import annotations

import json
import multiprocessing
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
GOAL_TEXTS = (
    "signups +15% by end of Q1",
    "instagram link clicks to 2,000 by Dec 31",
    "donations +10% by Q2",
    "linkedin signups to 400 by end of March",
    "engagement rate 3% on tiktok by Dec 15",
)


def load(path: Path) -> int:
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team
    from storage.migrate import upgrade
    from storage.tables import Connection

    engine = make_engine(f"sqlite:///{path}")
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
    db = sqlite3.connect(path)
    rng = random.Random(1)
    start = TODAY - timedelta(days=DAYS)
    points = 0
    for conn_id in range(1, CONNECTIONS + 1):
        platform = PLATFORMS[(conn_id - 1) % len(PLATFORMS)]
        rows = [
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
        db.executemany(
            "INSERT INTO metric_points (team_id, day, connection_id, metric, platform,"
            " value) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        points += len(rows)
    now = datetime.now(UTC).isoformat(sep=" ")
    posts = [
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
    db.executemany(
        "INSERT INTO posts (connection_id, team_id, platform, external_id, published_at, permalink,"
        " title, impressions, reach, reactions, comments, shares, saves, clicks, link_clicks,"
        " outcomes, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        posts,
    )
    db.commit()
    db.close()
    return points


def add_goals(path: Path) -> None:
    from bot.services.goals import add_goal
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    for index in range(GOALS):
        add_goal(
            engine,
            team_id=TEAM,
            channel_id=CHANNEL,
            text=GOAL_TEXTS[index % len(GOAL_TEXTS)],
            user_id="U1",
            today=TODAY - timedelta(weeks=4),
        )
    engine.dispose()


def measure(path: str, queue) -> None:  # type: ignore[no-untyped-def]
    from bot.core.periods import last_complete_week
    from bot.services.digest import build_digest
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    week = last_complete_week(TODAY)
    json.dumps(build_digest(engine, team_id=TEAM, channel_id=CHANNEL, week=week).to_json())  # warm
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        json.dumps(build_digest(engine, team_id=TEAM, channel_id=CHANNEL, week=week).to_json())
        runs.append(time.perf_counter() - started)
    raw = []
    db = sqlite3.connect(path)
    for _ in range(3):
        started = time.perf_counter()
        db.execute(
            "SELECT strftime('%Y-%W', day), platform, metric, sum(value) FROM metric_points"
            " WHERE team_id = ? GROUP BY 1, 2, 3",
            (TEAM,),
        ).fetchall()
        raw.append(time.perf_counter() - started)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((statistics.median(runs), min(raw), rss_mb))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        points = load(path)
        add_goals(path)
        print(
            f"data: {points:,} points, {POSTS:,} posts, {GOALS} goals "
            f"(loaded in {time.perf_counter() - started:.1f} s)"
        )
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=measure, args=(str(path), queue))
        child.start()
        digest_s, raw_s, rss_mb = queue.get(timeout=300)
        child.join()
    ratio = digest_s / raw_s
    print(
        f"digest build (warm, median of 5): {digest_s * 1000:7.1f} ms   target ≤ 500 ms: "
        f"{'met' if digest_s <= 0.5 else 'NOT met'}"
    )
    print(
        f"raw GROUP BY week/platform/metric: {raw_s * 1000:7.1f} ms   ratio {ratio:.2f} "
        f"(target ≤ 3: {'met' if ratio <= 3 else 'NOT met'})"
    )
    print(
        f"peak RSS of the digest process: {rss_mb:6.0f} MB   target ≤ 250 MB: "
        f"{'met' if rss_mb <= 250 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
