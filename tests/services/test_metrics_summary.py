"""`/impact metrics` totals: flows summed per period, levels at their last day, interactions
derived from their parts, outcomes (the team's own declared ones too) per platform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.services.importing import import_csv
from bot.services.metrics import metrics_summary

CSV = """date,platform,account,metric,value,kind
2026-11-09,instagram,ig-main,reactions,120,
2026-11-09,instagram,ig-main,comments,14,
2026-11-10,instagram,ig-main,reactions,98,
2026-11-02,instagram,ig-main,reactions,50,
2026-11-09,instagram,ig-main,followers,1000,
2026-11-12,instagram,ig-main,followers,1040,
2026-11-03,instagram,ig-main,followers,900,
2026-11-09,instagram,ga4-main,signups,5,
2026-11-10,,ga4-main,volunteer_hours,12.5,outcome
2026-10-20,instagram,ig-main,reactions,999,
"""


def rows(engine, tmp_path: Path, platform=None):
    path = tmp_path / "m.csv"
    path.write_text(CSV)
    assert import_csv(engine, path, "T1").ok
    # today 2026-11-17: "week" is 9-15 November, the week before 2-8 November
    report = metrics_summary(engine, "T1", platform, "week", date(2026, 11, 17))
    return {(r.platform, r.metric): (r.current, r.previous) for r in report.rows}


def test_week_totals_against_the_week_before(engine, tmp_path):
    found = rows(engine, tmp_path)
    assert found[("instagram", "interactions")] == (232.0, 50.0)  # 120 + 14 + 98 vs 50
    assert found[("instagram", "followers")] == (1040.0, 900.0)  # the last day's level
    assert found[("instagram", "signups")] == (5.0, 0.0)
    assert found[("", "volunteer_hours")] == (12.5, 0.0)  # declared outcome of this team
    assert ("instagram", "reactions") not in found  # parts roll up into interactions


def test_a_platform_filter_keeps_only_its_rows(engine, tmp_path):
    assert {p for p, _ in rows(engine, tmp_path, "instagram")} == {"instagram"}
