"""The weekly digest as one data object, rendered three ways (JSON, Block Kit, terminal).

`compose_digest` is pure: the service reads the database and passes in weekly series,
posts, evaluated goals and connection health; the same inputs give the same digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core import catalogue
from bot.core.goals import (
    RATE,
    REDUCE,
    RELATIVE,
    GoalSpec,
    describe,
    is_level_goal,
    is_ratio,
    json_direction,
)
from bot.core.goals import is_money_metric as _is_money_goal
from bot.core.insights import (
    DEFAULT_THRESHOLDS,
    Insight,
    SeriesMap,
    Thresholds,
    find_insights,
    pct,
    platform_name,
)
from bot.core.model import PostRecord
from bot.core.money import DEFAULT_CURRENCY, format_money
from bot.core.periods import IsoWeek, trailing_weeks, weeks_before
from bot.core.progress import MET, NO_DATA, ON_TRACK, STATUS_LABELS, Evaluation

CHART_WEEKS = 12


@dataclass(frozen=True, slots=True)
class GoalLine:
    id: int
    spec: GoalSpec
    evaluation: Evaluation
    owner: str | None = None
    #: For `no_data`: which connection would provide the metric.
    hint: str | None = None
    #: The team's currency, for money targets (`cost per order below $20`).
    currency: str = DEFAULT_CURRENCY

    @property
    def description(self) -> str:
        return describe(self.spec, self.currency)

    @property
    def baseline_text(self) -> str | None:
        """The baseline as measured when the goal was set: `2.10%`, `$25`, `70.0 a week`."""
        base, spec = self.evaluation.baseline, self.spec
        if base is None:
            return None
        if _is_money_goal(spec.metric):
            return format_money(base, self.currency, compact=False)
        if spec.kind == RATE or is_ratio(spec.metric):
            return f"{base * 100:.2f}%"
        if spec.kind == RELATIVE and not is_level_goal(spec.metric):
            return f"{base:,.1f} a week"
        return f"{base:,.10g}"

    def to_json(self) -> dict[str, Any]:
        e = self.evaluation
        return {
            "id": self.id,
            "metric": self.spec.metric,
            "platform": self.spec.platform,
            "target": self.spec.target,
            "kind": self.spec.kind,
            "direction": json_direction(self.spec),
            "current": _round(e.reported_current),
            "baseline": _round(e.baseline),
            "progress": _round(e.progress, 3),
            "status": e.status,
            "deadline": self.spec.deadline.isoformat(),
            "owner": self.owner,
        }


@dataclass(frozen=True, slots=True)
class PlatformLine:
    platform: str
    interactions: float
    interactions_change: float | None
    link_clicks: float
    link_clicks_change: float | None
    outcomes: dict[str, float]
    outcomes_change: dict[str, float | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "interactions": round(self.interactions),
            "interactions_change": _round(self.interactions_change, 4),
            "link_clicks": round(self.link_clicks),
            "link_clicks_change": _round(self.link_clicks_change, 4),
            "outcomes": {k: _round(v, 2) for k, v in self.outcomes.items()},
            "outcomes_change": {k: _round(v, 4) for k, v in self.outcomes_change.items()},
        }


@dataclass(frozen=True, slots=True)
class ConnectionLine:
    name: str
    source: str
    health: str
    last_sync: date | None
    hint: str | None = None


@dataclass(frozen=True)
class Digest:
    team: str
    channel: str
    week: IsoWeek
    goals: list[GoalLine]
    insights: list[Insight]
    platforms: list[PlatformLine]
    outcome: str | None
    top_by_outcome: list[PostRecord]
    top_by_interactions: list[PostRecord]
    connections: list[ConnectionLine]
    #: (platform, 'interactions'|'outcomes') -> value per week, oldest first, for the chart.
    chart: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    chart_weeks: list[IsoWeek] = field(default_factory=list)
    is_empty: bool = False

    @property
    def label(self) -> str:
        return self.week.label

    @property
    def verdict(self) -> str:
        return verdict(self)

    def to_json(self) -> dict[str, Any]:
        """Exactly product.md's shape (extra numbers live inside the items)."""
        return {
            "team": self.team,
            "channel": self.channel,
            "period": {"start": self.week.start.isoformat(), "end": self.week.end.isoformat()},
            "goals": [g.to_json() for g in self.goals],
            "insights": [i.to_json() for i in self.insights],
            "platforms": [p.to_json() for p in self.platforms],
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _change(current: float, baseline: float) -> float | None:
    return None if baseline == 0 else (current - baseline) / baseline


def outcome_order(goal_metrics: Sequence[str], custom_outcomes: Sequence[str] = ()) -> list[str]:
    """Outcomes to weigh engagement against: goal metrics first, then the catalogue's."""
    ordered: list[str] = []
    for name in [*goal_metrics, *catalogue.outcome_names(), *custom_outcomes]:
        definition = catalogue.METRICS.get(name)
        is_outcome = definition is None or (
            definition.kind is catalogue.Kind.OUTCOME and definition.ratio_of is None
        )
        if is_outcome and name not in ordered and name != "cost_per_signup":
            ordered.append(name)
    return ordered


def compose_digest(
    *,
    team: str,
    channel: str,
    week: IsoWeek,
    series: SeriesMap,
    posts: Sequence[PostRecord],
    goals: Sequence[GoalLine],
    connections: Sequence[ConnectionLine],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    custom_outcomes: Sequence[str] = (),
) -> Digest:
    outcomes = outcome_order([g.spec.metric for g in goals], custom_outcomes)
    insights = find_insights(
        series,
        week,
        posts=posts,
        outcome_metrics=outcomes,
        goal_scopes=[g.spec.platform for g in goals],
        thresholds=thresholds,
    )
    present_outcomes = [m for m in outcomes if any(k[1] == m for k in series)]
    primary = present_outcomes[0] if present_outcomes else None
    platforms = _platform_lines(series, week, present_outcomes)
    of_week = [p for p in posts if week.start <= p.published_at.date() <= week.end]
    by_outcome = sorted(
        (p for p in of_week if p.outcomes > 0), key=lambda p: (-p.outcomes, p.external_id)
    )[:3]
    by_interactions = sorted(of_week, key=lambda p: (-p.interactions, p.external_id))[:3]
    weeks = trailing_weeks(week, CHART_WEEKS)
    chart = {
        line.platform: {
            "interactions": [
                series.get((line.platform, "interactions"), {}).get(w, 0.0) for w in weeks
            ],
            "outcomes": [
                series.get((line.platform, primary), {}).get(w, 0.0) if primary else 0.0
                for w in weeks
            ],
        }
        for line in platforms
    }
    empty = not any(line.interactions or any(line.outcomes.values()) for line in platforms)
    empty = empty and not any(series.get(k, {}).get(week) for k in series if k[0] == "")
    return Digest(
        team=team,
        channel=channel,
        week=week,
        goals=list(goals),
        insights=insights,
        platforms=platforms,
        outcome=primary,
        top_by_outcome=by_outcome,
        top_by_interactions=by_interactions,
        connections=list(connections),
        chart=chart,
        chart_weeks=weeks,
        is_empty=empty and not any(g.evaluation.status == MET for g in goals),
    )


def _platform_lines(
    series: SeriesMap, week: IsoWeek, outcomes: Sequence[str]
) -> list[PlatformLine]:
    base_weeks = weeks_before(week, 4)
    engaged = sorted({p for (p, m) in series if p and m == "interactions"})
    lines = []
    for platform in engaged:

        def now_and_change(metric: str, platform: str = platform) -> tuple[float, float | None]:
            values = series.get((platform, metric), {})
            current = values.get(week, 0.0)
            base = sum(values.get(w, 0.0) for w in base_weeks) / len(base_weeks)
            return current, _change(current, base)

        interactions, interactions_change = now_and_change("interactions")
        link_clicks, link_change = now_and_change("link_clicks")
        outs: dict[str, float] = {}
        outs_change: dict[str, float | None] = {}
        for metric in outcomes:
            if (platform, metric) in series:
                outs[metric], outs_change[metric] = now_and_change(metric)
        lines.append(
            PlatformLine(
                platform,
                interactions,
                interactions_change,
                link_clicks,
                link_change,
                outs,
                outs_change,
            )
        )
    return lines


def verdict(digest: Digest) -> str:
    """One sentence: goals on track, and the headline gap between engagement and outcomes."""
    if digest.is_empty:
        return f"A quiet week: no new data for {digest.label} and no goal moved."
    parts = []
    with_data = [g for g in digest.goals if g.evaluation.status != NO_DATA]
    if digest.goals:
        good = sum(g.evaluation.status in (MET, ON_TRACK) for g in with_data)
        parts.append(f"{good} of {len(digest.goals)} goals on track")
    headline = next(
        (i for i in digest.insights if i.type == "engagement_without_outcome" and i.platform),
        None,
    ) or next((i for i in digest.insights if i.type == "engagement_without_outcome"), None)
    if headline:
        label = _outcome_label(headline.numbers.get("outcome"))
        name = platform_name(headline.platform)
        parts.append(
            f"{name} engagement rose {pct(headline.numbers['engagement_change'])} but "
            f"{label} did not follow ({pct(headline.numbers['outcome_change'])})"
        )
    elif digest.outcome:
        parts.append(f"engagement and {_outcome_label(digest.outcome)} moved together")
    if not parts:
        return "No goals yet: reply in this thread to set one."
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _outcome_label(metric: str | None) -> str:
    if not metric:
        return "outcomes"
    definition = catalogue.METRICS.get(metric)
    return definition.label if definition else metric.replace("_", " ")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def goal_value_text(line: GoalLine, currency: str | None = None) -> str:
    """`+9% of +15%`, `1,240 of 2,000`, `$167k of $150k`, `$25, target below $20`."""
    e, spec = line.evaluation, line.spec
    currency = currency or line.currency
    if e.status == NO_DATA or e.current is None:
        return "no data yet" + (f" ({line.hint})" if line.hint else "")
    reduce = spec.direction == REDUCE
    if spec.kind == RELATIVE:
        now = pct(e.reported_current) if e.reported_current is not None else "n/a"
        sign = "−" if reduce else "+"
        return f"{now} of {sign}{spec.target * 100:.3g}%"

    def shown(value: float, is_target: bool = False) -> str:
        if _is_money_goal(spec.metric):
            return format_money(value, currency)
        if spec.kind == RATE:
            return f"{value * 100:.3g}%" if is_target else f"{value * 100:.2f}%"
        return f"{value:,.0f}"

    if spec.kind == RATE:
        word = "below" if reduce else "above"
        return f"{shown(e.current)}, target {word} {shown(spec.target, is_target=True)}"
    if reduce:
        return f"{shown(e.current)} of at most {shown(spec.target)}"
    return f"{shown(e.current)} of {shown(spec.target)}"


def metric_label(metric: str) -> str:
    return _outcome_label(metric)


__all__ = [
    "ConnectionLine",
    "Digest",
    "GoalLine",
    "PlatformLine",
    "compose_digest",
    "goal_value_text",
    "metric_label",
    "outcome_order",
    "status_label",
    "verdict",
]
