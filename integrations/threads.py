"""Threads (Meta's Threads API, `https://graph.threads.net/v1.0`), on the Meta connector
base: the same error shapes and codes as the Graph API (code 190 -> reconnect, 4/17/32/613
-> rate limited, a retired metric dropped with a warning), another host and version.

Daily metrics: `{user-id}/threads_insights?metric=views&since=<unix>&until=<unix>` is a
daily series (`values[].end_time`, which closes the day as in the Graph API); likes,
replies, reposts, quotes and clicks answer one `total_value` per range, so they are asked
one day at a time, all in one call per day. The catalogue's `threads` aliases map views ->
impressions, likes -> reactions, replies -> comments, reposts + quotes -> shares (summed),
clicks -> link_clicks (`clicks` answers `link_total_values`, one per link: summed). They
are looked up in the aliases directly, because `views` is also a catalogue metric and
Threads' views are what the digest calls impressions. `followers_count` is a level Threads
gives only for now, so followers are not stored per day.

Posts: `{user-id}/threads?fields=id,permalink,text,timestamp&since=..&until=..`, paged by
`paging.next`; lifetime numbers from `{media-id}/insights?metric=views,likes,replies,
reposts,quotes,shares` (a media whose insights Meta withholds keeps its record without them).

Backfill: `since`/`until` do not work before 2024-04-13 (unix 1712991600, platform-apis.md);
older days are skipped with a warning, so a backfill reaches back to that day. Ranges of at
most 30 days a call (`max_days`), as Instagram's series; not re-checked against Meta's
Threads reference, which `search` did not return. Airbyte has no Threads source to compare
with. Days are UTC (the series' end_times are read as the Graph API's).
Credentials: `user_id` and `access_token` (bearer header; long-lived tokens last 60 days).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.core import catalogue
from bot.core.model import Credentials, DateRange, MetricPoint, PostRecord
from integrations import meta
from integrations.base import BadResponse, Budget, SyncWarnings
from integrations.connector import number, parse_time

THREADS_URL = "https://graph.threads.net"
THREADS_VERSION = "v1.0"
#: The first day `since`/`until` work for.
FIRST_DAY = date(2024, 4, 13)
TOTALS = ("likes", "replies", "reposts", "quotes", "clicks")
MEDIA_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
ALIASES = catalogue.SOURCE_ALIASES["threads"]


def _unix(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp())


def _span(days: DateRange) -> dict[str, int]:
    return {"since": _unix(days.start), "until": _unix(days.end + timedelta(days=1))}


def _total(row: dict[str, Any], path: str) -> float | None:
    """A `total_value`, the sum of `link_total_values` (clicks), or a lifetime `values[0]`."""
    if isinstance(row.get("total_value"), dict):
        return number(row["total_value"].get("value"), f"{path}.total_value.value")
    links = row.get("link_total_values")
    if isinstance(links, list):
        parts = [number(e.get("value"), f"{path}.link_total_values") for e in links]
        return sum(p for p in parts if p is not None)
    values = row.get("values")
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return number(values[0].get("value"), f"{path}.values[0].value")
    return None


class ThreadsConnector(meta.MetaConnector):
    source = "threads"
    platform = "threads"
    max_days = 30
    #: Meta's app limits, as Instagram
    budget = Budget(requests=60, seconds=10)
    metrics = frozenset({"impressions", "reactions", "comments", "shares", "link_clicks"})
    base_url = THREADS_URL
    account_field = "user_id"
    name_field = "username"
    label = "Threads"
    fields = (
        ("user_id", "Threads user id", False),
        ("access_token", "Access token (threads_basic, threads_manage_insights)", True),
    )

    @property
    def version(self) -> str:
        return self.config.version or THREADS_VERSION

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        if days.start < FIRST_DAY:
            warnings.add(f"Threads serves insights from {FIRST_DAY}; skipped the days before.")
            if days.end < FIRST_DAY:
                return
            days = DateRange(FIRST_DAY, days.end)
        path = self.node(creds, "threads_insights")
        sums: dict[tuple[str, date], float] = defaultdict(float)
        for index, series in enumerate(self.insights(path, ["views"], _span(days), warnings)):
            for at, value in enumerate(series.get("values") or []):
                where = f"data[{index}].values[{at}]"
                amount = number(value.get("value"), f"{where}.value")
                day = meta.day_of(value.get("end_time"), f"{where}.end_time")
                if amount is not None and day in days:
                    sums[(ALIASES["views"], day)] += amount
        day = days.start
        while day <= days.end:
            one = DateRange(day, day)
            for index, row in enumerate(self.insights(path, TOTALS, _span(one), warnings)):
                metric = ALIASES.get(str(row.get("name")))
                amount = _total(row, f"data[{index}]")
                if metric is not None and amount is not None:
                    sums[(metric, day)] += amount
            day += timedelta(days=1)
        for (metric, when), value in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            yield MetricPoint(metric, when, value, self.platform)

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        params = {"fields": "id,permalink,text,timestamp", "limit": 50, **_span(days)}
        warnings = SyncWarnings()
        for page in self.client.pages_by_next(self.node(creds, "threads"), params):
            for index, post in enumerate(page):
                if not post.get("id"):
                    raise BadResponse(f"data[{index}].id")
                published = parse_time(post.get("timestamp"), f"data[{index}].timestamp")
                if days.start <= published.date() <= days.end:
                    yield self._post(post, published, warnings)

    def _post(
        self, post: dict[str, Any], published: datetime, warnings: SyncWarnings
    ) -> PostRecord:
        media = str(post["id"])
        path = f"{self.version}/{media}/insights"
        counts: dict[str, int] = defaultdict(int)
        for index, row in enumerate(
            self.insights(path, MEDIA_METRICS, {}, warnings, withheld=True)
        ):
            metric = ALIASES.get(str(row.get("name")))
            amount = _total(row, f"{media}.data[{index}]")
            if metric is not None and amount is not None:
                counts[metric] += int(amount)
        return PostRecord(
            external_id=media,
            platform=self.platform,
            published_at=published,
            permalink=post.get("permalink") or None,
            title=(post.get("text") or "")[:120] or None,
            impressions=counts["impressions"],
            reactions=counts["reactions"],
            comments=counts["comments"],
            shares=counts["shares"],
        )
