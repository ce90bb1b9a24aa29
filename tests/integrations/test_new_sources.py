"""LinkedIn pages, YouTube, TikTok, Pinterest, Threads and X through the real HTTP path into the database, against a local
stand-in that answers like the platform from `tests/fixtures/<source>/` (filtering each
fixture to the range asked, as the APIs do). Every test runs for both sources: the stored
points equal the fixtures' values; an interrupted sync resumed equals an uninterrupted one;
an expired token marks `needs_reauth` and keeps the data; a daily limit stops at once; 5xx
and cut bodies are retried; no token reaches a log."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.cli import main
from bot.core.model import Credentials, DateRange
from bot.services.connections import connect, list_connections
from bot.services.sync import sync_connection
from bot.settings import Settings
from integrations.base import SourceConfig, SyncWarnings
from integrations.registry import CONNECTORS, CREDENTIAL_FIELDS
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import MetricPointRow, PostRow
from tests.slack.conftest import harness, wait_for  # noqa: F401  (the Slack app harness)
from tests.support.standin import FIXTURES, Call, Reply, StandIn, json_file

FIRST, LAST = date(2026, 11, 8), date(2026, 11, 20)  # the days the fixtures hold


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def day_of_ms(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).date()


@dataclass
class World:
    """A platform as of `today`: its answers come from the fixtures; `broken` maps an
    endpoint key to the failure it answers instead."""

    today: date = LAST + timedelta(days=3)  # every fixture day settled
    broken: dict[str, Callable[[Call], Reply]] = field(default_factory=dict)

    def answer(self, key: str, call: Call, ok: Callable[[Call], Reply]) -> Reply:
        return self.broken[key](call) if key in self.broken else ok(call)


def levels(final: float, gains: dict[date, float]) -> set[tuple[str, date, float]]:
    """Followers each fixture day: the last day's count less the gains after that day."""
    return {
        ("followers", day, float(final - sum(v for d, v in gains.items() if d > day)))
        for day in gains
    }


# --- LinkedIn ----------------------------------------------------------------------------
LI_TOKEN = "AQVliSecretToken0123456789abcdefghij"
LI_CREDS = {"organization_id": "2414183", "access_token": LI_TOKEN}
LI_METRICS = {
    "impressionCount": "impressions",
    "uniqueImpressionsCount": "reach",
    "clickCount": "clicks",
    "likeCount": "reactions",
    "commentCount": "comments",
    "shareCount": "shares",
}


def _window(call: Call) -> tuple[date, date]:
    start, end = re.search(r"start:(\d+),end:(\d+)", call.query["timeIntervals"][0]).groups()
    return day_of_ms(int(start)), day_of_ms(int(end)) - timedelta(days=1)


def _li_daily(name: str) -> Callable[[Call], Reply]:
    def answer(call: Call) -> Reply:
        first, last = _window(call)
        body = fixture(f"linkedin/{name}.json")
        body["elements"] = [
            e for e in body["elements"] if first <= day_of_ms(e["timeRange"]["start"]) <= last
        ]
        return Reply(200, body)

    return answer


def _li_gains() -> dict[date, float]:
    return {
        day_of_ms(e["timeRange"]["start"]): sum(e["followerGains"].values())
        for e in fixture("linkedin/follower_statistics.json")["elements"]
    }


