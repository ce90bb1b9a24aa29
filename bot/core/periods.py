"""Period arithmetic: ISO weeks, the digest week, labels. Pure: `today`/`now` are arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import UsageError
from bot.core.model import DateRange

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    """An ISO-8601 week: Monday to Sunday."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """`2026-W46` (or `2026W46`) -> IsoWeek; UsageError naming the expected form."""
        match = _WEEK.match(text)
        if not match:
            raise UsageError(f"'{text}' is not an ISO week.", "Write it like 2026-W46.")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise UsageError(f"{year} has no week {week}.", "Write it like 2026-W46.") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def days(self) -> DateRange:
        return DateRange(self.start, self.end)

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.containing(self.start + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def label(self) -> str:
        """`Nov 9–15`, or `Oct 27–Nov 2` across a month, or `Dec 29–Jan 4, 2026` across a year."""
        return range_label(self.start, self.end)


def range_label(start: date, end: date) -> str:
    if start.year != end.year:
        return f"{start:%b} {start.day}–{end:%b} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{start:%b} {start.day}–{end:%b} {end.day}"
    return f"{start:%b} {start.day}–{end.day}"


def zone(name: str) -> ZoneInfo:
    """An IANA time zone; UsageError with an example when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"'{name}' is not a time zone I know.",
            "Use an IANA name such as Europe/Berlin or America/New_York.",
        ) from None


def local_date(now: datetime, tz: str) -> date:
    """The calendar date at aware instant `now` in time zone `tz`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone(tz)).date()


def last_complete_week(today: date) -> IsoWeek:
    """The digest week: the last Monday–Sunday that has fully ended before `today` began."""
    return IsoWeek.containing(today - timedelta(days=7))


def digest_week(now: datetime, tz: str) -> IsoWeek:
    """The last complete week in time zone `tz` at instant `now`."""
    return last_complete_week(local_date(now, tz))


def weeks_before(week: IsoWeek, count: int) -> list[IsoWeek]:
    """The `count` weeks just before `week`, oldest first."""
    return list(_trailing(week, count + 1)[:-1])


def trailing_weeks(week: IsoWeek, count: int) -> list[IsoWeek]:
    """`count` weeks ending with `week` (included), oldest first."""
    return list(_trailing(week, count))


@lru_cache(maxsize=4096)
def _trailing(week: IsoWeek, count: int) -> tuple[IsoWeek, ...]:
    return tuple(week.shift(-offset) for offset in range(count - 1, -1, -1))


def period_ranges(period: str, today: date) -> tuple[DateRange, DateRange]:
    """(current, previous) day ranges of a `/impact metrics` period, ending yesterday:
    `7d`/`30d`/`90d` rolling, `week` the last complete ISO week, `month` the last complete
    calendar month; `previous` is the range of the same length just before."""
    if period in ("7d", "30d", "90d"):
        days = int(period[:-1])
        end = today - timedelta(days=1)
        current = DateRange(end - timedelta(days=days - 1), end)
        before = DateRange(current.start - timedelta(days=days), current.start - timedelta(days=1))
        return current, before
    if period == "week":
        week = last_complete_week(today)
        return week.days, week.shift(-1).days
    if period == "month":
        end = today.replace(day=1) - timedelta(days=1)
        current = DateRange(end.replace(day=1), end)
        prev_end = current.start - timedelta(days=1)
        return current, DateRange(prev_end.replace(day=1), prev_end)
    raise UsageError(f"'{period}' is not a period.", "Use 7d, 30d, 90d, week or month.")
