"""Team histories written as data, and the digest they give.

A history is a dict `(platform, metric) -> list of weekly values` whose last value is the
digest week's; `None` is a week without data (before a source's first day). Platform ''
holds unattributed outcomes. `judge` composes the digest exactly as the service does, from
the weekly series alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.core.digest import GoalLine, compose_digest
from bot.core.goals import ABSOLUTE, RELATIVE, GoalSpec
from bot.core.insights import Thresholds
from bot.core.periods import IsoWeek, trailing_weeks
from bot.core.progress import Evaluation

#: Dec 7–13, 2026: the first digest week that starts in December (standing findings show).
FIRST_OF_MONTH = IsoWeek.parse("2026-W50")
#: Dec 14–20, 2026: a later week of the same month (standing findings stay in "standing").
MID_MONTH = IsoWeek.parse("2026-W51")

History = Mapping[tuple[str, str], Sequence[float | None]]


def weekly(history: History, week: IsoWeek) -> dict[tuple[str, str], dict[IsoWeek, float]]:
    series: dict[tuple[str, str], dict[IsoWeek, float]] = {}
    for key, values in history.items():
        weeks = trailing_weeks(week, len(values))
        series[key] = {w: float(v) for w, v in zip(weeks, values, strict=True) if v is not None}
    return series


def goal(
    metric: str,
    *,
    status: str,
    previous: str | None = None,
    kind: str = RELATIVE,
    target: float = 0.15,
    platform: str | None = None,
    current: float | None = 0.1,
    owner: str | None = "U0OWNER",
    goal_id: int = 1,
) -> GoalLine:
    spec = GoalSpec(metric, kind, target, date(2027, 3, 31), platform)
    evaluation = Evaluation(
        baseline=100.0 if kind == RELATIVE else 0.0,
        current=current,
        target_value=target,
        progress=0.5,
        status=status,
        reported_current=current,
    )
    return GoalLine(goal_id, spec, evaluation, owner, None, previous_status=previous)


def judge(
    history: History,
    week: IsoWeek = FIRST_OF_MONTH,
    *,
    goals: Sequence[GoalLine] = (),
    currency: str = "USD",
    holidays: Sequence[str] = (),
    thresholds: Thresholds | None = None,
    custom_kinds: Mapping[str, Any] | None = None,
):  # type: ignore[no-untyped-def]
    if not goals:
        goals = [goal("signups", status="on_track", previous="on_track", owner=None)]
    return compose_digest(
        team="T0SCENE",
        channel="C0SCENE",
        week=week,
        series=weekly(history, week),
        posts=[],
        goals=list(goals),
        connections=[],
        thresholds=thresholds or Thresholds(),
        currency=currency,
        holidays=holidays,
        custom_kinds=custom_kinds,
    )


def insight_types(data: dict[str, Any], platform: str | None = "*") -> list[tuple[str, Any]]:
    """(type, platform) of the shown insights, optionally of one platform."""
    return [
        (i["type"], i["platform"])
        for i in data["insights"]
        if platform == "*" or i["platform"] == platform
    ]


__all__ = ["ABSOLUTE", "RELATIVE"]