def linkedin_routes(api: StandIn, world: World) -> None:
    def share_statistics(call: Call) -> Reply:
        if "shares" in call.query or "ugcPosts" in call.query:
            asked = {u for key in ("shares", "ugcPosts") for u in _urns(call, key)}
            body = fixture("linkedin/post_statistics.json")
            body["elements"] = [
                e for e in body["elements"] if (e.get("share") or e.get("ugcPost")) in asked
            ]
            return Reply(200, body)
        return world.answer("daily", call, _li_daily("share_statistics"))

    def network_size(call: Call) -> Reply:
        # the count as of the world's today: the last fixture day's less later gains
        settled = world.today - timedelta(days=2)
        later = sum(v for d, v in _li_gains().items() if d > settled)
        return Reply(
            200,
            {"firstDegreeSize": fixture("linkedin/network_size.json")["firstDegreeSize"] - later},
        )

    def posts(call: Call) -> Reply:
        page = "posts_page1" if call.query["start"] == ["0"] else "posts_page2"
        return json_file(f"linkedin/{page}.json")

    api.route("GET", "/rest/organizations/2414183", json_file("linkedin/organization.json"))
    api.route(
        "GET",
        "/rest/organizationalEntityShareStatistics",
        lambda call: world.answer("any", call, share_statistics),
    )
    api.route(
        "GET",
        "/rest/organizationalEntityFollowerStatistics",
        _li_daily("follower_statistics"),
    )
    api.route("GET", re.compile(r"/rest/networkSizes/.+"), network_size)
    api.route("GET", "/rest/posts", posts)


def _urns(call: Call, key: str) -> list[str]:
    raw = call.query.get(key, ["List()"])[0]
    return [u for u in raw.removeprefix("List(").removesuffix(")").split(",") if u]


def linkedin_expected() -> set[tuple[str, date, float]]:
    points = {
        (LI_METRICS[name], day_of_ms(e["timeRange"]["start"]), float(value))
        for e in fixture("linkedin/share_statistics.json")["elements"]
        for name, value in e["totalShareStatistics"].items()
        if name in LI_METRICS
    }
    return points | levels(fixture("linkedin/network_size.json")["firstDegreeSize"], _li_gains())


# --- YouTube -----------------------------------------------------------------------------
YT_TOKEN = "ya29.ytSecretToken0123456789abcdefghij"
YT_CREDS = {"channel_id": "UCriverKeepers0000000001", "access_token": YT_TOKEN}
YT_METRICS = {"views": "views", "likes": "reactions", "comments": "comments", "shares": "shares"}


def _yt_rows() -> tuple[list[str], list[list[Any]]]:
    report = fixture("youtube/report.json")
    return [h["name"] for h in report["columnHeaders"]], report["rows"]


def _yt_gains() -> dict[date, float]:
    names, rows = _yt_rows()
    cells = [dict(zip(names, row, strict=True)) for row in rows]
    return {
        date.fromisoformat(c["day"]): c["subscribersGained"] - c["subscribersLost"] for c in cells
    }


def youtube_routes(api: StandIn, world: World) -> None:
    def report(call: Call) -> Reply:
        first = date.fromisoformat(call.query["startDate"][0])
        last = date.fromisoformat(call.query["endDate"][0])
        body = fixture("youtube/report.json")
        body["rows"] = [r for r in body["rows"] if first <= date.fromisoformat(r[0]) <= last]
        if not body["rows"]:
            del body["rows"]  # YouTube leaves `rows` out of an empty report
        return Reply(200, body)

    def channel(call: Call) -> Reply:
        body = fixture("youtube/channel.json")
        settled = world.today - timedelta(days=3)
        later = sum(v for d, v in _yt_gains().items() if d > settled)
        stats = body["items"][0]["statistics"]
        stats["subscriberCount"] = str(int(stats["subscriberCount"]) - int(later))
        return Reply(200, body)

    def playlist(call: Call) -> Reply:
        page = "playlist_page2" if call.query.get("pageToken") else "playlist_page1"
        return json_file(f"youtube/{page}.json")

    def videos(call: Call) -> Reply:
        asked = call.query["id"][0].split(",")
        body = fixture("youtube/videos.json")
        body["items"] = [v for v in body["items"] if v["id"] in asked]
        return Reply(200, body)

    api.route("GET", "/v2/reports", lambda call: world.answer("daily", call, report))
    api.route("GET", "/youtube/v3/channels", lambda call: world.answer("any", call, channel))
    api.route("GET", "/youtube/v3/playlistItems", playlist)
    api.route("GET", "/youtube/v3/videos", videos)


def youtube_expected() -> set[tuple[str, date, float]]:
    names, rows = _yt_rows()
    points = {
        (YT_METRICS[name], date.fromisoformat(row[0]), float(value))
        for row in rows
        for name, value in zip(names, row, strict=True)
        if name in YT_METRICS
    }
    final = int(fixture("youtube/channel.json")["items"][0]["statistics"]["subscriberCount"])
    return points | levels(final, _yt_gains())


