"""The weekly digest as one data object, rendered three ways (JSON, Block Kit, terminal).

`compose_digest` is pure: the service reads the database and passes in weekly series,
posts, evaluated goals, connection health, the team's currency and the week's holidays; the
same inputs give the same digest (product.md 3: a digest is a function of the data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.catalogue import Kind
from bot.core.frame import ALL, GROSS_REVENUE, REPLY_HOURS, UNATTRIBUTED, Frame, build_frame
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
    ALARM,
    DEFAULT_THRESHOLDS,
    NOTE,
    WIN,
    Insight,
    Thresholds,
    amount,
    judge_series,
    judge_week,
    metric_label,
    pct,
    platform_name,
    times,
)
from bot.core.model import PostRecord
from bot.core.money import DEFAULT_CURRENCY, format_money
from bot.core.periods import IsoWeek, trailing_weeks
from bot.core.progress import AT_RISK, MET, NO_DATA, OFF_TRACK, ON_TRACK, STATUS_LABELS, Evaluation
from bot.core.stats import Stat

CHART_WEEKS = 12
#: Weeks of weekly series the digest needs before its week: 12 of history for the week
#: before (standing findings, last week's lag) and one more for that week's own lag.
SERIES_WEEKS = 15
UNJUDGED = ("new", NO_DATA)


@dataclass(frozen=True, slots=True)
class GoalLine:
    id: int
    spec: GoalSpec
    evaluation: Evaluation
    owner: str | None = None
    #: For `no_data`: which connection would provide the metric.
    hint: str | None = None
    #: Status as of the week before (goal events: met this week, newly off track).
    previous_status: str | None = None
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

    @property
    def judged(self) -> bool:
        return self.evaluation.status not in UNJUDGED

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
class ConnectionLine:
    name: str
    source: str
    health: str
    #: The day of its latest data: last sync, import (CSV) or event (webhook).
    last_sync: date | None
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Headline:
    kind: str  # goal_event | outcome_move | together | gap | win | quiet | no_data
    text: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True, slots=True)
class Action:
    text: str
    insight: str
    platform: str | None
    owner: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "insight": self.insight,
            "platform": self.platform,
            "owner": self.owner,
        }


@dataclass(frozen=True, slots=True)
class Line:
    """One platform (or the totals) for the week: values, changes, rates and shares.
    A metric the source does not report is absent from `values`, never 0."""

    platform: str  # a platform, or ALL for the totals
    history_weeks: int
    values: dict[str, float]
    changes: dict[str, float | None]
    outcomes: dict[str, float]
    outcomes_change: dict[str, float | None]
    outcomes_per_1k: dict[str, float]
    share: dict[str, Any] = field(default_factory=dict)
    unattributed: dict[str, float] = field(default_factory=dict)
    revenue: dict[str, float] | None = None
    cost_per: dict[str, float] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.history_weeks < 3

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.platform != ALL:
            data["platform"] = self.platform
        data["history_weeks"] = self.history_weeks
        for name, value in self.values.items():
            data[name] = _round(value, 5 if name in ("engagement_rate", "ctr") else 2)
            if name in self.changes:
                data[f"{name}_change"] = _round(self.changes[name])
        data["outcomes"] = {k: _round(v, 2) for k, v in self.outcomes.items()}
        data["outcomes_change"] = {k: _round(v) for k, v in self.outcomes_change.items()}
        data["outcomes_per_1k"] = {k: _round(v, 2) for k, v in self.outcomes_per_1k.items()}
        if self.platform != ALL:
            data["share"] = self.share
        else:
            data["unattributed"] = {k: _round(v, 2) for k, v in self.unattributed.items()}
            if self.revenue is not None:
                data["revenue"] = {k: round(v, 2) for k, v in self.revenue.items()}
            if self.cost_per:
                data["cost_per"] = {k: round(v, 2) for k, v in self.cost_per.items()}
        return data


@dataclass(frozen=True)
class ApartMoney:
    """Money a connection reported in a currency that is not the team's. Impact converts no
    currency: these amounts are in no total, no goal and no judgement; the digest shows them
    apart and says so (issue 15: "two currencies in one team are shown apart and said")."""

    source: str
    currency: str
    #: metric -> the digest week's sum; `previous` the week before's (absent: no data).
    week: dict[str, float]
    previous: dict[str, float] = field(default_factory=dict)

    def text(self, team_currency: str) -> str:
        parts = []
        for metric in sorted(self.week, key=_apart_order):
            part = f"{metric_label(metric)} {format_money(self.week[metric], self.currency)}"
            if metric in self.previous:
                before = format_money(self.previous[metric], self.currency)
                part += f" (week before {before})"
            parts.append(part)
        amounts = ", ".join(parts) if parts else "nothing this week"
        return (
            f"{self.source} reports money in {self.currency}, the team's currency is "
            f"{team_currency}: {amounts}. Not converted, so left out of totals, goals and "
            f"the judgement (`/impact settings currency {self.currency}` if it should be the "
            "team's)."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "currency": self.currency,
            "week": {m: round(v, 2) for m, v in sorted(self.week.items())},
            "previous": {m: round(v, 2) for m, v in sorted(self.previous.items())},
        }


def _apart_order(metric: str) -> tuple[int, str]:
    order = ("revenue", "donations", "refunds", "spend")
    return (order.index(metric) if metric in order else len(order), metric)


@dataclass(frozen=True)
class Digest:
    team: str
    channel: str
    week: IsoWeek
    currency: str
    headline: Headline
    action: Action | None
    goals: list[GoalLine]
    insights: list[Insight]
    standing: list[Insight]
    all_standing: list[Insight]
    platforms: list[Line]
    totals: Line | None
    outcomes: list[str]
    top_by_outcome: list[PostRecord]
    top_by_interactions: list[PostRecord]
    connections: list[ConnectionLine]
    #: platform -> {'interactions'|'outcomes': values per chart week, None where absent}.
    chart: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)
    chart_weeks: list[IsoWeek] = field(default_factory=list)
    is_empty: bool = False
    money: frozenset[str] = frozenset()
    holidays: tuple[str, ...] = ()
    #: Money in other currencies than the team's, shown apart (usually none).
    apart: tuple[ApartMoney, ...] = ()

    @property
    def label(self) -> str:
        return self.week.label

    @property
    def outcome(self) -> str | None:
        """The team's first judged outcome (the chart's line)."""
        return self.outcomes[0] if self.outcomes else None

    @property
    def alarms(self) -> list[Insight]:
        return [i for i in self.insights if i.kind in (ALARM, NOTE)]

    @property
    def wins(self) -> list[Insight]:
        return [i for i in self.insights if i.kind == WIN]

    def is_money(self, metric: str) -> bool:
        return metric in self.money

    def apart_lines(self) -> list[str]:
        """One sentence per connection whose money is in another currency."""
        return [a.text(self.currency) for a in self.apart]

    def to_json(self) -> dict[str, Any]:
        """Exactly product.md's shape (extra numbers live inside the items), plus
        `other_currencies` only when a connection's money is in another currency."""
        shape = {
            "team": self.team,
            "channel": self.channel,
            "period": {"start": self.week.start.isoformat(), "end": self.week.end.isoformat()},
            "currency": self.currency,
            "headline": self.headline.to_json(),
            "action": self.action.to_json() if self.action else None,
            "goals": [g.to_json() for g in self.goals],
            "insights": [i.to_json() for i in self.insights],
            "standing": [i.to_json() for i in self.standing],
            "platforms": [p.to_json() for p in self.platforms],
            "totals": self.totals.to_json() if self.totals else {},
        }
        if self.apart:
            shape["other_currencies"] = [a.to_json() for a in self.apart]
        return shape


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def compose_digest(
    *,
    team: str,
    channel: str,
    week: IsoWeek,
    series: Mapping[tuple[str, str], Mapping[IsoWeek, float]],
    posts: Sequence[PostRecord],
    goals: Sequence[GoalLine],
    connections: Sequence[ConnectionLine],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    custom_kinds: Mapping[str, Kind] | None = None,
    currency: str = DEFAULT_CURRENCY,
    holidays: Sequence[str] = (),
    apart: Sequence[ApartMoney] = (),
) -> Digest:
    """The digest of `week` from weekly sums keyed (platform, metric), platform '' for
    unattributed outcomes, covering at least the SERIES_WEEKS weeks before `week`. `apart`:
    money in other currencies, already left out of `series` and `goals`."""
    goal_metrics = [g.spec.metric for g in goals]
    frames = [
        build_frame(
            series,
            week.shift(-back),
            goal_metrics=goal_metrics,
            custom_kinds=custom_kinds,
            minutes_per_reply=thresholds.minutes_per_reply,
        )
        for back in range(3)
    ]
    frame = frames[0]
    judged = judge_week(
        frame,
        previous=frames[1],
        before_previous=frames[2],
        posts=posts,
        goal_scopes=[g.spec.platform for g in goals],
        goal_metrics=goal_metrics,
        thresholds=thresholds,
        currency=currency,
        team=team,
    )
    platforms = [_line(frame, p, thresholds) for p in frame.platforms]
    totals = _line(frame, ALL, thresholds) if frame.platforms or frame.outcomes else None
    of_week = [p for p in posts if week.start <= p.published_at.date() <= week.end]
    by_outcome = sorted(
        (p for p in of_week if p.outcomes > 0), key=lambda p: (-p.outcomes, p.external_id)
    )[:3]
    by_interactions = sorted(of_week, key=lambda p: (-p.interactions, p.external_id))[:3]
    weeks = trailing_weeks(week, CHART_WEEKS)
    first = frame.outcomes[0] if frame.outcomes else None
    chart = {
        p: {
            "interactions": [frame.get(p, "interactions").get(w) for w in weeks],
            "outcomes": [frame.get(p, first).get(w) if first else None for w in weeks],
        }
        for p in frame.platforms
        if frame.reports(p, "interactions")
    }
    empty = not any(key[0] != ALL and week in values for key, values in frame.series.items())
    headline = choose_headline(
        frame,
        judged.shown,
        goals,
        currency=currency,
        holidays=holidays,
        empty=empty,
        thresholds=thresholds,
        team=team,
    )
    return Digest(
        team=team,
        channel=channel,
        week=week,
        currency=currency,
        headline=headline,
        action=choose_action(judged.shown, goals),
        goals=list(goals),
        insights=judged.shown,
        standing=judged.standing,
        all_standing=judged.all_standing,
        platforms=platforms,
        totals=totals,
        outcomes=frame.outcomes,
        top_by_outcome=by_outcome,
        top_by_interactions=by_interactions,
        connections=list(connections),
        chart=chart,
        chart_weeks=weeks,
        is_empty=empty and not any(g.evaluation.status == MET for g in goals),
        money=frame.money,
        holidays=tuple(holidays),
        apart=tuple(apart),
    )


