"""`/impact metrics`: totals of a period per platform with the change vs the period before."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from bot.core import catalogue
from bot.core.periods import period_ranges
from bot.core.replies import MetricRow, MetricsReport
from storage.db import session_scope
from storage.weekly import daily_totals

SHOWN = ("impressions", "reach", "interactions", "link_clicks", "followers")


def _totals(rows: list[tuple[date, str, str, float]]) -> dict[tuple[str, str], float]:
    """Flows summed; levels take the last day's value; interactions derived from parts."""
    totals: dict[tuple[str, str], float] = {}
    last_level: dict[tuple[str, str], date] = {}
    for day, platform, metric, value in rows:
        key = (platform, metric)
        if catalogue.is_level(metric):
            if key not in last_level or day > last_level[key]:
                last_level[key], totals[key] = day, value
        else:
            totals[key] = totals.get(key, 0.0) + value
    for platform in {p for p, _ in totals}:
        if (platform, "interactions") not in totals:
            parts = [totals.get((platform, m)) for m in catalogue.INTERACTION_PARTS]
            if any(v is not None for v in parts):
                totals[(platform, "interactions")] = sum(v or 0.0 for v in parts)
    return totals


def metrics_summary(
    engine: Engine, team_id: str, platform: str | None, period: str, today: date
) -> MetricsReport:
    current, previous = period_ranges(period, today)
    with session_scope(engine) as session:
        now = _totals(daily_totals(session, team_id, current))
        before = _totals(daily_totals(session, team_id, previous))
    outcomes = [m for m in catalogue.outcome_names() if any(k[1] == m for k in now)]
    rows = []
    for (p, metric), value in sorted(now.items()):
        if platform is not None and p != platform:
            continue
        if metric in SHOWN or metric in outcomes:
            rows.append(MetricRow(p, metric, value, before.get((p, metric), 0.0)))
    return MetricsReport(period, current, previous, platform, rows)
