"""What a sync reads and writes: its connection's credentials and cursor, each chunk's points
with the cursor in one transaction, the money source's currency, and the lease on
`last_sync_at` that lets one scheduler of many sync a connection."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from bot.core.model import MetricPoint
from storage.metrics import store_points
from storage.tables import Connection, Team


@dataclass(frozen=True, slots=True)
class SyncTarget:
    """A connection as its sync starts: the credentials stay encrypted (and out of `repr`)."""

    source: str
    display_name: str
    external_id: str
    sync_cursor: str | None
    credentials_enc: bytes | None = field(repr=False)


def sync_target(session: Session, connection_id: int) -> SyncTarget | None:
    row = session.get(Connection, connection_id)
    if row is None:
        return None
    return SyncTarget(
        row.source, row.display_name, row.external_id, row.sync_cursor, row.credentials_enc
    )


def synced_ids(session: Session, team_id: str, source: str | None = None) -> list[int]:
    """The team's connections (of one source when given) that have credentials, in order."""
    query = select(Connection).where(
        Connection.team_id == team_id,
        Connection.credentials_enc.is_not(None),  # type: ignore[union-attr]
    )
    if source:
        query = query.where(Connection.source == source)
    return [c.id for c in session.exec(query.order_by(Connection.id)) if c.id is not None]


def renew_credentials(session: Session, connection_id: int, credentials_enc: bytes) -> None:
    row = session.get(Connection, connection_id)
    if row is not None:
        row.credentials_enc = credentials_enc


def store_chunk(
    session: Session, connection_id: int, points: Iterable[MetricPoint], through: date
) -> int:
    """Upsert a chunk's points and move the cursor to `through` (never back): in the
    caller's transaction, so an interrupted sync resumes with no gap. Returns rows sent."""
    sent = store_points(session, connection_id, points)
    row = session.get(Connection, connection_id)
    assert row is not None
    if not row.sync_cursor or through.isoformat() > row.sync_cursor:
        row.sync_cursor = through.isoformat()
    return sent


def adopt_currency(session: Session, connection_id: int, currency: str) -> str | None:
    """Record the money source's currency on its connection, and as the team's when it has
    none. The team's currency when it is another one (nothing is converted), else None."""
    row = session.get(Connection, connection_id)
    team = session.get(Team, row.team_id) if row else None
    if row is None or team is None:
        return None
    row.currency = currency.upper()  # the digest keeps another currency's money apart
    stored = json.loads(team.settings_json or "{}")
    if not isinstance(stored, dict):
        return None
    if not stored.get("currency"):
        team.settings_json = json.dumps({**stored, "currency": currency})
    elif str(stored["currency"]).upper() != currency.upper():
        return str(stored["currency"])
    return None


def lease_candidates(session: Session) -> list[tuple[int, datetime | None]]:
    """(id, last_sync_at) of the connections the clock syncs: with credentials, not waiting
    for a new token."""
    rows = session.exec(
        select(Connection).where(
            Connection.credentials_enc.is_not(None),  # type: ignore[union-attr]
            Connection.health != "needs_reauth",
        )
    ).all()
    return [(c.id, c.last_sync_at) for c in rows if c.id is not None]


def take_lease(session: Session, connection_id: int, last: datetime | None, now: datetime) -> bool:
    """Set `last_sync_at` to `now` if it is still `last` (compare-and-set): True for the
    one instance that won the connection's sync."""
    table = Connection.__table__
    condition = table.c.last_sync_at.is_(None) if last is None else table.c.last_sync_at == last
    result = session.execute(
        update(table).where(table.c.id == connection_id, condition).values(last_sync_at=now)
    )
    return bool(result.rowcount == 1)
