"""Build the weekly digest of one team and channel from the database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core import catalogue
from bot.core.digest import ConnectionLine, Digest, compose_digest
from bot.core.insights import Thresholds
from bot.core.model import DateRange, PostRecord
from bot.core.periods import IsoWeek, last_complete_week, local_date
from bot.core.weekly import weekly_series
from bot.services.goals import goal_line
from storage import goals as goal_store
from storage.db import session_scope
from storage.metrics import custom_kinds
from storage.tables import Connection, PostRow, Team
from storage.weekly import daily_totals

HISTORY_WEEKS = 12
HEALTH_HINTS = {
    "needs_reauth": "access expired, run `/impact connect {source}`",
    "failing": "the last sync failed; Impact retries at the next sync",
}


def default_week(engine: Engine, team_id: str, now_utc) -> IsoWeek:  # type: ignore[no-untyped-def]
    """The last complete week in the team's time zone."""
    with session_scope(engine) as session:
        team = session.get(Team, team_id)
        tz = team.timezone if team else "UTC"
    return last_complete_week(local_date(now_utc, tz))


def build_digest(engine: Engine, *, team_id: str, channel_id: str | None, week: IsoWeek) -> Digest:
    """The digest of `week`, evaluated as of the Monday after it, so that the same data
    always gives the same digest. `channel_id` None takes every goal of the team."""
    as_of = week.end + timedelta(days=1)
    days = DateRange(week.shift(-HISTORY_WEEKS).start, week.end)
    with session_scope(engine) as session:
        team = session.get(Team, team_id)
        settings = json.loads(team.settings_json) if team else {}
        series = weekly_series(daily_totals(session, team_id, days))
        posts = _posts(session, team_id, week)
        goals = [
            goal_line(session, g, as_of)
            for g in goal_store.active_goals(session, team_id, channel_id)
        ]
        connections = _connections(session, team_id)
        custom = [
            n for n, k in custom_kinds(session, team_id).items() if k is catalogue.Kind.OUTCOME
        ]
    return compose_digest(
        team=team_id,
        channel=channel_id or "",
        week=week,
        series=series,
        posts=posts,
        goals=goals,
        connections=connections,
        thresholds=Thresholds.from_settings(settings.get("thresholds", {})),
        custom_outcomes=custom,
    )


def _posts(session: Session, team_id: str, week: IsoWeek) -> list[PostRecord]:
    start = datetime.combine(week.start, time.min, tzinfo=UTC)
    end = datetime.combine(week.end + timedelta(days=1), time.min, tzinfo=UTC)
    rows = session.exec(
        select(PostRow).where(
            PostRow.team_id == team_id, PostRow.published_at >= start, PostRow.published_at < end
        )
    )
    return [
        PostRecord(
            external_id=r.external_id,
            platform=r.platform,
            published_at=r.published_at,
            permalink=r.permalink,
            title=r.title,
            impressions=r.impressions,
            reach=r.reach,
            reactions=r.reactions,
            comments=r.comments,
            shares=r.shares,
            saves=r.saves,
            clicks=r.clicks,
            link_clicks=r.link_clicks,
            outcomes=r.outcomes,
        )
        for r in rows
    ]


def _connections(session: Session, team_id: str) -> list[ConnectionLine]:
    rows = session.exec(
        select(Connection).where(Connection.team_id == team_id).order_by(Connection.id)
    )
    lines = []
    for c in rows:
        hint = HEALTH_HINTS.get(c.health, "").format(source=c.source) or None
        if c.health == "failing" and c.health_detail:
            hint = c.health_detail
        last = c.last_sync_at.date() if c.last_sync_at else None
        lines.append(
            ConnectionLine(c.display_name or c.external_id, c.source, c.health, last, hint)
        )
    return lines


def today_in(engine: Engine, team_id: str, now_utc) -> date:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        team = session.get(Team, team_id)
        return local_date(now_utc, team.timezone if team else "UTC")
