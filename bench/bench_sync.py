"""Sync of 2 years of daily data for 10 accounts per source from local stand-ins:
Instagram, LinkedIn pages, YouTube channels, TikTok, Pinterest, Threads and X accounts.

Reports wall time, the requests made against the minimum each API's shape requires, and
points stored per second; a new source must store at least Instagram's points per second.
Instagram: per 30-day chunk one time-series call and one total_value call per day (it
answers interaction totals for a whole range). LinkedIn: daily statistics for the last 12
months only, in one range: share statistics, follower statistics and today's follower
count, plus one page of posts. YouTube: per 365-day chunk one report and one channel
statistics call, plus the channel's uploads playlist (one call each). TikTok: pages of 20
videos per 366-day chunk and for the posts. Pinterest: the
last 90 days only, one call per 90-day chunk reaching into them, plus one page of pins. Threads: as Instagram. X: pages of 100 posts per walk, the last 29
days (with non-public metrics) apart from older ones.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.standin import Reply, StandIn

ACCOUNTS, DAYS = 10, 730
TODAY = date(2026, 11, 23)


def insights(call):  # type: ignore[no-untyped-def]
    metrics = call.query["metric"][0].split(",")
    since = date.fromisoformat(call.query["since"][0])
    if "metric_type" in call.query:
        return Reply(
            200,
            {
                "data": [
                    {"name": m, "period": "day", "total_value": {"value": 7 + len(m)}}
                    for m in metrics
                ]
            },
        )
    until = date.fromisoformat(call.query["until"][0])
    values = [
        {
            "value": 100 + i,
            "end_time": (since + timedelta(days=i + 1)).isoformat() + "T08:00:00+0000",
        }
        for i in range((until - since).days)
    ]
    return Reply(200, {"data": [{"name": m, "period": "day", "values": values} for m in metrics]})


def linkedin_daily(call):  # type: ignore[no-untyped-def]
    start, end = (
        int(x) for x in re.search(r"start:(\d+),end:(\d+)", call.query["timeIntervals"][0]).groups()
    )
    day_ms = 86_400_000
    elements = [
        {
            "timeRange": {"start": at, "end": at + day_ms},
            "totalShareStatistics": {
                "impressionCount": 900,
                "uniqueImpressionsCount": 300,
                "clickCount": 20,
                "likeCount": 15,
                "commentCount": 2,
                "shareCount": 1,
            },
            "followerGains": {"organicFollowerGain": 3, "paidFollowerGain": 0},
        }
        for at in range(start, end, day_ms)
    ]
    return Reply(200, {"elements": elements})


def youtube_report(call):  # type: ignore[no-untyped-def]
    first = date.fromisoformat(call.query["startDate"][0])
    last = date.fromisoformat(call.query["endDate"][0])
    names = ["day", "views", "likes", "comments", "shares", "subscribersGained", "subscribersLost"]
    rows = [
        [(first + timedelta(days=i)).isoformat(), 700, 30, 4, 2, 5, 1]
        for i in range((last - first).days + 1)
    ]
    return Reply(200, {"columnHeaders": [{"name": n} for n in names], "rows": rows})


def pinterest_daily(call):  # type: ignore[no-untyped-def]
    first = date.fromisoformat(call.query["start_date"][0])
    last = date.fromisoformat(call.query["end_date"][0])
    metrics = {"IMPRESSION": 5200, "SAVE": 40, "PIN_CLICK": 88, "OUTBOUND_CLICK": 19}
    daily = [
        {
            "date": (first + timedelta(days=i)).isoformat(),
            "data_status": "READY",
            "metrics": metrics,
        }
        for i in range((last - first).days + 1)
    ]
    return Reply(200, {"all": {"daily_metrics": daily, "summary_metrics": {}}})


def tiktok_videos(call):  # type: ignore[no-untyped-def]
    """One video a day at noon UTC from 800 days before TODAY, newest first, 20 a page."""
    cursor = call.json()["cursor"] // 1000
    first = int(datetime.combine(TODAY - timedelta(days=800), time(12), UTC).timestamp())
    newest = first + (cursor - 1 - first) // 86_400 * 86_400
    stamps = [t for t in range(newest, first - 1, -86_400)][:20]
    videos = [
        {
            "id": str(t),
            "create_time": t,
            "share_url": f"https://www.tiktok.com/v/{t}",
            "view_count": 900,
            "like_count": 40,
            "comment_count": 3,
            "share_count": 2,
        }
        for t in stamps
    ]
    more = bool(stamps) and stamps[-1] > first
    data = {"videos": videos, "cursor": stamps[-1] * 1000 if stamps else 0, "has_more": more}
    return Reply(200, {"data": data, "error": {"code": "ok", "message": ""}})


def tiktok_routes(api) -> None:  # type: ignore[no-untyped-def]
    api.route("POST", "/v2/video/list/", tiktok_videos)


def tiktok_minimum(days: int) -> int:
    """Pages of 20 for each 366-day chunk and for the posts (the whole range): every walk
    reads its videos and the page holding the first older one."""
    chunks = [min(366, days - start) for start in range(0, days, 366)]
    return sum(-(-(n + 1) // 20) for n in chunks) + -(-(days + 1) // 20)


def threads_insights(call):  # type: ignore[no-untyped-def]
    since = datetime.fromtimestamp(int(call.query["since"][0]), UTC).date()
    until = datetime.fromtimestamp(int(call.query["until"][0]), UTC).date()
    if call.query["metric"] == ["views"]:
        values = [
            {"value": 300, "end_time": f"{since + timedelta(days=i + 1)}T08:00:00+0000"}
            for i in range((until - since).days)
        ]
        return Reply(200, {"data": [{"name": "views", "period": "day", "values": values}]})
    names = call.query["metric"][0].split(",")
    return Reply(200, {"data": [{"name": n, "total_value": {"value": 6}} for n in names]})


def threads_routes(api) -> None:  # type: ignore[no-untyped-def]
    api.route("GET", re.compile(r"/v1\.0/\d+/threads_insights"), threads_insights)
    api.route("GET", re.compile(r"/v1\.0/\d+/threads"), Reply(200, {"data": []}))


def x_tweets(call):  # type: ignore[no-untyped-def]
    """One post a day at noon UTC from 800 days before TODAY, in the asked window."""
    start = datetime.fromisoformat(call.query["start_time"][0].replace("Z", "+00:00"))
    end = datetime.fromisoformat(call.query["end_time"][0].replace("Z", "+00:00"))
    noon = datetime.combine(TODAY - timedelta(days=800), time(12), UTC)
    found = [noon + timedelta(days=i) for i in range(800)]
    found = [t for t in reversed(found) if start <= t < end]
    at = int(call.query.get("pagination_token", ["0"])[0])
    page = found[at : at + 100]
    numbers = {"impression_count": 500, "like_count": 20, "reply_count": 2}
    data = [
        {"id": str(int(t.timestamp())), "created_at": t.isoformat(), "public_metrics": numbers}
        for t in page
    ]
    meta = {"result_count": len(data)} | (
        {"next_token": str(at + 100)} if at + 100 < len(found) else {}
    )
    return Reply(200, {"data": data, "meta": meta})


def x_routes(api) -> None:  # type: ignore[no-untyped-def]
    api.route("GET", re.compile(r"/2/users/\d+/tweets"), x_tweets)


def x_minimum(days: int) -> int:
    """Pages of 100 posts: per 366-day chunk and for the posts, the last 29 days (with
    non-public metrics) and the older part are two walks."""
    cut = days - 29

    def walks(low: int, high: int) -> int:
        parts = [(low, min(high, cut)), (max(low, cut), high)]
        return sum(-(-(b - a) // 100) for a, b in parts if b > a)

    chunks = [(start, min(start + 366, days)) for start in range(0, days, 366)]
    return sum(walks(a, b) for a, b in chunks) + walks(0, days)


def pinterest_routes(api) -> None:  # type: ignore[no-untyped-def]
    api.route("GET", "/v5/user_account/analytics", pinterest_daily)
    api.route("GET", "/v5/pins", Reply(200, {"items": [], "bookmark": None}))


@dataclass(frozen=True)
class Bench:
    source: str
    routes: Callable[[Any], None]
    credentials: Callable[[int], dict[str, str]]
    minimum: Callable[[int], int]  # days -> requests one account needs


def linkedin_routes(api) -> None:  # type: ignore[no-untyped-def]
    api.route("GET", "/rest/organizationalEntityShareStatistics", linkedin_daily)
    api.route("GET", "/rest/organizationalEntityFollowerStatistics", linkedin_daily)
    api.route("GET", re.compile(r"/rest/networkSizes/.+"), Reply(200, {"firstDegreeSize": 5000}))
    api.route("GET", "/rest/posts", Reply(200, {"elements": [], "paging": {"total": 0}}))


def youtube_routes(api) -> None:  # type: ignore[no-untyped-def]
    channel = {
        "items": [
            {
                "id": "UC",
                "statistics": {"subscriberCount": "9000"},
                "contentDetails": {"relatedPlaylists": {"uploads": "UU"}},
            }
        ]
    }
    api.route("GET", "/v2/reports", youtube_report)
    api.route("GET", "/youtube/v3/channels", Reply(200, channel))
    api.route("GET", "/youtube/v3/playlistItems", Reply(200, {"items": []}))


def instagram_routes(api) -> None:  # type: ignore[no-untyped-def]
    api.route("GET", re.compile(r"/v23\.0/\d+/insights"), insights)
    api.route("GET", re.compile(r"/v23\.0/\d+/media"), Reply(200, {"data": []}))


#: per 30-day chunk one time-series call, one total_value call per day; one media page
INSTAGRAM = Bench(
    "instagram",
    instagram_routes,
    lambda i: {"ig_user_id": str(1784140000 + i), "access_token": f"IGQtoken{i}"},
    lambda days: -(-days // 30) + days + 1,
)
NEW_SOURCES = (
    Bench(
        "linkedin",
        linkedin_routes,
        lambda i: {"organization_id": str(2414000 + i), "access_token": f"AQVtoken{i}"},
        lambda days: 3 + 1,
    ),
    Bench(
        "youtube",
        youtube_routes,
        lambda i: {"channel_id": f"UCchannel{i:04d}", "access_token": f"ya29.token{i}"},
        lambda days: 2 * -(-days // 365) + 2,
    ),
    Bench(
        "tiktok",
        tiktok_routes,
        lambda i: {"access_token": f"act.token{i}"},
        tiktok_minimum,
    ),
    # like Instagram: per 30-day chunk one views series, one totals call per day; a page of posts
    Bench(
        "threads",
        threads_routes,
        lambda i: {"user_id": str(1784140000 + i), "access_token": f"THAAtoken{i}"},
        lambda days: -(-days // 30) + days + 1,
    ),
    Bench(
        "x",
        x_routes,
        lambda i: {"user_id": str(1500000000 + i), "access_token": f"xtoken{i}"},
        x_minimum,
    ),
    # Pinterest serves the last 90 days (88 settled ones): one call per 90-day chunk that
    # reaches into them, none for older chunks, plus one page of pins
    Bench(
        "pinterest",
        pinterest_routes,
        lambda i: {"access_token": f"pina_token{i}"},
        lambda days: len({day // 90 for day in range(days - 88, days)}) + 1,
    ),
)


def bench_source(bench: Bench) -> tuple[float, bool]:
    """Points/s of a 2-year sync of ACCOUNTS accounts of `bench.source`; and whether the
    requests made were no more than the minimum."""
    from bot.bootstrap import Runtime
    from bot.services.sync import sync_team
    from bot.settings import Settings
    from integrations.registry import CONNECTORS
    from storage.crypto import Vault, generate_key
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team, get_or_create_connection
    from storage.migrate import upgrade

    settle = CONNECTORS[bench.source].settle_days
    with tempfile.TemporaryDirectory() as folder, StandIn() as api:
        bench.routes(api)
        engine = make_engine(f"sqlite:///{Path(folder) / 'sync.db'}")
        upgrade(engine)
        vault = Vault(generate_key())
        with session_scope(engine) as s:
            ensure_team(s, "TSYNC")
            for index in range(ACCOUNTS):
                connection = get_or_create_connection(
                    s,
                    "TSYNC",
                    bench.source,
                    f"{bench.source}{index}",
                    platform=bench.source,
                    display_name=f"{bench.source} {index}",
                )
                connection.credentials_enc = vault.encrypt(bench.credentials(index))
        settings = Settings.from_env({f"IMPACT_{bench.source.upper()}_BASE_URL": api.url})
        runtime = Runtime(settings, engine, vault)
        started = clock.perf_counter()
        reports = sync_team(runtime, "TSYNC", today=TODAY, since=TODAY - timedelta(days=DAYS))
        wall = clock.perf_counter() - started
        made = len(api.calls())
        engine.dispose()
    days = DAYS + 1 - settle  # since .. the last settled day
    minimum = ACCOUNTS * bench.minimum(days)
    points = sum(r.points for r in reports)
    ok = all(r.status == "ok" for r in reports)
    print(
        f"{bench.source}: accounts {ACCOUNTS}, all ok: {ok}, requests {made:,} "
        f"(minimum {minimum:,}), points {points:,} in {wall:.1f} s -> {points / wall:,.0f} points/s"
    )
    return points / wall, ok and made <= minimum


def main() -> None:
    rates = {}
    met = True
    for bench in (INSTAGRAM, *NEW_SOURCES):
        rates[bench.source], within = bench_source(bench)
        met = met and within
    met = met and all(rates[b.source] >= rates["instagram"] for b in NEW_SOURCES)
    print(
        "target: every account synced with no more requests than the paging requires, and "
        "each new source at least as many points/s as Instagram: " + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()
