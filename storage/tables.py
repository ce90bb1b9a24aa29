"""The database tables. Every change here needs an Alembic migration in migrations/versions/.

Conventions: ids of Slack objects are strings as Slack gives them; timestamps are stored in
UTC as aware datetimes (SQLModel's UTCDateTime refuses naive ones); secrets are Fernet tokens (`*_enc`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, aware, in UTC: the form every timestamp column takes."""
    return datetime.now(UTC)


class Team(SQLModel, table=True):
    """A Slack workspace that installed Impact, with its installation (bot token etc.)."""

    __tablename__ = "teams"

    id: str = Field(primary_key=True, max_length=32)  # Slack team_id
    name: str = Field(default="", max_length=255)
    enterprise_id: str | None = Field(default=None, max_length=32)
    timezone: str = Field(default="UTC", max_length=64)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_token_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    bot_refresh_token_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    bot_token_expires_at: datetime | None = None
    bot_scopes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    app_id: str | None = Field(default=None, max_length=32)
    installer_user_id: str | None = Field(default=None, max_length=32)
    installed_at: datetime | None = None
    uninstalled_at: datetime | None = None
    #: Team-configurable thresholds and options, JSON (insight thresholds, minutes per reply).
    settings_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(default_factory=utcnow)


class Connection(SQLModel, table=True):
    """One connected account on one source."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "external_id", name="uq_connection_account"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="teams.id", index=True, max_length=32, ondelete="CASCADE")
    source: str = Field(max_length=32)  # instagram, ga4, csv, webhook, demo ...
    #: The platform its engagement belongs to (instagram...), None for outcome-only sources.
    platform: str | None = Field(default=None, max_length=32)
    external_id: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=255)
    credentials_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    #: ok | needs_reauth | failing | new
    health: str = Field(default="new", max_length=32)
    health_detail: str | None = Field(default=None, sa_column=Column(Text))
    #: Set when the team was told about a failure, so it is told once, not every run.
    health_notified_at: datetime | None = None
    #: The clock's lease on the next sync and the last attempt (sync, import or event).
    last_sync_at: datetime | None = None
    #: When its data was last brought up to date: the end of its last successful sync,
    #: import or event (not moved by a failed attempt, unlike `last_sync_at`).
    last_success_at: datetime | None = None
    #: Opaque per-source resume point (ISO date of the last complete day, or a cursor).
    sync_cursor: str | None = Field(default=None, max_length=255)
    #: ISO 4217 code of the money this connection reports (Stripe, Shopify, ads), None when
    #: it reports none or its amounts are in the team's currency by definition (CSV).
    currency: str | None = Field(default=None, max_length=3)
    created_at: datetime = Field(default_factory=utcnow)


class MetricPointRow(SQLModel, table=True):
    """One value of one metric for one connection on one day.

    The primary key is (team, day, connection, metric, platform): unique per connection,
    metric, platform and day (a connection belongs to one team), and in the order of the
    reads that matter ("one team, one period"). `platform` is the attribution of an outcome
    ('' = unattributed) or the connection's own platform for engagement, so one outcome
    source can carry signups from several platforms on the same day. On SQLite the table is
    WITHOUT ROWID: the key is the table, one b-tree to write instead of three. There is
    no second index (migration 0002 says why).
    """

    __tablename__ = "metric_points"
    __table_args__ = ({"sqlite_with_rowid": False},)

    team_id: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    connection_id: int = Field(primary_key=True, foreign_key="connections.id", ondelete="CASCADE")
    metric: str = Field(primary_key=True, max_length=64)
    platform: str = Field(default="", primary_key=True, max_length=32)
    value: float


class PostRow(SQLModel, table=True):
    """One published item with its lifetime metrics."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("connection_id", "external_id", name="uq_post"),
        Index("ix_posts_team_published", "team_id", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = Field(foreign_key="connections.id", ondelete="CASCADE")
    team_id: str = Field(max_length=32)
    platform: str = Field(max_length=32)
    external_id: str = Field(max_length=255)
    published_at: datetime
    permalink: str | None = Field(default=None, sa_column=Column(Text))
    title: str | None = Field(default=None, sa_column=Column(Text))
    impressions: int = 0
    reach: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    link_clicks: int = 0
    outcomes: float = 0.0
    updated_at: datetime = Field(default_factory=utcnow)


class CustomMetric(SQLModel, table=True):
    """A metric name outside the catalogue that a team declared (CSV `kind` column)."""

    __tablename__ = "custom_metrics"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_custom_metric"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="teams.id", max_length=32, ondelete="CASCADE")
    name: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # exposure | engagement | outcome


class Goal(SQLModel, table=True):
    """A target a team set, in the channel it was set in."""

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_team_channel", "team_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="teams.id", max_length=32, ondelete="CASCADE")
    channel_id: str = Field(default="", max_length=32)
    metric: str = Field(max_length=64)
    platform: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=16)  # relative | absolute | rate
    direction: str = Field(default="increase", max_length=16)  # increase | reduce
    target: float
    baseline: float | None = None
    start_date: date
    deadline: date
    owner_user_id: str | None = Field(default=None, max_length=32)
    source_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    #: The Slack message the goal was set from (thread reply ts), for Undo and dedupe.
    source_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class DigestSchedule(SQLModel, table=True):
    """A weekly digest in one channel: day, time and IANA time zone."""

    __tablename__ = "digest_schedules"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_schedule_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="teams.id", max_length=32, ondelete="CASCADE")
    channel_id: str = Field(max_length=32)
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    timezone: str = Field(default="UTC", max_length=64)
    #: Quiet: post nothing for an empty week instead of the short "nothing changed" message.
    quiet: bool = False
    enabled: bool = True
    created_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime = Field(default_factory=utcnow)


