"""Core values shared by every layer. Plain frozen dataclasses: no ORM, no I/O."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive range of days: `start` and `end` both belong to it."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"date range ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __iter__(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def cover(self, other: DateRange) -> DateRange:
        """The smallest range holding both (and any days between them)."""
        return DateRange(min(self.start, other.start), max(self.end, other.end))

    def chunks(self, max_days: int) -> Iterator[DateRange]:
        """Split into consecutive ranges of at most `max_days` days (API range limits)."""
        cursor = self.start
        while cursor <= self.end:
            stop = min(self.end, cursor + timedelta(days=max_days - 1))
            yield DateRange(cursor, stop)
            cursor = stop + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """One value of one metric on one day.

    `platform` is the platform the value belongs to: the connection's own platform for
    exposure and engagement, the attribution for outcomes (`None` = unattributed).
    """

    metric: str
    day: date
    value: float
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class PostRecord:
    """One published item with its lifetime metrics."""

    external_id: str
    platform: str
    published_at: datetime
    permalink: str | None = None
    title: str | None = None
    impressions: int = 0
    reach: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    link_clicks: int = 0
    #: Outcomes attributed to this post (UTM or the platform), when a source knows them.
    outcomes: float = 0.0

    @property
    def interactions(self) -> int:
        return self.reactions + self.comments + self.shares + self.saves


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """Who a set of credentials belongs to, as the source says."""

    external_id: str
    display_name: str
    platform: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """A connection's secrets. Never printed: `repr` hides the values."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __repr__(self) -> str:
        return f"Credentials({', '.join(sorted(self.values))}: ***)"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class SlackInstall:
    """A workspace's (or an org's) Slack installation: who installed, the bot and its tokens.

    `team_id` is the key it is stored under (the org for an org-wide install). The tokens are
    plain text here and never printed: `repr` leaves them out.
    """

    team_id: str
    name: str = ""
    enterprise_id: str | None = None
    app_id: str | None = None
    bot_user_id: str | None = None
    bot_id: str | None = None
    bot_scopes: str = ""
    installer_user_id: str | None = None
    bot_token: str | None = field(default=None, repr=False)
    bot_refresh_token: str | None = field(default=None, repr=False)
    bot_token_expires_at: datetime | None = None
    installed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """A connected account as the team sees it: its health and when data last arrived.

    `health` is `ok`, `needs_reauth`, `failing` or `new`; `health_detail` is what the last
    failure said; `last_success_at` is when data last came in: the end of the last sync that
    finished, import or event (None before any; a failed attempt does not move it)."""

    id: int
    source: str
    external_id: str
    display_name: str
    health: str
    health_detail: str | None
    last_success_at: datetime | None
    created_at: datetime | None