# --- lines (product.md 3.6) -------------------------------------------------------------------


def _stat(frame: Frame, platform: str, metric: str, t: Thresholds) -> Stat:
    return judge_series(frame, platform, metric, t)


def _ratio_stat(
    frame: Frame, platform: str, top: str, bottom: str, t: Thresholds
) -> tuple[float | None, float | None]:
    """(this week's top/bottom, change vs the baseline's top/bottom)."""
    a, b = _stat(frame, platform, top, t), _stat(frame, platform, bottom, t)
    if a.current is None or not b.current:
        return None, None
    now = a.current / b.current
    if a.is_new or b.is_new or not b.baseline or a.baseline is None:
        return now, None
    before = a.baseline / b.baseline
    return now, (now - before) / before if before else None


def _line(frame: Frame, platform: str, t: Thresholds) -> Line:
    values: dict[str, float] = {}
    changes: dict[str, float | None] = {}
    history = 0
    for metric in ("interactions", "link_clicks", "reach", "impressions", REPLY_HOURS, "spend"):
        if not frame.reports(platform, metric):
            continue
        stat = _stat(frame, platform, metric, t)
        history = max(history, stat.history)
        if stat.current is None:
            continue
        values[metric] = stat.current
        changes[metric] = stat.change
    denominator = "reach" if frame.reports(platform, "reach") else "impressions"
    if frame.reports(platform, "interactions") and frame.reports(platform, denominator):
        rate, change = _ratio_stat(frame, platform, "interactions", denominator, t)
        if rate is not None:
            values["engagement_rate"], changes["engagement_rate"] = rate, change
    if frame.reports(platform, "link_clicks") and frame.reports(platform, "impressions"):
        rate, change = _ratio_stat(frame, platform, "link_clicks", "impressions", t)
        if rate is not None:
            values["ctr"], changes["ctr"] = rate, change
    outcomes: dict[str, float] = {}
    outcomes_change: dict[str, float | None] = {}
    per_1k: dict[str, float] = {}
    for metric in frame.outcomes:
        if platform not in (ALL,) and not frame.reports(platform, metric):
            continue
        stat = _stat(frame, platform, metric, t)
        if stat.current is None:
            continue
        if platform == ALL:
            history = max(history, stat.history)
        outcomes[metric] = stat.current
        outcomes_change[metric] = stat.change
        interactions = values.get("interactions")
        if interactions:
            per_1k[metric] = 1000 * stat.current / interactions
    if platform == ALL:
        return _totals(frame, history, values, changes, outcomes, outcomes_change, per_1k)
    share: dict[str, Any] = {}
    for metric in ("interactions", REPLY_HOURS):
        everyone = sum(frame.value(p, metric) or 0.0 for p in frame.platforms)
        if metric in values and everyone > 0:
            share[metric] = round(values[metric] / everyone, 3)
    share["outcomes"] = {}
    for metric, value in outcomes.items():
        attributed = sum(frame.value(p, metric) or 0.0 for p in frame.platforms)
        if attributed > 0:
            share["outcomes"][metric] = round(value / attributed, 3)
    return Line(platform, history, values, changes, outcomes, outcomes_change, per_1k, share)


