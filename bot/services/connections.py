"""Connections of a team: list with health and last sync."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.core.replies import ConnectionInfo
from storage.db import session_scope
from storage.tables import Connection

HINTS = {
    "needs_reauth": "access expired: run `/impact connect {source}`",
    "failing": "the last sync failed; Impact retries at the next sync",
}


def list_connections(engine: Engine, team_id: str) -> list[ConnectionInfo]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(Connection).where(Connection.team_id == team_id).order_by(Connection.id)
        )
        return [
            ConnectionInfo(
                id=c.id or 0,
                source=c.source,
                name=c.display_name or c.external_id,
                health=c.health,
                last_sync=c.last_sync_at.date().isoformat() if c.last_sync_at else None,
                hint=c.health_detail or HINTS.get(c.health, "").format(source=c.source) or None,
            )
            for c in rows
        ]
