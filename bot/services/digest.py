"""Build the weekly digest of one team and channel from the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from bot.core.digest import SERIES_WEEKS, ApartMoney, ConnectionLine, Digest, compose_digest
from bot.core.insights import Thresholds
from bot.core.model import ConnectionState, DateRange
from bot.core.money import DEFAULT_CURRENCY
from bot.core.periods import IsoWeek, last_complete_week, local_date
from bot.core.progress import MET, OFF_TRACK
from bot.core.weekly import weekly_series
from bot.services.connections import fresh_health, freshness_day
from bot.services.goals import goal_line
from storage import goals as goal_store
from storage import teams
from storage.connections import connection_states
from storage.db import Engine, Session, session_scope
from storage.metrics import custom_kinds
from storage.posts import posts_published
from storage.weekly import Apart, apart_money, apart_totals, daily_totals

HEALTH_HINTS = {
    "needs_reauth": "access expired, run `/impact connect {source}`",
    "failing": "the last sync failed; Impact retries at the next sync",
}


def default_week(engine: Engine, team_id: str, now_utc) -> IsoWeek:  # type: ignore[no-untyped-def]
    """The last complete week in the team's time zone."""
    with session_scope(engine) as session:
        tz = teams.team_timezone(session, team_id)
    return last_complete_week(local_date(now_utc, tz))


def build_digest(engine: Engine, *, team_id: str, channel_id: str | None, week: IsoWeek) -> Digest:
    """The digest of `week`, evaluated as of the Monday after it, so that the same data
    always gives the same digest. `channel_id` None takes every goal of the team."""
    as_of = week.end + timedelta(days=1)
    days = DateRange(week.shift(-SERIES_WEEKS).start, week.end)
    with session_scope(engine) as session:
        settings = teams.team_settings(session, team_id)
        apart = apart_money(session, team_id)
        series = weekly_series(daily_totals(session, team_id, days, apart=apart))
        apart_lines = _apart_lines(session, team_id, apart, week) if apart else []
        posts = posts_published(
            session,
            team_id,
            datetime.combine(week.start, time.min, tzinfo=UTC),
            datetime.combine(week.end + timedelta(days=1), time.min, tzinfo=UTC),
        )
        goals = []
        for g in goal_store.active_goals(session, team_id, channel_id):
            line = goal_line(session, g, as_of)
            # The week before matters only for a goal event: met, or newly off track.
            eventful = line.evaluation.status in (MET, OFF_TRACK) and g.start_date < week.start
            before = goal_line(session, g, week.start) if eventful else None
            goals.append(
                replace(line, previous_status=before.evaluation.status if before else None)
            )
        connections = _connection_lines(connection_states(session, team_id))
        kinds = custom_kinds(session, team_id)
    return compose_digest(
        team=team_id,
        channel=channel_id or "",
        week=week,
        series=series,
        posts=posts,
        goals=goals,
        connections=connections,
        thresholds=team_thresholds(settings),
        custom_kinds=kinds,
        currency=settings.get("currency") or DEFAULT_CURRENCY,
        holidays=holidays_in(week, settings.get("country")),
        apart=apart_lines,
    )


def _apart_lines(session: Session, team_id: str, apart: Apart, week: IsoWeek) -> list[ApartMoney]:
    """Per connection whose money is in another currency: its sums of the week and the one
    before, in its own currency."""
    now = apart_totals(session, team_id, apart, DateRange(week.start, week.end))
    before_week = week.shift(-1)
    before = apart_totals(session, team_id, apart, DateRange(before_week.start, before_week.end))
    lines = []
    for cid, (name, currency) in apart.connections.items():
        lines.append(
            ApartMoney(
                source=name,
                currency=currency,
                week={m: v for (c, m), v in now.items() if c == cid},
                previous={m: v for (c, m), v in before.items() if c == cid},
            )
        )
    return lines


def team_thresholds(settings: dict) -> Thresholds:  # type: ignore[type-arg]
    """The judgement's thresholds of a team: its overrides, and its minutes per reply."""
    chosen = dict(settings.get("thresholds", {}))
    if isinstance(settings.get("minutes_per_reply"), int | float):
        chosen["minutes_per_reply"] = settings["minutes_per_reply"]
    return Thresholds.from_settings(chosen)


def holidays_in(week: IsoWeek, country: str | None) -> list[str]:
    """Names of the public holidays of `country` (ISO 3166) in `week`, earliest first."""
    if not country:
        return []
    import holidays

    try:
        calendar = holidays.country_holidays(
            country.upper(), years=sorted({week.start.year, week.end.year})
        )
    except NotImplementedError:
        return []
    names: list[str] = []
    for day in week.days:
        for name in calendar.get_list(day):
            if name not in names:
                names.append(name)
    return names


def _connection_lines(states: list[ConnectionState]) -> list[ConnectionLine]:
    lines = []
    for c in states:
        health = fresh_health(c)
        hint = HEALTH_HINTS.get(health, "").format(source=c.source) or None
        if health == "failing" and c.health_detail:
            hint = c.health_detail
        lines.append(
            ConnectionLine(
                c.display_name or c.external_id, c.source, health, freshness_day(c), hint
            )
        )
    return lines


def today_in(engine: Engine, team_id: str, now_utc) -> date:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return local_date(now_utc, teams.team_timezone(session, team_id))
