"""Teams: which exist, their time zone, their bot token (encrypted), event ids seen."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.tables import Team


def team_ids(session: Session) -> list[str]:
    """Every team's id, in order."""
    return list(session.exec(select(Team.id).order_by(Team.id)))
