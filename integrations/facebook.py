"""Facebook Pages through the Graph API: daily page insights and published posts.

Checked against platform-apis.md (Meta's deprecated-metrics notes of 2025): the
`*_impressions_unique` family and `page_fans` are gone; today's names are
`page_post_engagements` (interactions), `page_follows` (followers, a level),
`page_total_media_view_unique` (reach-like) and `page_media_view` (views), mapped by the
catalogue. Ranges are split at 90 days. Credentials: `page_id` and a Page access token
(`access_token`), sent as a bearer header so it never appears in a URL or a log.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from bot.core.model import Credentials, DateRange, MetricPoint, PostRecord
from integrations import meta
from integrations.base import Budget, SyncWarnings
from integrations.connector import parse_time

PAGE_METRICS = (
    "page_post_engagements",
    "page_follows",
    "page_total_media_view_unique",
    "page_media_view",
)
POST_FIELDS = (
    "id,message,created_time,permalink_url,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)


class FacebookConnector(meta.MetaConnector):
    source = "facebook"
    platform = "facebook"
    max_days = 90
    #: Meta: 200 calls an hour per user of the app, slow down above 80% (X-App-Usage)
    budget = Budget(requests=60, seconds=10)
    label = "Facebook"
    account_field = "page_id"
    metrics = frozenset({"interactions", "followers", "reach", "views"})
    fields = (
        ("page_id", "Facebook Page id", False),
        ("access_token", "Page access token", True),
    )

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        data = self.insights(
            self.node(creds, "insights"), PAGE_METRICS, meta.day_params(days), warnings
        )
        yield from self.series_points(data, days)

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        params = {
            "fields": POST_FIELDS,
            "since": days.start.isoformat(),
            "until": (days.end + timedelta(days=1)).isoformat(),
        }
        for page in self.client.pages_by_next(self.node(creds, "published_posts"), params):
            for item in page:
                yield self._post(item)

    def _post(self, item: dict[str, Any]) -> PostRecord:
        published = parse_time(item.get("created_time"), "data[].created_time")
        clicks = self._post_clicks(item["id"])
        return PostRecord(
            external_id=str(item["id"]),
            platform="facebook",
            published_at=published,
            permalink=item.get("permalink_url"),
            title=(item.get("message") or "")[:120] or None,
            reactions=_total(item, "reactions"),
            comments=_total(item, "comments"),
            shares=int((item.get("shares") or {}).get("count", 0)),
            clicks=sum(clicks.values()),
            link_clicks=int(clicks.get("link clicks", 0)),
        )

    def _post_clicks(self, post_id: str) -> dict[str, int]:
        data = self.insights(
            f"{self.version}/{post_id}/insights",
            ["post_clicks_by_type"],
            {},
            SyncWarnings(),
            withheld=True,
        )
        for series in data:
            values = series.get("values") or [{}]
            value = values[0].get("value")
            if isinstance(value, dict):
                return {str(k): int(v) for k, v in value.items()}
        return {}


def _total(item: dict[str, Any], edge: str) -> int:
    return int(((item.get(edge) or {}).get("summary") or {}).get("total_count", 0))
