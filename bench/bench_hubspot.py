"""HubSpot: a 2-year sync of one portal with 30,000 contacts, past the search's 10,000-result
cap: 18,000 created evenly over the two years and 12,000 in one week of a campaign, so that
one 31-day window of the sync holds more than 10,000. The stand-in answers like the CRM
contacts search (`createdate` GTE/LT filters, ascending, `limit` 100, `paging.next.after`
offsets, a 400 for `after` >= 10,000) and forces a 429 (with HubSpot's rate-limit headers)
on every 40th request.

Reports the requests made against the minimum the paging needs (per 31-day window,
ceil(contacts / 100) pages, one page even when empty), plus the restarts the cap forced
(a window past 10,000 is searched again from the last contact read; that search re-reads the
boundary contact, which can cost one page more) and the 429s forced, with wall time and
contacts read per second (the connector's 5-a-second spacing is not waited for: the sleep is
a no-op, as in the other benches); the CPU time and load average are printed too, since a
busy shared machine stretches the wall time. Targets: requests <= minimum + restarts + 429s forced,
nothing asked past the cap, every contact counted once, >= 5,000 contacts/s, under 30 s.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.standin import Call, Reply, StandIn

EVEN, CAMPAIGN, DAYS, PAGE, CAP = 18_000, 12_000, 730, 100, 10_000
TODAY = date(2026, 11, 23)
CAMPAIGN_START = date(2026, 3, 9)  # one week, inside one 31-day window of the sync
FORCE_429_EVERY = 40
SOURCES = (
    ("SOCIAL_MEDIA", "Instagram"),
    ("PAID_SOCIAL", "Facebook"),
    ("SOCIAL_MEDIA", "LinkedIn"),
    ("EMAIL_MARKETING", "Newsletter"),
    ("ORGANIC_SEARCH", "google"),
    ("DIRECT_TRAFFIC", None),
)
TARGET_RATE, TARGET_SECONDS = 5_000, 30.0


def millis(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp()) * 1000


class Portal:
    """The contacts of one portal, sorted by `createdate`, with a search endpoint."""

    def __init__(self) -> None:
        rng = random.Random(15)
        first, span = millis(TODAY - timedelta(days=DAYS)), DAYS * 86_400_000
        campaign = millis(CAMPAIGN_START)
        times = [first + rng.randrange(span) for _ in range(EVEN)]
        times += [campaign + rng.randrange(7 * 86_400_000) for _ in range(CAMPAIGN)]
        self.times = sorted(times)
        self.contacts: list[dict[str, Any]] = []
        for i, at in enumerate(self.times):
            moment = datetime.fromtimestamp(at / 1000, UTC)
            created = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at % 1000:03d}Z"
            source, detail = SOURCES[i % len(SOURCES)]
            props = {
                "createdate": created,
                "hs_analytics_source": source,
                "hs_analytics_source_data_1": detail,
                "hs_object_id": str(10_000_000 + i),
            }
            self.contacts.append({"id": str(10_000_000 + i), "properties": props})
        self.calls = self.forced = self.past_cap = 0

    def search(self, call: Call) -> Reply:
        self.calls += 1
        if self.calls % FORCE_429_EVERY == 0:
            self.forced += 1
            headers = {
                "X-HubSpot-RateLimit-Max": "5",
                "X-HubSpot-RateLimit-Remaining": "0",
                "X-HubSpot-RateLimit-Interval-Milliseconds": "1000",
            }
            body = {"status": "error", "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}
            return Reply(429, body, headers)
        asked = json.loads(call.body)
        low, high = 0, 2**62
        for f in asked.get("filterGroups", [{"filters": []}])[0]["filters"]:
            if f["operator"] == "GTE":
                low = int(f["value"])
            elif f["operator"] == "LT":
                high = int(f["value"])
        after = int(asked.get("after") or 0)
        if after >= CAP:
            self.past_cap += 1
            return Reply(400, {"status": "error", "category": "VALIDATION_ERROR"})
        start = bisect.bisect_left(self.times, low)
        end = bisect.bisect_left(self.times, high)
        size = min(int(asked["limit"]), PAGE)
        page = self.contacts[start + after : min(end, start + after + size)]
        body: dict[str, Any] = {"total": end - start, "results": page}
        if start + after + size < end:
            body["paging"] = {"next": {"after": str(after + size)}}
        return Reply(200, body)

    def count(self, first: date, last: date) -> int:
        return bisect.bisect_left(
            self.times, millis(last + timedelta(days=1))
        ) - bisect.bisect_left(self.times, millis(first))


def main() -> None:
    from bot.bootstrap import Runtime
    from bot.services.sync import sync_connection
    from bot.settings import Settings
    from integrations.hubspot import HubSpotConnector
    from storage.crypto import Vault, generate_key
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team, get_or_create_connection
    from storage.migrate import upgrade

    portal = Portal()
    since = TODAY - timedelta(days=DAYS)
    last = TODAY - timedelta(days=HubSpotConnector.settle_days)
    windows = []
    start = since
    while start <= last:
        end = min(last, start + timedelta(days=HubSpotConnector.max_days - 1))
        windows.append((start, end))
        start = end + timedelta(days=1)
    sizes = [portal.count(a, b) for a, b in windows]
    minimum = sum(max(1, math.ceil(n / PAGE)) for n in sizes)
    restarts = sum((n - 1) // CAP for n in sizes if n)
    read = sum(sizes)
    with tempfile.TemporaryDirectory() as folder, StandIn() as api:
        api.route("POST", "/crm/v3/objects/contacts/search", portal.search)
        engine = make_engine(f"sqlite:///{Path(folder) / 'hubspot.db'}")
        upgrade(engine)
        vault = Vault(generate_key())
        with session_scope(engine) as s:
            ensure_team(s, "THUBSPOT")
            row = get_or_create_connection(
                s, "THUBSPOT", "hubspot", "hubspot", platform=None, display_name="HubSpot"
            )
            row.credentials_enc = vault.encrypt({"access_token": "pat-na1-bench"})
            s.flush()
            cid = row.id or 0
        settings = Settings.from_env({"IMPACT_HUBSPOT_BASE_URL": api.url})
        runtime = Runtime(settings, engine, vault)
        started, cpu = time.perf_counter(), time.process_time()
        report = sync_connection(runtime, cid, today=TODAY, since=since, sleep=lambda s: None)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu  # the stand-in's thread included
        made = len(api.calls())
        from sqlalchemy import func
        from sqlmodel import select

        from storage.tables import MetricPointRow

        with session_scope(engine) as s:
            counted = s.exec(
                select(func.sum(MetricPointRow.value)).where(MetricPointRow.connection_id == cid)
            ).one()
        engine.dispose()
    rate = read / wall
    print(
        f"hubspot: status {report.status}, contacts {read:,} over {DAYS} days "
        f"({max(sizes):,} in the largest 31-day window), counted {int(counted or 0):,}, "
        f"requests {made:,} (minimum {minimum:,} + {restarts} restart(s) at the 10,000 cap "
        f"+ {portal.forced} forced 429s), asked past the cap {portal.past_cap}, "
        f"{wall:.1f} s -> {rate:,.0f} contacts/s (CPU {cpu:.1f} s -> {read / cpu:,.0f} "
        f"contacts/CPU-s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    met = (
        report.status == "ok"
        and int(counted or 0) == read
        and portal.past_cap == 0
        and made <= minimum + restarts + portal.forced
        and rate >= TARGET_RATE
        and wall <= TARGET_SECONDS
    )
    print(
        f"target: every contact once, none asked past the cap, requests <= minimum + restarts "
        f"+ forced retries, >= {TARGET_RATE:,} contacts/s, <= {TARGET_SECONDS:.0f} s: "
        + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()
