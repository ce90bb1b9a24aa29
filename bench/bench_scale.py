"""2,000 channels due in the same minute, posted by worker processes on Redis and PostgreSQL.

Two scheduler processes (the clock, twice, as two machines would run it) send every due
digest to the queue; 1 worker process, then 2, post them through the Slack stand-in (about
one message per second per channel, 429 with Retry-After past it). In each run one worker
is killed with SIGKILL when a quarter of the channels have their digest, and a new one is
started in its place (as a process supervisor would): what the dead one held comes back to
the queue once it stops beating (Dramatiq's heartbeat timeout, 3 s here instead of 60 s so
that it comes back within the run) and is posted by the others.

Targets (issue 13): all posted, none twice, in both runs; the time to the last post with 2
worker processes at most 1/1.6 of that with 1 (on 2 cores).

Every team has 14 weeks of history (the demo's Instagram and its GA4 donations, a seed per
team), so each digest is a real one: judged, with its chart drawn and uploaded into its
thread, as a team with data gets it; the workers' CPU is then most of the run's, as on a
real Monday morning. BENCH_SCALE_QUIET=1 leaves the teams without data: each digest is the
short "quiet week" message with no chart, a run of about a minute that measures the queue
and the claims. There the two cores are the bound, not the workers (PostgreSQL, Redis, the
two clocks and the stand-in take about half the CPU), so a second worker adds little.

Uses its own PostgreSQL database (created and dropped; BENCH_POSTGRES_URL names the server's
admin URL) and its own namespace on Redis db 14 (BENCH_REDIS_URL; keys deleted afterwards).
"""

from __future__ import annotations

import collections
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fleet import REDIS_URL, Fleet, add_channels, postgres_database, redis_namespace
from tests.support.slack_api import SlackStandIn

