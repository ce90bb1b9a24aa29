"""Instagram business and creator accounts through the Graph API.

Checked against platform-apis.md: account `impressions` and Reels `plays` are retired
(`views` replaces them); asking a retired metric fails the whole request, so it is dropped
and the request repeated. `reach` and `follower_count` have a daily time series (at most 30
days a call); the interaction metrics answer one total per range (`metric_type=total_value`),
so they are asked one day at a time, all in one call per day. Instagram has no per-post link
clicks: account `profile_links_taps` stands in for `link_clicks`.
Credentials: `ig_user_id` and an `access_token` (bearer header).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from integrations import meta
from integrations.base import BadResponse, SourceConfig, SyncWarnings
from integrations.http import HttpClient

SERIES = {"reach": "reach", "follower_count": "followers"}
TOTALS = {
    "likes": "reactions",
    "comments": "comments",
    "shares": "shares",
    "saves": "saves",
    "views": "views",
    "profile_links_taps": "link_clicks",
}
MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
)
MEDIA_METRICS = ("reach", "views", "shares", "saved")


class InstagramConnector:
    source: ClassVar[str] = "instagram"
    platform: ClassVar[str | None] = "instagram"
    max_days: ClassVar[int] = 30

    def __init__(self, config: SourceConfig) -> None:
        self.version = config.version or "v23.0"
        self.client = HttpClient(config, self.source, meta.classify)

    def _auth(self, creds: Credentials) -> None:
        self.client.session.headers["Authorization"] = f"Bearer {creds['access_token']}"

    def check(self, creds: Credentials) -> AccountInfo:
        self._auth(creds)
        body = self.client.request(
            "GET", f"{self.version}/{creds['ig_user_id']}", params={"fields": "id,username"}
        )
        if "id" not in body:
            raise BadResponse("user.id")
        return AccountInfo(
            str(body["id"]), "@" + str(body.get("username") or body["id"]), "instagram"
        )

    def metric_points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        self._auth(creds)
        path = f"{self.version}/{creds['ig_user_id']}/insights"
        for series in meta.insights(
            self.client, path, SERIES, meta.day_params(days), warnings, "Instagram"
        ):
            metric = SERIES.get(series.get("name", ""))
            for value in series.get("values") or []:
                if metric and "end_time" in value and isinstance(value.get("value"), int | float):
                    day = meta.day_of(value["end_time"])
                    if day in days:
                        yield MetricPoint(metric, day, float(value["value"]), "instagram")
        for day in days:
            params = {
                "period": "day",
                "metric_type": "total_value",
                "since": day.isoformat(),
                "until": (day + timedelta(days=1)).isoformat(),
            }
            for index, series in enumerate(
                meta.insights(self.client, path, TOTALS, params, warnings, "Instagram")
            ):
                metric = TOTALS.get(series.get("name", ""))
                total = (series.get("total_value") or {}).get("value")
                if metric is None:
                    continue
                if not isinstance(total, int | float):
                    raise BadResponse(f"data[{index}].total_value.value")
                yield MetricPoint(metric, day, float(total), "instagram")

    def posts(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        self._auth(creds)
        pages = self.client.pages_by_next(
            f"{self.version}/{creds['ig_user_id']}/media", {"fields": MEDIA_FIELDS, "limit": 100}
        )
        for page in pages:
            for item in page:
                try:
                    published = datetime.fromisoformat(item["timestamp"].replace("+0000", "+00:00"))
                except (KeyError, ValueError):
                    raise BadResponse("data[].timestamp") from None
                if published.date() > days.end:
                    continue
                if published.date() < days.start:
                    return  # media come newest first: the rest is older
                yield self._post(item, published)

    def _post(self, item: dict, published: datetime) -> PostRecord:  # type: ignore[type-arg]
        warnings = SyncWarnings()
        values: dict[str, float] = {}
        for series in meta.insights(
            self.client,
            f"{self.version}/{item['id']}/insights",
            MEDIA_METRICS,
            {},
            warnings,
            "Instagram",
        ):
            value = ((series.get("values") or [{}])[0]).get("value")
            if isinstance(value, int | float):
                values[series.get("name", "")] = float(value)
        return PostRecord(
            external_id=str(item["id"]),
            platform="instagram",
            published_at=published.astimezone(UTC),
            permalink=item.get("permalink"),
            title=(item.get("caption") or "")[:120] or None,
            reach=int(values.get("reach", 0)),
            impressions=int(values.get("views", 0)),
            reactions=int(item.get("like_count") or 0),
            comments=int(item.get("comments_count") or 0),
            shares=int(values.get("shares", 0)),
            saves=int(values.get("saved", 0)),
        )
