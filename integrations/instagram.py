"""Instagram business and creator accounts through the Graph API.

Checked against platform-apis.md: account `impressions` and Reels `plays` are retired
(`views` replaces them); asking a retired metric fails the whole request, so it is dropped
and the request repeated. `reach` and `follower_count` have a daily time series (at most 30
days a call); the interaction metrics answer one total per range (`metric_type=total_value`),
so they are asked one day at a time, all in one call per day. Instagram has no per-post link
clicks: account `profile_links_taps` stands in for `link_clicks`. Meta withholds a media's
insights when too few people saw it (code 10, "not enough viewers"): that media is kept
with its likes and comments and without reach, views, shares and saves.
Credentials: `ig_user_id` and an `access_token` (bearer header).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from bot.core import catalogue
from bot.core.model import Credentials, DateRange, MetricPoint, PostRecord
from integrations import meta
from integrations.base import Budget, SyncWarnings
from integrations.connector import number, parse_time

log = logging.getLogger(__name__)

SERIES = ("reach", "follower_count")
TOTALS = ("likes", "comments", "shares", "saves", "views", "profile_links_taps")
MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
)
MEDIA_METRICS = ("reach", "views", "shares", "saved")


class InstagramConnector(meta.MetaConnector):
    source = "instagram"
    platform = "instagram"
    max_days = 30
    #: Meta: 200 calls an hour per user of the app (X-App-Usage)
    budget = Budget(requests=60, seconds=10)
    label = "Instagram"
    account_field = "ig_user_id"
    name_field = "username"
    metrics = frozenset(
        {"reach", "followers", "reactions", "comments", "shares", "saves", "views", "link_clicks"}
    )
    fields = (
        ("ig_user_id", "Instagram business account id", False),
        ("access_token", "Access token", True),
    )

    def display_name(self, body: dict[str, Any]) -> str:
        return "@" + str(body.get("username") or body["id"])

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        path = self.node(creds, "insights")
        yield from self.series_points(
            self.insights(path, SERIES, meta.day_params(days), warnings), days
        )
        for day in days:
            params = {
                "period": "day",
                "metric_type": "total_value",
                "since": day.isoformat(),
                "until": (day + timedelta(days=1)).isoformat(),
            }
            for index, series in enumerate(self.insights(path, TOTALS, params, warnings)):
                metric = catalogue.canonical_metric(self.source, str(series.get("name", "")))
                total = number(
                    (series.get("total_value") or {}).get("value"),
                    f"data[{index}].total_value.value",
                )
                if metric is not None and total is not None:
                    yield MetricPoint(metric, day, total, "instagram")

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        pages = self.client.pages_by_next(
            self.node(creds, "media"), {"fields": MEDIA_FIELDS, "limit": 100}
        )
        for page in pages:
            for item in page:
                published = parse_time(item.get("timestamp"), "data[].timestamp")
                if published.date() > days.end:
                    continue
                if published.date() < days.start:
                    return  # media come newest first: the rest is older
                yield self._post(item, published)

    def _post(self, item: dict[str, Any], published: datetime) -> PostRecord:
        warnings = SyncWarnings()
        values: dict[str, float] = {}
        for series in self.insights(
            f"{self.version}/{item['id']}/insights", MEDIA_METRICS, {}, warnings, withheld=True
        ):
            value = ((series.get("values") or [{}])[0]).get("value")
            if isinstance(value, int | float):
                values[series.get("name", "")] = float(value)
        for message in warnings.messages:
            log.info("instagram.media_insights_skipped media=%s reason=%s", item["id"], message)
        return PostRecord(
            external_id=str(item["id"]),
            platform="instagram",
            published_at=published,
            permalink=item.get("permalink"),
            title=(item.get("caption") or "")[:120] or None,
            reach=int(values.get("reach", 0)),
            impressions=int(values.get("views", 0)),
            reactions=int(item.get("like_count") or 0),
            comments=int(item.get("comments_count") or 0),
            shares=int(values.get("shares", 0)),
            saves=int(values.get("saved", 0)),
        )
