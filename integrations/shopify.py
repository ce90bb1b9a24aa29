"""Shopify: orders, revenue and refunds per day from the GraphQL Admin API, attributed by the
customer journey's last visit.

`POST https://{shop}.myshopify.com/admin/api/{YYYY-MM}/graphql.json` with the header
`X-Shopify-Access-Token` (a custom app's Admin API access token; never in a URL). The query is
`orders(first: 50, after: $cursor, sortKey: CREATED_AT, query: "created_at:>='..Z'
created_at:<'..Z'")`, paged with `pageInfo { hasNextPage endCursor }` until `hasNextPage` is
false. Days are UTC days of `createdAt` (the shop's time zone is not read: said here, as
platform-apis.md asks).

What counts. `cancelledAt` set: the order counts for nothing. Else by `displayFinancialStatus`:
`PAID`, `PARTIALLY_REFUNDED` and `REFUNDED` count (money was captured; what went back is in
`refunds`, so a week's net is its sales minus their refunds); `PENDING` and `AUTHORIZED` (no
money moved yet), `PARTIALLY_PAID` (a deposit: the total was not received), `VOIDED` and
`EXPIRED` (never paid) count for nothing. A counted order adds one to `orders`, its
`totalPriceSet.shopMoney` (the order's total before returns: gross, shop currency) to
`revenue` and its `totalRefundedSet.shopMoney` to `refunds`, all on the order's day,
attributed as the order: `customerJourneySummary.lastVisit` (`utm_medium=email` -> email;
else the first there of `utmParameters.source`, `source` and the host of `referrerUrl`, mapped
with `catalogue.referrer_platform`); the first visit only when there is no last one
(first-touch is ignored when last-touch exists); else unattributed. Amounts are decimal strings, summed in hundredths: to the cent.

Refunds of older orders. A second walk lists orders updated in the window but created before
it (`updated_at:>=.. updated_at:<.. created_at:<..`, with `refunds { createdAt }`); the day of
each whose refund was made in the window is read again in full, so its `refunds` point is
rewritten whole on the sale's day (never a partial sum over a day), like Stripe.

Throttling is cost based. Every answer carries `extensions.cost { requestedQueryCost,
actualQueryCost, throttleStatus { maximumAvailable, currentlyAvailable, restoreRate } }`;
before a query the connector waits until the bucket it last saw holds the query's requested
cost (`(requested - available) / restoreRate` seconds; time passed since is not counted, so
the wait errs long). An answer with HTTP 200 and `errors[].extensions.code == "THROTTLED"` is
retried after the restore time it implies (nothing of it is stored, the user sees no error
unless the retries run out); 401 and 403 -> AuthExpired (the connection needs a new token, its
data stays); 429 and 5xx are retried; a body cut off or not JSON is retried, then fails the
sync (never read as empty); a body without the documented fields -> BadResponse. Other GraphQL
errors (`ACCESS_DENIED` for a missing scope) -> SourceError naming the scope.

Credentials: `shop` (`river-keepers` or `river-keepers.myshopify.com`) and `access_token`.
Least privilege: the custom app needs only `read_orders`; connecting asks for the shop's name
and one order, so a token without it is refused before anything is stored. Shopify serves the last 60 days of
orders with it; a longer backfill needs `read_all_orders` as well (asked of Shopify).
`IMPACT_SHOPIFY_BASE_URL` replaces the whole `https://{shop}.myshopify.com` part.

Checked with the search tool (docs corpus, November 2026): shopify.dev "GraphQL Admin API rate
limits" (calculated query cost, leaky bucket per app and store, 100 points/s on Standard, 200
Advanced, 1000 Plus; each object costs 1, scalars 0; the bucket must hold the requested cost and
the difference to the actual cost is refunded); the THROTTLED answer's shape (`errors[0]
.extensions.code == "THROTTLED"`, top-level `extensions.cost` with `actualQueryCost: null`) in
a Shopify community thread; `CustomerJourneySummary.firstVisit/lastVisit` and `CustomerVisit
.source/referrerUrl/utmParameters` (shopify.dev admin-graphql objects, `read_orders` scope);
`OrderDisplayFinancialStatus` values (shopify.dev enums); the 60-day window and
`read_all_orders` (shopify.dev Order notes). Not checked: whether a THROTTLED answer is ever
HTTP 429 instead of 200 (a community thread says so; both are retried here).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import requests

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint
from bot.logconfig import scrub
from integrations.base import (
    AuthExpired,
    BadResponse,
    Budget,
    ConnectorError,
    RateLimited,
    SourceError,
    SyncWarnings,
)
from integrations.connector import HttpConnector, need, parse_time
from integrations.http import dig

API_URL = "https://{shop}.myshopify.com"
#: Quarterly versions, each supported 12 months: move it forward at least once a year.
API_VERSION = "2025-10"
PAGE_SIZE = 50
#: Money captured: these orders count (their refunds are their own metric).
COUNTED = frozenset({"PAID", "PARTIALLY_REFUNDED", "REFUNDED"})
SHOP_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
#: Seconds waited for a THROTTLED answer that carries no cost figures.
THROTTLE_FALLBACK_WAIT = 2.0

VISIT = "source referrerUrl utmParameters { source medium }"
ORDERS = f"""query Orders($first: Int!, $after: String, $query: String!) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {{
    nodes {{
      id createdAt cancelledAt displayFinancialStatus
      totalPriceSet {{ shopMoney {{ amount currencyCode }} }}
      totalRefundedSet {{ shopMoney {{ amount currencyCode }} }}
      customerJourneySummary {{ lastVisit {{ {VISIT} }} firstVisit {{ {VISIT} }} }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
REFUNDED = """query Refunded($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { id createdAt refunds { createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""
#: The connect check: the shop's name, and one order id, so that a token without
#: `read_orders` is refused before it is stored.
SHOP = "query Shop { shop { name currencyCode } orders(first: 1) { nodes { id } } }"


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if status in (401, 403):
        return AuthExpired(f"Shopify refused the access token (HTTP {status})")
    if status == 404:
        return SourceError(
            "Shopify has no shop at this address (HTTP 404): check `shop` "
            "(the name before .myshopify.com)",
            status,
        )
    if status >= 400 or not errors:
        return None  # http.py: 429 and 5xx are retried, other 4xx refused
    codes = [dig(e, "extensions.code") for e in errors if isinstance(e, dict)]
    if "THROTTLED" in codes:
        return RateLimited("Shopify throttled the query (cost budget)", throttle_wait(body))
    messages = "; ".join(
        scrub(str(e.get("message", ""))) for e in errors if isinstance(e, dict)
    ).strip()
    if "ACCESS_DENIED" in codes:
        return SourceError(
            f"Shopify denied access ({messages}): give the app the read_orders scope in the "
            "Shopify admin, then reconnect",
            status,
        )
    if dig(body, "data.orders") is not None:
        return None  # data with warnings: the data is read, its shape checked there
    return SourceError(f"Shopify refused the query: {messages or codes}", status, codes)


def throttle_wait(body: Any) -> float:
    """Seconds until the bucket holds the cost the throttled query asked for."""
    requested = _float(dig(body, "extensions.cost.requestedQueryCost"))
    available = _float(dig(body, "extensions.cost.throttleStatus.currentlyAvailable"))
    rate = _float(dig(body, "extensions.cost.throttleStatus.restoreRate"))
    if requested is None or available is None or not rate:
        return THROTTLE_FALLBACK_WAIT
    return max(0.0, (requested - available) / rate)


def shop_name(raw: str) -> str:
    """`River-Keepers`, `river-keepers.myshopify.com` or its https URL -> `river-keepers`;
    SourceError saying what is expected otherwise."""
    text = raw.strip().lower()
    host = urlsplit(text).netloc if "://" in text else text.split("/")[0]
    name = host.removesuffix(".myshopify.com")
    if not SHOP_NAME.fullmatch(name):
        raise SourceError(
            f"`shop` must be the shop's myshopify name, e.g. river-keepers or "
            f"river-keepers.myshopify.com (got {raw.strip()[:60]!r}); find it in the Shopify "
            "admin's address bar or Settings > Domains"
        )
    return name


class ShopifyConnector(HttpConnector):
    source = "shopify"
    platform = None
    max_days = 31
    #: per shop; the cost bucket (`throttleStatus`) is what really paces a sync
    budget = Budget(requests=40, seconds=10, per_account=True)
    base_url = API_URL
    classify = staticmethod(classify)
    metrics = frozenset({"revenue", "orders", "refunds"})
    settle_days = 1
    fields = (
        ("shop", "Shop name (river-keepers or river-keepers.myshopify.com)", False),
        ("access_token", "Admin API access token of a custom app (scope read_orders)", True),
    )

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        #: The shop currency of the amounts reported (None until an order is read).
        self.currency: str | None = None
        #: The bucket as the last answer left it: (points available, restored a second).
        self.bucket: tuple[float, float] | None = None
        #: What each query asked for last time (Shopify's requested cost: what it checks).
        self.costs: dict[str, float] = {}

    def authorise(self, creds: Credentials) -> None:
        token = need(creds, "access_token", self.source)
        shop = shop_name(need(creds, "shop", self.source))
        base = self.config.base_url.replace("{shop}", shop)
        self.client.config = replace(self.client.config, base_url=base)
        self.client.session.headers["X-Shopify-Access-Token"] = token

    @property
    def endpoint(self) -> str:
        return f"admin/api/{self.config.version or API_VERSION}/graphql.json"

    def account(self, creds: Credentials) -> AccountInfo:
        body = self._graphql(SHOP, {})
        name = dig(body, "data.shop.name")
        if not isinstance(name, str) or not name:
            raise BadResponse("data.shop.name")
        return AccountInfo(shop_name(creds["shop"]), f"{name} (Shopify)", None)

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        #: (currency, day, metric, platform) -> hundredths (orders: a count)
        totals: dict[tuple[str, date, str, str | None], int] = defaultdict(int)
        self._orders(days, totals)
        for day in sorted(self._refunded_days(days)):
            self._orders(DateRange(day, day), totals)
        sales: Counter[str] = Counter()
        for (currency, _day, metric, _platform), value in totals.items():
            sales[currency] += value if metric == "orders" else 0
        if not sales:
            return
        self.currency = min(sales, key=lambda c: (-sales[c], c))
        if others := sorted(set(sales) - {self.currency}):
            warnings.add(
                f"Shopify: orders in {', '.join(others)} besides {self.currency}; they are "
                "left out (Impact converts no currency)."
            )
        for (currency, day, metric, platform), value in sorted(
            totals.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3] or "")
        ):
            if currency == self.currency:
                amount = float(value) if metric == "orders" else round(value / 100, 2)
                yield MetricPoint(metric, day, amount, platform)

    # --- queries ---------------------------------------------------------------------------
    def _graphql(self, query: str, variables: dict[str, Any]) -> Any:
        self._wait_for_budget(query)
        body = self.client.request(
            "POST", self.endpoint, json_body={"query": query, "variables": variables}
        )
        if not isinstance(body, dict):
            raise BadResponse("the answer", "is not a JSON object")
        self._note_cost(query, body)
        return body

    def _wait_for_budget(self, query: str) -> None:
        """Wait until the bucket holds what `query` asked for last time; a query not asked
        yet in this sync is held to the dearest one asked (its answer then says its own
        cost); the very first query is sent at once (the bucket is unknown until then)."""
        requested = self.costs.get(query, max(self.costs.values(), default=None))
        if self.bucket is None or requested is None:
            return
        available, rate = self.bucket
        if available < requested and rate > 0:
            pause = (requested - available) / rate
            self.client.sleep(pause)
            self.bucket = (requested, rate)

    def _note_cost(self, query: str, body: dict[str, Any]) -> None:
        cost = dig(body, "extensions.cost")
        available = _float(dig(cost, "throttleStatus.currentlyAvailable"))
        rate = _float(dig(cost, "throttleStatus.restoreRate"))
        requested = _float(dig(cost, "requestedQueryCost"))
        if available is not None and rate is not None:
            self.bucket = (available, rate)
        if requested is not None:
            self.costs[query] = requested

    def _walk(self, query: str, search: str) -> Iterator[tuple[int, dict[str, Any]]]:
        after: str | None = None
        at = 0
        while True:
            body = self._graphql(query, {"first": PAGE_SIZE, "after": after, "query": search})
            orders = dig(body, "data.orders")
            nodes = dig(orders, "nodes")
            if not isinstance(nodes, list):
                raise BadResponse("data.orders.nodes", "is not a list")
            for node in nodes:
                if not isinstance(node, dict):
                    raise BadResponse(f"data.orders.nodes[{at}]", "is not an object")
                yield at, node
                at += 1
            page = dig(orders, "pageInfo")
            if not isinstance(page, dict) or not isinstance(page.get("hasNextPage"), bool):
                raise BadResponse("data.orders.pageInfo.hasNextPage")
            if not page["hasNextPage"]:
                return
            after = page.get("endCursor")
            if not isinstance(after, str) or not after:
                raise BadResponse("data.orders.pageInfo.endCursor")

    def _orders(
        self, days: DateRange, totals: dict[tuple[str, date, str, str | None], int]
    ) -> None:
        search = f"created_at:>='{_moment(days.start)}' created_at:<'{_moment(days.end, 1)}'"
        for at, order in self._walk(ORDERS, search):
            path = f"orders[{at}]"
            if order.get("cancelledAt") or order.get("displayFinancialStatus") not in COUNTED:
                continue
            day = parse_time(order.get("createdAt"), f"{path}.createdAt").date()
            if not days.start <= day <= days.end:
                raise BadResponse(f"{path}.createdAt", "is outside the dates asked")
            total, currency = _money(order.get("totalPriceSet"), f"{path}.totalPriceSet")
            refunded, _ = _money(order.get("totalRefundedSet"), f"{path}.totalRefundedSet")
            platform = _attribution(order.get("customerJourneySummary"))
            totals[(currency, day, "revenue", platform)] += total
            totals[(currency, day, "orders", platform)] += 1
            totals[(currency, day, "refunds", platform)] += refunded

    def _refunded_days(self, days: DateRange) -> set[date]:
        """The days before `days` of orders refunded during `days` (the order's own day)."""
        start, end = _moment(days.start), _moment(days.end, 1)
        search = f"updated_at:>='{start}' updated_at:<'{end}' created_at:<'{start}'"
        low = datetime.combine(days.start, datetime.min.time(), UTC)
        high = low + timedelta(days=(days.end - days.start).days + 1)
        found: set[date] = set()
        for at, order in self._walk(REFUNDED, search):
            refunds = order.get("refunds") or []
            if not isinstance(refunds, list):
                raise BadResponse(f"orders[{at}].refunds", "is not a list")
            for n, refund in enumerate(refunds):
                made = parse_time(dig(refund, "createdAt"), f"orders[{at}].refunds[{n}].createdAt")
                if low <= made < high:
                    day = parse_time(order.get("createdAt"), f"orders[{at}].createdAt").date()
                    if day < days.start:
                        found.add(day)
        return found


def _moment(day: date, plus_days: int = 0) -> str:
    return f"{(day + timedelta(days=plus_days)).isoformat()}T00:00:00Z"


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _money(bag: Any, path: str) -> tuple[int, str]:
    """A MoneyBag's shop money in hundredths, and its currency."""
    amount, currency = dig(bag, "shopMoney.amount"), dig(bag, "shopMoney.currencyCode")
    if not isinstance(currency, str) or not currency:
        raise BadResponse(f"{path}.shopMoney.currencyCode")
    try:
        hundredths = (Decimal(str(amount)) * 100).to_integral_value()
    except (InvalidOperation, ValueError):
        raise BadResponse(f"{path}.shopMoney.amount", "is not an amount") from None
    return int(hundredths), currency.upper()


def _attribution(journey: Any) -> str | None:
    """The last visit's platform (the first visit's only when there is no last visit): its
    `utm_medium=email` -> email, else the first of its UTM source, its `source` and its
    referrer's host that is there, mapped by `catalogue.referrer_platform`."""
    visit = dig(journey, "lastVisit") or dig(journey, "firstVisit")
    if not isinstance(visit, dict):
        return None
    medium = dig(visit, "utmParameters.medium")
    if isinstance(medium, str) and medium.strip().lower() == "email":
        return "email"
    referrer = visit.get("referrerUrl")
    host = urlsplit(referrer.strip()).netloc if isinstance(referrer, str) else None
    for name in (dig(visit, "utmParameters.source"), visit.get("source"), host):
        if isinstance(name, str) and name.strip():
            return catalogue.referrer_platform(name)
    return None
