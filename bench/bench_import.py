"""CSV import of 1,000,000 metric rows into SQLite, against a plain executemany baseline.

Target (issue 3): import at least 0.5 × the raw insert rate, re-import at least as fast.
Rows and rounds: IMPACT_BENCH_IMPORT_ROWS (1,000,000), IMPACT_BENCH_IMPORT_ROUNDS (3).
The baseline reads the same CSV with the csv module and inserts the same rows with
sqlite3's executemany into an empty table with no index: the floor of what any import costs.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROWS = int(os.environ.get("IMPACT_BENCH_IMPORT_ROWS", "1000000"))
METRICS = (
    "impressions",
    "reach",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "followers",
    "views",
)
PLATFORMS = ("instagram", "facebook", "linkedin", "x", "youtube")


def write_csv(path: Path, rows: int) -> None:
    accounts = 50
    days = rows // (accounts * len(METRICS)) + 1
    start = date(2020, 1, 1)
    written = 0
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["date", "platform", "account", "metric", "value"])
        for offset in range(days):
            day = (start + timedelta(days=offset)).isoformat()
            for account in range(accounts):
                platform = PLATFORMS[account % len(PLATFORMS)]
                for index, metric in enumerate(METRICS):
                    out.writerow(
                        [
                            day,
                            platform,
                            f"acct-{account}",
                            metric,
                            (offset * 7 + account * 13 + index) % 997,
                        ]
                    )
                    written += 1
                    if written >= rows:
                        return


def raw_insert(csv_path: Path, db_path: Path) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE raw (connection_id INT, team_id TEXT, metric TEXT, platform TEXT, "
        "day DATE, value REAL)"
    )
    ids: dict[str, int] = {}
    with csv_path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = (
            (ids.setdefault(a, len(ids) + 1), "T1", m, p, d, float(v)) for d, p, a, m, v in reader
        )
        db.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    return time.perf_counter() - started


def impact_import(csv_path: Path, engine) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    from bot.services.importing import import_csv

    started = time.perf_counter()
    report = import_csv(engine, csv_path, "T1")
    return time.perf_counter() - started, report


ROUNDS = int(os.environ.get("IMPACT_BENCH_IMPORT_ROUNDS", "3"))


def main() -> None:
    """ROUNDS rounds, each: the raw insert, Impact's first import into an empty database,
    and the same file again. Each figure is the best of its rounds (noise on a shared
    machine only ever adds time), and the ratio is of best to best; the median ratio of the
    rounds is printed too."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    raws, firsts, agains, ratios = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        csv_path = tmp / "metrics.csv"
        write_csv(csv_path, ROWS)
        for round_ in range(ROUNDS):
            raws.append(raw_insert(csv_path, tmp / f"raw{round_}.db"))
            engine = make_engine(f"sqlite:///{tmp / f'impact{round_}.db'}")
            upgrade(engine)
            first, report = impact_import(csv_path, engine)
            again, report2 = impact_import(csv_path, engine)
            engine.dispose()
            firsts.append(first)
            agains.append(again)
            ratios.append(raws[-1] / first)
    raw_seconds, first, again = min(raws), min(firsts), min(agains)
    raw_rate, first_rate, again_rate = ROWS / raw_seconds, ROWS / first, ROWS / again
    ratio = first_rate / raw_rate
    print(f"rows: {ROWS:,}  ({report.summary()})")  # type: ignore[attr-defined]
    print(f"best of {ROUNDS} rounds (raw, first import, re-import in each round):")
    print(f"raw executemany into an empty table: {raw_seconds:6.2f} s  {raw_rate:>10,.0f} rows/s")
    print(
        f"impact import (first):               {first:6.2f} s  {first_rate:>10,.0f} rows/s"
        f"  ratio {ratio:.2f}  (target >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(
        f"impact import (same file again):     {again:6.2f} s  {again_rate:>10,.0f} rows/s"
        f"  {'at least as fast: met' if again <= first else 'slower: NOT met'}"
        f"  ({report2.summary()})"  # type: ignore[attr-defined]
    )
    print(
        "ratio per round: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"  (median {statistics.median(ratios):.2f})"
    )


if __name__ == "__main__":
    main()