def _totals(
    frame: Frame,
    history: int,
    values: dict[str, float],
    changes: dict[str, float | None],
    outcomes: dict[str, float],
    outcomes_change: dict[str, float | None],
    per_1k: dict[str, float],
) -> Line:
    unattributed = {
        m: v
        for m in frame.outcomes
        if (v := frame.value(UNATTRIBUTED, m)) is not None and frame.reports(UNATTRIBUTED, m)
    }
    revenue = None
    if frame.has_refunds and frame.reports(ALL, GROSS_REVENUE):
        gross = frame.value(ALL, GROSS_REVENUE) or 0.0
        refunds = frame.value(ALL, "refunds") or 0.0
        revenue = {"gross": gross, "refunds": refunds, "net": gross - refunds}
    cost_per: dict[str, float] = {}
    spend = values.get("spend")
    if spend:
        for metric, value in outcomes.items():
            if value > 0 and not frame.is_money(metric):
                cost_per[metric] = spend / value
    return Line(
        ALL,
        history,
        values,
        changes,
        outcomes,
        outcomes_change,
        per_1k,
        {},
        unattributed,
        revenue,
        cost_per,
    )


# --- headline (product.md 3.5) and action (3.7) -----------------------------------------------


def choose_headline(
    frame: Frame,
    shown: Sequence[Insight],
    goals: Sequence[GoalLine],
    *,
    currency: str,
    holidays: Sequence[str],
    empty: bool,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    team: str = "",
) -> Headline:
    if empty and not frame.outcomes and not frame.platforms:
        team_arg = team or "T…"
        return Headline(
            "no_data",
            f"No data for {frame.week.label}: connect a source (e.g. `/impact connect "
            f"instagram`) or load a CSV with `impact import FILE --team {team_arg}`.",
        )
    holiday = holidays[0] if holidays else None
    event = _goal_event(frame, goals, currency, thresholds)
    if event:
        return Headline("goal_event", event)
    move = _outcome_move(frame, currency, holiday, thresholds)
    if move:
        return move
    alarm = next((i for i in shown if i.kind == ALARM), None)
    if alarm:
        return Headline("gap", alarm.message)
    win = next((i for i in shown if i.kind == WIN), None)
    if win:
        return Headline("win", win.message)
    return Headline("quiet", _quiet(frame, currency, thresholds))


