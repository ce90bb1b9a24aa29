"""Changing a stored goal from Slack: edit its target in place, restore a deleted one.

Each is one transaction: an edit that is refused, or aimed at a goal that is gone or
belongs to another team, writes nothing.
"""

from __future__ import annotations

from datetime import date

from bot.core.digest import GoalLine
from bot.core.goals import Refusal, parse_goal
from bot.services.goals import GoalAdded, goal_line, measure_baseline
from storage import goals as goal_store
from storage.db import Engine, session_scope


def goal_source(engine: Engine, team_id: str, goal_id: int) -> tuple[str, str] | None:
    """(the text the goal was set from, its channel), or None when it is gone or not the
    team's: what the Edit form is prefilled with."""
    with session_scope(engine) as session:
        goal = goal_store.active_goal(session, team_id, goal_id)
        return (goal.source_text, goal.channel_id) if goal else None


def edit_goal(
    engine: Engine, *, team_id: str, goal_id: int, text: str, today: date, channel_id: str = ""
) -> GoalAdded | Refusal | None:
    """Replace the target of the team's goal `goal_id` with the goal in `text`.

    The goal keeps its id, channel, owner and start day; its baseline is measured again at
    that start for the new metric. A goal stored without a channel (App Home once allowed
    that, and no digest showed it) takes `channel_id`. A Refusal, or None when the goal is gone or another
    team's; in both cases nothing is written."""
    parsed = parse_goal(text, today)
    if isinstance(parsed, Refusal):
        return parsed
    with session_scope(engine) as session:
        goal = goal_store.active_goal(session, team_id, goal_id)
        if goal is None:
            return None
        baseline = measure_baseline(session, team_id, parsed, goal.start_date)
        goal = goal_store.set_spec(session, goal, parsed, baseline, text, channel_id)
        return GoalAdded(goal_id, parsed, baseline, goal_line(session, goal, today))


def restore_goal(engine: Engine, team_id: str, goal_id: int, today: date) -> GoalLine | None:
    """Undo a Delete: the goal is active again. None when it is not the team's or not deleted."""
    with session_scope(engine) as session:
        goal = goal_store.restore_goal(session, team_id, goal_id)
        return goal_line(session, goal, today) if goal else None