# --- TikTok ------------------------------------------------------------------------------
TT_TOKEN = "act.ttSecretToken0123456789abcdefghij"
TT_CREDS = {"access_token": TT_TOKEN}
TT_METRICS = {
    "view_count": "views",
    "like_count": "reactions",
    "comment_count": "comments",
    "share_count": "shares",
}
TT_PAGE = 2  # TikTok may answer fewer videos than max_count: the stand-in pages by two


def tiktok_routes(api: StandIn, world: World) -> None:
    def videos(call: Call) -> Reply:
        cursor = call.json()["cursor"]
        body = fixture("tiktok/videos.json")
        older = [v for v in body["data"]["videos"] if v["create_time"] * 1000 < cursor]
        page = older[:TT_PAGE]
        body["data"] = {
            "videos": page,
            "cursor": page[-1]["create_time"] * 1000 if page else cursor,
            "has_more": len(older) > TT_PAGE,
        }
        return Reply(200, body)

    api.route("GET", "/v2/user/info/", json_file("tiktok/user_info.json"))
    api.route("POST", "/v2/video/list/", lambda call: world.answer("daily", call, videos))


def tiktok_expected() -> set[tuple[str, date, float]]:
    sums: dict[tuple[str, date], float] = {}
    for video in fixture("tiktok/videos.json")["data"]["videos"]:
        day = datetime.fromtimestamp(video["create_time"], UTC).date()
        if FIRST <= day <= LAST:
            for name, metric in TT_METRICS.items():
                sums[(metric, day)] = sums.get((metric, day), 0.0) + video[name]
    return {(metric, day, value) for (metric, day), value in sums.items()}


# --- Pinterest ---------------------------------------------------------------------------
PI_TOKEN = "pina_piSecretToken0123456789abcdefghij"
PI_CREDS = {"access_token": PI_TOKEN}
PI_METRICS = {
    "IMPRESSION": "impressions",
    "SAVE": "saves",
    "PIN_CLICK": "clicks",
    "OUTBOUND_CLICK": "link_clicks",
}


def pinterest_routes(api: StandIn, world: World) -> None:
    def account(call: Call) -> Reply:
        first = date.fromisoformat(call.query["start_date"][0])
        last = date.fromisoformat(call.query["end_date"][0])
        assert (last - first).days < 90 and last <= world.today  # Pinterest's window
        body = fixture("pinterest/account_analytics.json")
        body["all"]["daily_metrics"] = [
            d
            for d in body["all"]["daily_metrics"]
            if first <= date.fromisoformat(d["date"]) <= last
        ]
        return Reply(200, body)

    def pins(call: Call) -> Reply:
        page = "pins_page2" if call.query.get("bookmark") else "pins_page1"
        return json_file(f"pinterest/{page}.json")

    def pin(call: Call) -> Reply:
        pin_id = call.path.split("/")[3]
        totals = fixture("pinterest/pin_totals.json")[pin_id]
        return Reply(200, {"all": {"daily_metrics": [], "summary_metrics": totals}})

    api.route("GET", "/v5/user_account", json_file("pinterest/user_account.json"))
    api.route(
        "GET", "/v5/user_account/analytics", lambda call: world.answer("daily", call, account)
    )
    api.route("GET", "/v5/pins", pins)
    api.route("GET", re.compile(r"/v5/pins/\d+/analytics"), pin)


def pinterest_expected() -> set[tuple[str, date, float]]:
    return {
        (PI_METRICS[name], date.fromisoformat(d["date"]), float(value))
        for d in fixture("pinterest/account_analytics.json")["all"]["daily_metrics"]
        if d["data_status"] == "READY"  # the fixture's last day is still PROCESSING
        for name, value in d["metrics"].items()
        if name in PI_METRICS
    }


