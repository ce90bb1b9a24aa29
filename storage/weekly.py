"""Aggregate reads over metric points: one GROUP BY, never every row into Python."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session

from bot.core.model import DateRange
from storage.tables import MetricPointRow


def daily_totals(
    session: Session, team_id: str, days: DateRange, metrics: Iterable[str] | None = None
) -> list[tuple[date, str, str, float]]:
    """(day, platform, metric, sum of value) for one team over `days` (inclusive)."""
    table = MetricPointRow.__table__.c
    query = (
        select(table.day, table.platform, table.metric, func.sum(table.value))
        .where(table.team_id == team_id, table.day >= days.start, table.day <= days.end)
        .group_by(table.day, table.platform, table.metric)
    )
    if metrics is not None:
        query = query.where(table.metric.in_(list(metrics)))
    return [
        (day, platform, metric, float(total))
        for day, platform, metric, total in session.execute(query)
    ]


def totals_by_range(
    session: Session, team_id: str, ranges: Mapping[str, DateRange], metrics: Iterable[str]
) -> list[tuple[str, str, str, float]]:
    """(range name, platform, metric, sum of value) of `metrics` over several day ranges,
    in one scan of the span they cover. Days between the ranges count in none."""
    table = MetricPointRow.__table__.c
    label = case(
        *((table.day.between(r.start, r.end), name) for name, r in ranges.items()), else_=None
    )
    query = (
        select(label, table.platform, table.metric, func.sum(table.value))
        .where(
            table.team_id == team_id,
            table.day >= min(r.start for r in ranges.values()),
            table.day <= max(r.end for r in ranges.values()),
            table.metric.in_(list(metrics)),
        )
        .group_by(label, table.platform, table.metric)
    )
    return [
        (name, platform, metric, float(total))
        for name, platform, metric, total in session.execute(query)
        if name is not None
    ]


def metric_sum(
    session: Session, team_id: str, metrics: Iterable[str], platform: str | None, days: DateRange
) -> tuple[float, int]:
    """(sum, rows) of `metrics` for one team over `days`; `platform` None = every platform
    (unattributed outcomes included)."""
    table = MetricPointRow.__table__.c
    query = select(func.coalesce(func.sum(table.value), 0.0), func.count()).where(
        table.team_id == team_id,
        table.metric.in_(list(metrics)),
        table.day >= days.start,
        table.day <= days.end,
    )
    if platform is not None:
        query = query.where(table.platform == platform)
    total, rows = session.execute(query).one()
    return float(total), int(rows)


def latest_level(
    session: Session, team_id: str, metric: str, platform: str | None, on_or_before: date
) -> float | None:
    """The level metric's total over its connections on the latest day that has it."""
    table = MetricPointRow.__table__.c
    filters = [table.team_id == team_id, table.metric == metric, table.day <= on_or_before]
    if platform is not None:
        filters.append(table.platform == platform)
    last_day = session.execute(select(func.max(table.day)).where(*filters)).scalar_one()
    if last_day is None:
        return None
    total = session.execute(
        select(func.sum(table.value)).where(*filters, table.day == last_day)
    ).scalar_one()
    return float(total)
