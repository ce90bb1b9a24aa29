"""Teams: which exist, their time zone, their bot token (encrypted), event ids seen."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from storage.metrics import ensure_team, insert_if_absent
from storage.tables import Goal, MetricPointRow, PostRow, ProcessedEvent, Team


def team_ids(session: Session) -> list[str]:
    """Every team's id, in order."""
    return list(session.exec(select(Team.id).order_by(Team.id)))


def installed_bot_token(session: Session, team_id: str) -> bytes | None:
    """The team's bot token as stored (encrypted), or None when it has none or uninstalled
    Impact."""
    team = session.get(Team, team_id)
    if team is not None and team.bot_token_enc and team.uninstalled_at is None:
        return team.bot_token_enc
    return None


def team_timezone(session: Session, team_id: str) -> str:
    """The team's IANA time zone; UTC for a team not seen yet."""
    team = session.get(Team, team_id)
    return team.timezone if team else "UTC"


def ensure(session: Session, team_id: str, name: str = "", timezone: str | None = None) -> None:
    """Create the team when new (insert-if-absent), filling its name and time zone when
    given and not set yet."""
    ensure_team(session, team_id, name, timezone)


def ensure_team_timezone(session: Session, team_id: str, name: str = "") -> str:
    """Create the team when new (named when `name` is given and it has none); its time zone."""
    return ensure_team(session, team_id, name).timezone


def installer(session: Session, team_id: str) -> str | None:
    """The Slack user who installed Impact in the team, when known."""
    team = session.get(Team, team_id)
    return team.installer_user_id if team else None


def event_seen(session: Session, event_id: str) -> bool:
    return session.get(ProcessedEvent, event_id) is not None


def record_event(session: Session, event_id: str, team_id: str | None) -> bool:
    """Insert-if-absent: True when this call recorded the id, False when it was there."""
    return insert_if_absent(
        session, ProcessedEvent(event_id=event_id, team_id=team_id), ("event_id",)
    )


def forget_events_before(session: Session, moment: datetime) -> None:
    session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < moment))


def team_settings(session: Session, team_id: str) -> dict[str, Any]:
    """The team's own settings (thresholds, currency, country...); {} for a new team."""
    team = session.get(Team, team_id)
    return json.loads(team.settings_json) if team and team.settings_json else {}


def settings_json(session: Session, team_id: str) -> str | None:
    """The team's settings as stored (JSON text); None for a team not seen yet."""
    team = session.get(Team, team_id)
    return team.settings_json if team else None


def lock_settings_json(session: Session, team_id: str) -> str:
    """The team's settings as stored (JSON text), its row locked until the transaction ends
    so that two changes at once both land; the team is created when new."""
    team = session.get(Team, team_id, with_for_update=True, populate_existing=True) or ensure_team(
        session, team_id
    )
    return team.settings_json


def save_settings_json(session: Session, team_id: str, settings_json: str) -> None:
    """Replace the team's settings (JSON text); the team must exist (`lock_settings_json`)."""
    team = session.get(Team, team_id)
    assert team is not None, "lock_settings_json first"
    team.settings_json = settings_json


def forget_data(session: Session, team_id: str) -> None:
    """Delete the team's metric points, posts and goals (its connections stay)."""
    for table in (MetricPointRow, PostRow, Goal):
        session.execute(delete(table).where(table.team_id == team_id))  # type: ignore[arg-type]
