"""`/impact metrics`: totals of a period per platform with the change vs the period before."""

from __future__ import annotations

from datetime import date

from bot.core import catalogue
from bot.core.model import DateRange
from bot.core.periods import period_ranges
from bot.core.replies import MetricRow, MetricsReport
from storage.db import Engine, session_scope
from storage.metrics import custom_kinds
from storage.weekly import apart_money, daily_totals, totals_of_two_ranges

SHOWN = ("impressions", "reach", "interactions", "link_clicks", "followers")


def _with_levels_and_interactions(
    flows: dict[tuple[str, str], float],
    levels: list[tuple[date, str, str, float]],
    days: DateRange,
) -> dict[tuple[str, str], float]:
    """Flow sums of a period, plus each level metric's value on its last day in the period,
    plus interactions derived from their parts where no source reports them."""
    totals = dict(flows)
    last_level: dict[tuple[str, str], date] = {}
    for day, platform, metric, value in levels:
        key = (platform, metric)
        if day in days and (key not in last_level or day > last_level[key]):
            last_level[key], totals[key] = day, value
    for platform in {p for p, _ in totals}:
        if (platform, "interactions") not in totals:
            parts = [totals.get((platform, m)) for m in catalogue.INTERACTION_PARTS]
            if any(v is not None for v in parts):
                totals[(platform, "interactions")] = sum(v or 0.0 for v in parts)
    return totals


def metrics_summary(
    engine: Engine, team_id: str, platform: str | None, period: str, today: date
) -> MetricsReport:
    """A few indexed queries whatever the period: flows summed per period in SQL, levels
    per day (they are few)."""
    current, previous = period_ranges(period, today)
    with session_scope(engine) as session:
        outcomes = catalogue.outcome_names(custom_kinds(session, team_id))
        apart = apart_money(session, team_id)
        wanted = {*SHOWN, *catalogue.INTERACTION_PARTS, *outcomes}
        levels = sorted(m for m in wanted if catalogue.is_level(m))
        flows_now, flows_before = totals_of_two_ranges(
            session, team_id, current, previous, sorted(wanted.difference(levels)), apart
        )
        level_rows = daily_totals(session, team_id, current.cover(previous), levels, apart)
    now = _with_levels_and_interactions(flows_now, level_rows, current)
    before = _with_levels_and_interactions(flows_before, level_rows, previous)
    shown = set(SHOWN).union(outcomes)
    rows = [
        MetricRow(p, metric, value, before.get((p, metric), 0.0))
        for (p, metric), value in sorted(now.items())
        if (platform is None or p == platform) and metric in shown
    ]
    return MetricsReport(period, current, previous, platform, rows)
