"""Goals as use cases: set one from text (baseline measured then), list with progress, delete.

The rules for baseline and current values are in `bot.core.progress`; this module only
measures them in the database with aggregate queries. Weeks are counted only when the
metric has data in them (product.md 3.1): a team with two weeks of history has a two-week
baseline, never one divided by four.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core import catalogue
from bot.core.digest import GoalLine
from bot.core.goals import (
    ABSOLUTE,
    MAX_TEXT,
    RELATIVE,
    GoalSpec,
    Refusal,
    cost_outcome,
    describe,
    is_level_goal,
    metric_label,
    parse_goal,
)
from bot.core.model import DateRange
from bot.core.money import DEFAULT_CURRENCY, normalise_currency
from bot.core.periods import last_complete_week
from bot.core.progress import NO_DATA, Evaluation, evaluate, no_data_hint
from integrations.registry import CONNECTORS, provides
from storage import goals as goal_store
from storage import teams
from storage.db import Engine, Session, session_scope
from storage.goals import StoredGoal
from storage.metrics import custom_kinds
from storage.weekly import apart_money, latest_level, metric_sum

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
    """(sum, rows) of a flow metric; interactions from their parts when not reported as such,
    revenue net of refunds (product.md 3.1: revenue is judged net)."""
    if metric == "interactions":
        total, rows = _sum(session, team_id, ("interactions",), platform, days)
        if rows:
            return total, rows
        return _sum(session, team_id, catalogue.INTERACTION_PARTS, platform, days)
    total, rows = _sum(session, team_id, (metric,), platform, days)
    if metric == "revenue" and rows:
        refunds, _ = _sum(session, team_id, ("refunds",), platform, days)
        total -= refunds
    return total, rows


def _sum(
    session: Session,
    team_id: str,
    metrics: tuple[str, ...],
    platform: str | None,
    days: DateRange,
) -> tuple[float, int]:
    """metric_sum, remembered for the life of the session: a digest evaluates its goals as of
    two days, and goals of one team ask for the same sums again and again."""
    cache = session.info.setdefault("goal_sums", {})
    key = (team_id, metrics, platform, days)
    if key not in cache:
        aparts = session.info.setdefault("apart_money", {})
        if team_id not in aparts:  # money in another currency is never summed in
            aparts[team_id] = apart_money(session, team_id)
        cache[key] = metric_sum(session, team_id, list(metrics), platform, days, aparts[team_id])
    return cache[key]


def _ratio_parts(metric: str) -> tuple[str, str]:
    outcome = cost_outcome(metric)
    if outcome is not None:
        return "spend", outcome
    numerator, denominator = catalogue.METRICS[metric].ratio_of or ("", "")
    return numerator, denominator


def _ratio(
    session: Session, team_id: str, metric: str, platform: str | None, days: DateRange
) -> float | None:
    """CTR, engagement rate or cost per outcome over `days`; None without data for both."""
    numerator, denominator = _ratio_parts(metric)
    top, top_rows = _flow_total(session, team_id, numerator, platform, days)
    bottom, _ = _flow_total(session, team_id, denominator, platform, days)
    if not bottom and denominator == "reach":  # engagement rate falls back to impressions
        bottom, _ = _flow_total(session, team_id, "impressions", platform, days)
    if not top_rows or not bottom:
        return None
    return top / bottom


def _weekly_mean(
    session: Session, team_id: str, metric: str, platform: str | None, weeks: Sequence[DateRange]
) -> float | None:
    """The mean weekly total over the weeks that have data; None when none has."""
    totals = [_flow_total(session, team_id, metric, platform, week) for week in weeks]
    with_data = [total for total, rows in totals if rows]
    return sum(with_data) / len(with_data) if with_data else None


def _weeks_before(start: date) -> list[DateRange]:
    """The 4 seven-day weeks just before `start`, the latest first."""
    return [
        DateRange(start - timedelta(days=7 * (n + 1)), start - timedelta(days=7 * n + 1))
        for n in range(WINDOW_WEEKS)
    ]


def _last_weeks(today: date) -> list[DateRange]:
    """The last 4 complete weeks (Monday to Sunday) before `today`, the latest first."""
    week = last_complete_week(today)
    return [DateRange(w.start, w.end) for w in (week.shift(-n) for n in range(WINDOW_WEEKS))]


def _span(weeks: Sequence[DateRange]) -> DateRange:
    return DateRange(min(w.start for w in weeks), max(w.end for w in weeks))


def measure_baseline(session: Session, team_id: str, spec: GoalSpec, start: date) -> float | None:
    """B of `bot.core.progress` at `start` (None when there is no data before it)."""
    before = _weeks_before(start)
    if cost_outcome(spec.metric) is not None or spec.metric in _RATIOS:
        return _ratio(session, team_id, spec.metric, spec.platform, _span(before))
    if catalogue.is_level(spec.metric):
        return latest_level(session, team_id, spec.metric, spec.platform, start - timedelta(days=1))
    if spec.kind == ABSOLUTE:
        return 0.0
    return _weekly_mean(session, team_id, spec.metric, spec.platform, before)


def measure_current(
    session: Session, team_id: str, spec: GoalSpec, start: date, today: date
) -> float | None:
    """C of `bot.core.progress` as of `today` (None when the metric has no data)."""
    yesterday = today - timedelta(days=1)
    weeks = _last_weeks(today)
    if cost_outcome(spec.metric) is not None or spec.metric in _RATIOS:
        return _ratio(session, team_id, spec.metric, spec.platform, _span(weeks))
    if catalogue.is_level(spec.metric):
        return latest_level(session, team_id, spec.metric, spec.platform, yesterday)
    if spec.kind == RELATIVE:
        return _weekly_mean(session, team_id, spec.metric, spec.platform, weeks)
    # an absolute flow: the total from the start day, inclusive
    if yesterday >= start:
        total, rows = _flow_total(
            session, team_id, spec.metric, spec.platform, DateRange(start, yesterday)
        )
        if rows:
            return total
    # no point since the start: 0 if the metric had data in the goal's life (from its
    # baseline weeks on), else no data at all
    life = DateRange(_span(_weeks_before(start)).start, max(today, start))
    _, seen = _flow_total(session, team_id, spec.metric, spec.platform, life)
    return 0.0 if seen else None


_RATIOS = frozenset(name for name, m in catalogue.METRICS.items() if m.ratio_of)


def _missing_metric(
    session: Session, team_id: str, spec: GoalSpec, start: date, today: date
) -> str:
    """The metric whose absence leaves a goal without data (spend for cost per outcome),
    looked for over the goal's life: from its baseline weeks to today."""
    life = DateRange(_span(_weeks_before(start)).start, max(today, start))
    if cost_outcome(spec.metric) is not None or spec.metric in _RATIOS:
        for part in _ratio_parts(spec.metric):
            _, rows = _flow_total(session, team_id, part, spec.platform, life)
            if not rows:
                return part
    return spec.metric


