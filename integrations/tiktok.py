"""TikTok (Display API v2, `https://open.tiktokapis.com`), for a TikTok business or creator
account that authorised Impact with the `user.info.basic` and `video.list` scopes.

TikTok serves no daily account series to a third-party app: the Display API gives each
public video with its lifetime counts. So the daily metrics are the videos' lifetime
counts summed by the UTC day each video was published (`create_time`, unix seconds):
`view_count` -> views, `like_count` -> reactions, `comment_count` -> comments,
`share_count` -> shares (the catalogue's `tiktok` mapping). A day's numbers therefore keep
growing after the day; the weekly digest reads them as "what that day's videos earned".
Followers are not stored per day: `user/info` has only today's `follower_count`.

Videos: `POST /v2/video/list/?fields=...` with `{"max_count": 20, "cursor": <ms>}`, newest
first; the answer's `data.cursor` (a create time in ms) is sent back while `data.has_more`.
A range is read by starting the cursor at the end of its last day (newer videos are never
fetched) and stopping at the first video older than its first day, so a backfill reaches
as far back as the account has videos and an incremental sync reads only its own days;
a sync cut off mid-walk is simply read again from the stored cursor by the next one.
Permalink: the video's `share_url`.

Errors: TikTok puts its verdict in `error.code` as well as the HTTP status:
`access_token_invalid` (401) -> AuthExpired; `rate_limit_exceeded` (429) -> RateLimited;
`scope_not_authorized` -> SourceError asking to reconnect with the video.list scope.

Checked (verify), 2026-11, with `search` over developers.tiktok.com: rate limits are 600
requests per endpoint per one-minute sliding window, answered with 429 and
`rate_limit_exceeded` (page "Rate Limits"); a 429 without Retry-After waits out that minute.
Token lifetimes disagree between TikTok's own pages: "Manage OAuth Access Tokens" (updated
2026-11) says access tokens live 2 hours and refresh tokens 180 days, rotated on each
refresh; the older "oauth-user-access-token-management" page says 24 hours and 365 days.
platform-apis.md says 24 h / a year. With `refresh_token`, `client_key` and `client_secret`
(what the TikTok login stores; `--from-json` takes them too) the connector renews the access
token when it is missing or within ten minutes of `expires_at`, and hands the new tokens,
the rotated refresh token among them, to the caller to store encrypted (`integrations.tokens`);
a refused renewal, or an expired token without a refresh token, marks the connection
`needs_reauth` (reconnect).
Airbyte's `source-tiktok-marketing` reads the Marketing (ads) API, not the Display API, so it
says nothing about these endpoints; it was not found in the search index either.
Credentials: `access_token` (bearer header); to renew: `refresh_token`, `client_key`,
`client_secret` (and `expires_at`, epoch seconds, kept up to date by the renewals).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
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
from integrations.connector import HttpConnector, number, refusal
from integrations.http import Ask, dig

API_URL = "https://open.tiktokapis.com"
PAGE = 20
COUNTS = ("view_count", "like_count", "comment_count", "share_count")
VIDEO_FIELDS = ",".join(("id", "create_time", "share_url", "title", *COUNTS))
#: TikTok's rate window is one minute (sliding): a 429 without Retry-After waits it out.
WINDOW_SECONDS = 60.0


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    message, code = refusal(body.get("error") if isinstance(body, dict) else None, status)
    if status < 400 and code in (None, "ok"):
        return None
    if code == "access_token_invalid" or status == 401:
        return AuthExpired(f"TikTok refused the token ({code or 'HTTP 401'}): {message}")
    if code == "rate_limit_exceeded" or status == 429:
        return RateLimited(f"TikTok rate limit: {message}", WINDOW_SECONDS)
    if status >= 500:
        return None
    if code == "scope_not_authorized":
        return SourceError(
            f"TikTok: the token lacks a scope (user.info.basic, video.list): {message}",
            status,
            code,
        )
    return SourceError(f"TikTok refused the request: {message}", status, code)


@dataclass(frozen=True, slots=True)
class BodyCursor:
    """TikTok's paging: `data.cursor` goes back in the JSON body while `data.has_more`."""

    items: str = "data.videos"

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        if not dig(body, "data.has_more") or not items:
            return None
        return replace(ask, body={**(ask.body or {}), "cursor": dig(body, "data.cursor")})


def _ms(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp() * 1000)


def _published(video: dict[str, Any], path: str) -> datetime:
    seconds = video.get("create_time")
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise BadResponse(f"{path}.create_time", "is not a unix time")
    return datetime.fromtimestamp(seconds, UTC)


class TikTokConnector(HttpConnector):
    source = "tiktok"
    platform = "tiktok"
    max_days = 366
    #: 600 requests a minute per endpoint (verify)
    budget = Budget(requests=100, seconds=60)
    metrics = frozenset({"views", "reactions", "comments", "shares"})
    base_url = API_URL
    renewal = tokens.TIKTOK
    classify = staticmethod(classify)
    fields = (("access_token", "Access token (scopes user.info.basic, video.list)", True),)

    def account(self, creds: Credentials) -> AccountInfo:
        body = self.client.request(
            "GET", "v2/user/info/", params={"fields": "open_id,display_name"}
        )
        user = dig(body, "data.user")
        if not isinstance(user, dict) or not user.get("open_id"):
            raise BadResponse("data.user.open_id")
        name = str(user.get("display_name") or user["open_id"])
        return AccountInfo(str(user["open_id"]), name, self.platform)

    def _videos(self, days: DateRange) -> Iterator[tuple[datetime, dict[str, Any]]]:
        """The videos published in `days`, newest first, with their publication time."""
        ask = Ask(
            "POST",
            "v2/video/list/",
            {"fields": VIDEO_FIELDS},
            {"max_count": PAGE, "cursor": _ms(days.end + timedelta(days=1))},
        )
        for _body, page in self.client.pages(ask, BodyCursor()):
            for index, video in enumerate(page):
                published = _published(video, f"data.videos[{index}]")
                if published.date() < days.start:
                    return  # newest first: the rest is older
                if published.date() <= days.end:
                    yield published, video

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        sums: dict[tuple[str, date], float] = defaultdict(float)
        for published, video in self._videos(days):
            for name in COUNTS:
                metric = catalogue.canonical_metric(self.source, name)
                amount = number(video.get(name), f"video {video.get('id')}.{name}")
                if metric is not None and amount is not None:
                    sums[(metric, published.date())] += amount
        for (metric, day), value in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            yield MetricPoint(metric, day, value, self.platform)

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        for published, video in self._videos(days):
            vid = str(video.get("id") or "")
            if not vid:
                raise BadResponse("data.videos[].id")
            counts = {n: int(number(video.get(n), f"video {vid}.{n}") or 0) for n in COUNTS}
            yield PostRecord(
                external_id=vid,
                platform=self.platform,
                published_at=published,
                permalink=video.get("share_url") or None,
                title=(video.get("title") or "")[:120] or None,
                impressions=counts["view_count"],
                reactions=counts["like_count"],
                comments=counts["comment_count"],
                shares=counts["share_count"],
            )
