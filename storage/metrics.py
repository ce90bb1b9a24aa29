"""Writes of metric points and posts: bulk upserts, never a query per row.

Both SQLite and PostgreSQL take `INSERT ... ON CONFLICT (...) DO UPDATE ... WHERE <changed>`,
so a re-import of identical data rewrites nothing and costs about one indexed lookup a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import func, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from bot.core import catalogue
from bot.core.catalogue import Kind
from bot.core.model import MetricPoint, PostRecord
from storage.tables import Connection, CustomMetric, MetricPointRow, PostRow, Team, utcnow

BATCH = 5_000
T = TypeVar("T")

_POST_FIELDS = (
    "platform",
    "published_at",
    "permalink",
    "title",
    "impressions",
    "reach",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "outcomes",
)


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_statement(session: Session, table: Any) -> Any:
    """The dialect's INSERT (with ON CONFLICT) for `table`."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upserts are not written for {dialect}")


def insert_if_absent(session: Session, row: SQLModel, keys: tuple[str, ...]) -> bool:
    """INSERT the row unless one with the same `keys` (a primary key or unique constraint)
    exists: `ON CONFLICT (keys) DO NOTHING`, so concurrent writers never fail on a duplicate
    key and never abort their transaction. True when this call inserted it."""
    table = type(row).__table__  # type: ignore[attr-defined]
    values = {
        column.name: getattr(row, column.name)
        for column in table.columns
        if getattr(row, column.name, None) is not None
    }
    statement = (
        insert_statement(session, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        # a row comes back only when inserted (rowcount is not reliable on every driver)
        .returning(*(table.c[key] for key in keys))
    )
    return session.execute(statement).first() is not None


def ensure_team(
    session: Session, team_id: str, name: str = "", timezone: str | None = None
) -> Team:
    """The team row, created when missing (name and time zone filled when given). Safe
    when replicas create the same new team at the same moment: insert-if-absent."""
    team = session.get(Team, team_id)
    if team is None:
        insert_if_absent(session, Team(id=team_id, name=name, timezone=timezone or "UTC"), ("id",))
        team = session.get(Team, team_id, populate_existing=True)
        assert team is not None, "inserted or found"
    if name and not team.name:
        team.name = name
    if timezone and team.timezone == "UTC":
        team.timezone = timezone
    return team


def get_or_create_connection(
    session: Session,
    team_id: str,
    source: str,
    external_id: str,
    *,
    platform: str | None,
    display_name: str = "",
) -> Connection:
    """The team's connection to `source`/`external_id`, created when missing (insert-if-
    absent, so two replicas creating it at once both get the one row)."""
    query = select(Connection).where(
        Connection.team_id == team_id,
        Connection.source == source,
        Connection.external_id == external_id,
    )
    found = session.exec(query).first()
    if found is None:
        insert_if_absent(
            session,
            Connection(
                team_id=team_id,
                source=source,
                external_id=external_id,
                platform=platform,
                display_name=display_name or external_id,
            ),
            ("team_id", "source", "external_id"),
        )
        found = session.exec(query.execution_options(populate_existing=True)).one()
    if platform and not found.platform:
        found.platform = platform
    return found


def stored_platform(point: MetricPoint, connection_platform: str | None, kind: Kind | None) -> str:
    """The platform column of a point: its own, else the connection's unless it is an outcome."""
    if point.platform:
        return point.platform
    if kind in (Kind.OUTCOME, Kind.MONEY):
        return ""
    return connection_platform or ""


def upsert_points(
    session: Session,
    connection: Connection,
    points: Iterable[MetricPoint],
    custom: dict[str, Kind] | None = None,
) -> int:
    """Insert or update points of one connection in batches. Returns rows sent."""
    assert connection.id is not None, "flush the connection first"
    base = {"connection_id": connection.id, "team_id": connection.team_id}
    rows = (
        {
            **base,
            "metric": p.metric,
            "platform": stored_platform(
                p, connection.platform, catalogue.kind_of(p.metric, custom)
            ),
            "day": p.day,
            "value": float(p.value),
        }
        for p in points
    )
    return upsert_point_rows(session, rows)


def upsert_point_rows(
    session: Session, rows: Iterable[dict[str, Any]], *, count_changes: bool = False
) -> int:
    """Bulk upsert of ready rows (keys: connection_id, team_id, metric, platform, day, value).

    Returns the rows sent, or with `count_changes` the rows the database inserted or changed.
    """
    if session.get_bind().dialect.name == "sqlite":
        tuples = (
            (
                r["connection_id"],
                r["team_id"],
                r["metric"],
                r["platform"],
                r["day"].isoformat() if hasattr(r["day"], "isoformat") else r["day"],
                r["value"],
            )
            for r in rows
        )
        return upsert_point_tuples(session, tuples, count_changes=count_changes)
    table = MetricPointRow.__table__
    insert = insert_statement(session, table)
    statement = insert.on_conflict_do_update(
        index_elements=["team_id", "day", "connection_id", "metric", "platform"],
        set_={"value": insert.excluded.value},
        where=table.c.value != insert.excluded.value,
    )
    return _run(session, statement, table, batched(rows), count_changes)


_SQLITE_POINT_UPSERT = (
    "INSERT INTO metric_points (connection_id, team_id, metric, platform, day, value) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (team_id, day, connection_id, metric, platform) "
    "DO UPDATE SET value = excluded.value "
    "WHERE metric_points.value != excluded.value"
)


def upsert_point_tuples(
    session: Session,
    rows: Iterable[tuple[int, str, str, str, Any, float]],
    *,
    count_changes: bool = False,
) -> int:
    """The fast path for bulk loads: (connection_id, team_id, metric, platform, day, value)
    tuples straight to the driver's executemany, `day` as ISO text (how SQLAlchemy stores
    dates on SQLite). On SQLite only; elsewhere it delegates to `upsert_point_rows`."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        keys = ("connection_id", "team_id", "metric", "platform", "day", "value")
        dicts = (dict(zip(keys, row, strict=True)) for row in rows)
        return upsert_point_rows(session, dicts, count_changes=count_changes)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if count_changes:  # one executemany pulls every row: rowcount counts the changes
            cursor.executemany(_SQLITE_POINT_UPSERT, rows)
            return int(cursor.rowcount)
        written = 0
        for chunk in batched(rows, 50_000):
            cursor.executemany(_SQLITE_POINT_UPSERT, chunk)
            written += len(chunk)
        return written
    finally:
        cursor.close()


def _run(
    session: Session,
    statement: Any,
    table: Any,
    chunks: Iterable[list[dict[str, Any]]],
    count_changes: bool,
) -> int:
    """Execute an upsert per chunk; count rows sent, or rows inserted/changed.

    SQLite's executemany rowcount counts changed rows exactly; psycopg's does not, so on
    PostgreSQL the changed rows are counted from RETURNING (rows the WHERE skipped return
    nothing). Chunks must not repeat a key (one statement may not touch a row twice).
    """
    returning = count_changes and session.get_bind().dialect.name == "postgresql"
    if returning:
        statement = statement.returning(*table.primary_key.columns)
    written = 0
    for chunk in chunks:
        result = session.execute(statement, chunk)
        if returning:
            written += len(result.all())
        elif count_changes and result.rowcount >= 0:
            written += int(result.rowcount)
        else:
            written += len(chunk)
    return written


def upsert_posts(
    session: Session,
    connection: Connection,
    posts: Iterable[PostRecord],
    *,
    count_changes: bool = False,
) -> int:
    """Insert or update posts of one connection on (connection, external id)."""
    assert connection.id is not None, "flush the connection first"
    table = PostRow.__table__
    insert = insert_statement(session, table)
    changed = or_(*(table.c[f].is_distinct_from(insert.excluded[f]) for f in _POST_FIELDS))
    statement = insert.on_conflict_do_update(
        index_elements=["connection_id", "external_id"],
        set_={**{f: insert.excluded[f] for f in _POST_FIELDS}, "updated_at": utcnow()},
        where=changed,
    )
    chunks = (
        [
            {
                "connection_id": connection.id,
                "team_id": connection.team_id,
                "external_id": post.external_id,
                **{f: getattr(post, f) for f in _POST_FIELDS},
                "updated_at": utcnow(),
            }
            for post in chunk
        ]
        for chunk in batched(posts)
    )
    return _run(session, statement, table, chunks, count_changes)


def _connection(session: Session, connection_id: int) -> Connection:
    connection = session.get(Connection, connection_id)
    assert connection is not None, f"no connection {connection_id}"
    return connection


def store_points(session: Session, connection_id: int, points: Iterable[MetricPoint]) -> int:
    """`upsert_points` for the connection `connection_id`. Returns rows sent."""
    return upsert_points(session, _connection(session, connection_id), points)


def store_posts(
    session: Session,
    connection_id: int,
    posts: Iterable[PostRecord],
    *,
    count_changes: bool = False,
) -> int:
    """`upsert_posts` for the connection `connection_id`."""
    return upsert_posts(
        session, _connection(session, connection_id), posts, count_changes=count_changes
    )


def declare_metrics(session: Session, team_id: str, kinds: dict[str, Kind]) -> None:
    """Record metric names outside the catalogue with the kind the team gave them."""
    if not kinds:
        return
    table = CustomMetric.__table__
    insert = insert_statement(session, table)
    statement = insert.on_conflict_do_update(
        index_elements=["team_id", "name"],
        set_={"kind": insert.excluded.kind},
        where=table.c.kind != insert.excluded.kind,
    )
    session.execute(
        statement,
        [{"team_id": team_id, "name": name, "kind": kind.value} for name, kind in kinds.items()],
    )


def custom_kinds(session: Session, team_id: str) -> dict[str, Kind]:
    rows = session.exec(
        select(CustomMetric.name, CustomMetric.kind).where(CustomMetric.team_id == team_id)
    ).all()
    return {name: Kind(kind) for name, kind in rows}


def count_points(session: Session, team_id: str) -> int:
    """How many metric points the team has stored."""
    return _count(session, MetricPointRow, team_id)


def count_posts(session: Session, team_id: str) -> int:
    """How many posts the team has stored."""
    return _count(session, PostRow, team_id)


def _count(session: Session, table: Any, team_id: str) -> int:
    columns = table.__table__.c
    return int(
        session.execute(
            select(func.count()).select_from(table.__table__).where(columns.team_id == team_id)
        ).scalar_one()
    )
