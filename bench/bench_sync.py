"""Sync of 2 years of daily data for 10 Instagram accounts from a local Graph API stand-in.

Reports wall time, the requests made against the minimum the API's shape requires (per
30-day chunk: one time-series call, and one total_value call per day, since Instagram
answers interaction totals for a whole range), and points stored per second.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.standin import Reply, StandIn

ACCOUNTS, DAYS = 10, 730
TODAY = date(2026, 11, 23)


def insights(call):  # type: ignore[no-untyped-def]
    metrics = call.query["metric"][0].split(",")
    since = date.fromisoformat(call.query["since"][0])
    if "metric_type" in call.query:
        return Reply(
            200,
            {
                "data": [
                    {"name": m, "period": "day", "total_value": {"value": 7 + len(m)}}
                    for m in metrics
                ]
            },
        )
    until = date.fromisoformat(call.query["until"][0])
    values = [
        {
            "value": 100 + i,
            "end_time": (since + timedelta(days=i + 1)).isoformat() + "T08:00:00+0000",
        }
        for i in range((until - since).days)
    ]
    return Reply(200, {"data": [{"name": m, "period": "day", "values": values} for m in metrics]})


def main() -> None:
    from bot.bootstrap import Runtime
    from bot.services.sync import sync_team
    from bot.settings import Settings
    from storage.crypto import Vault, generate_key
    from storage.db import make_engine, session_scope
    from storage.metrics import ensure_team, get_or_create_connection
    from storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder, StandIn() as graph:
        graph.route("GET", re.compile(r"/v23\.0/\d+/insights"), insights)
        graph.route("GET", re.compile(r"/v23\.0/\d+/media"), Reply(200, {"data": []}))
        engine = make_engine(f"sqlite:///{Path(folder) / 'sync.db'}")
        upgrade(engine)
        vault = Vault(generate_key())
        with session_scope(engine) as s:
            ensure_team(s, "TSYNC")
            for index in range(ACCOUNTS):
                connection = get_or_create_connection(
                    s,
                    "TSYNC",
                    "instagram",
                    str(1784140000 + index),
                    platform="instagram",
                    display_name=f"@account{index}",
                )
                connection.credentials_enc = vault.encrypt(
                    {"ig_user_id": str(1784140000 + index), "access_token": f"IGQtoken{index}"}
                )
        settings = Settings.from_env({"IMPACT_INSTAGRAM_BASE_URL": graph.url})
        runtime = Runtime(settings, engine, vault)
        since = TODAY - timedelta(days=DAYS)
        started = time.perf_counter()
        reports = sync_team(runtime, "TSYNC", today=TODAY, since=since)
        wall = time.perf_counter() - started
        made = len(graph.calls())
        engine.dispose()
    days = DAYS  # since .. yesterday
    chunks = -(-days // 30)
    minimum = ACCOUNTS * (chunks + days + 1)  # + one media page per account
    points = sum(r.points for r in reports)
    print(
        f"accounts: {ACCOUNTS}, days each: {days}, all ok: {all(r.status == 'ok' for r in reports)}"
    )
    print(
        f"requests made: {made:,}  minimum the API shape requires: {minimum:,}  "
        f"({'no extra requests' if made <= minimum else f'{made - minimum} extra'})"
    )
    print(f"points stored: {points:,} in {wall:.1f} s  ->  {points / wall:,.0f} points/s")
    met = made <= minimum and all(r.status == "ok" for r in reports)
    print(
        "target: every account synced with no more requests than the paging requires: "
        + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()
