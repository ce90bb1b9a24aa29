"""Aggregate reads over metric points: one GROUP BY, never every row into Python."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal, not_, select
from sqlmodel import Session

from bot.core import catalogue
from bot.core.model import DateRange
from storage.tables import Connection, MetricPointRow, Team

_P = MetricPointRow.__table__.c
# Statements built once: the hot reads of a slash command skip SQLAlchemy's per-call
# construction and cache-key work (the compiled form is cached by the engine).
_IN_SPAN = (
    _P.team_id == bindparam("team"),
    _P.day >= bindparam("start"),
    _P.day <= bindparam("end"),
)
_ONLY = _P.metric.in_(bindparam("metrics", expanding=True))
_DAILY = (
    select(_P.day, _P.platform, _P.metric, func.sum(_P.value))
    .where(*_IN_SPAN)
    .group_by(_P.day, _P.platform, _P.metric)
)
_DAILY_ONLY = _DAILY.where(_ONLY)
_RANGE = case(
    (_P.day.between(bindparam("a_start"), bindparam("a_end")), literal("a")),
    (_P.day.between(bindparam("b_start"), bindparam("b_end")), literal("b")),
    else_=None,
)
_TWO_RANGES = (
    select(_RANGE, _P.platform, _P.metric, func.sum(_P.value))
    .where(*_IN_SPAN, _ONLY)
    .group_by(_RANGE, _P.platform, _P.metric)
)


#: Catalogue metrics that are amounts of money (what a source reports in its own currency).
MONEY_METRICS = tuple(sorted(name for name, m in catalogue.METRICS.items() if m.money))


@dataclass(frozen=True)
class Apart:
    """The rows a team's sums leave out: the money of connections whose currency is not the
    team's (Impact converts no currency, so it never adds euros to dollars).
    `connections` maps each such connection's id to (its name, its currency)."""

    connections: dict[int, tuple[str, str]]
    metrics: tuple[str, ...] = MONEY_METRICS

    def keep(self) -> Any:
        """The WHERE clause that leaves those rows out."""
        return not_(and_(_P.connection_id.in_(list(self.connections)), _P.metric.in_(self.metrics)))


def apart_money(session: Session, team_id: str) -> Apart | None:
    """The team's connections whose money is in another currency than the team's, or None
    (the usual case: one currency, nothing left out). A team with no currency set yet
    takes the first money source's (the sync sets it), so nothing is apart until then."""
    team = session.get(Team, team_id)
    stored = json.loads(team.settings_json or "{}") if team else {}
    mine = str(stored.get("currency") or "").upper() if isinstance(stored, dict) else ""
    if not mine:
        return None
    rows = session.execute(
        select(Connection.id, Connection.display_name, Connection.source, Connection.currency)
        .where(Connection.team_id == team_id, Connection.currency.is_not(None))  # type: ignore[union-attr]
        .order_by(Connection.id)
    ).all()
    foreign = {
        int(cid): (name or source, str(currency).upper())
        for cid, name, source, currency in rows
        if str(currency).upper() != mine
    }
    return Apart(foreign) if foreign else None


def apart_totals(
    session: Session, team_id: str, apart: Apart, days: DateRange
) -> dict[tuple[int, str], float]:
    """Sums of the money left apart, per (connection id, metric), over `days`."""
    query = (
        select(_P.connection_id, _P.metric, func.sum(_P.value))
        .where(
            _P.team_id == team_id,
            _P.day >= days.start,
            _P.day <= days.end,
            _P.connection_id.in_(list(apart.connections)),
            _P.metric.in_(apart.metrics),
        )
        .group_by(_P.connection_id, _P.metric)
    )
    return {(int(cid), metric): float(total) for cid, metric, total in session.execute(query)}


def daily_totals(
    session: Session,
    team_id: str,
    days: DateRange,
    metrics: Iterable[str] | None = None,
    apart: Apart | None = None,
) -> list[tuple[date, str, str, float]]:
    """(day, platform, metric, sum of value) for one team over `days` (inclusive), without
    the rows `apart` names."""
    params: dict[str, object] = {"team": team_id, "start": days.start, "end": days.end}
    if metrics is not None:
        params["metrics"] = list(metrics)
    query = _DAILY if metrics is None else _DAILY_ONLY
    if apart is not None:
        query = query.where(apart.keep())
    return [
        (day, platform, metric, float(total))
        for day, platform, metric, total in session.execute(query, params)
    ]


def totals_of_two_ranges(
    session: Session,
    team_id: str,
    first: DateRange,
    second: DateRange,
    metrics: Iterable[str],
    apart: Apart | None = None,
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """Sums of `metrics` per (platform, metric) over two day ranges (a period and the one
    before it, say), in one scan of the span they cover. Days between them count in neither;
    where the ranges overlap, a day counts in the first. The rows `apart` names are left out."""
    span = first.cover(second)
    params = {
        "team": team_id,
        "start": span.start,
        "end": span.end,
        "a_start": first.start,
        "a_end": first.end,
        "b_start": second.start,
        "b_end": second.end,
        "metrics": list(metrics),
    }
    found: dict[str, dict[tuple[str, str], float]] = {"a": {}, "b": {}}
    query = _TWO_RANGES if apart is None else _TWO_RANGES.where(apart.keep())
    for label, platform, metric, total in session.execute(query, params):
        if label is not None:
            found[label][(platform, metric)] = float(total)
    return found["a"], found["b"]


def metric_sum(
    session: Session,
    team_id: str,
    metrics: Iterable[str],
    platform: str | None,
    days: DateRange,
    apart: Apart | None = None,
) -> tuple[float, int]:
    """(sum, rows) of `metrics` for one team over `days`; `platform` None = every platform
    (unattributed outcomes included); without the rows `apart` names."""
    table = MetricPointRow.__table__.c
    query = select(func.coalesce(func.sum(table.value), 0.0), func.count()).where(
        table.team_id == team_id,
        table.metric.in_(list(metrics)),
        table.day >= days.start,
        table.day <= days.end,
    )
    if platform is not None:
        query = query.where(table.platform == platform)
    if apart is not None:
        query = query.where(apart.keep())
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


def data_span(session: Session, team_id: str, days: DateRange | None = None) -> DateRange | None:
    """First and last day with any metric point of the team (inside `days` when given, both
    ends inclusive); None when there is none."""
    table = MetricPointRow.__table__
    query = select(func.min(table.c.day), func.max(table.c.day)).where(table.c.team_id == team_id)
    if days is not None:
        query = query.where(table.c.day >= days.start, table.c.day <= days.end)
    first, last = session.execute(query).one()
    if first is None or last is None:
        return None
    as_date = lambda d: d if isinstance(d, date) else date.fromisoformat(str(d))  # noqa: E731
    return DateRange(as_date(first), as_date(last))