def _goal_event(
    frame: Frame, goals: Sequence[GoalLine], currency: str, t: Thresholds
) -> str | None:
    for line in goals:
        status, before = line.evaluation.status, line.previous_status
        label = metric_label(line.spec.metric)
        scope = f"{platform_name(line.spec.platform)} " if line.spec.platform else ""
        name = (scope + label)[:1].upper() + (scope + label)[1:]
        if status == MET and before not in (MET, None):
            text = f"{name} goal met: {goal_value_text(line, currency)}."
            metric = line.spec.metric
            if metric in frame.outcomes:
                stat = _stat(frame, line.spec.platform or ALL, metric, t)
                ratio = times(stat.ratio)
                if stat.moved == 1 and stat.current is not None:
                    week_value = amount(frame, metric, stat.current, currency)
                    if ratio:
                        text += f" {week_value} this week, {ratio} a normal week."
                    elif stat.change is not None:
                        text += f" {week_value} this week, {pct(stat.change)} on a normal week."
            return text
    for line in goals:
        status, before = line.evaluation.status, line.previous_status
        if status == OFF_TRACK and before in (ON_TRACK, AT_RISK):
            label = metric_label(line.spec.metric)
            scope = f"{platform_name(line.spec.platform)} " if line.spec.platform else ""
            name = (scope + label)[:1].upper() + (scope + label)[1:]
            deadline = line.spec.deadline
            return (
                f"{name} goal is now off track: {goal_value_text(line, currency)}, due "
                f"{deadline:%b} {deadline.day}."
            )
    return None