def _currency(session: Session, team_id: str) -> str:
    settings = teams.team_settings(session, team_id)
    found = settings.get("currency") if isinstance(settings, dict) else None
    code = normalise_currency(str(found)) if found else None
    return code or DEFAULT_CURRENCY


def goal_line(session: Session, goal: StoredGoal, today: date) -> GoalLine:
    spec = goal.spec
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
        level=is_level_goal(spec.metric),
    )
    hint = _hint(session, goal, spec, evaluation, today) if evaluation.status == NO_DATA else None
    return GoalLine(
        goal.id,
        spec,
        evaluation,
        goal.owner_user_id,
        hint,
        currency=_currency(session, goal.team_id),
    )


def _hint(
    session: Session, goal: StoredGoal, spec: GoalSpec, evaluation: Evaluation, today: date
) -> str:
    if evaluation.current is not None:  # data now, but none before the goal to compare with
        return (
            f"no {metric_label(spec.metric)} in the 4 weeks before the goal was set, "
            "so there is no baseline to compare with"
        )
    missing = _missing_metric(session, goal.team_id, spec, goal.start_date, today)
    return no_data_hint(
        missing,
        spec.platform,
        team_id=goal.team_id,
        connectable=sorted(s for s in CONNECTORS if provides(s, missing)),
        custom=custom_kinds(session, goal.team_id),
    )


def _same_goal(
    session: Session, team_id: str, channel_id: str, spec: GoalSpec
) -> StoredGoal | None:
    return next(
        (g for g in goal_store.active_goals(session, team_id, channel_id) if g.spec == spec),
        None,
    )


def _checked(
    session: Session, team_id: str, channel_id: str, text: str, today: date
) -> GoalSpec | Refusal:
    parsed = parse_goal(text, today, custom_kinds(session, team_id))
    if isinstance(parsed, Refusal):
        return parsed
    same = _same_goal(session, team_id, channel_id, parsed)
    if same is not None:
        return Refusal(
            (("goal", describe(parsed)),),
            (f"this channel already has that goal: #{same.id} (`/impact goals` lists it)",),
        )
    return parsed


def check_goal(
    engine: Engine, *, team_id: str, channel_id: str, text: str, today: date
) -> GoalSpec | Refusal:
    """What `add_goal` would store, or its refusal, without writing anything (the goal
    modal's validation): the team's declared metrics count, and so do the channel's goals."""
    with session_scope(engine) as session:
        return _checked(session, team_id, channel_id, text, today)


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
    the stored goal instead of a second one; a goal identical to an active one of the channel
    is refused, naming it."""
    with session_scope(engine) as session:
        existing = goal_store.find_by_source(session, team_id, source_ts) if source_ts else None
        if existing is not None:
            line = goal_line(session, existing, today)
            return GoalAdded(existing.id, line.spec, existing.baseline, line)
        parsed = _checked(session, team_id, channel_id, text, today)
        if isinstance(parsed, Refusal):
            return parsed
        teams.ensure(session, team_id)
        baseline = measure_baseline(session, team_id, parsed, today)
        goal = goal_store.add_goal(
            session,
            team_id=team_id,
            channel_id=channel_id,
            spec=parsed,
            baseline=baseline,
            start=today,
            owner=user_id,
            text=text[:MAX_TEXT],
            source_ts=source_ts,
        )
        line = goal_line(session, goal, today)
        return GoalAdded(goal.id, parsed, baseline, line)


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
