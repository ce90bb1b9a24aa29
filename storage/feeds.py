"""Outcome webhook feeds and their events: a feed's day total is the sum of its events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.errors import ImpactError
from bot.core.model import MetricPoint
from storage.metrics import upsert_points
from storage.tables import Connection, OutcomeEvent, OutcomeFeed, utcnow


class DuplicateEvent(ImpactError):
    """The feed already has an event with this id: a replay, which changes nothing. The
    transaction it was raised in must be rolled back (`session_scope` does)."""

    def __init__(self, feed_id: int, external_id: str) -> None:
        super().__init__(f"feed {feed_id} already has event {external_id!r}")


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed as a delivery needs it; the secret stays encrypted (and out of `repr`)."""

    id: int
    team_id: str
    connection_id: int
    secret_enc: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One delivered event: `platform` is "" when unattributed."""

    external_id: str
    metric: str
    platform: str
    day: date
    value: float


def add_feed(
    session: Session, slug: str, team_id: str, connection_id: int, secret_enc: bytes
) -> None:
    """A new feed writing into the connection `connection_id` (made healthy: a feed is
    ready at once)."""
    connection = session.get(Connection, connection_id)
    assert connection is not None, f"no connection {connection_id}"
    connection.health = "ok"
    session.add(
        OutcomeFeed(
            slug=slug,
            team_id=team_id,
            connection_id=connection_id,
            secret_enc=secret_enc,
        )
    )


def feed_by_slug(session: Session, slug: str) -> Feed | None:
    row = session.execute(
        select(OutcomeFeed).where(OutcomeFeed.slug == slug.lower())
    ).scalar_one_or_none()
    return Feed(row.id or 0, row.team_id, row.connection_id, row.secret_enc) if row else None


def store_event(session: Session, feed: Feed, event: FeedEvent) -> None:
    """Keep the event and rewrite its day's point as the sum of the day's events; the
    connection's freshness becomes now. A replay (same feed and id) raises DuplicateEvent."""
    # one delivery of a feed at a time sums the day: replicas storing events of the
    # same day at once each saw only their own and the last total written won
    # (a no-op on SQLite, where writers are serialised anyway)
    session.execute(select(OutcomeFeed.id).where(OutcomeFeed.id == feed.id).with_for_update())
    session.add(
        OutcomeEvent(
            feed_id=feed.id,
            external_id=event.external_id,
            metric=event.metric,
            platform=event.platform,
            day=event.day,
            value=event.value,
        )
    )
    try:
        session.flush()
    except IntegrityError as err:  # uq_outcome_event: this feed has stored this id already
        raise DuplicateEvent(feed.id, event.external_id) from err
    total = session.execute(
        select(func.sum(OutcomeEvent.value)).where(
            OutcomeEvent.feed_id == feed.id,
            OutcomeEvent.metric == event.metric,
            OutcomeEvent.platform == event.platform,
            OutcomeEvent.day == event.day,
        )
    ).scalar_one()
    connection = session.get(Connection, feed.connection_id)
    assert connection is not None
    # the feed's freshness: its last event
    connection.last_sync_at = connection.last_success_at = utcnow()
    upsert_points(
        session,
        connection,
        [MetricPoint(event.metric, event.day, float(total), event.platform or None)],
    )
