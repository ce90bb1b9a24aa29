"""What `/metrics` reads from the database at scrape time: connections per source and
health with their oldest successful sync, and digest runs per status. Read-only; two small
aggregate queries, whatever the number of teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from storage.tables import Connection, DigestRun


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """The synced connections of one source in one health state. `oldest_sync` is the
    earliest last success among them (its creation for a connection that never synced):
    how stale the source's oldest data is, failing connections included."""

    source: str
    health: str
    connections: int
    oldest_sync: datetime | None


def ping(engine: Engine) -> None:
    """`SELECT 1`: returns when the database answers, raises whatever the driver raised
    when it does not."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def source_health(engine: Engine) -> list[SourceHealth]:
    """Connections that the clock syncs (those with credentials), by source and health."""
    table = Connection.__table__
    query = (
        select(
            table.c.source,
            table.c.health,
            func.count(),
            func.min(func.coalesce(table.c.last_success_at, table.c.created_at)),
        )
        .where(table.c.credentials_enc.is_not(None))
        .group_by(table.c.source, table.c.health)
        .order_by(table.c.source, table.c.health)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        SourceHealth(source, health, count, _aware(oldest))
        for source, health, count, oldest in rows
    ]


def digest_runs_by_status(engine: Engine) -> dict[str, int]:
    """How many digest runs are in each status (claimed, retrying, posted, failed, ...)."""
    table = DigestRun.__table__
    query = select(table.c.status, func.count()).group_by(table.c.status)
    with engine.connect() as connection:
        return {status: count for status, count in connection.execute(query).all()}


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives timestamps back naive; they were written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