# --- Threads -----------------------------------------------------------------------------
TH_TOKEN = "THAAthSecretToken0123456789abcdefghij"
TH_USER = "17841400000000001"
TH_CREDS = {"user_id": TH_USER, "access_token": TH_TOKEN}
TH_TOTALS = {"likes": "reactions", "replies": "comments", "reposts": "shares", "quotes": "shares"}


def _th_day(end_time: str) -> date:
    return date.fromisoformat(end_time[:10]) - timedelta(days=1)  # end_time closes the day


def threads_routes(api: StandIn, world: World) -> None:
    def insights(call: Call) -> Reply:
        first = datetime.fromtimestamp(int(call.query["since"][0]), UTC).date()
        until = datetime.fromtimestamp(int(call.query["until"][0]), UTC).date()
        if call.query["metric"] == ["views"]:
            body = fixture("threads/views.json")
            series = body["data"][0]
            series["values"] = [
                v for v in series["values"] if first <= _th_day(v["end_time"]) < until
            ]
            return Reply(200, body)
        assert until == first + timedelta(days=1)  # totals: one day a call
        day = fixture("threads/day_totals.json").get(first.isoformat())
        if day is None:
            return Reply(200, {"data": []})
        rows = [
            {"name": name, "period": "day", "total_value": {"value": day[name]}}
            for name in TH_TOTALS
        ]
        rows.append({"name": "clicks", "period": "day", "link_total_values": day["clicks"]})
        return Reply(200, {"data": rows})

    def posts(call: Call) -> Reply:
        page = "threads_page2" if call.query.get("after") else "threads_page1"
        return json_file(f"threads/{page}.json")

    def media(call: Call) -> Reply:
        media_id = call.path.split("/")[2]
        return Reply(200, {"data": fixture("threads/media_insights.json")[media_id]})

    api.route("GET", f"/v1.0/{TH_USER}", json_file("threads/user.json"))
    api.route(
        "GET",
        f"/v1.0/{TH_USER}/threads_insights",
        lambda call: world.answer("daily", call, insights),
    )
    api.route("GET", f"/v1.0/{TH_USER}/threads", posts)
    api.route("GET", re.compile(r"/v1\.0/\d+/insights"), media)


def threads_expected() -> set[tuple[str, date, float]]:
    sums: dict[tuple[str, date], float] = {}
    for value in fixture("threads/views.json")["data"][0]["values"]:
        sums[("impressions", _th_day(value["end_time"]))] = float(value["value"])
    for day, totals in fixture("threads/day_totals.json").items():
        when = date.fromisoformat(day)
        for name, metric in TH_TOTALS.items():
            sums[(metric, when)] = sums.get((metric, when), 0.0) + totals[name]
        sums[("link_clicks", when)] = float(sum(c["value"] for c in totals["clicks"]))
    return {(metric, day, value) for (metric, day), value in sums.items()}


# --- X -----------------------------------------------------------------------------------
X_TOKEN = "xUserSecretToken0123456789abcdefghij"
X_USER = "1500000000000000001"
X_CREDS = {"user_id": X_USER, "access_token": X_TOKEN}
X_PUBLIC = {
    "impression_count": "impressions",
    "like_count": "reactions",
    "reply_count": "comments",
    "retweet_count": "shares",
    "quote_count": "shares",
    "bookmark_count": "saves",
}
X_PAGE = 2  # the stand-in pages by two whatever max_results says


def _x_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def x_routes(api: StandIn, world: World) -> None:
    def tweets(call: Call) -> Reply:
        start = _x_time(call.query["start_time"][0])
        end = _x_time(call.query["end_time"][0])
        private = "non_public_metrics" in call.query["tweet.fields"][0]
        if private and start.date() < world.today - timedelta(days=31):
            return Reply(400, {"title": "Invalid Request", "detail": "non_public_metrics"})
        body = fixture("x/tweets.json")
        found = [p for p in body["data"] if start <= _x_time(p["created_at"]) < end]
        if not private:
            for post in found:
                del post["non_public_metrics"]
        at = int(call.query.get("pagination_token", ["0"])[0])
        page = found[at : at + X_PAGE]
        meta = {"result_count": len(page)}
        if at + X_PAGE < len(found):
            meta["next_token"] = str(at + X_PAGE)
        return Reply(200, {"data": page, "meta": meta} if page else {"meta": meta})

    api.route("GET", f"/2/users/{X_USER}", json_file("x/user.json"))
    api.route("GET", f"/2/users/{X_USER}/tweets", lambda call: world.answer("daily", call, tweets))