#: BENCH_SCALE_CHANNELS makes a smaller trial run
CHANNELS = int(os.environ.get("BENCH_SCALE_CHANNELS", "2000"))
TEAMS = max(1, CHANNELS // 10)
WORKER_THREADS = 8
HEARTBEAT_MS = 3000
KILL_AT = CHANNELS // 4
TIMEOUT_SECONDS = 1800
CHARTS = os.environ.get("BENCH_SCALE_QUIET") != "1"
HISTORY_DAYS = 14 * 7


def seed(url: str) -> None:
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        add_channels(s, TEAMS, CHANNELS, hour=0, timezone="UTC")  # due_now moves them
        if CHARTS:
            add_history(s, datetime.now(UTC).date())
    engine.dispose()


def add_history(session, today) -> None:  # type: ignore[no-untyped-def]
    """Each team: the demo's Instagram account and its GA4 donations over HISTORY_DAYS."""
    from integrations import demo
    from storage.connections import ensure_connection
    from storage.metrics import store_points

    start = today.toordinal() - HISTORY_DAYS
    for t in range(TEAMS):
        data = demo.generate(today, seed=t)
        for account in data.accounts:
            if account.platform not in ("instagram", None):
                continue
            connection_id = ensure_connection(
                session,
                f"T{t:04d}",
                account.source,
                account.external_id,
                platform=account.platform,
                display_name=account.display_name,
            )
            points = [
                p
                for p in data.points.get(account.external_id, [])
                if p.day.toordinal() >= start and p.platform in ("instagram", "", None)
            ]
            store_points(session, connection_id, points)


def due_now(url: str) -> None:
    """Every schedule due this minute, with no run of this week yet."""
    from sqlalchemy import text

    from storage.db import make_engine

    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM digest_runs"))
        connection.execute(
            text("UPDATE digest_schedules SET weekday = :d, hour = :h, minute = :m"),
            {"d": now.weekday(), "h": now.hour, "m": now.minute},
        )
    engine.dispose()


def run(url: str, namespace: str, key: str, workers: int) -> dict[str, float]:
    with SlackStandIn(per_channel_interval=1.0) as slack:
        env = {
            "DATABASE_URL": url,
            "IMPACT_BROKER_URL": REDIS_URL,
            "IMPACT_SECRET_KEY": key,
            "IMPACT_WORKER_THREADS": str(WORKER_THREADS),
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": slack.api_url,
            "BENCH_NAMESPACE": namespace,
            "BENCH_HEARTBEAT_MS": str(HEARTBEAT_MS),
        }
        with Fleet(env) as fleet:
            running = fleet.start("worker", workers)
            due_now(url)
            started = time.monotonic()
            fleet.start("scheduler", 2)
            killed = False
            deadline = started + TIMEOUT_SECONDS
            while len(slack.history) < CHANNELS and time.monotonic() < deadline:
                if not killed and len(slack.history) >= KILL_AT:
                    fleet.kill(running[0])
                    fleet.start("worker", 1)  # the supervisor's restart
                    killed = True
                time.sleep(0.05)
            # redeliveries of what the killed worker held would come now: let them
            time.sleep(2 * HEARTBEAT_MS / 1000 + 2)
        posts = slack.calls("POST", "/api/chat.postMessage")
        # a digest is one message in the channel, and its chart (when it has one) one file
        # in that message's thread
        per_channel = collections.Counter(
            {
                channel: sum(1 for m in messages if "thread_ts" not in m)
                for channel, messages in slack.history.items()
            }
        )
        charts = collections.Counter(
            {
                channel: sum(1 for m in messages if "thread_ts" in m and m.get("files"))
                for channel, messages in slack.history.items()
            }
        )
        last = max(call.at for call in posts)
        first = min(call.at for call in posts)
        return {
            "workers": workers,
            "posted": sum(1 for count in per_channel.values() if count),
            "most": max(per_channel.values(), default=0),
            "charts": sum(charts.values()),
            "most_charts": max(charts.values(), default=0),
            "limited": slack.rate_limited,
            "last": last - started,
            "drain": last - first,
            "killed": killed,
        }


def main() -> None:
    from storage.crypto import generate_key

    key = generate_key()
    results = []
    with postgres_database("impact_bench_scale") as url, redis_namespace("impact-bench") as ns:
        seed(url)
        for workers in (1, 2):
            result = run(url, f"{ns}-{workers}", key, workers)
            results.append(result)
            ok = result["posted"] == CHANNELS and result["most"] == 1 and result["killed"]
            if CHARTS:  # and each chart once, in its digest's thread
                ok = ok and result["charts"] == CHANNELS and result["most_charts"] == 1
            print(
                f"{workers} worker process(es) x {WORKER_THREADS} threads, 2 schedulers: "
                f"posted {result['posted']}/{CHANNELS} channels, most posts to one channel "
                f"{result['most']}, charts {result['charts']} (most in one thread "
                f"{result['most_charts']}), 429 answers {result['limited']}, a worker SIGKILLed after "
                f"{KILL_AT} posts: {'yes' if result['killed'] else 'NO'}  -> all posted, none "
                f"twice: {'met' if ok else 'NOT met'}",
                flush=True,
            )
            if workers == 1:
                print(
                    "  digests: "
                    + (
                        "real ones, judged, each with its chart (BENCH_SCALE_QUIET=1: quiet weeks)"
                        if CHARTS
                        else "quiet weeks, no data and no chart: the queue and the claims, on 2 cores that "
                        "PostgreSQL, Redis, the clocks and the stand-in share"
                    ),
                    flush=True,
                )
            print(
                f"  time to the last post {result['last']:6.1f} s from the schedulers' start "
                f"(first to last post {result['drain']:.1f} s)",
                flush=True,
            )
    ratio = results[0]["last"] / results[1]["last"]
    print(
        f"speed-up with 2 worker processes: {ratio:.2f}x   target >= 1.6x on 2 cores: "
        f"{'met' if ratio >= 1.6 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
