"""Goals: add, list, soft delete, restore. Team isolation is in every query."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from bot.core.goals import GoalSpec
from storage.tables import Goal, utcnow


def add_goal(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    spec: GoalSpec,
    baseline: float | None,
    start: date,
    owner: str | None,
    text: str,
    source_ts: str | None = None,
) -> Goal:
    goal = Goal(
        team_id=team_id,
        channel_id=channel_id,
        metric=spec.metric,
        platform=spec.platform,
        kind=spec.kind,
        direction=spec.direction,
        target=spec.target,
        baseline=baseline,
        start_date=start,
        deadline=spec.deadline,
        owner_user_id=owner,
        source_text=text,
        source_ts=source_ts,
    )
    session.add(goal)
    session.flush()
    return goal


def active_goals(session: Session, team_id: str, channel_id: str | None = None) -> list[Goal]:
    """A team's goals not deleted, oldest first; one channel's when `channel_id` is given."""
    query = select(Goal).where(Goal.team_id == team_id, Goal.deleted_at.is_(None))  # type: ignore[union-attr]
    if channel_id is not None:
        query = query.where(Goal.channel_id == channel_id)
    return list(session.exec(query.order_by(Goal.id)))


def find_by_source(session: Session, team_id: str, source_ts: str) -> Goal | None:
    return session.exec(
        select(Goal).where(Goal.team_id == team_id, Goal.source_ts == source_ts)
    ).first()


def delete_goal(session: Session, team_id: str, goal_id: int) -> bool:
    """Soft delete; False when the goal is not this team's or already deleted."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.team_id != team_id or goal.deleted_at is not None:
        return False
    goal.deleted_at = utcnow()
    return True


def spec_of(goal: Goal) -> GoalSpec:
    return GoalSpec(
        metric=goal.metric,
        kind=goal.kind,
        target=goal.target,
        deadline=goal.deadline,
        platform=goal.platform,
        direction=goal.direction,
    )


def active_goal(session: Session, team_id: str, goal_id: int) -> Goal | None:
    """The team's goal `goal_id` when it is not deleted; None for another team's goal."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.team_id != team_id or goal.deleted_at is not None:
        return None
    return goal


def restore_goal(session: Session, team_id: str, goal_id: int) -> Goal | None:
    """Undo a soft delete; None when the goal is not this team's or was never deleted."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.team_id != team_id or goal.deleted_at is None:
        return None
    goal.deleted_at = None
    return goal


def set_spec(goal: Goal, spec: GoalSpec, baseline: float | None, text: str) -> None:
    """Give `goal` a new target (an edit): same id, channel, owner and start."""
    goal.metric, goal.platform, goal.kind = spec.metric, spec.platform, spec.kind
    goal.direction, goal.target, goal.deadline = spec.direction, spec.target, spec.deadline
    goal.baseline, goal.source_text = baseline, text
