"""Connections of a team: list with health and last sync."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.bootstrap import Runtime
from bot.core.model import ConnectionState, Credentials
from bot.core.replies import ConnectionInfo
from bot.services.sync import source_config
from integrations.registry import connector_for
from storage import teams
from storage.connections import connection_states, ensure_connection, save_credentials
from storage.db import Engine, session_scope

HINTS = {
    "needs_reauth": "access expired: run `/impact connect {source}`",
    "failing": "the last sync failed; Impact retries at the next sync",
}


def list_connections(engine: Engine, team_id: str) -> list[ConnectionInfo]:
    with session_scope(engine) as session:
        rows = connection_states(session, team_id)
    return [
        ConnectionInfo(
            id=c.id or 0,
            source=c.source,
            name=c.display_name or c.external_id,
            health=fresh_health(c),
            last_sync=day.isoformat() if (day := freshness_day(c)) else None,
            hint=c.health_detail or HINTS.get(c.health, "").format(source=c.source) or None,
        )
        for c in rows
    ]


def freshness_day(connection: ConnectionState) -> date | None:
    """The day of the connection's latest data: its last sync, import (CSV) or event
    (webhook). CSV connections imported before import times were kept count from the day
    their first import created them."""
    moment = connection.last_success_at
    if moment is None and connection.source == "csv":
        moment = connection.created_at
    return moment.date() if moment else None


def fresh_health(connection: ConnectionState) -> str:
    """The connection's health; a CSV connection is `ok` once anything was imported into it
    (an import either writes the whole file or nothing)."""
    return "ok" if connection.source == "csv" and connection.health == "new" else connection.health


def connect(
    runtime: Runtime, team_id: str, source: str, credentials: dict[str, Any]
) -> ConnectionInfo:
    """Check the credentials with the source, then store them encrypted on the team's
    connection for that account (created, or updated when it exists)."""
    renewed: dict[str, Any] = {}  # a connector that renewed its token at the check
    connector = connector_for(
        source, source_config(runtime.settings, source, renewed=renewed.update)
    )
    account = connector.check(Credentials(credentials))
    credentials = {**credentials, **renewed}
    vault = runtime.require_vault()
    with session_scope(runtime.engine) as session:
        teams.ensure(session, team_id)
        connection_id = ensure_connection(
            session,
            team_id,
            source,
            account.external_id,
            platform=connector.platform,
            display_name=account.display_name,
        )
        save_credentials(session, connection_id, vault.encrypt(credentials), account.display_name)
        return ConnectionInfo(connection_id, source, account.display_name, "new", None)