class DigestRun(SQLModel, table=True):
    """The claim of one digest: (team, channel, ISO week) is posted at most once."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "week", name="uq_digest_run"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="teams.id", max_length=32, ondelete="CASCADE")
    channel_id: str = Field(max_length=32)
    week: str = Field(max_length=10)  # 2026-W46
    #: claimed | posted | failed | skipped
    status: str = Field(default="claimed", max_length=16)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=128)
    claimed_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime | None = None
    posted_at: datetime | None = None
    message_ts: str | None = Field(default=None, max_length=32)
    late: bool = False
    error: str | None = Field(default=None, sa_column=Column(Text))


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids already handled, so retries never act twice (shared by replicas)."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True, max_length=128)
    team_id: str | None = Field(default=None, max_length=32)
    received_at: datetime = Field(default_factory=utcnow, index=True)


class OAuthState(SQLModel, table=True):
    """One-time `state` values of OAuth flows (Slack install, platform connect)."""

    __tablename__ = "oauth_states"

    state: str = Field(primary_key=True, max_length=128)
    purpose: str = Field(default="slack", max_length=32)  # slack | <source>
    team_id: str | None = Field(default=None, max_length=32)
    user_id: str | None = Field(default=None, max_length=32)
    expires_at: datetime
    # platform connect: where the command was run, and (encrypted) the accounts the login
    # can reach while the user picks one
    channel_id: str | None = Field(default=None, max_length=32)
    response_url: str | None = Field(default=None, max_length=1024)
    payload_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class OutcomeFeed(SQLModel, table=True):
    """A signed webhook feed of outcome events for a team (`/webhooks/outcomes/<slug>`)."""

    __tablename__ = "outcome_feeds"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    team_id: str = Field(foreign_key="teams.id", max_length=32, ondelete="CASCADE")
    connection_id: int = Field(foreign_key="connections.id", ondelete="CASCADE")
    secret_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class OutcomeEvent(SQLModel, table=True):
    """One outcome event received on a feed; unique on (feed, id) so replays change nothing."""

    __tablename__ = "outcome_events"
    __table_args__ = (UniqueConstraint("feed_id", "external_id", name="uq_outcome_event"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="outcome_feeds.id", ondelete="CASCADE")
    external_id: str = Field(max_length=255)
    metric: str = Field(max_length=64)
    platform: str = Field(default="", max_length=32)
    day: date
    value: float
    received_at: datetime = Field(default_factory=utcnow)
