"""Facebook Pages through the Graph API: daily page insights and published posts.

Checked against platform-apis.md (Meta's deprecated-metrics notes of 2025): the
`*_impressions_unique` family and `page_fans` are gone; today's names are
`page_post_engagements` (interactions), `page_follows` (followers, a level),
`page_total_media_view_unique` (reach-like) and `page_media_view` (views). Ranges are split
at 90 days. Credentials: `page_id` and a Page access token (`access_token`), sent as a
bearer header so it never appears in a URL or a log.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from integrations import meta
from integrations.base import BadResponse, SourceConfig, SyncWarnings
from integrations.http import HttpClient

PAGE_METRICS = {
    "page_post_engagements": "interactions",
    "page_follows": "followers",
    "page_total_media_view_unique": "reach",
    "page_media_view": "views",
}
POST_FIELDS = (
    "id,message,created_time,permalink_url,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)


class FacebookConnector:
    source: ClassVar[str] = "facebook"
    platform: ClassVar[str | None] = "facebook"
    max_days: ClassVar[int] = 90

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.version = config.version or "v23.0"
        self.client = HttpClient(config, self.source, meta.classify)

    def _auth(self, creds: Credentials) -> None:
        self.client.session.headers["Authorization"] = f"Bearer {creds['access_token']}"

    def check(self, creds: Credentials) -> AccountInfo:
        self._auth(creds)
        body = self.client.request(
            "GET", f"{self.version}/{creds['page_id']}", params={"fields": "id,name"}
        )
        if "id" not in body:
            raise BadResponse("page.id")
        return AccountInfo(str(body["id"]), str(body.get("name") or body["id"]), "facebook")

    def metric_points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        self._auth(creds)
        data = meta.insights(
            self.client,
            f"{self.version}/{creds['page_id']}/insights",
            PAGE_METRICS,
            meta.day_params(days),
            warnings,
            "Facebook",
        )
        for index, series in enumerate(data):
            metric = PAGE_METRICS.get(series.get("name", ""))
            if metric is None:
                continue
            for value in series.get("values") or []:
                if "end_time" not in value or not isinstance(value.get("value"), int | float):
                    raise BadResponse(f"data[{index}].values[].value")
                day = meta.day_of(value["end_time"])
                if day in days:
                    yield MetricPoint(metric, day, float(value["value"]), "facebook")

    def posts(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        self._auth(creds)
        params = {
            "fields": POST_FIELDS,
            **{k: v for k, v in meta.day_params(days).items() if k != "period"},
        }
        for page in self.client.pages_by_next(
            f"{self.version}/{creds['page_id']}/published_posts", params
        ):
            for item in page:
                yield self._post(item)

    def _post(self, item: dict[str, Any]) -> PostRecord:
        try:
            published = datetime.fromisoformat(item["created_time"].replace("+0000", "+00:00"))
        except (KeyError, ValueError):
            raise BadResponse("data[].created_time") from None
        clicks = self._post_clicks(item["id"])
        return PostRecord(
            external_id=str(item["id"]),
            platform="facebook",
            published_at=published.astimezone(UTC),
            permalink=item.get("permalink_url"),
            title=(item.get("message") or "")[:120] or None,
            reactions=int(
                ((item.get("reactions") or {}).get("summary") or {}).get("total_count", 0)
            ),
            comments=int(((item.get("comments") or {}).get("summary") or {}).get("total_count", 0)),
            shares=int((item.get("shares") or {}).get("count", 0)),
            clicks=sum(clicks.values()),
            link_clicks=int(clicks.get("link clicks", 0)),
        )

    def _post_clicks(self, post_id: str) -> dict[str, int]:
        warnings = SyncWarnings()
        data = meta.insights(
            self.client,
            f"{self.version}/{post_id}/insights",
            ["post_clicks_by_type"],
            {},
            warnings,
            "Facebook",
        )
        for series in data:
            values = series.get("values") or [{}]
            value = values[0].get("value")
            if isinstance(value, dict):
                return {str(k): int(v) for k, v in value.items()}
        return {}
