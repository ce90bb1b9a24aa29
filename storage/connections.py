"""Connected accounts, out as core values (their credentials stay here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from bot.core.model import ConnectionState
from storage.metrics import get_or_create_connection
from storage.tables import Connection, Team, utcnow


def _state(c: Connection) -> ConnectionState:
    return ConnectionState(
        id=c.id or 0,
        source=c.source,
        external_id=c.external_id,
        display_name=c.display_name,
        health=c.health,
        health_detail=c.health_detail,
        last_success_at=c.last_success_at,
        created_at=c.created_at,
    )


def connection_states(session: Session, team_id: str) -> list[ConnectionState]:
    """The team's connections in the order they were made."""
    rows = session.exec(
        select(Connection).where(Connection.team_id == team_id).order_by(Connection.id)
    )
    return [_state(c) for c in rows]


def accounts_of(session: Session, team_id: str, source: str) -> dict[str, ConnectionState]:
    """The team's connections of one source by external id (one query)."""
    found = session.exec(
        select(Connection).where(Connection.team_id == team_id, Connection.source == source)
    ).all()
    return {c.external_id: _state(c) for c in found}


def ensure_connection(
    session: Session,
    team_id: str,
    source: str,
    external_id: str,
    *,
    platform: str | None,
    display_name: str = "",
) -> int:
    """The id of the team's connection to `source`/`external_id`, created when missing
    (insert-if-absent: two replicas creating it at once both get the one row)."""
    connection = get_or_create_connection(
        session, team_id, source, external_id, platform=platform, display_name=display_name
    )
    return connection.id or 0


def save_credentials(
    session: Session, connection_id: int, credentials_enc: bytes, display_name: str
) -> None:
    """New (encrypted) credentials: the connection starts over as `new`, its failure and
    the team's notice of it forgotten."""
    row = session.get(Connection, connection_id)
    assert row is not None, "ensure_connection first"
    row.credentials_enc = credentials_enc
    row.display_name = display_name
    row.health, row.health_detail, row.health_notified_at = "new", None, None
    session.flush()


def mark_synced(session: Session, connection_id: int) -> None:
    """The connection is healthy and its data fresh as of now."""
    connection = session.get(Connection, connection_id)
    assert connection is not None, "ensure_connection first"
    connection.health = "ok"
    connection.health_detail = None
    connection.last_sync_at = connection.last_success_at = utcnow()


def give_platform(session: Session, connection_id: int, platform: str) -> None:
    """Set the connection's platform when it has none yet."""
    connection = session.get(Connection, connection_id)
    if connection is not None and connection.platform is None:
        connection.platform = platform


def mark_imported(session: Session, connection_ids: list[int], when: datetime) -> None:
    """A file was imported into these connections at `when`: their freshness, and a new
    connection is healthy."""
    for connection_id in connection_ids:
        connection = session.get(Connection, connection_id)
        if connection is None:
            continue
        connection.last_sync_at = connection.last_success_at = when
        if connection.health == "new":
            connection.health = "ok"


def set_health(
    session: Session,
    connection_id: int,
    health: str,
    detail: str | None,
    synced: datetime | None = None,
) -> None:
    """Record the outcome of a sync: a changed health is told to the team once more."""
    row = session.get(Connection, connection_id)
    if row is None:
        return
    if row.health != health:
        row.health_notified_at = None  # a new state: tell the team once more
    row.health, row.health_detail = health, detail
    if synced is not None:  # a sync that finished: its data is fresh as of then
        row.last_sync_at = row.last_success_at = synced


def connection_timezone(session: Session, connection_id: int) -> str:
    """The IANA time zone of the connection's team; UTC when either is unknown."""
    connection = session.get(Connection, connection_id)
    team = session.get(Team, connection.team_id) if connection else None
    return team.timezone if team else "UTC"


def unannounced_failures(session: Session) -> list[tuple[int, str, str, str, str | None]]:
    """(connection id, team, source, name, hint) of connections needing a new token that the
    team has not been told about yet."""
    rows = session.exec(
        select(Connection).where(
            Connection.health == "needs_reauth",
            Connection.health_notified_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    return [(c.id or 0, c.team_id, c.source, c.display_name, c.health_detail) for c in rows]


def claim_announcement(session: Session, connection_id: int, now: datetime) -> bool:
    """True for the one instance that gets to tell the team (compare-and-set)."""
    table = Connection.__table__
    result = session.execute(
        update(table)
        .where(table.c.id == connection_id, table.c.health_notified_at.is_(None))
        .values(health_notified_at=now)
    )
    return bool(result.rowcount == 1)