def x_expected() -> set[tuple[str, date, float]]:
    sums: dict[tuple[str, date], float] = {}
    for post in fixture("x/tweets.json")["data"]:
        day = _x_time(post["created_at"]).date()
        if not FIRST <= day <= LAST:
            continue
        numbers = [(X_PUBLIC[n], v) for n, v in post["public_metrics"].items() if n in X_PUBLIC]
        numbers.append(("link_clicks", post["non_public_metrics"]["url_link_clicks"]))
        for metric, value in numbers:
            sums[(metric, day)] = sums.get((metric, day), 0.0) + value
    return {(metric, day, value) for (metric, day), value in sums.items()}


#: When a daily limit is hit in these tests: hours before any platform's quota resets (at
#: midnight UTC or Pacific), whatever the real clock says, so the sync stops rather than
#: waiting out the last minutes before midnight.
NOON_BEFORE_RESET = "Mon, 23 Nov 2026 12:00:00 GMT"


@dataclass(frozen=True)
class Source:
    name: str
    creds: dict[str, str]
    token: str
    settle: int
    routes: Callable[[StandIn, World], None]
    expected: Callable[[], set[tuple[str, date, float]]]
    expired: Reply
    daily_limit: Reply
    account: str


SOURCES = {
    "linkedin": Source(
        "linkedin",
        LI_CREDS,
        LI_TOKEN,
        2,
        linkedin_routes,
        linkedin_expected,
        json_file("linkedin/error_401.json", status=401),
        json_file("linkedin/error_429.json", status=429, Date=NOON_BEFORE_RESET),
        "River Keepers",
    ),
    "youtube": Source(
        "youtube",
        YT_CREDS,
        YT_TOKEN,
        3,
        youtube_routes,
        youtube_expected,
        json_file("youtube/error_401.json", status=401),
        json_file("youtube/error_quota.json", status=403, Date=NOON_BEFORE_RESET),
        "River Keepers",
    ),
    "tiktok": Source(
        "tiktok",
        TT_CREDS,
        TT_TOKEN,
        1,
        tiktok_routes,
        tiktok_expected,
        json_file("tiktok/error_401.json", status=401),
        # TikTok's window is a minute; a reset signal an hour away must stop the sync too
        json_file("tiktok/error_429.json", status=429, **{"Retry-After": "3600"}),
        "River Keepers",
    ),
    "pinterest": Source(
        "pinterest",
        PI_CREDS,
        PI_TOKEN,
        2,
        pinterest_routes,
        pinterest_expected,
        json_file("pinterest/error_401.json", status=401),
        json_file("pinterest/error_429.json", status=429, **{"Retry-After": "3600"}),
        "River Keepers",
    ),
    "threads": Source(
        "threads",
        TH_CREDS,
        TH_TOKEN,
        1,
        threads_routes,
        threads_expected,
        json_file("threads/error_401.json", status=401),
        # Meta's own reset signal: minutes until the app may call again
        json_file(
            "threads/error_limit.json",
            status=400,
            **{
                "X-Business-Use-Case-Usage": json.dumps(
                    {TH_USER: [{"estimated_time_to_regain_access": 60}]}
                )
            },
        ),
        "riverkeepers",
    ),
    "x": Source(
        "x",
        X_CREDS,
        X_TOKEN,
        1,
        x_routes,
        x_expected,
        json_file("x/error_401.json", status=401),
        # X's reset signal: the window reopens an hour from now (epoch seconds)
        json_file(
            "x/error_429.json",
            status=429,
            **{"x-rate-limit-reset": str(int(datetime.now(UTC).timestamp()) + 3600)},
        ),
        "River Keepers",
    ),
}


