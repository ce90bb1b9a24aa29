"""YouTube channels: daily numbers from the Analytics API, videos from the Data API.

Daily: `GET youtubeanalytics.googleapis.com/v2/reports?ids=channel==MINE&dimensions=day
&metrics=views,likes,comments,shares,subscribersGained,subscribersLost&startDate&endDate`;
the catalogue maps views, likes -> reactions, comments, shares. Columns are read by the
answer's `columnHeaders`, never by position (Google's data-model page: "applications must
use the response's header row to determine the column ordering"). Subscribers: the
channel's `statistics.subscriberCount` now (Data API `channels`) minus the net gains
(`subscribersGained - subscribersLost`) after each day gives the daily level, stored as
`followers`; so each report runs from the range's start to the last settled day.

Videos: the channel's uploads playlist (`channels?part=contentDetails` ->
`relatedPlaylists.uploads`), `playlistItems` newest first paged by `nextPageToken`
(1 quota unit a page, against `search`'s 100), then `videos?part=snippet,statistics&id=`
for 50 at a time: lifetime `viewCount`, `likeCount`, `commentCount` (strings); permalink
`https://www.youtube.com/watch?v=<id>`. The Data API's quota is 10,000 units a day.

Backfill and lag (verify; checked 2026-11 with `search`): Google's YouTube Analytics data
model page says a report holds data "up to the last day for which all metrics in the query
are available", so recent days are missing, not zero: the sync reads up to three days ago
(`settle_days = 3`) so its cursor never passes a day YouTube has not filled in. Channel
reports reach back to the channel's creation: a backfill (`impact sync --since`) is served
as far as asked, one call per 365 days. Airbyte's `source-youtube-analytics` uses the bulk
Reporting API (report jobs that only cover days after the job was created) instead, so it
was no guide for backfill. Quota errors are 403 `quotaExceeded` (daily, resets at midnight
Pacific) or 429: rate limited.

Credentials: `channel_id` and a Google token: `access_token`, or `refresh_token` +
`client_id` + `client_secret` (scopes `yt-analytics.readonly` and `youtube.readonly`),
refreshed through the Google client GA4 uses. `IMPACT_YOUTUBE_BASE_URL` points both APIs at
one server (tests, staging).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from integrations import google
from integrations.base import BadResponse, Budget, SourceConfig, SyncWarnings
from integrations.connector import levels_from_gains, need, number, parse_time
from integrations.http import Ask, HttpClient, TokenPaging

ANALYTICS_URL = "https://youtubeanalytics.googleapis.com"
DATA_URL = "https://www.googleapis.com"
SCOPE = (
    "https://www.googleapis.com/auth/yt-analytics.readonly "
    "https://www.googleapis.com/auth/youtube.readonly"
)
METRICS = ("views", "likes", "comments", "shares", "subscribersGained", "subscribersLost")
VIDEOS_PER_CALL = 50


class YouTubeConnector(google.GoogleConnector):
    source = "youtube"
    platform = "youtube"
    max_days = 365
    #: 10,000 quota units a day for the project
    budget = Budget(requests=10, seconds=60)
    settle_days = 3
    metrics = frozenset({"views", "reactions", "comments", "shares", "followers"})
    base_url = ANALYTICS_URL
    scope = SCOPE
    fields = (
        ("channel_id", "YouTube channel id (starts with UC)", False),
        ("access_token", "Google access token (or leave it empty and give the three below)", True),
        (
            "refresh_token",
            "Google refresh token (scopes yt-analytics.readonly, youtube.readonly)",
            True,
        ),
        ("client_id", "Client id of the Google OAuth client that issued the refresh token", False),
        ("client_secret", "Client secret of that OAuth client", True),
    )
    optional = frozenset({"access_token", "refresh_token", "client_id", "client_secret"})

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        moved = config.base_url.rstrip("/") != ANALYTICS_URL
        data_url = config.base_url if moved else DATA_URL
        self.data = HttpClient(replace(config, base_url=data_url), self.source, google.classify)
        self.clients.append(self.data)

    def _channel(self, creds: Credentials, part: str) -> dict[str, Any]:
        channel = need(creds, "channel_id", self.source)
        body = self.data.request("GET", "youtube/v3/channels", params={"part": part, "id": channel})
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            raise BadResponse("channels.items", "is empty: no channel with this id for this login")
        return items[0]

    def account(self, creds: Credentials) -> AccountInfo:
        channel = self._channel(creds, "snippet")
        title = (channel.get("snippet") or {}).get("title")
        return AccountInfo(str(channel.get("id")), str(title or channel.get("id")), self.platform)

    # --- daily metrics ---------------------------------------------------------------
    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        last = max(days.end, self.today() - timedelta(days=self.settle_days))
        gains: dict[date, float] = {}
        for day, row in self._report(days.start, last):
            gains[day] = row.get("subscribersGained", 0.0) - row.get("subscribersLost", 0.0)
            if day not in days:
                continue
            for name, value in row.items():
                metric = catalogue.canonical_metric(self.source, name)
                if metric is not None:
                    yield MetricPoint(metric, day, value, self.platform)
        if not gains:
            return
        statistics = self._channel(creds, "statistics").get("statistics") or {}
        now = number(statistics.get("subscriberCount"), "channels.items[0].statistics")
        if now is None:  # the channel hides its subscriber count
            warnings.add("YouTube: this channel hides its subscriber count; no followers stored.")
            return
        for day, level in sorted(levels_from_gains(now, gains, last).items()):
            if day in days:
                yield MetricPoint("followers", day, level, self.platform)

    def _report(self, start: date, end: date) -> Iterator[tuple[date, dict[str, float]]]:
        """Each day's row of the channel report over [start, end], by column name."""
        body = self.client.request(
            "GET",
            "v2/reports",
            params={
                "ids": "channel==MINE",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "metrics": ",".join(METRICS),
                "dimensions": "day",
                "sort": "day",
            },
        )
        headers = [h.get("name") for h in body.get("columnHeaders") or [] if isinstance(h, dict)]
        rows = body.get("rows") or []
        if rows and "day" not in headers:
            raise BadResponse("columnHeaders", "lack `day`")
        if not isinstance(rows, list):
            raise BadResponse("rows", "is not a list")
        for index, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(headers):
                raise BadResponse(f"rows[{index}]", f"does not match {len(headers)} headers")
            cells = dict(zip(headers, row, strict=True))
            try:
                day = date.fromisoformat(str(cells.pop("day")))
            except ValueError:
                raise BadResponse(f"rows[{index}].day") from None
            values = {
                str(name): amount
                for at, (name, value) in enumerate(cells.items())
                if (amount := number(value, f"rows[{index}][{at}]")) is not None
            }
            yield day, values

    # --- videos ----------------------------------------------------------------------
    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        details = self._channel(creds, "contentDetails").get("contentDetails") or {}
        uploads = (details.get("relatedPlaylists") or {}).get("uploads")
        if not uploads:
            return
        ask = Ask(
            "GET",
            "youtube/v3/playlistItems",
            {"part": "contentDetails", "playlistId": uploads, "maxResults": VIDEOS_PER_CALL},
        )
        for _body, page in self.data.pages(ask, TokenPaging("items")):
            wanted, older = [], False
            for index, item in enumerate(page):
                content = item.get("contentDetails") or {}
                published = parse_time(
                    content.get("videoPublishedAt"), f"items[{index}].videoPublishedAt"
                )
                if published.date() > days.end:
                    continue
                if published.date() < days.start:
                    older = True  # newest first: the rest is older
                    break
                wanted.append(str(content.get("videoId")))
            yield from self._videos(wanted)
            if older:
                return

    def _videos(self, ids: list[str]) -> Iterator[PostRecord]:
        if not ids:
            return
        body = self.data.request(
            "GET", "youtube/v3/videos", params={"part": "snippet,statistics", "id": ",".join(ids)}
        )
        for index, video in enumerate(body.get("items") or []):
            snippet, stats = video.get("snippet") or {}, video.get("statistics") or {}
            path = f"items[{index}].statistics"
            yield PostRecord(
                external_id=str(video["id"]),
                platform="youtube",
                published_at=parse_time(snippet.get("publishedAt"), f"items[{index}].snippet"),
                permalink=f"https://www.youtube.com/watch?v={video['id']}",
                title=(snippet.get("title") or "")[:120] or None,
                impressions=int(number(stats.get("viewCount"), path) or 0),
                reactions=int(number(stats.get("likeCount"), path) or 0),
                comments=int(number(stats.get("commentCount"), path) or 0),
            )
