"""Shopify: a 2-year sync of one shop with 50,000 orders (2% refunded one to four days later)
from a local stand-in of the GraphQL Admin API under a throttle budget: a cost bucket of
1,000 points restoring 50 points a second (half the Standard plan's 100/s), each query
needing its requested cost (2 + 50 x 10 for an orders page, 2 + 50 x 2 for the refunds walk)
in the bucket and spending its actual cost (by the nodes returned). The bucket's clock moves
only with the connector's own waits, so the bench runs at full speed while it measures how
long the sync would wait on Shopify. Every 40th query is answered THROTTLED (HTTP 200) anyway,
as Shopify may when other apps share the shop's budget: those are the forced retries.

Reports the requests made against the minimum the paging needs, the queries that went over
the budget (THROTTLED not forced), wall time, orders read per second and the time the sync
would spend waiting for the bucket. The minimum, per 31-day window of the sync:
ceil(orders created / 50) pages (one even when empty), ceil(older orders updated in the window
/ 50) for the refunds walk, and for each older day with an order refunded in the window,
ceil(that day's orders / 50) to rewrite its refunds whole. Targets: requests <= minimum + the
THROTTLED forced; no query over budget; >= 2,500 orders/s; under 60 s.
"""

from __future__ import annotations

import bisect
import math
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.standin import Call, Reply, StandIn

ORDERS, DAYS, PAGE = 50_000, 730, 50
TODAY = date(2026, 11, 23)
MAXIMUM, RATE = 1_000.0, 50.0
ORDER_COST, REFUNDED_COST = 10, 2
FORCE_THROTTLE_EVERY = 40
SOURCES = ("ig", "facebook", "newsletter", "linkedin", None, "t.co")
TARGET_RATE, TARGET_SECONDS = 2_500, 60.0


def stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def day_start(day: date) -> float:
    return datetime.combine(day, datetime.min.time(), UTC).timestamp()


class Shop:
    """The shop's orders sorted by creation, an index by update time, and a cost bucket on a
    virtual clock (the sum of the connector's waits)."""

    def __init__(self) -> None:
        rng = random.Random(15)
        first = day_start(TODAY - timedelta(days=DAYS))
        times = sorted(first + rng.randrange(DAYS * 86_400) for _ in range(ORDERS))
        self.orders: list[dict[str, Any]] = []
        self.created: list[float] = []
        for i, created in enumerate(times):
            cents = rng.randrange(500, 25_000)
            refunded = cents // 2 if rng.random() < 0.02 else 0
            source = SOURCES[i % len(SOURCES)]
            refund_at = created + rng.randrange(86_400, 4 * 86_400) if refunded else None
            visit = {"source": None, "referrerUrl": None, "utmParameters": {"source": source}}
            self.orders.append(
                {
                    "id": f"gid://shopify/Order/{i}",
                    "createdAt": stamp(created),
                    "cancelledAt": None,
                    "displayFinancialStatus": "PARTIALLY_REFUNDED" if refunded else "PAID",
                    "totalPriceSet": {
                        "shopMoney": {"amount": f"{cents / 100:.2f}", "currencyCode": "USD"}
                    },
                    "totalRefundedSet": {
                        "shopMoney": {"amount": f"{refunded / 100:.2f}", "currencyCode": "USD"}
                    },
                    "customerJourneySummary": {"lastVisit": visit, "firstVisit": None},
                    "_refund_at": refund_at,
                }
            )
            self.created.append(created)
        refunded_orders = [o for o in self.orders if o["_refund_at"]]
        self.by_update = sorted(refunded_orders, key=lambda o: o["_refund_at"])
        self.updated = [o["_refund_at"] for o in self.by_update]
        self.waits: list[float] = []
        self.available, self.clock_seen = MAXIMUM, 0.0
        self.calls = self.forced = self.over_budget = 0

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def cost(self, requested: float, actual: float | None) -> dict[str, Any]:
        status = {
            "maximumAvailable": MAXIMUM,
            "currentlyAvailable": self.available,
            "restoreRate": RATE,
        }
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": status,
            }
        }

    def answer(self, call: Call) -> Reply:
        self.calls += 1
        asked = call.json()
        query, variables = asked["query"], asked["variables"]
        refunds_walk = "refunds {" in query
        requested = 2 + variables["first"] * (REFUNDED_COST if refunds_walk else ORDER_COST)
        now = sum(self.waits)
        self.available = min(MAXIMUM, self.available + (now - self.clock_seen) * RATE)
        self.clock_seen = now
        throttled = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}
        if self.calls % FORCE_THROTTLE_EVERY == 0:  # another app spent the shop's points
            self.forced += 1
            self.available = min(self.available, max(0.0, requested - RATE))
            return Reply(200, {**throttled, "extensions": self.cost(requested, None)})
        if requested > self.available + 1e-6:
            self.over_budget += 1
            return Reply(200, {**throttled, "extensions": self.cost(requested, None)})
        terms = dict(_terms(variables["query"]))
        if refunds_walk:
            low = bisect.bisect_left(self.updated, terms["updated_at>="])
            high = bisect.bisect_left(self.updated, terms["updated_at<"])
            found = [
                o for o in self.by_update[low:high] if parse(o["createdAt"]) < terms["created_at<"]
            ]
        else:
            low = bisect.bisect_left(self.created, terms["created_at>="])
            high = bisect.bisect_left(self.created, terms["created_at<"])
            found = self.orders[low:high]
        start = int(variables["after"].removeprefix("c")) if variables["after"] else 0
        page = found[start : start + min(variables["first"], PAGE)]
        per_node = REFUNDED_COST if refunds_walk else ORDER_COST
        actual = 2 + len(page) * per_node
        self.available -= actual
        if refunds_walk:
            nodes = [
                {
                    "id": o["id"],
                    "createdAt": o["createdAt"],
                    "refunds": [{"createdAt": stamp(o["_refund_at"])}],
                }
                for o in page
            ]
        else:
            nodes = [{k: v for k, v in o.items() if k != "_refund_at"} for o in page]
        end = start + len(page)
        orders = {
            "nodes": nodes,
            "pageInfo": {"hasNextPage": end < len(found), "endCursor": f"c{end}" if page else None},
        }
        return Reply(200, {"data": {"orders": orders}, "extensions": self.cost(requested, actual)})

    def minimum(self, windows: list[tuple[date, date]]) -> int:
        def pages(n: int) -> int:
            return max(1, math.ceil(n / PAGE))

        def count(start: date, end: date) -> int:
            low, high = day_start(start), day_start(end + timedelta(days=1))
            return bisect.bisect_left(self.created, high) - bisect.bisect_left(self.created, low)

        total = 0
        for start, end in windows:
            low, high = day_start(start), day_start(end + timedelta(days=1))
            total += pages(count(start, end))
            older = [
                o
                for o in self.by_update
                if low <= o["_refund_at"] < high and parse(o["createdAt"]) < low
            ]
            total += pages(len(older))
            days = {datetime.fromtimestamp(parse(o["createdAt"]), UTC).date() for o in older}
            total += sum(pages(count(d, d)) for d in days)
        return total


