"""Reads for `impact export`: a team's stored points and posts, streamed in a stable order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session

from bot.core.model import DateRange, PostRecord
from storage.tables import MetricPointRow, PostRow

#: Rows fetched from the database at a time: memory stays flat for any export size.
CHUNK = 5_000


def point_rows(
    session: Session, team_id: str, days: DateRange | None
) -> Iterator[tuple[date, int, str, str, float]]:
    """(day, connection id, metric, platform, value) of the team's points, by day then
    connection, metric and platform; only days inside `days` (inclusive) when given."""
    table = MetricPointRow.__table__
    query = select(
        table.c.day, table.c.connection_id, table.c.metric, table.c.platform, table.c.value
    ).where(table.c.team_id == team_id)
    if days is not None:
        query = query.where(table.c.day >= days.start, table.c.day <= days.end)
    query = query.order_by(table.c.day, table.c.connection_id, table.c.metric, table.c.platform)
    result = session.execute(query.execution_options(yield_per=CHUNK))
    for day, connection_id, metric, platform, value in result:
        yield day, connection_id, metric, platform or "", float(value)


def post_rows(
    session: Session, team_id: str, days: DateRange | None
) -> Iterator[tuple[int, PostRecord]]:
    """(connection id, post) of the team's posts published inside `days` (UTC days,
    inclusive; every post when None), by publication time."""
    query = select(PostRow).where(PostRow.team_id == team_id)
    if days is not None:
        start = datetime.combine(days.start, time.min, tzinfo=UTC)
        end = datetime.combine(days.end + timedelta(days=1), time.min, tzinfo=UTC)
        query = query.where(PostRow.published_at >= start, PostRow.published_at < end)
    query = query.order_by(PostRow.published_at, PostRow.connection_id, PostRow.external_id)
    for row in session.execute(query.execution_options(yield_per=CHUNK)).scalars():
        published = row.published_at
        if published.tzinfo is None:  # SQLite hands back naive UTC
            published = published.replace(tzinfo=UTC)
        yield (
            row.connection_id,
            PostRecord(
                external_id=row.external_id,
                platform=row.platform,
                published_at=published,
                permalink=row.permalink,
                title=row.title,
                impressions=row.impressions,
                reach=row.reach,
                reactions=row.reactions,
                comments=row.comments,
                shares=row.shares,
                saves=row.saves,
                clicks=row.clicks,
                link_clicks=row.link_clicks,
                outcomes=row.outcomes,
            ),
        )