def _outcome_move(
    frame: Frame, currency: str, holiday: str | None, t: Thresholds
) -> Headline | None:
    moved = [(m, _stat(frame, ALL, m, t)) for m in frame.outcomes]
    moved = [(m, s) for m, s in moved if s.moved != 0 and s.current is not None]
    if not moved:
        return None
    money = [(m, s) for m, s in moved if frame.is_money(m)]
    metric, stat = max(money or moved, key=lambda item: item[1].sigmas)
    label = metric_label(metric)
    name = label[:1].upper() + label[1:]
    inter = _stat(frame, ALL, "interactions", t)
    fall_note = f" ({holiday} week)" if holiday and stat.moved == -1 else ""
    if inter.moved == stat.moved and stat.change is not None and inter.change is not None:
        return Headline(
            "together",
            f"{name} {pct(stat.change)} and interactions {pct(inter.change)}{fall_note}.",
        )
    value = amount(frame, metric, stat.current or 0.0, currency)
    ratio = times(stat.ratio)
    if ratio and stat.moved == 1:
        size = f"{ratio} a normal week"
    elif stat.change is not None:
        size = f"{pct(stat.change)} on a normal week"
    else:
        size = "up from none" if stat.moved == 1 else "down"
    by = ""
    deltas = [
        (p, (frame.value(p, metric) or 0.0) - (_stat(frame, p, metric, t).baseline or 0.0))
        for p in frame.platforms
        if frame.reports(p, metric) and not _stat(frame, p, metric, t).is_new
    ]
    if len(deltas) > 1 and stat.current and stat.moved == 1:
        platform, delta = max(deltas, key=lambda item: item[1] * stat.moved)
        if delta * stat.moved > 0 and abs(delta) >= 0.5 * abs(stat.delta):
            share = (frame.value(platform, metric) or 0.0) / stat.current
            by = f" ({platform_name(platform)} brought {share:.0%})"
    return Headline("outcome_move", f"{name} {value}, {size}{by}{fall_note}.")


def _quiet(frame: Frame, currency: str, t: Thresholds) -> str:
    shown = []
    history = 0
    for metric in frame.outcomes[:3]:
        stat = _stat(frame, ALL, metric, t)
        history = max(history, stat.history)
        if stat.current is not None:
            text = amount(frame, metric, stat.current, currency)
            shown.append(f"{text} {metric_label(metric)}")
    inter = _stat(frame, ALL, "interactions", t)
    history = max(history, inter.history)
    if not shown and inter.current is not None:
        shown.append(f"{inter.current:,.0f} interactions")
    figures = (" " + ", ".join(shown) + ".") if shown else ""
    if history < t.min_history:
        weeks = history + 1
        noun = "week" if weeks == 1 else "weeks"
        return (
            f"Not enough history to judge changes yet: {weeks} {noun} of data (changes are "
            f"judged from week {t.min_history + 1}).{figures}"
        )
    return f"A normal week: nothing moved beyond its usual range.{figures}"


def choose_action(shown: Sequence[Insight], goals: Sequence[GoalLine]) -> Action | None:
    """The action of the top alarm (else win), naming the owner of the goal it concerns."""
    top = next((i for i in shown if i.kind == ALARM), None) or next(
        (i for i in shown if i.kind == WIN), None
    )
    if top is None:
        return None
    owner = None
    for line in goals:
        same_metric = top.outcome is not None and line.spec.metric == top.outcome
        same_scope = line.spec.platform in (None, top.platform)
        if same_metric and same_scope and line.owner:
            owner = line.owner
            break
    if owner is None and top.platform is not None:
        owner = next((g.owner for g in goals if g.spec.platform == top.platform and g.owner), None)
    return Action(top.action, top.type, top.platform, owner)


# --- goals as text ---------------------------------------------------------------------------


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, "just set" if status == "new" else status)


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


__all__ = [
    "SERIES_WEEKS",
    "Action",
    "ConnectionLine",
    "Digest",
    "GoalLine",
    "Headline",
    "Line",
    "compose_digest",
    "goal_value_text",
    "metric_label",
    "status_label",
]
