"""Meta ads: daily `spend` per publisher platform from an ad account's insights.

`GET {version}/act_{id}/insights?level=account&fields=spend,account_currency&time_increment=1
&breakdowns=publisher_platform&time_range={"since":..,"until":..}`: one row per day and
platform with `date_start` (the day, in the ad account's time zone), `spend` (a decimal
string in `account_currency`) and `publisher_platform` (`facebook`, `instagram`,
`messenger`, `audience_network`, `threads`); paged by `paging.next`. Messenger and the
Audience Network count for Facebook (platform-apis.md); Threads for Threads; any other
platform Meta adds counts toward "all platforms" only. A day without spend has no row and
stores nothing. Checked against Meta's Ads Insights API reference (rows carry `date_start`,
`date_stop`, `spend` as a string; `paging.cursors` and `paging.next`).

Errors as the Graph API's (`meta.classify`: code 190 / 401 -> AuthExpired) plus the ads
rate limits, codes 17 and 80004 with `X-Business-Use-Case-Usage` (its
`estimated_time_to_regain_access` is honoured by the HTTP client). Credentials:
`ad_account_id` (with or without `act_`) and a token with `ads_read`. The account currency is
reported as `self.currency` (the sync sets the team's currency from it when none is set).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import requests

from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint
from bot.logconfig import scrub
from integrations import meta
from integrations.base import BadResponse, Budget, ConnectorError, RateLimited, SyncWarnings
from integrations.connector import need, number

ADS_RATE_LIMIT_CODES = {17, 80004}
#: publisher_platform -> the platform its spend counts for
PLATFORMS = {
    "facebook": "facebook",
    "messenger": "facebook",
    "audience_network": "facebook",
    "instagram": "instagram",
    "threads": "threads",
}


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code") in ADS_RATE_LIMIT_CODES:
        message = scrub(str(error.get("message", "")))
        return RateLimited(f"Meta ads rate limit (code {error.get('code')}): {message}", None)
    return meta.classify(status, body, response)


class MetaAdsConnector(meta.MetaConnector):
    source = "meta_ads"
    platform = None
    max_days = 90
    #: the ads API's business-use-case limits are tighter than pages'
    budget = Budget(requests=30, seconds=10)
    label = "Meta ads"
    account_field = "ad_account_id"
    classify = staticmethod(classify)
    metrics = frozenset({"spend"})
    fields = (
        ("ad_account_id", "Ad account id (act_...)", False),
        ("access_token", "Access token with ads_read", True),
    )

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        #: The ad account's currency (None until an answer named it).
        self.currency: str | None = None

    def node(self, creds: Credentials, edge: str = "") -> str:
        account = need(creds, self.account_field, self.source).strip().removeprefix("act_")
        return f"{self.version}/act_{account}" + (f"/{edge}" if edge else "")

    def account(self, creds: Credentials) -> AccountInfo:
        body = self.client.request("GET", self.node(creds), params={"fields": "id,name,currency"})
        if not isinstance(body, dict) or "id" not in body:
            raise BadResponse("ad_account.id")
        return AccountInfo(str(body["id"]), str(body.get("name") or body["id"]), None)

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        params = {
            "level": "account",
            "fields": "spend,account_currency",
            "time_increment": 1,
            "breakdowns": "publisher_platform",
            "time_range": json.dumps(
                {"since": days.start.isoformat(), "until": days.end.isoformat()}
            ),
            "limit": 500,
        }
        # cents, so that a day's platforms add up exactly
        totals: dict[tuple[date, str | None], int] = defaultdict(int)
        for page in self.client.pages_by_next(self.node(creds, "insights"), params):
            for index, row in enumerate(page):
                path = f"data[{index}]"
                if not isinstance(row, dict):
                    raise BadResponse(path, "is not an object")
                spend = number(row.get("spend"), f"{path}.spend")
                if spend is None:
                    continue
                try:
                    day = date.fromisoformat(str(row.get("date_start")))
                except ValueError:
                    raise BadResponse(f"{path}.date_start") from None
                if currency := row.get("account_currency"):
                    if self.currency and str(currency).upper() != self.currency:
                        raise BadResponse(f"{path}.account_currency", "changed within the answer")
                    self.currency = str(currency).upper()
                if day in days:
                    platform = PLATFORMS.get(str(row.get("publisher_platform", "")))
                    totals[(day, platform)] += round(spend * 100)
        for (day, platform), cents in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        ):
            yield MetricPoint("spend", day, cents / 100, platform)
