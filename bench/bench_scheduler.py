"""2,000 channels due in the same minute, posted through the Slack stand-in.

The stand-in enforces about one message per second per channel and answers 429 with
Retry-After past it. Targets (issue 6): all posted, none twice, last post within 2 minutes.
The teams have no data, so each digest is the short "quiet week" message: the figure is the
scheduler's claim-and-post machinery, not digest building (bench_digest measures that).
"""

from __future__ import annotations

import collections
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.slack_api import SlackStandIn

CHANNELS, TEAMS = 2000, 200
DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 Berlin


def main() -> None:
    from bench.fleet import add_channels
    from bot.bootstrap import Runtime
    from bot.scheduler import DigestScheduler
    from bot.settings import Settings
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder, SlackStandIn(per_channel_interval=1.0) as slack:
        engine = make_engine(f"sqlite:///{Path(folder) / 'sched.db'}")
        upgrade(engine)
        with session_scope(engine) as s:
            add_channels(s, TEAMS, CHANNELS, hour=9, timezone="Europe/Berlin")
        settings = Settings.from_env(
            {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": slack.api_url}
        )
        scheduler = DigestScheduler(Runtime(settings, engine, None), max_workers=16)
        started = time.perf_counter()
        results = scheduler.tick(DUE)
        wall = time.perf_counter() - started
        again = DigestScheduler(Runtime(settings, engine, None), instance="second").tick(DUE)
        scheduler.stop()
        posted = collections.Counter(p["channel"] for p in slack.requests("chat.postMessage"))
        engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = len(posted) == CHANNELS and max(posted.values()) == 1 and not again
    print(
        f"channels due: {CHANNELS} across {TEAMS} teams; runs claimed: {len(results)}; "
        f"second instance claimed: {len(again)}"
    )
    print(
        f"posted: {len(posted)} channels, most posts to one channel: {max(posted.values())}, "
        f"429 answers: {slack.rate_limited}  -> all posted, none twice: {'met' if ok else 'NOT met'}"
    )
    print(
        f"wall time to the last post: {wall:6.1f} s   target < 120 s: "
        f"{'met' if wall < 120 else 'NOT met'}"
    )
    print(f"process peak RSS (scheduler + stand-in): {rss:.0f} MB")


if __name__ == "__main__":
    main()
