"""LinkedIn organization pages (Community Management API, `https://api.linkedin.com/rest`).

Daily page metrics: `organizationalEntityShareStatistics` with
`timeIntervals=(timeRange:(start:<ms>,end:<ms>),timeGranularityType:DAY)` answers one
element per UTC day with `totalShareStatistics`; the catalogue maps `impressionCount` ->
impressions, `uniqueImpressionsCount` -> reach, `clickCount` -> clicks, `likeCount` ->
reactions, `commentCount` -> comments, `shareCount` -> shares (LinkedIn has no separate
link clicks at page level). Followers: `organizationalEntityFollowerStatistics` over the
same intervals gives each day's gains (`followerGains.organicFollowerGain` +
`paidFollowerGain`) and `networkSizes/urn:li:organization:<id>?edgeType=
COMPANY_FOLLOWED_BY_MEMBER` today's count (`firstDegreeSize`); the daily level is today's
count minus the gains after that day (stored as `followers`, a level).

Posts: `posts?q=author&author=<org urn>&sortBy=CREATED`, newest first, paged by
`start`/`count`; lifetime numbers from `organizationalEntityShareStatistics` asked for the
page's posts at once (`shares=List(...)`, `ugcPosts=List(...)`, no time intervals);
permalink `https://www.linkedin.com/feed/update/<urn>/`.

Backfill and lag (verify, checked 2026-11 against Airbyte's `source-linkedin-pages`
manifest.yaml in airbytehq/airbyte, streams `share_statistics_time_bound` and
`follower_statistics_time_bound`): a time-bound start must be at most 12 months before the
request date and at least 2 days before it (else 400 "Invalid timeIntervals parameter"), and
the elements come unpaged. So the connector serves the last 12 months (older days of a
range are skipped with a warning), reads up to two days ago (`settle_days = 2`) and asks a
whole range in one call (`max_days = 365`). Airbyte sends `Linkedin-Version: 20250301`;
versions live about a year, so the default here is `202510` (`SourceConfig.version`
overrides it). Rate limits: 429 when the app's or member's daily quota is spent, which
resets at midnight UTC (the same manifest says so in its error message): the sync stops
as rate limited instead of waiting hours, and the next one resumes from its cursor.

Errors: 401 (`REVOKED_ACCESS_TOKEN`, `EXPIRED_ACCESS_TOKEN`) -> AuthExpired; 403 -> no
admin role on the page. Tokens live 60 days (refresh tokens a year for approved apps).
Credentials: `organization_id` and `access_token` (bearer header); when the LinkedIn login
gave a refresh token (approved apps only) also `refresh_token`, `client_id`, `client_secret`
and `expires_at`, and the access token is renewed before it expires (`integrations.tokens`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import requests

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from bot.logconfig import scrub
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
from integrations.connector import HttpConnector, levels_from_gains, need, number
from integrations.http import Ask, OffsetPaging, seconds_until_midnight

API_URL = "https://api.linkedin.com"
VERSION = "202510"
#: The oldest day a time-bound statistic may start at, counted back from the request date.
HISTORY_DAYS = 364
POSTS_PAGE = 100
SHARE_STATS = "totalShareStatistics"


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    if status < 400:
        return None
    message = scrub(str(body.get("message") if isinstance(body, dict) else f"HTTP {status}"))
    code = body.get("code") if isinstance(body, dict) else None
    if status == 401:
        return AuthExpired(f"LinkedIn refused the token ({code or 'HTTP 401'}): {message}")
    if status == 429:
        return RateLimited(
            f"LinkedIn daily limit reached: {message}", seconds_until_midnight(response)
        )
    if status >= 500:
        return None
    if status == 403:
        return SourceError(f"LinkedIn: no admin access to this page: {message}", status, code)
    return SourceError(f"LinkedIn refused the request: {message}", status, code)


def _ms(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp() * 1000)


def _day(ms: Any, path: str) -> date:
    if not isinstance(ms, int | float):
        raise BadResponse(path, "is not a time in milliseconds")
    return datetime.fromtimestamp(ms / 1000, UTC).date()


class LinkedInConnector(HttpConnector):
    source = "linkedin"
    platform = "linkedin"
    max_days = 365
    #: daily app and member limits (about 100,000 and 500 a day)
    budget = Budget(requests=20, seconds=60)
    settle_days = 2
    metrics = frozenset(
        {"impressions", "reach", "clicks", "reactions", "comments", "shares", "followers"}
    )
    base_url = API_URL
    renewal = tokens.LINKEDIN
    classify = staticmethod(classify)
    fields = (
        ("organization_id", "LinkedIn organization id (the number in the page's admin URL)", False),
        ("access_token", "Access token (r_organization_admin, r_organization_social)", True),
    )

    def headers(self) -> dict[str, str]:
        return {
            "LinkedIn-Version": self.config.version or VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def urn(self, creds: Credentials) -> str:
        return f"urn:li:organization:{need(creds, 'organization_id', self.source)}"

    def account(self, creds: Credentials) -> AccountInfo:
        org = need(creds, "organization_id", self.source)
        body = self.client.request("GET", f"rest/organizations/{org}")
        if not isinstance(body, dict) or "id" not in body:
            raise BadResponse("organization.id")
        return AccountInfo(str(body["id"]), str(body.get("localizedName") or org), self.platform)

    # --- daily metrics ---------------------------------------------------------------
    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        served = self._served(days, warnings)
        if served is None:
            return
        for index, element in enumerate(self._daily(creds, "ShareStatistics", served)):
            day = _day((element.get("timeRange") or {}).get("start"), f"elements[{index}]")
            stats = element.get(SHARE_STATS) or {}
            for name, value in stats.items():
                metric = catalogue.canonical_metric(self.source, name)
                amount = number(value, f"elements[{index}].{SHARE_STATS}.{name}")
                if metric is not None and amount is not None and day in served:
                    yield MetricPoint(metric, day, amount, self.platform)
        yield from self._followers(creds, served)

    def _served(self, days: DateRange, warnings: SyncWarnings) -> DateRange | None:
        oldest = self.today() - timedelta(days=HISTORY_DAYS)
        if days.end < oldest:
            warnings.add(f"LinkedIn keeps daily statistics for 12 months; skipped before {oldest}.")
            return None
        if days.start < oldest:
            warnings.add(f"LinkedIn keeps daily statistics for 12 months; skipped before {oldest}.")
            return DateRange(oldest, days.end)
        return days

    def _daily(self, creds: Credentials, kind: str, days: DateRange) -> list[dict[str, Any]]:
        """Elements of `organizationalEntity<kind>` over `days`, one per day."""
        interval = (
            f"(timeRange:(start:{_ms(days.start)},end:{_ms(days.end + timedelta(days=1))}),"
            "timeGranularityType:DAY)"
        )
        query = (
            f"q=organizationalEntity&organizationalEntity={quote(self.urn(creds), safe='')}"
            f"&timeIntervals={interval}"
        )
        body = self.client.request("GET", f"rest/organizationalEntity{kind}?{query}")
        elements = body.get("elements") if isinstance(body, dict) else None
        if not isinstance(elements, list):
            raise BadResponse("elements", "is not a list")
        return elements

    def _followers(self, creds: Credentials, days: DateRange) -> Iterator[MetricPoint]:
        last = self.today() - timedelta(days=self.settle_days)
        span = DateRange(days.start, max(days.end, last))
        gains: dict[date, float] = {}
        for index, element in enumerate(self._daily(creds, "FollowerStatistics", span)):
            day = _day((element.get("timeRange") or {}).get("start"), f"elements[{index}]")
            gained = element.get("followerGains") or {}
            gains[day] = sum(
                number(gained.get(k), f"elements[{index}].followerGains.{k}") or 0.0
                for k in ("organicFollowerGain", "paidFollowerGain")
            )
        if not gains:
            return
        size = self.client.request(
            "GET",
            f"rest/networkSizes/{quote(self.urn(creds), safe='')}",
            params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
        )
        now = number(size.get("firstDegreeSize") if isinstance(size, dict) else None, "size")
        if now is None:
            raise BadResponse("firstDegreeSize")
        for day, level in sorted(levels_from_gains(now, gains, span.end).items()):
            if day in days:
                yield MetricPoint("followers", day, level, self.platform)

    # --- posts -----------------------------------------------------------------------
    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        ask = Ask(
            "GET",
            "rest/posts",
            {
                "q": "author",
                "author": self.urn(creds),
                "sortBy": "CREATED",
                "count": POSTS_PAGE,
                "start": 0,
            },
        )
        paging = OffsetPaging("elements", "start", POSTS_PAGE, total="paging.total")
        for _body, page in self.client.pages(ask, paging):
            kept = []
            older = False
            for index, post in enumerate(page):
                published = _day(post.get("publishedAt") or post.get("createdAt"), f"[{index}]")
                if published > days.end:
                    continue
                if published < days.start:
                    older = True  # newest first: the rest is older
                    break
                kept.append(post)
            yield from self._with_stats(creds, kept)
            if older:
                return

    def _with_stats(self, creds: Credentials, posts: list[dict[str, Any]]) -> Iterator[PostRecord]:
        if not posts:
            return
        shares = [p["id"] for p in posts if ":share:" in str(p.get("id"))]
        ugc = [p["id"] for p in posts if ":ugcPost:" in str(p.get("id"))]
        query = f"q=organizationalEntity&organizationalEntity={quote(self.urn(creds), safe='')}"
        for name, urns in (("shares", shares), ("ugcPosts", ugc)):
            if urns:
                query += f"&{name}=List({','.join(quote(u, safe='') for u in urns)})"
        body = self.client.request("GET", f"rest/organizationalEntityShareStatistics?{query}")
        stats = {
            str(e.get("share") or e.get("ugcPost")): e.get(SHARE_STATS) or {}
            for e in (body.get("elements") or [] if isinstance(body, dict) else [])
        }
        for post in posts:
            urn = str(post["id"])
            numbers = stats.get(urn, {})
            published = post.get("publishedAt") or post.get("createdAt")
            if not isinstance(published, int | float):
                raise BadResponse("elements[].publishedAt", "missing (and no createdAt)")
            yield PostRecord(
                external_id=urn,
                platform="linkedin",
                published_at=datetime.fromtimestamp(published / 1000, UTC),
                permalink=f"https://www.linkedin.com/feed/update/{urn}/",
                title=(post.get("commentary") or "")[:120] or None,
                impressions=_count(numbers, "impressionCount"),
                reach=_count(numbers, "uniqueImpressionsCount"),
                reactions=_count(numbers, "likeCount"),
                comments=_count(numbers, "commentCount"),
                shares=_count(numbers, "shareCount"),
                clicks=_count(numbers, "clickCount"),
            )


def _count(stats: dict[str, Any], name: str) -> int:
    return int(number(stats.get(name), f"{SHARE_STATS}.{name}") or 0)