@pytest.fixture(params=sorted(SOURCES))
def platform(request, engine):
    source = SOURCES[request.param]
    world = World()
    with StandIn() as api:
        source.routes(api, world)
        settings = Settings.from_env(
            {f"IMPACT_{source.name.upper()}_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "2"}
        )
        yield source, world, api, Runtime(settings, engine, Vault(generate_key()))


def stored(runtime: Runtime, connection_id: int) -> set[tuple[str, date, float]]:
    with session_scope(runtime.engine) as s:
        rows = s.exec(select(MetricPointRow).where(MetricPointRow.connection_id == connection_id))
        return {(r.metric, r.day, r.value) for r in rows}


def sync(runtime: Runtime, cid: int, today: date, since: date | None = None, waits=None):
    sleep = waits.append if waits is not None else (lambda s: None)
    return sync_connection(runtime, cid, today=today, since=since, sleep=sleep)


def test_connect_names_the_account_and_the_sync_stores_the_fixtures_values(platform):
    source, _world, api, runtime = platform
    info = connect(runtime, "T1", source.name, source.creds)
    assert info.name == source.account
    check = api.calls()[0]
    assert check.headers["Authorization"] == f"Bearer {source.token}"
    assert source.token not in str(check.query)
    if source.name == "linkedin":
        assert check.headers["LinkedIn-Version"] == "202510"
        assert check.headers["X-Restli-Protocol-Version"] == "2.0.0"
    report = sync(runtime, info.id, LAST + timedelta(days=source.settle), since=FIRST)
    assert report.status == "ok", report.error
    assert report.days.end == LAST  # the last day the source has settled
    assert stored(runtime, info.id) == source.expected()
    assert report.posts == 3  # the fourth post or video is older than the range


def test_an_interrupted_sync_resumed_equals_an_uninterrupted_one(platform):
    source, world, _api, runtime = platform
    today = LAST + timedelta(days=source.settle)
    clean = connect(runtime, "TCLEAN", source.name, source.creds).id
    assert sync(runtime, clean, today, since=FIRST).status == "ok"

    broken = connect(runtime, "TBROKEN", source.name, source.creds).id
    world.today = today - timedelta(days=5)
    assert sync(runtime, broken, world.today, since=FIRST).status == "ok"  # an earlier run
    world.today = today
    world.broken["daily"] = lambda call: Reply(502, "bad gateway")
    interrupted = sync(runtime, broken, today)
    assert interrupted.status == "failing"
    world.broken.clear()
    resumed = sync(runtime, broken, today)
    assert resumed.status == "ok"
    assert resumed.days.start == LAST - timedelta(days=4)  # from the cursor: no gap
    assert stored(runtime, broken) == stored(runtime, clean) == source.expected()


def test_an_expired_token_marks_needs_reauth_keeps_the_data_and_logs_no_token(platform, caplog):
    source, world, api, runtime = platform
    cid = connect(runtime, "T1", source.name, source.creds).id
    with caplog.at_level("DEBUG"):
        assert sync(runtime, cid, LAST + timedelta(days=source.settle), since=FIRST).status == "ok"
        kept = stored(runtime, cid)
        world.broken["daily"] = lambda call: source.expired
        calls = len(api.calls())
        report = sync(runtime, cid, LAST + timedelta(days=source.settle + 2))
    assert report.status == "needs_reauth"
    assert len(api.calls()) == calls + 1  # refused at once, not retried
    assert stored(runtime, cid) == kept
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and f"/impact connect {source.name}" in (info.hint or "")
    assert source.token not in caplog.text and source.token not in (report.error or "")
    assert "Authorization" not in caplog.text


def test_a_daily_limit_stops_at_once_and_the_next_sync_resumes(platform):
    source, world, _api, runtime = platform
    cid = connect(runtime, "T1", source.name, source.creds).id
    world.broken["daily"] = lambda call: source.daily_limit
    waits: list[float] = []
    today = LAST + timedelta(days=source.settle)
    limited = sync(runtime, cid, today, since=FIRST, waits=waits)
    assert limited.status == "failing" and waits == []  # no waiting until midnight
    [info] = list_connections(runtime.engine, "T1")
    assert "rate-limiting" in (info.hint or "")
    world.broken.clear()
    assert sync(runtime, cid, today).status == "ok"
    assert stored(runtime, cid) == source.expected()


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, "internal error"),
        Reply(503, {"error": {"code": 503, "message": "backend unavailable"}}),
        Reply(200, {"elements": [], "rows": []}, cut_after=12),
        Reply(429, {"message": "slow down"}, {"Retry-After": "2"}),
    ],
    ids=["500", "503", "cut body", "429 retry-after"],
)
def test_a_passing_failure_is_retried_and_the_points_are_the_same(platform, failure):
    source, world, _api, runtime = platform
    cid = connect(runtime, "T1", source.name, source.creds).id

    def once(call: Call) -> Reply:  # the failure, then the normal answer
        world.broken.pop("daily", None)
        return failure

    world.broken["daily"] = once
    waits: list[float] = []
    report = sync(runtime, cid, LAST + timedelta(days=source.settle), since=FIRST, waits=waits)
    assert report.status == "ok", report.error
    assert len(waits) == 1
    assert stored(runtime, cid) == source.expected()


