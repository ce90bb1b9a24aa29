"""X (API v2, `https://api.x.com/2`). X's data needs a paid API tier: the free tier cannot
read a user's posts, and a token from an app without the access answers 403
`client-not-enrolled`, which the connector reports as "needs a paid X API tier".
Access and prices by tier change often (verify): `search` found no current X pricing page
in its index, so the tier is named as "Basic or above" without a price.

X has no daily account series: the daily metrics are the posts' numbers summed by the UTC
day each was posted. `users/{id}/tweets?tweet.fields=created_at,public_metrics[,
non_public_metrics]&start_time=..&end_time=..&max_results=100`, paged by `meta.next_token`
(sent back as `pagination_token`). Mapping (the catalogue's `x` aliases): like_count ->
reactions, reply_count -> comments, retweet_count + quote_count -> shares, bookmark_count ->
saves, impression_count -> impressions (from `public_metrics` only, so it is not counted
twice), `non_public_metrics.url_link_clicks` -> link_clicks. `non_public_metrics` covers
only posts of the last 30 days and needs a user-context token, so a range is read in two
walks: its last 30 days with `non_public_metrics`, the older part without (no link clicks).

Posts: the same walk, each post with its numbers; permalink `https://x.com/i/web/status/<id>`.
Backfill: the user timeline serves at most the 3,200 most recent posts (X's documented
timeline limit, not re-checked), so an account's history reaches back as far as those go.
An interrupted sync resumes from its stored cursor; a range is read by its own start_time
and end_time, so nothing newer or older is fetched.

Errors (platform-apis.md): 401 -> AuthExpired; 429 -> RateLimited until
`x-rate-limit-reset` (epoch seconds); X's error body is `{"title", "detail", "status"}`
(with `reason` on a 403).
Credentials: `user_id` and `access_token` (OAuth 2.0 user context, bearer header); from the
X login (with `offline.access`) also `refresh_token`, `client_id`, `client_secret` and
`expires_at`: X access tokens live two hours, so they are renewed (`integrations.tokens`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from integrations import tokens
from integrations.base import (
    AuthExpired,
    BadResponse,
    Budget,
    ConnectorError,
    RateLimited,
    SourceError,
    SyncWarnings,
)
from integrations.connector import HttpConnector, need, number, parse_time, refusal
from integrations.http import Ask, TokenPaging

API_URL = "https://api.x.com"
PAGE = 100
#: `non_public_metrics` covers the posts of the last 30 days.
PRIVATE_DAYS = 29
PUBLIC = ("like_count", "reply_count", "retweet_count", "quote_count", "bookmark_count")
PUBLIC_ALL = (*PUBLIC, "impression_count")


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    if status < 400:
        return None
    message, reason = refusal(body, status, "detail", "reason")
    if status == 401:
        return AuthExpired(f"X refused the token: {message}")
    if status == 429:
        return RateLimited(f"X rate limit: {message}", _until_reset(response))
    if status >= 500:
        return None
    if status == 403 and reason == "client-not-enrolled":
        return SourceError(
            "X: this app's API access cannot read posts; it needs a paid X API tier "
            f"(Basic or above): {message}",
            status,
            reason,
        )
    return SourceError(f"X refused the request: {message}", status, reason)


def _until_reset(response: requests.Response) -> float | None:
    raw = response.headers.get("x-rate-limit-reset")
    try:
        return max(0.0, float(raw) - time.time()) if raw else None
    except ValueError:
        return None


def _stamp(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class XConnector(HttpConnector):
    source = "x"
    platform = "x"
    max_days = 366
    #: per-app windows of 15 minutes, by tier (verify)
    budget = Budget(requests=50, seconds=60)
    metrics = frozenset({"reactions", "comments", "shares", "saves", "impressions", "link_clicks"})
    renewal = tokens.X
    base_url = API_URL
    classify = staticmethod(classify)
    fields = (
        ("user_id", "X user id (numeric)", False),
        ("access_token", "OAuth 2.0 user access token (tweet.read, users.read)", True),
    )

    def account(self, creds: Credentials) -> AccountInfo:
        user = need(creds, "user_id", self.source)
        body = self.client.request("GET", f"2/users/{user}", params={"user.fields": "username"})
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or "id" not in data:
            raise BadResponse("data.id")
        return AccountInfo(str(data["id"]), str(data.get("name") or data["id"]), self.platform)

    def _posts(
        self, creds: Credentials, days: DateRange
    ) -> Iterator[tuple[datetime, dict[str, Any]]]:
        """The posts of `days`, newest first: the part in the last 30 days with their
        non-public numbers, the older part without (X refuses them there)."""
        recent = self.today() - timedelta(days=PRIVATE_DAYS)
        if days.end >= recent:
            yield from self._walk(creds, DateRange(max(days.start, recent), days.end), True)
        if days.start < recent:
            older = DateRange(days.start, min(days.end, recent - timedelta(days=1)))
            yield from self._walk(creds, older, False)

    def _walk(
        self, creds: Credentials, days: DateRange, private: bool
    ) -> Iterator[tuple[datetime, dict[str, Any]]]:
        fields = "created_at,text,public_metrics" + (",non_public_metrics" if private else "")
        params = {
            "tweet.fields": fields,
            "max_results": PAGE,
            "start_time": _stamp(days.start),
            "end_time": _stamp(days.end + timedelta(days=1)),
        }
        user = need(creds, "user_id", self.source)
        paging = TokenPaging("data", "meta.next_token", "pagination_token")
        for _body, page in self.client.pages(Ask("GET", f"2/users/{user}/tweets", params), paging):
            for index, post in enumerate(page):
                published = parse_time(post.get("created_at"), f"data[{index}].created_at")
                if days.start <= published.date() <= days.end:
                    yield published, post

    @staticmethod
    def _numbers(post: dict[str, Any]) -> dict[str, float]:
        """The post's numbers by catalogue metric (retweets and quotes both as shares)."""
        out: dict[str, float] = defaultdict(float)
        sets = (("public_metrics", PUBLIC_ALL), ("non_public_metrics", ("url_link_clicks",)))
        for group, names in sets:
            found = post.get(group) or {}
            for name in names:
                metric = catalogue.canonical_metric("x", name)
                amount = number(found.get(name), f"post {post.get('id')}.{group}.{name}")
                if metric is not None and amount is not None:
                    out[metric] += amount
        return out

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        sums: dict[tuple[str, date], float] = defaultdict(float)
        for published, post in self._posts(creds, days):
            for metric, amount in self._numbers(post).items():
                sums[(metric, published.date())] += amount
        for (metric, day), value in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            yield MetricPoint(metric, day, value, self.platform)

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        for published, post in self._posts(creds, days):
            if not post.get("id"):
                raise BadResponse("data[].id")
            counts = {m: int(v) for m, v in self._numbers(post).items()}
            yield PostRecord(
                external_id=str(post["id"]),
                platform=self.platform,
                published_at=published,
                permalink=f"https://x.com/i/web/status/{post['id']}",
                title=(post.get("text") or "")[:120] or None,
                impressions=counts.get("impressions", 0),
                reactions=counts.get("reactions", 0),
                comments=counts.get("comments", 0),
                shares=counts.get("shares", 0),
                saves=counts.get("saves", 0),
                link_clicks=counts.get("link_clicks", 0),
            )
