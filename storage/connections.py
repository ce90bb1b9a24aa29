"""Connected accounts, out as core values (their credentials stay here)."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.core.model import ConnectionState
from storage.tables import Connection, utcnow


def connection_states(session: Session, team_id: str) -> list[ConnectionState]:
    """The team's connections in the order they were made."""
    rows = session.exec(
        select(Connection).where(Connection.team_id == team_id).order_by(Connection.id)
    )
    return [
        ConnectionState(
            id=c.id or 0,
            source=c.source,
            external_id=c.external_id,
            display_name=c.display_name,
            health=c.health,
            health_detail=c.health_detail,
            last_sync_at=c.last_sync_at,
            created_at=c.created_at,
        )
        for c in rows
    ]


def mark_synced(connection: Connection) -> None:
    """The connection is healthy and its data fresh as of now."""
    connection.health = "ok"
    connection.health_detail = None
    connection.last_sync_at = utcnow()
