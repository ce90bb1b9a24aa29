"""Stripe: a 2-year sync of one account with 100,000 charges (2% refunded a few days later)
from a local stand-in that answers like Stripe's list API (newest first, `starting_after`,
`has_more`, `limit` up to 100), forcing a 429 on every 40th request.

Reports the requests made against the minimum the paging needs, wall time and charges read
per second. The minimum, per 31-day window of the sync: ceil(charges / 100) pages of
charges and ceil(refunds / 100) of refunds (one page even when empty), plus, for each older
day whose charge was refunded in the window, ceil(that day's charges / 100) to rewrite its
refunds whole. Targets: requests <= minimum + the 429s forced; >= 15,000 charges/s; under
30 s.
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

CHARGES, DAYS, PAGE = 100_000, 730, 100
TODAY = date(2026, 11, 23)
FORCE_429_EVERY = 40
SOURCES = ("ig", "facebook.com", "newsletter", "linkedin", "", "t.co")
TARGET_RATE, TARGET_SECONDS = 15_000, 30.0


def day_start(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp())


class Account:
    """The charges and refunds of one account, sorted by `created`, with a list endpoint."""

    def __init__(self) -> None:
        rng = random.Random(15)
        first = day_start(TODAY - timedelta(days=DAYS))
        span = DAYS * 86_400
        times = sorted(first + rng.randrange(span) for _ in range(CHARGES))
        self.charges: list[dict[str, Any]] = []
        refunds = []
        for i, created in enumerate(times):
            amount = rng.randrange(500, 25_000)
            refunded = amount // 2 if rng.random() < 0.02 else 0
            charge = {
                "id": f"ch_{i:07d}",
                "object": "charge",
                "amount": amount,
                "amount_refunded": refunded,
                "currency": "usd",
                "created": created,
                "paid": True,
                "status": "succeeded",
                "metadata": {"utm_source": SOURCES[i % len(SOURCES)]},
            }
            self.charges.append(charge)
            if refunded:
                later = created + rng.randrange(86_400, 4 * 86_400)
                refunds.append({"id": f"re_{i:07d}", "charge": charge, "created": later})
        self.refunds = sorted(refunds, key=lambda r: r["created"])
        self.calls = 0
        self.forced = 0

    def answer(self, objects: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
        keys = [o["created"] for o in objects]
        index = {o["id"]: at for at, o in enumerate(objects)}

        def reply(call: Call) -> Reply:
            self.calls += 1
            if self.calls % FORCE_429_EVERY == 0:
                self.forced += 1
                return Reply(429, {"error": {"type": "rate_limit"}}, {"Retry-After": "0"})
            low = bisect.bisect_left(keys, int(call.query["created[gte]"][0]))
            high = bisect.bisect_left(keys, int(call.query["created[lt]"][0]))
            if after := call.query.get("starting_after"):
                high = index[after[0]]  # newest first: the page goes on below the cursor
            size = min(int(call.query["limit"][0]), PAGE)
            page = objects[max(low, high - size) : high][::-1]
            return Reply(200, {"object": "list", "data": page, "has_more": high - size > low})

        return reply

    def minimum(self, windows: list[tuple[date, date]]) -> int:
        def count(objects: list[dict[str, Any]], start: date, end: date) -> int:
            keys = [o["created"] for o in objects]
            return bisect.bisect_left(
                keys, day_start(end + timedelta(days=1))
            ) - bisect.bisect_left(keys, day_start(start))

        def pages(n: int) -> int:
            return max(1, math.ceil(n / PAGE))

        total = 0
        for start, end in windows:
            total += pages(count(self.charges, start, end))
            low, high = day_start(start), day_start(end + timedelta(days=1))
            refunded = [r for r in self.refunds if low <= r["created"] < high]
            total += pages(len(refunded))
            older = {datetime.fromtimestamp(r["charge"]["created"], UTC).date() for r in refunded}
            total += sum(pages(count(self.charges, d, d)) for d in older if d < start)
        return total


def main() -> None:
    from bot.bootstrap import Runtime
    from bot.services.sync import sync_connection
    from bot.settings import Settings
    from integrations.stripe import StripeConnector
    from storage.crypto import Vault, generate_key
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team, get_or_create_connection
    from storage.migrate import upgrade

    account = Account()
    since = TODAY - timedelta(days=DAYS)
    last = TODAY - timedelta(days=StripeConnector.settle_days)
    windows = []
    start = since
    while start <= last:
        end = min(last, start + timedelta(days=StripeConnector.max_days - 1))
        windows.append((start, end))
        start = end + timedelta(days=1)
    read = sum(
        1
        for c in account.charges
        if since <= datetime.fromtimestamp(c["created"], UTC).date() <= last
    )
    with tempfile.TemporaryDirectory() as folder, StandIn() as api:
        api.route("GET", "/v1/charges", account.answer(account.charges))
        api.route("GET", "/v1/refunds", account.answer(account.refunds))
        engine = make_engine(f"sqlite:///{Path(folder) / 'stripe.db'}")
        upgrade(engine)
        vault = Vault(generate_key())
        with session_scope(engine) as s:
            ensure_team(s, "TSTRIPE")
            row = get_or_create_connection(
                s, "TSTRIPE", "stripe", "stripe", platform=None, display_name="Stripe"
            )
            row.credentials_enc = vault.encrypt({"api_key": "rk_test_bench"})
            s.flush()
            cid = row.id or 0
        settings = Settings.from_env({"IMPACT_STRIPE_BASE_URL": api.url})
        runtime = Runtime(settings, engine, vault)
        started = time.perf_counter()
        report = sync_connection(runtime, cid, today=TODAY, since=since, sleep=lambda s: None)
        wall = time.perf_counter() - started
        made = len(api.calls())
        engine.dispose()
    minimum = account.minimum(windows)
    rate = read / wall
    print(
        f"stripe: status {report.status}, charges {read:,} over {DAYS} days, requests {made:,} "
        f"(minimum {minimum:,} + {account.forced} forced 429s), points {report.points:,}, "
        f"{wall:.1f} s -> {rate:,.0f} charges/s"
    )
    met = (
        report.status == "ok"
        and made <= minimum + account.forced
        and rate >= TARGET_RATE
        and wall <= TARGET_SECONDS
    )
    print(
        f"target: requests <= minimum + forced retries, >= {TARGET_RATE:,} charges/s, "
        f"<= {TARGET_SECONDS:.0f} s: " + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()
