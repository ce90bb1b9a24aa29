"""Google Analytics 4 (Data API `runReport`): outcomes by day, attributed to platforms.

One report per range: dimensions `date`, `sessionSource`, `sessionDefaultChannelGroup`;
metrics `sessions` (visits, attributed like the outcomes), `keyEvents` (conversions,
renamed from `conversions` in 2024), `totalRevenue`, and each key event the team maps to
an outcome (`keyEvents:sign_up` -> signups). Columns are read by the answer's
`dimensionHeaders` and `metricHeaders`, never by position: Google does not promise to keep
the order asked. Paged by `offset` until `rowCount`. Sources map to platforms with the
catalogue's referrer table; other social traffic and everything else count as unattributed
(all platforms only).

Credentials: `property_id` and a Google token (see `integrations.google`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint
from integrations import google
from integrations.base import BadResponse, Budget, SyncWarnings
from integrations.connector import need, number
from integrations.http import Ask, OffsetPaging

DATA_URL = "https://analyticsdata.googleapis.com"
TOKEN_URL = google.TOKEN_URL
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
PAGE_SIZE = 100_000
DEFAULT_KEY_EVENTS = {"sign_up": "signups", "generate_lead": "leads", "purchase": "orders"}
DIMENSIONS = ("date", "sessionSource", "sessionDefaultChannelGroup")


def attribute(session_source: str) -> str | None:
    """The platform a GA4 `sessionSource` (or utm_source) belongs to; None = unattributed."""
    return catalogue.referrer_platform(session_source)


def service_account_jwt(key: Any, token_url: str, now: float | None = None) -> str:
    """The JWT a GA4 service account key signs for Google's token endpoint."""
    return google.service_account_jwt(key, token_url, SCOPE, now)


class GA4Connector(google.GoogleConnector):
    source = "ga4"
    platform = None
    max_days = 90
    #: 10 concurrent requests, 40,000 tokens an hour per property
    budget = Budget(requests=100, seconds=10, per_account=True)
    base_url = DATA_URL
    scope = SCOPE
    fields = (
        ("property_id", "GA4 property id", False),
        ("access_token", "Access token (or leave empty and give a service account key file)", True),
    )

    def account(self, creds: Credentials) -> AccountInfo:
        prop = need(creds, "property_id", self.source)
        self.client.request("GET", f"v1beta/properties/{prop}/metadata")
        return AccountInfo(prop, f"GA4 property {prop}", None)

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        key_events = dict(creds.get("key_events") or DEFAULT_KEY_EVENTS)
        names = {
            "sessions": "sessions",
            "keyEvents": "conversions",
            "totalRevenue": "revenue",
            **{f"keyEvents:{e}": m for e, m in key_events.items()},
        }
        report = {
            "dateRanges": [{"startDate": days.start.isoformat(), "endDate": days.end.isoformat()}],
            "dimensions": [{"name": d} for d in DIMENSIONS],
            "metrics": [{"name": m} for m in names],
            "limit": PAGE_SIZE,
            "offset": 0,
            "returnPropertyQuota": True,
        }
        ask = Ask("POST", f"v1beta/properties/{need(creds, 'property_id', self.source)}:runReport")
        paging = OffsetPaging("rows", "offset", PAGE_SIZE, total="rowCount", in_body=True)
        totals: dict[tuple[date, str, str | None], float] = defaultdict(float)
        for body, rows in self.client.pages(Ask(ask.method, ask.path, body=report), paging):
            if not rows:
                continue
            columns = _columns(body)
            for index, row in enumerate(rows):
                for (day, name, platform), value in _cells(row, columns, f"rows[{index}]"):
                    if name in names and value:
                        totals[(day, names[name], platform)] += value
        for (day, metric, platform), value in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        ):
            yield MetricPoint(metric, day, round(value, 4), platform)


def _columns(body: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Where `date` and `sessionSource` are among the dimensions, and the metric names in
    their order, from the answer's own headers."""
    dimensions = [h.get("name") for h in body.get("dimensionHeaders") or []]
    metrics = [str(h.get("name")) for h in body.get("metricHeaders") or []]
    for needed in DIMENSIONS[:2]:
        if needed not in dimensions:
            raise BadResponse("dimensionHeaders", f"lack `{needed}`")
    if not metrics:
        raise BadResponse("metricHeaders", "missing")
    return dimensions.index("date"), dimensions.index("sessionSource"), metrics


def _cells(
    row: Any, columns: tuple[int, int, list[str]], path: str
) -> Iterator[tuple[tuple[date, str, str | None], float]]:
    at_date, at_source, metrics = columns
    try:
        dims = [d["value"] for d in row["dimensionValues"]]
        raw = [v["value"] for v in row["metricValues"]]
        text = dims[at_date]
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        platform = attribute(dims[at_source])
    except (KeyError, ValueError, IndexError, TypeError):
        raise BadResponse(path) from None
    if len(raw) != len(metrics):
        raise BadResponse(
            f"{path}.metricValues", f"has {len(raw)} values for {len(metrics)} headers"
        )
    for at, (name, value) in enumerate(zip(metrics, raw, strict=True)):
        amount = number(value, f"{path}.metricValues[{at}]")
        if amount is not None:
            yield (day, name, platform), amount
