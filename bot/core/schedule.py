"""When a weekly digest is due, which week it covers, and how long to wait before a retry.

Pure: the clock is an argument. Times are aware datetimes; schedules live in IANA zones, so
a Monday 09:00 Berlin digest fires at 09:00 Berlin time on both sides of a daylight-saving
switch (07:00 or 08:00 UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.core.commands import WEEKDAYS
from bot.core.periods import IsoWeek, digest_week, zone

#: A run this long after its time is "late" and says so.
LATE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Slot:
    """A weekly time: weekday (0 = Monday), hour and minute in an IANA time zone."""

    weekday: int
    hour: int
    minute: int
    timezone: str


@dataclass(frozen=True, slots=True)
class ScheduleInfo:
    """A channel's weekly digest as people set it: day (0 = Monday), time, IANA time zone,
    and whether quiet weeks are skipped."""

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


def _at(day: date, slot: Slot) -> datetime:
    """The instant of `slot` on local `day`; a time skipped by a DST jump moves forward."""
    tz = zone(slot.timezone)
    local = datetime.combine(day, time(slot.hour, slot.minute), tzinfo=tz)
    # a nonexistent local time (spring forward) comes back from UTC an hour later: use that
    return local.astimezone(UTC)


def last_fire(slot: Slot, now: datetime) -> datetime:
    """The latest scheduled instant at or before `now`."""
    local_today = now.astimezone(zone(slot.timezone)).date()
    back = (local_today.weekday() - slot.weekday) % 7
    candidate = _at(local_today - timedelta(days=back), slot)
    if candidate > now:
        candidate = _at(local_today - timedelta(days=back + 7), slot)
    return candidate


def next_fire(slot: Slot, now: datetime) -> datetime:
    """The first scheduled instant strictly after `now`."""
    local_today = now.astimezone(zone(slot.timezone)).date()
    ahead = (slot.weekday - local_today.weekday()) % 7
    candidate = _at(local_today + timedelta(days=ahead), slot)
    if candidate <= now:
        candidate = _at(local_today + timedelta(days=ahead + 7), slot)
    return candidate


def week_of_run(slot: Slot, fired_at: datetime) -> IsoWeek:
    """The digest week of a run: the last complete week in the schedule's zone."""
    return digest_week(fired_at, slot.timezone)


def due(slot: Slot, now: datetime, grace: timedelta) -> tuple[datetime, bool] | None:
    """The run that should exist by `now`, if still inside the grace period, and whether it
    is late. None when the last scheduled time is older than the grace period."""
    fired = last_fire(slot, now)
    waited = now - fired
    if waited > grace:
        return None
    return fired, waited > LATE_AFTER


def backoff(attempt: int, base_seconds: float = 30.0, cap_seconds: float = 3600.0) -> timedelta:
    """Wait before retry number `attempt` (1, 2, ...): 30 s, 1 min, 2 min... capped at 1 h."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))
