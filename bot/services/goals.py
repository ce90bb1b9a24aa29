"""Goals as use cases: set one from text (baseline measured then), list with progress, delete.

The rules for baseline and current values are in `bot.core.progress`; this module only
measures them in the database with aggregate queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core import catalogue, hints
from bot.core.digest import GoalLine
from bot.core.goals import ABSOLUTE, RATE, RELATIVE, GoalSpec, Refusal, parse_goal
from bot.core.model import DateRange
from bot.core.periods import last_complete_week
from bot.core.progress import evaluate
from integrations.registry import CONNECTORS
from storage import goals as goal_store
from storage.db import session_scope
from storage.metrics import ensure_team
from storage.tables import Goal
from storage.weekly import latest_level, metric_sum

WINDOW_WEEKS = 4


@dataclass(frozen=True, slots=True)
class GoalAdded:
    goal_id: int
    spec: GoalSpec
    baseline: float | None
    line: GoalLine


def _flow_total(
    session: Session, team_id: str, metric: str, platform: str | None, days: DateRange
) -> tuple[float, int]:
    if metric == "interactions":
        total, rows = metric_sum(session, team_id, ["interactions"], platform, days)
        if rows:
            return total, rows
        return metric_sum(session, team_id, catalogue.INTERACTION_PARTS, platform, days)
    return metric_sum(session, team_id, [metric], platform, days)


def _rate(
    session: Session, team_id: str, metric: str, platform: str | None, days: DateRange
) -> float | None:
    numerator, denominator = catalogue.METRICS[metric].ratio_of or ("", "")
    top, top_rows = _flow_total(session, team_id, numerator, platform, days)
    bottom, _ = _flow_total(session, team_id, denominator, platform, days)
    if not bottom and denominator == "reach":  # engagement rate falls back to impressions
        bottom, _ = _flow_total(session, team_id, "impressions", platform, days)
    if not top_rows or not bottom:
        return None
    return top / bottom


def measure_baseline(session: Session, team_id: str, spec: GoalSpec, start: date) -> float | None:
    """B of `bot.core.progress` at `start` (None when there is no data before it)."""
    before = DateRange(start - timedelta(weeks=WINDOW_WEEKS), start - timedelta(days=1))
    if spec.kind == RATE:
        return _rate(session, team_id, spec.metric, spec.platform, before)
    if catalogue.is_level(spec.metric):
        return latest_level(session, team_id, spec.metric, spec.platform, start - timedelta(days=1))
    if spec.kind == ABSOLUTE:
        return 0.0
    total, rows = _flow_total(session, team_id, spec.metric, spec.platform, before)
    return total / WINDOW_WEEKS if rows else None


def measure_current(
    session: Session, team_id: str, spec: GoalSpec, start: date, today: date
) -> float | None:
    """C of `bot.core.progress` as of `today` (None when the metric has no data)."""
    yesterday = today - timedelta(days=1)
    week = last_complete_week(today)
    window = DateRange(week.shift(-(WINDOW_WEEKS - 1)).start, week.end)
    if spec.kind == RATE:
        return _rate(session, team_id, spec.metric, spec.platform, window)
    if catalogue.is_level(spec.metric):
        return latest_level(session, team_id, spec.metric, spec.platform, yesterday)
    if spec.kind == RELATIVE:
        total, rows = _flow_total(session, team_id, spec.metric, spec.platform, window)
        return total / WINDOW_WEEKS if rows else None
    if yesterday < start:
        total, rows = 0.0, 1
    else:
        total, rows = _flow_total(
            session, team_id, spec.metric, spec.platform, DateRange(start, yesterday)
        )
    if not rows:
        _, ever = _flow_total(
            session, team_id, spec.metric, spec.platform, DateRange(date(2000, 1, 1), yesterday)
        )
        return 0.0 if ever else None
    return total


def no_data_hint(spec: GoalSpec, team_id: str | None = None) -> str:
    return hints.no_data_hint(spec.metric, spec.platform, CONNECTORS, team_id)


def goal_line(session: Session, goal: Goal, today: date) -> GoalLine:
    spec = goal_store.spec_of(goal)
    current = measure_current(session, goal.team_id, spec, goal.start_date, today)
    evaluation = evaluate(
        kind=spec.kind,
        direction=spec.direction,
        target=spec.target,
        baseline=goal.baseline,
        current=current,
        start=goal.start_date,
        deadline=spec.deadline,
        today=today,
    )
    hint = no_data_hint(spec, goal.team_id) if current is None else None
    return GoalLine(goal.id or 0, spec, evaluation, goal.owner_user_id, hint)


def add_goal(
    engine: Engine,
    *,
    team_id: str,
    channel_id: str,
    text: str,
    user_id: str | None,
    today: date,
    source_ts: str | None = None,
) -> GoalAdded | Refusal:
    """Parse `text` and store the goal with its baseline; nothing is written on a refusal.
    A message already turned into a goal (`source_ts`, e.g. a retried Slack event) returns
    the stored goal instead of a second one."""
    parsed = parse_goal(text, today)
    if isinstance(parsed, Refusal):
        return parsed
    with session_scope(engine) as session:
        ensure_team(session, team_id)
        existing = goal_store.find_by_source(session, team_id, source_ts) if source_ts else None
        if existing is not None:
            line = goal_line(session, existing, today)
            return GoalAdded(existing.id or 0, line.spec, existing.baseline, line)
        baseline = measure_baseline(session, team_id, parsed, today)
        goal = goal_store.add_goal(
            session,
            team_id=team_id,
            channel_id=channel_id,
            spec=parsed,
            baseline=baseline,
            start=today,
            owner=user_id,
            text=text,
            source_ts=source_ts,
        )
        line = goal_line(session, goal, today)
        return GoalAdded(goal.id or 0, parsed, baseline, line)


def list_goals(
    engine: Engine, team_id: str, channel_id: str | None = None, *, today: date
) -> list[GoalLine]:
    with session_scope(engine) as session:
        return [
            goal_line(session, g, today)
            for g in goal_store.active_goals(session, team_id, channel_id)
        ]


def delete_goal(engine: Engine, team_id: str, goal_id: int) -> bool:
    """Delete (softly) a goal of this team; False for another team's goal or an unknown id."""
    with session_scope(engine) as session:
        return goal_store.delete_goal(session, team_id, goal_id)
