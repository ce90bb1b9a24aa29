"""Digest schedules: one per channel, a weekday, a time and an IANA time zone."""

from __future__ import annotations

from bot.core.errors import UsageError
from bot.core.periods import zone
from bot.core.schedule import ScheduleInfo
from storage import schedules
from storage.db import Engine, session_scope

__all__ = ["ScheduleInfo", "clear_schedule", "get_schedule", "list_schedules", "set_schedule"]


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
    wanted = ScheduleInfo(team_id, channel_id, weekday, hour, minute, timezone, quiet)
    with session_scope(engine) as session:
        return schedules.save_schedule(session, wanted, user_id)


def clear_schedule(engine: Engine, team_id: str, channel_id: str) -> bool:
    """Stop the channel's weekly digest; False when there was none."""
    with session_scope(engine) as session:
        return schedules.disable_schedule(session, team_id, channel_id)


def get_schedule(engine: Engine, team_id: str, channel_id: str) -> ScheduleInfo | None:
    with session_scope(engine) as session:
        return schedules.enabled_schedule(session, team_id, channel_id)


def list_schedules(engine: Engine, team_id: str | None = None) -> list[ScheduleInfo]:
    """Enabled schedules of one team, or of every team."""
    with session_scope(engine) as session:
        return schedules.enabled_schedules(session, team_id)
