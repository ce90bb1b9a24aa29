"""Digest schedules: one per channel, a weekday, a time and an IANA time zone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.core.commands import WEEKDAYS
from bot.core.errors import UsageError
from bot.core.periods import zone
from storage.db import session_scope
from storage.metrics import ensure_team, insert_if_absent
from storage.tables import DigestSchedule, utcnow


@dataclass(frozen=True, slots=True)
class ScheduleInfo:
    team_id: str
    channel_id: str
    weekday: int
    hour: int
    minute: int
    timezone: str
    quiet: bool

    def describe(self) -> str:
        quiet = " (quiet weeks are skipped)" if self.quiet else ""
        return (
            f"every {WEEKDAYS[self.weekday].capitalize()} at {self.hour:02d}:{self.minute:02d} "
            f"{self.timezone}{quiet}"
        )


def _info(row: DigestSchedule) -> ScheduleInfo:
    return ScheduleInfo(
        row.team_id, row.channel_id, row.weekday, row.hour, row.minute, row.timezone, row.quiet
    )


def set_schedule(
    engine: Engine,
    *,
    team_id: str,
    channel_id: str,
    weekday: int,
    hour: int,
    minute: int,
    timezone: str,
    quiet: bool = False,
    user_id: str | None = None,
) -> ScheduleInfo:
    """Create or replace the channel's schedule. UsageError for a bad day, time or zone."""
    zone(timezone)  # raises UsageError with an example
    if not (0 <= weekday <= 6 and 0 <= hour <= 23 and 0 <= minute <= 59):
        raise UsageError("That is not a day and time I can schedule.", "e.g. monday 09:00")
    with session_scope(engine) as session:
        ensure_team(session, team_id)
        query = select(DigestSchedule).where(
            DigestSchedule.team_id == team_id, DigestSchedule.channel_id == channel_id
        )
        row = session.exec(query).first()
        if row is None:  # insert-if-absent: two replicas may schedule a new channel at once
            insert_if_absent(
                session,
                DigestSchedule(
                    team_id=team_id,
                    channel_id=channel_id,
                    weekday=weekday,
                    hour=hour,
                    minute=minute,
                    timezone=timezone,
                ),
                ("team_id", "channel_id"),
            )
            row = session.exec(query.execution_options(populate_existing=True)).one()
        row.weekday, row.hour, row.minute = weekday, hour, minute
        row.timezone, row.quiet, row.enabled = timezone, quiet, True
        row.created_by, row.updated_at = user_id, utcnow()
        session.flush()
        return _info(row)


def _enabled(session: Any, team_id: str, channel_id: str) -> DigestSchedule | None:
    return session.exec(
        select(DigestSchedule).where(
            DigestSchedule.team_id == team_id,
            DigestSchedule.channel_id == channel_id,
            DigestSchedule.enabled.is_(True),  # type: ignore[attr-defined]
        )
    ).first()


def clear_schedule(engine: Engine, team_id: str, channel_id: str) -> bool:
    """Stop the channel's weekly digest; False when there was none."""
    with session_scope(engine) as session:
        row = _enabled(session, team_id, channel_id)
        if row is None:
            return False
        row.enabled, row.updated_at = False, utcnow()
        return True


def get_schedule(engine: Engine, team_id: str, channel_id: str) -> ScheduleInfo | None:
    with session_scope(engine) as session:
        row = _enabled(session, team_id, channel_id)
        return _info(row) if row else None


def list_schedules(engine: Engine, team_id: str | None = None) -> list[ScheduleInfo]:
    """Enabled schedules of one team, or of every team."""
    with session_scope(engine) as session:
        query = select(DigestSchedule).where(DigestSchedule.enabled.is_(True))  # type: ignore[attr-defined]
        if team_id is not None:
            query = query.where(DigestSchedule.team_id == team_id)
        return [_info(r) for r in session.exec(query.order_by(DigestSchedule.id))]
