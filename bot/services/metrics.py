"""`/impact metrics`: totals of a period per platform with the change vs the period before."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from bot.core import catalogue
from bot.core.model import DateRange
from bot.core.periods import period_ranges
from bot.core.replies import MetricRow, MetricsReport
from storage.db import session_scope
from storage.metrics import custom_kinds
from storage.weekly import daily_totals, totals_by_range

SHOWN = ("impressions", "reach", "interactions", "link_clicks", "followers")


def _totals(
    flows: list[tuple[str, str, str, float]],
    levels: list[tuple[date, str, str, float]],
    ranges: dict[str, DateRange],
) -> dict[str, dict[tuple[str, str], float]]:
    """Per range: flows summed; levels take the last day's value; interactions derived
    from their parts where no source reports them."""
    totals: dict[str, dict[tuple[str, str], float]] = {name: {} for name in ranges}
    for name, platform, metric, value in flows:
        totals[name][(platform, metric)] = value
    last_level: dict[tuple[str, str, str], date] = {}
    for day, platform, metric, value in levels:
        for name, days in ranges.items():
            key = (name, platform, metric)
            if days.start <= day <= days.end and (key not in last_level or day > last_level[key]):
                last_level[key], totals[name][(platform, metric)] = day, value
    for found in totals.values():
        for platform in {p for p, _ in found}:
            if (platform, "interactions") not in found:
                parts = [found.get((platform, m)) for m in catalogue.INTERACTION_PARTS]
                if any(v is not None for v in parts):
                    found[(platform, "interactions")] = sum(v or 0.0 for v in parts)
    return totals


def metrics_summary(
    engine: Engine, team_id: str, platform: str | None, period: str, today: date
) -> MetricsReport:
    """Two queries whatever the period: flows summed per range in SQL, levels per day."""
    current, previous = period_ranges(period, today)
    ranges = {"now": current, "before": previous}
    with session_scope(engine) as session:
        outcomes = catalogue.outcome_names(custom_kinds(session, team_id))
        wanted = {*SHOWN, *catalogue.INTERACTION_PARTS, *outcomes}
        levels = sorted(m for m in wanted if catalogue.is_level(m))
        span = DateRange(min(current.start, previous.start), max(current.end, previous.end))
        totals = _totals(
            totals_by_range(session, team_id, ranges, sorted(wanted.difference(levels))),
            daily_totals(session, team_id, span, levels),
            ranges,
        )
    now, before = totals["now"], totals["before"]
    shown = set(SHOWN).union(outcomes)
    rows = [
        MetricRow(p, metric, value, before.get((p, metric), 0.0))
        for (p, metric), value in sorted(now.items())
        if (platform is None or p == platform) and metric in shown
    ]
    return MetricsReport(period, current, previous, platform, rows)
