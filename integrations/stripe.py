"""Stripe: revenue and orders (or donations) and refunds per day, attributed by checkout metadata.

`GET /v1/charges?created[gte]=..&created[lt]=..&limit=100` paged with `starting_after=<last
id>` while `has_more` (Stripe's list shape: `{"object": "list", "data": [...], "has_more":
...}`, newest first). A charge counts when `paid`, `status == "succeeded"` and not left
uncaptured (failed, unpaid or only authorised charges count for nothing). With the
`outcome` field `orders` (the default): `revenue` += `amount` (gross, minor units -> the
currency's major unit, to the cent) and one `orders`; with `donations` (a nonprofit) the
amount is `donations` (money, in the catalogue) and neither revenue nor a count is stored,
so that the same money is never judged twice. `refunds` += `amount_refunded`. All on the day the charge was created (UTC) and attributed
through the charge's `metadata` keys the team names (`metadata_keys`, default `utm_source`)
mapped by `catalogue.referrer_platform`; else unattributed.

A refund made after its charge's day was read: `GET /v1/refunds?created[...]` over the same
window lists it; the days of charges older than the window are read again in full (charges of
that day), so their `refunds` point is rewritten whole, dated on the sale's day as
platform-apis.md asks (never a partial sum overwriting a day).

Errors: 401 -> AuthExpired (the sync keeps the data); 429 -> RateLimited; the
`Stripe-Should-Retry` header decides over the status when present (`false`: not retried,
`true`: retried). Currency: each charge's `currency`; the connector reports the one most of
the window's sales were in as `self.currency` (the sync sets the team's currency from it
when none is set, and says when the team's is another) and warns when an account charges in
two currencies: never summed together, the other currency's charges are left out, and said.

Stripe list shapes checked against Stripe's API reference (pagination: `starting_after`,
`has_more`; `created` range filters; charge `amount`, `amount_refunded`, `currency`, `paid`,
`status`, `metadata`; refund `charge`, `created`). Stripe copies a PaymentIntent's metadata to
the charge it creates (Checkout: `payment_intent_data.metadata`), so charges carry the UTM keys.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint
from bot.logconfig import scrub
from integrations.base import (
    AuthExpired,
    BadCredential,
    BadResponse,
    Budget,
    ConnectorError,
    DoNotRetry,
    RateLimited,
    SourceError,
    SourceUnavailable,
    SyncWarnings,
)
from integrations.connector import HttpConnector, need, number
from integrations.http import Ask

API_URL = "https://api.stripe.com"
PAGE_SIZE = 100
OUTCOMES = ("orders", "donations")
DEFAULT_METADATA_KEYS = ("utm_source",)
#: ISO 4217 codes Stripe charges in whole units (its "zero-decimal currencies").
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    error = body.get("error") if isinstance(body, dict) else None
    message = scrub(str(error.get("message", ""))) if isinstance(error, dict) else ""
    should_retry = response.headers.get("Stripe-Should-Retry", "").lower()
    if status == 401:
        return AuthExpired(f"Stripe refused the API key (HTTP 401) {message}".strip())
    if status < 400:
        return None
    if should_retry == "false":
        return DoNotRetry(f"Stripe error (HTTP {status}, not retryable): {message}", status)
    if status == 429:
        return RateLimited("Stripe rate limited (HTTP 429)", None)
    if should_retry == "true" or status >= 500:
        return SourceUnavailable(f"Stripe error (HTTP {status}), retrying")
    return SourceError(f"Stripe error (HTTP {status}): {message}", status)


def unix(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp())


def minor_to_major(amount: int, currency: str) -> float:
    return float(amount) if currency.upper() in ZERO_DECIMAL else round(amount / 100, 2)


@dataclass(frozen=True, slots=True)
class CursorPaging:
    """Stripe's lists: `starting_after=<last object's id>` while `has_more`."""

    items: str = "data"

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        if not items or not (isinstance(body, dict) and body.get("has_more")):
            return None
        last = items[-1].get("id") if isinstance(items[-1], dict) else None
        if not last:
            raise BadResponse("data[-1].id")
        return replace(ask, params={**(ask.params or {}), "starting_after": last})


class StripeConnector(HttpConnector):
    source = "stripe"
    platform = None
    max_days = 31
    #: about 100 reads a second live per account: a quarter, the rest is the shop's
    budget = Budget(requests=250, seconds=10, per_account=True)
    base_url = API_URL
    classify = staticmethod(classify)
    metrics = frozenset({"revenue", "orders", "donations", "refunds"})
    settle_days = 1
    fields = (
        ("api_key", "Restricted API key (read: Charges, Refunds)", True),
        ("outcome", "Each payment is: orders (a sale) or donations", False),
        (
            "metadata_keys",
            "Checkout metadata keys naming the traffic source, comma-separated (utm_source)",
            False,
        ),
    )
    optional = frozenset({"outcome", "metadata_keys"})

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        #: The currency of the amounts this connector reported (None until a charge is read).
        self.currency: str | None = None

    def authorise(self, creds: Credentials) -> None:
        self.client.bearer(need(creds, "api_key", self.source))

    def account(self, creds: Credentials) -> AccountInfo:
        body = self.client.request("GET", "v1/charges", params={"limit": 1})
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise BadResponse("data", "is not a list")
        outcome = _outcome(creds)
        return AccountInfo("stripe", f"Stripe ({outcome})", None)

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        outcome = _outcome(creds)
        keys = _metadata_keys(creds)
        #: (currency, day, metric, platform) -> minor units (or a count)
        totals: dict[tuple[str, date, str, str | None], int] = defaultdict(int)
        self._charges(days, keys, totals)
        for day in sorted(d for d in self._refunded_days(days) if d < days.start):
            self._charges(DateRange(day, day), keys, totals)
        sales: Counter[str] = Counter()
        for (currency, _day, metric, _platform), value in totals.items():
            sales[currency] += value if metric == "count" else 0
        if not sales:
            return
        # the account's currency: the one most sales were in (ties: alphabetical)
        self.currency = min(sales, key=lambda c: (-sales[c], c))
        if others := sorted(set(sales) - {self.currency}):
            warnings.add(
                f"Stripe: charges in {', '.join(others)} besides {self.currency}; they are left "
                "out (Impact converts no currency)."
            )
        for (currency, day, metric, platform), value in sorted(
            totals.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3] or "")
        ):
            if currency != self.currency:
                continue
            if metric == "count":
                if outcome == "orders":
                    yield MetricPoint("orders", day, float(value), platform)
                continue
            if metric == "revenue" and outcome == "donations":
                metric = "donations"
            yield MetricPoint(metric, day, minor_to_major(value, currency), platform)

    def _list(self, path: str, days: DateRange, **extra: Any) -> Iterator[dict[str, Any]]:
        params = {
            "limit": PAGE_SIZE,
            "created[gte]": unix(days.start),
            "created[lt]": unix(days.end + timedelta(days=1)),
            **extra,
        }
        for _body, items in self.client.pages(Ask("GET", path, params), CursorPaging()):
            for item in items:
                if not isinstance(item, dict):
                    raise BadResponse(f"{path}.data[]", "is not an object")
                yield item

    def _charges(
        self,
        days: DateRange,
        keys: tuple[str, ...],
        totals: dict[tuple[str, date, str, str | None], int],
    ) -> None:
        for at, charge in enumerate(self._list("v1/charges", days)):
            if not charge.get("paid") or charge.get("status") != "succeeded":
                continue
            if charge.get("captured") is False:  # an authorisation only: no money moved
                continue
            path = f"charges[{at}]"
            currency = str(charge.get("currency") or "").upper()
            if not currency:
                raise BadResponse(f"{path}.currency")
            day = _day(charge.get("created"), f"{path}.created")
            platform = _attribution(charge.get("metadata"), keys)
            amount = number(charge.get("amount"), f"{path}.amount")
            refunded = number(charge.get("amount_refunded"), f"{path}.amount_refunded") or 0
            if amount is None:
                raise BadResponse(f"{path}.amount")
            totals[(currency, day, "revenue", platform)] += int(amount)
            totals[(currency, day, "count", platform)] += 1
            totals[(currency, day, "refunds", platform)] += int(refunded)

    def _refunded_days(self, days: DateRange) -> set[date]:
        """The days of the charges refunded during `days` (the charge's own day)."""
        found: set[date] = set()
        for at, refund in enumerate(self._list("v1/refunds", days, **{"expand[]": "data.charge"})):
            charge = refund.get("charge")
            if isinstance(charge, dict):
                found.add(_day(charge.get("created"), f"refunds[{at}].charge.created"))
        return found


def _outcome(creds: Credentials) -> str:
    """`orders` (the default) or `donations`; anything else is refused at connect time rather
    than silently counted as orders."""
    outcome = str(creds.get("outcome") or "orders").strip().lower()
    if outcome not in OUTCOMES:
        raise BadCredential(
            f"`outcome` is {outcome!r}, and a Stripe payment is one of: {', '.join(OUTCOMES)}"
        )
    return outcome


def _metadata_keys(creds: Credentials) -> tuple[str, ...]:
    raw = creds.get("metadata_keys")
    if isinstance(raw, str) and raw.strip():
        return tuple(k.strip() for k in raw.split(",") if k.strip())
    if isinstance(raw, list) and raw:
        return tuple(str(k) for k in raw)
    return DEFAULT_METADATA_KEYS


def _attribution(metadata: Any, keys: tuple[str, ...]) -> str | None:
    if not isinstance(metadata, dict):
        return None
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            return catalogue.referrer_platform(value)
    return None


def _day(created: Any, path: str) -> date:
    if isinstance(created, bool) or not isinstance(created, int | float):
        raise BadResponse(path, "is not a unix time")
    return datetime.fromtimestamp(created, UTC).date()