def _terms(text: str) -> list[tuple[str, float]]:
    found = []
    for term in text.split():
        name, rest = term.split(":", 1)
        op = ">=" if rest.startswith(">=") else "<"
        found.append((name + op, parse(rest[len(op) :].strip("'"))))
    return found


def main() -> None:
    from bot.bootstrap import Runtime
    from bot.services.sync import sync_connection
    from bot.settings import Settings
    from integrations.shopify import ShopifyConnector
    from storage.crypto import Vault, generate_key
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team, get_or_create_connection
    from storage.migrate import upgrade

    shop = Shop()
    since = TODAY - timedelta(days=DAYS)
    last = TODAY - timedelta(days=ShopifyConnector.settle_days)
    windows = []
    start = since
    while start <= last:
        end = min(last, start + timedelta(days=ShopifyConnector.max_days - 1))
        windows.append((start, end))
        start = end + timedelta(days=1)
    low, high = day_start(since), day_start(last + timedelta(days=1))
    read = sum(1 for c in shop.created if low <= c < high)
    with tempfile.TemporaryDirectory() as folder, StandIn() as api:
        api.route("POST", "/admin/api/2025-10/graphql.json", shop.answer)
        engine = make_engine(f"sqlite:///{Path(folder) / 'shopify.db'}")
        upgrade(engine)
        vault = Vault(generate_key())
        with session_scope(engine) as s:
            ensure_team(s, "TSHOPIFY")
            row = get_or_create_connection(
                s, "TSHOPIFY", "shopify", "bench-shop", platform=None, display_name="Bench shop"
            )
            row.credentials_enc = vault.encrypt({"shop": "bench-shop", "access_token": "shpat_x"})
            s.flush()
            cid = row.id or 0
        settings = Settings.from_env({"IMPACT_SHOPIFY_BASE_URL": api.url})
        runtime = Runtime(settings, engine, vault)
        started, cpu = time.perf_counter(), time.process_time()
        report = sync_connection(runtime, cid, today=TODAY, since=since, sleep=shop.sleep)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        made = len(api.calls())
        engine.dispose()
    minimum = shop.minimum(windows)
    rate = read / wall
    waited = sum(shop.waits)
    print(
        f"shopify: status {report.status}, orders {read:,} over {DAYS} days, requests {made:,} "
        f"(minimum {minimum:,} + {shop.forced} forced THROTTLED), over budget "
        f"{shop.over_budget}, points {report.points:,}, {wall:.1f} s ({cpu:.1f} s CPU, stand-in "
        f"included) -> {rate:,.0f} orders/s; "
        f"waits for the bucket ({MAXIMUM:,.0f} points, {RATE:.0f}/s): {waited / 3600:.1f} h "
        "on Shopify's clock"
    )
    met = (
        report.status == "ok"
        and made <= minimum + shop.forced
        and shop.over_budget == 0
        and rate >= TARGET_RATE
        and wall <= TARGET_SECONDS
    )
    print(
        f"target: requests <= minimum + forced THROTTLED, none over budget, "
        f">= {TARGET_RATE:,} orders/s, <= {TARGET_SECONDS:.0f} s: " + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()
