"""Goals: add, list, edit, soft delete, restore, out as `StoredGoal` values. Team isolation
is in every query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from bot.core.goals import GoalSpec
from storage.tables import Goal, utcnow


@dataclass(frozen=True, slots=True)
class StoredGoal:
    """A goal as stored: its target (`spec`), the baseline measured when it was set, and
    where and by whom it was set."""

    id: int
    team_id: str
    channel_id: str
    spec: GoalSpec
    baseline: float | None
    start_date: date
    owner_user_id: str | None
    source_text: str


def _stored(goal: Goal) -> StoredGoal:
    return StoredGoal(
        id=goal.id or 0,
        team_id=goal.team_id,
        channel_id=goal.channel_id,
        spec=_spec(goal),
        baseline=goal.baseline,
        start_date=goal.start_date,
        owner_user_id=goal.owner_user_id,
        source_text=goal.source_text,
    )


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
) -> StoredGoal:
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
    return _stored(goal)


def active_goals(session: Session, team_id: str, channel_id: str | None = None) -> list[StoredGoal]:
    """A team's goals not deleted, oldest first; one channel's when `channel_id` is given."""
    query = select(Goal).where(Goal.team_id == team_id, Goal.deleted_at.is_(None))  # type: ignore[union-attr]
    if channel_id is not None:
        query = query.where(Goal.channel_id == channel_id)
    return [_stored(goal) for goal in session.exec(query.order_by(Goal.id))]


def find_by_source(session: Session, team_id: str, source_ts: str) -> StoredGoal | None:
    goal = session.exec(
        select(Goal).where(Goal.team_id == team_id, Goal.source_ts == source_ts)
    ).first()
    return _stored(goal) if goal else None


def delete_goal(session: Session, team_id: str, goal_id: int) -> bool:
    """Soft delete; False when the goal is not this team's or already deleted."""
    goal = _active(session, team_id, goal_id)
    if goal is None:
        return False
    goal.deleted_at = utcnow()
    return True


def _spec(goal: Goal) -> GoalSpec:
    return GoalSpec(
        metric=goal.metric,
        kind=goal.kind,
        target=goal.target,
        deadline=goal.deadline,
        platform=goal.platform,
        direction=goal.direction,
    )


def _active(session: Session, team_id: str, goal_id: int) -> Goal | None:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.team_id != team_id or goal.deleted_at is not None:
        return None
    return goal


def active_goal(session: Session, team_id: str, goal_id: int) -> StoredGoal | None:
    """The team's goal `goal_id` when it is not deleted; None for another team's goal."""
    goal = _active(session, team_id, goal_id)
    return _stored(goal) if goal else None


def restore_goal(session: Session, team_id: str, goal_id: int) -> StoredGoal | None:
    """Undo a soft delete; None when the goal is not this team's or was never deleted."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.team_id != team_id or goal.deleted_at is None:
        return None
    goal.deleted_at = None
    return _stored(goal)


def set_spec(
    session: Session,
    goal: StoredGoal,
    spec: GoalSpec,
    baseline: float | None,
    text: str,
    channel_id: str = "",
) -> StoredGoal:
    """Give the active `goal` a new target (an edit): same id, owner and start, and the same
    channel unless it had none (then `channel_id`). Returns the goal as it is now."""
    row = _active(session, goal.team_id, goal.id)
    assert row is not None, "set_spec takes an active goal"
    row.metric, row.platform, row.kind = spec.metric, spec.platform, spec.kind
    row.direction, row.target, row.deadline = spec.direction, spec.target, spec.deadline
    row.baseline, row.source_text = baseline, text
    if not row.channel_id:
        row.channel_id = channel_id
    session.flush()
    return _stored(row)