def test_an_empty_period_stores_nothing_and_is_not_an_error(platform):
    source, _world, _api, runtime = platform
    connector = CONNECTORS[source.name](
        SourceConfig(
            base_url=runtime.settings.base_url(source.name, ""),
            extra={"today": (LAST + timedelta(days=source.settle)).isoformat()},
        )
    )
    before = DateRange(FIRST - timedelta(days=40), FIRST - timedelta(days=31))
    warnings = SyncWarnings()
    assert list(connector.metric_points(Credentials(source.creds), before, warnings)) == []
    assert warnings.messages == []


def test_posts_carry_lifetime_numbers_and_permalinks(platform):
    source, _world, api, runtime = platform
    cid = connect(runtime, "T1", source.name, source.creds).id
    assert sync(runtime, cid, LAST + timedelta(days=source.settle), since=FIRST).status == "ok"
    with session_scope(runtime.engine) as s:
        posts = {
            p.external_id: p for p in s.exec(select(PostRow).where(PostRow.connection_id == cid))
        }
    if source.name == "linkedin":
        newest = posts["urn:li:share:7390000000000000003"]
        assert (
            newest.permalink
            == "https://www.linkedin.com/feed/update/urn:li:share:7390000000000000003/"
        )
        assert (newest.impressions, newest.reach, newest.reactions, newest.comments) == (
            1500,
            800,
            60,
            5,
        )
        assert posts["urn:li:ugcPost:7390000000000000002"].shares == 4
        assert [c.query["start"] for c in api.calls("GET", "/rest/posts")] == [["0"], ["2"]]
    elif source.name == "youtube":
        newest = posts["vRiver003"]
        assert newest.permalink == "https://www.youtube.com/watch?v=vRiver003"
        assert (newest.impressions, newest.reactions, newest.comments) == (5000, 200, 12)
        assert len(api.calls("GET", "/youtube/v3/playlistItems")) == 2
    elif source.name == "tiktok":
        newest = posts["7440000000000000004"]
        assert newest.permalink == "https://www.tiktok.com/@riverkeepers/video/7440000000000000004"
        assert (newest.impressions, newest.reactions, newest.comments, newest.shares) == (
            5000,
            200,
            12,
            9,
        )
        cursors = [c.json()["cursor"] for c in api.calls("POST", "/v2/video/list/")]
        assert cursors[0] == int(datetime(2026, 11, 21, tzinfo=UTC).timestamp() * 1000)
    elif source.name == "pinterest":
        newest = posts["1130000000000000404"]
        assert newest.permalink == "https://www.pinterest.com/pin/1130000000000000404/"
        assert (newest.impressions, newest.saves, newest.clicks, newest.link_clicks) == (
            4200,
            61,
            130,
            44,
        )
        assert len(api.calls("GET", "/v5/pins")) == 2
    elif source.name == "threads":
        newest = posts["18050000000000004"]
        assert newest.permalink == "https://www.threads.net/@riverkeepers/post/DRiver004"
        assert (newest.impressions, newest.reactions, newest.comments, newest.shares) == (
            5000,
            200,
            12,
            18,  # reposts + quotes + shares
        )
        assert len(api.calls("GET", f"/v1.0/{TH_USER}/threads")) == 2
    elif source.name == "x":
        newest = posts["1860000000000000005"]
        assert newest.permalink == "https://x.com/i/web/status/1860000000000000005"
        assert (newest.impressions, newest.reactions, newest.shares, newest.link_clicks) == (
            5000,
            200,
            9,  # retweets + quotes
            41,
        )
        assert len(api.calls("GET", f"/2/users/{X_USER}/tweets")) >= 2  # paged by next_token
    assert len(posts) == 3


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_impact_connect_asks_the_fields_and_checks_them(tmp_path, name):
    source = SOURCES[name]
    world = World()
    with StandIn() as api:
        source.routes(api, world)
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            f"IMPACT_{name.upper()}_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        skipped = len(CREDENTIAL_FIELDS[name]) - len(source.creds)  # optional fields left out
        answers = "\n".join(source.creds.values()) + "\n" * (1 + skipped)
        result = CliRunner().invoke(main, ["connect", name, "--team", "T1"], input=answers, env=env)
    assert result.exit_code == 0, result.output
    assert f"Connected {source.account} ({name})" in result.output
    assert source.token not in result.output


