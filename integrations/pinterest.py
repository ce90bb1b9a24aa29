"""Pinterest (API v5, `https://api.pinterest.com/v5`), for a business account that
authorised Impact with the `user_accounts:read` and `pins:read` scopes.

Daily metrics: `user_account/analytics?start_date=..&end_date=..&metric_types=IMPRESSION,
SAVE,PIN_CLICK,OUTBOUND_CLICK&content_type=ORGANIC` answers `all.daily_metrics`, one entry per
day with a `data_status`; only `READY` days are stored (`PROCESSING`,
`BEFORE_BUSINESS_CREATED` and the other statuses are not zeros). Mapping (the catalogue's
`pinterest` aliases): IMPRESSION -> impressions, SAVE -> saves, PIN_CLICK -> clicks,
OUTBOUND_CLICK -> link_clicks. Pinterest has no likes, comments or shares per day, so a
Pinterest account's interactions are its saves. Days are Pinterest's UTC days.

Pins: `pins?page_size=100`, paged by the answer's `bookmark` (sent back as `bookmark`);
the pins published in the range are kept, each with `pins/{id}/analytics` over the days
Pinterest serves for it (`all.summary_metrics`). Permalink `https://www.pinterest.com/pin/<id>/`.

Backfill (verify, checked 2026-11 with `search`): the analytics endpoints take windows of
at most 90 days, within the last 90 days and ending no later than today (Fivetran's
Pinterest Organic docs: "can pull data only up to 90 days before the current date"; the
v5 parameter descriptions say the same). So the connector serves the last 90 days (older
days of a range are skipped with a warning), asks one window per call (`max_days = 90`),
and a pin's "lifetime" numbers are its last 90 days. Airbyte's `source-pinterest` docs
(found by `search`; its code was not in the index) list account analytics as its only
incremental stream and connect with an app id, secret and refresh token; they add nothing
on the window. `settle_days = 2`: a day still `PROCESSING` when read is skipped and not
read again by an incremental sync, so the connector waits two days (a `--since` sync re-reads).
Errors: 401 -> AuthExpired (OAuth access tokens last 30 days, refresh tokens a year, per
platform-apis.md; not re-checked); 429 -> RateLimited, honouring `Retry-After`; Pinterest's
error body is `{"code": <int>, "message": ...}`.
Credentials: `access_token` (bearer header); from the Pinterest login also `refresh_token`,
`client_id`, `client_secret` and `expires_at`: the access token is renewed before it
expires (`integrations.tokens`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
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
from integrations.connector import HttpConnector, number, parse_time, refusal
from integrations.http import Ask, TokenPaging, dig

API_URL = "https://api.pinterest.com"
#: The oldest day the analytics serve, counted back from today (a 90-day window).
HISTORY_DAYS = 89
METRIC_TYPES = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK")
PINS_PAGE = 100


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    if status < 400:
        return None
    message, code = refusal(body, status)
    if status == 401:
        return AuthExpired(f"Pinterest refused the token: {message}")
    if status == 429:
        return RateLimited(f"Pinterest rate limit: {message}")
    if status >= 500:
        return None
    if status == 403:
        return SourceError(
            f"Pinterest: the token lacks a scope (user_accounts:read, pins:read) or this is "
            f"not a business account: {message}",
            status,
            code,
        )
    return SourceError(f"Pinterest refused the request: {message}", status, code)


class PinterestConnector(HttpConnector):
    source = "pinterest"
    platform = "pinterest"
    max_days = 90
    #: 1,000 calls a minute per user (verify)
    budget = Budget(requests=100, seconds=60)
    settle_days = 2
    metrics = frozenset({"impressions", "saves", "clicks", "link_clicks"})
    base_url = API_URL
    renewal = tokens.PINTEREST
    classify = staticmethod(classify)
    fields = (("access_token", "Access token (scopes user_accounts:read, pins:read)", True),)

    def account(self, creds: Credentials) -> AccountInfo:
        body = self.client.request("GET", "v5/user_account")
        if not isinstance(body, dict) or not body.get("username"):
            raise BadResponse("user_account.username")
        name = str(body.get("business_name") or body["username"])
        return AccountInfo(str(body.get("id") or body["username"]), name, self.platform)

    def _oldest(self) -> date:
        return self.today() - timedelta(days=HISTORY_DAYS)

    def _analytics(self, path: str, days: DateRange) -> dict[str, Any]:
        body = self.client.request(
            "GET",
            path,
            params={
                "start_date": days.start.isoformat(),
                "end_date": days.end.isoformat(),
                "metric_types": ",".join(METRIC_TYPES),
                "content_type": "ORGANIC",
            },
        )
        found = dig(body, "all")
        if not isinstance(found, dict):
            raise BadResponse("all", "is not an object")
        return found

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        oldest = self._oldest()
        if days.start < oldest:
            warnings.add(f"Pinterest serves analytics for 90 days; skipped before {oldest}.")
            if days.end < oldest:
                return
            days = DateRange(oldest, days.end)
        daily = self._analytics("v5/user_account/analytics", days).get("daily_metrics") or []
        if not isinstance(daily, list):
            raise BadResponse("all.daily_metrics", "is not a list")
        for index, entry in enumerate(daily):
            if entry.get("data_status") != "READY":
                continue
            try:
                day = date.fromisoformat(str(entry.get("date")))
            except ValueError:
                raise BadResponse(f"all.daily_metrics[{index}].date") from None
            for name, value in (entry.get("metrics") or {}).items():
                metric = catalogue.canonical_metric(self.source, name)
                amount = number(value, f"all.daily_metrics[{index}].metrics.{name}")
                if metric is not None and amount is not None and day in days:
                    yield MetricPoint(metric, day, amount, self.platform)

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        ask = Ask("GET", "v5/pins", {"page_size": PINS_PAGE})
        for _body, page in self.client.pages(ask, TokenPaging("items", "bookmark", "bookmark")):
            for index, pin in enumerate(page):
                published = parse_time(pin.get("created_at"), f"items[{index}].created_at")
                if days.start <= published.date() <= days.end:
                    yield self._pin(pin, published)

    def _pin(self, pin: dict[str, Any], published: Any) -> PostRecord:
        pin_id = str(pin.get("id") or "")
        if not pin_id:
            raise BadResponse("items[].id")
        served = DateRange(max(published.date(), self._oldest()), self.today())
        totals = self._analytics(f"v5/pins/{pin_id}/analytics", served).get("summary_metrics")
        totals = totals if isinstance(totals, dict) else {}

        def total(name: str) -> int:
            return int(number(totals.get(name), f"pin {pin_id}.summary_metrics.{name}") or 0)

        return PostRecord(
            external_id=pin_id,
            platform=self.platform,
            published_at=published,
            permalink=f"https://www.pinterest.com/pin/{pin_id}/",
            title=(pin.get("title") or "")[:120] or None,
            impressions=total("IMPRESSION"),
            saves=total("SAVE"),
            clicks=total("PIN_CLICK"),
            link_clicks=total("OUTBOUND_CLICK"),
        )
