"""Aggregate reads over metric points: one GROUP BY, never every row into Python."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
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
