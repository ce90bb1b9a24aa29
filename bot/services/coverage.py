"""Which days a team has data for: what a command checks before it answers "quiet week"."""

from __future__ import annotations

from bot.core.model import DateRange
from storage.db import Engine, session_scope
from storage.weekly import data_span


def team_data_span(engine: Engine, team_id: str, days: DateRange | None = None) -> DateRange | None:
    """First and last day with metric points of `team_id` (within `days` when given)."""
    with session_scope(engine) as session:
        return data_span(session, team_id, days)


def no_data_message(engine: Engine, team_id: str, days: DateRange, what: str) -> str | None:
    """None when the team has metric points in `days`; otherwise what a person reads: that
    there is no data for `what` (say "week 2026-W46 (Nov 9–15)"), which days do have data,
    and which command loads some."""
    if team_data_span(engine, team_id, days) is not None:
        return None
    load = f"`impact import FILE --team {team_id}` or `impact sync --team {team_id}`"
    span = team_data_span(engine, team_id)
    if span is None:
        return (
            f"no data for team {team_id} in {what}: team {team_id} has no data at all. "
            f"Load some with {load}, or try `impact demo` (team T0DEMO)."
        )
    return (
        f"no data for team {team_id} in {what}: its data runs from {span.start} to {span.end}. "
        f"Choose a week in that range with --week, or load more with {load}."
    )