def _submission(source: Source) -> dict[str, Any]:
    values = {
        name: {"value": {"type": "plain_text_input", "value": value}}
        for name, value in source.creds.items()
    }
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A0001",
        "trigger_id": "t",
        "view": {
            "id": "VCONNECT",
            "type": "modal",
            "callback_id": "connect_modal",
            "private_metadata": f"{source.name}|C1",
            "state": {"values": values},
        },
    }


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_slash_connect_opens_the_token_form_and_connects(harness, name):  # noqa: F811
    source = SOURCES[name]
    with StandIn() as api:
        source.routes(api, World())
        object.__setattr__(harness.runtime.settings, "base_urls", {name: api.url})
        harness.command(f"connect {name}")
        opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
        inputs = [b["block_id"] for b in opened["blocks"] if b["type"] == "input"]
        assert inputs[: len(source.creds)] == list(source.creds)
        harness.interaction(_submission(source))
        done = wait_for(lambda: harness.slack.requests("views.update"))
    assert f"Connected *{source.account}*" in str(done[0]["view"]["blocks"])


def test_x_without_a_paid_tier_says_so():
    with StandIn() as api:
        api.route("GET", f"/2/users/{X_USER}", json_file("x/error_403_tier.json", status=403))
        connector = CONNECTORS["x"](SourceConfig(base_url=api.url))
        with pytest.raises(Exception, match="paid X API tier") as raised:
            connector.check(Credentials(X_CREDS))
    assert X_TOKEN not in str(raised.value)
    assert len(api.calls()) == 1  # a refusal, not retried


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_impact_connect_from_json_reads_the_fields_of_platform_apis(tmp_path, name):
    source = SOURCES[name]
    with StandIn() as api:
        source.routes(api, World())
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            f"IMPACT_{name.upper()}_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        args = ["connect", name, "--team", "T1", "--from-json", "-"]
        result = CliRunner().invoke(main, args, input=json.dumps(source.creds), env=env)
        missing = CliRunner().invoke(main, args, input="{}", env=env)
        not_json = CliRunner().invoke(main, args, input="access_token=x", env=env)
    assert result.exit_code == 0, result.output
    assert f"Connected {source.account} ({name})" in result.output
    assert source.token not in result.output
    assert missing.exit_code != 0 and not_json.exit_code != 0
    assert "is not JSON" in not_json.output


def test_impact_connect_help_lists_each_sources_fields():
    result = CliRunner().invoke(main, ["connect", "--help"], terminal_width=400)
    assert result.exit_code == 0
    assert "x: user_id, access_token" in " ".join(result.output.split())
    assert "--from-json" in result.output
