"""The weekly series judgement works on (product.md 3.1, 3.2). Pure.

`build_frame` turns raw weekly sums into the series the digest judges:
- a week is present only where its source had data: a platform's engagement and exposure
  where the platform reported anything that week, an outcome where its source reported that
  outcome for any platform (so a week with no signups from Instagram is 0, not absent, once
  the outcome source is live) and, for a platform's attributed outcomes, from the
  platform's first week with data on;
- revenue is net of refunds where refunds exist (gross stays available);
- reply hours are comments × minutes per reply;
- "all platforms" (`ALL`) sums the platforms, and for outcomes the unattributed part too.
It also decides which outcomes are judged, in which order, and each platform's primary one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core import catalogue
from bot.core.catalogue import Kind
from bot.core.periods import IsoWeek
from bot.core.stats import HISTORY_WEEKS, window

ALL = "*"  # key of "all platforms together" (attributed and unattributed)
UNATTRIBUTED = ""  # platform of outcomes no platform is credited with

NET_REVENUE = "revenue"
GROSS_REVENUE = "revenue_gross"
REPLY_HOURS = "reply_hours"


@dataclass(frozen=True)
class Frame:
    week: IsoWeek
    #: (platform, metric) -> weekly series, presence rules applied; platform ALL included.
    series: dict[tuple[str, str], dict[IsoWeek, float]]
    #: Platforms with data in the 12 weeks ending with the week, busiest first.
    platforms: list[str]
    #: Judged outcomes in judging order (goal metrics, money, then by volume).
    outcomes: list[str]
    #: Money metrics among the series (outcomes and spend).
    money: frozenset[str]
    #: Platform -> its primary outcome (the first judged one attributed to it), or None.
    primary: dict[str, str | None]
    minutes_per_reply: float
    has_refunds: bool = False
    kinds: dict[str, Kind] = field(default_factory=dict)

    def get(self, platform: str, metric: str) -> dict[IsoWeek, float]:
        return self.series.get((platform, metric), {})

    def reports(self, platform: str, metric: str) -> bool:
        return (platform, metric) in self.series

    def value(self, platform: str, metric: str, week: IsoWeek | None = None) -> float | None:
        return self.get(platform, metric).get(week or self.week)

    def total(self, platform: str, metric: str, weeks: Iterable[IsoWeek]) -> float:
        values = self.get(platform, metric)
        return sum(values.get(w, 0.0) for w in weeks)

    def is_money(self, metric: str) -> bool:
        return metric in self.money

    def primary_candidates(self, platform: str, metric: str) -> bool:
        values = self.get(platform, metric)
        return any(values.get(w) for w in window(self.week, HISTORY_WEEKS))


def build_frame(
    raw: Mapping[tuple[str, str], Mapping[IsoWeek, float]],
    week: IsoWeek,
    *,
    goal_metrics: Sequence[str] = (),
    custom_kinds: Mapping[str, Kind] | None = None,
    minutes_per_reply: float = 2.0,
) -> Frame:
    """The judged series of `week` from raw weekly sums keyed (platform, metric), platform ''
    for unattributed outcomes."""
    kinds = dict(custom_kinds or {})

    def kind(metric: str) -> Kind | None:
        return catalogue.kind_of(metric, kinds)

    active: dict[str, set[IsoWeek]] = defaultdict(set)  # platform -> weeks it reported
    reported: dict[str, set[IsoWeek]] = defaultdict(set)  # outcome/cost -> weeks reported
    for (platform, metric), values in raw.items():
        k = kind(metric)
        if k in (Kind.OUTCOME, Kind.MONEY, Kind.COST):
            reported[metric].update(values)
        elif k is not None and platform:
            active[platform].update(values)

    series: dict[tuple[str, str], dict[IsoWeek, float]] = {}
    for (platform, metric), values in raw.items():
        k = kind(metric)
        if k is None or (k in (Kind.EXPOSURE, Kind.ENGAGEMENT) and not platform):
            continue
        if catalogue.is_level(metric):
            series[(platform, metric)] = dict(values)
            continue
        if k in (Kind.OUTCOME, Kind.MONEY, Kind.COST):
            weeks = reported[metric]
            if platform and active.get(platform):
                # a platform's outcomes start with the platform: weeks before its account
                # was connected are absent, not "zero from Instagram"
                weeks = weeks & (active[platform] | set(values))
        else:
            weeks = active[platform]
        series[(platform, metric)] = {w: float(values.get(w, 0.0)) for w in weeks}

    has_refunds = any(m == "refunds" for _, m in series)
    if has_refunds:
        _net_revenue(series, reported)
    for platform in list(active):
        comments = series.get((platform, "comments"))
        if comments is not None:
            series[(platform, REPLY_HOURS)] = {
                w: v * minutes_per_reply / 60 for w, v in comments.items()
            }
    _add_all(series, kind)

    money = frozenset(m for _, m in series if catalogue.is_money(m, kinds) or m == GROSS_REVENUE)
    span = window(week, HISTORY_WEEKS)
    outcomes = _judged_outcomes(series, span, goal_metrics, kinds, money)
    platforms = _platforms(series, span, week)
    primary = {}
    for platform in platforms:
        primary[platform] = next(
            (m for m in outcomes if any(series.get((platform, m), {}).get(w) for w in span)),
            None,
        )
    return Frame(
        week=week,
        series=series,
        platforms=platforms,
        outcomes=outcomes,
        money=money,
        primary=primary,
        minutes_per_reply=minutes_per_reply,
        has_refunds=has_refunds,
        kinds=kinds,
    )


def _net_revenue(
    series: dict[tuple[str, str], dict[IsoWeek, float]], reported: dict[str, set[IsoWeek]]
) -> None:
    """Revenue becomes revenue − refunds per platform; gross is kept as `revenue_gross`."""
    weeks = reported.get("revenue", set()) | reported.get("refunds", set())
    platforms = {p for p, m in series if m in ("revenue", "refunds")}
    for platform in platforms:
        gross = series.get((platform, "revenue"), {})
        refunds = series.get((platform, "refunds"), {})
        series[(platform, GROSS_REVENUE)] = {w: gross.get(w, 0.0) for w in weeks}
        series[(platform, "refunds")] = {w: refunds.get(w, 0.0) for w in weeks}
        series[(platform, NET_REVENUE)] = {
            w: gross.get(w, 0.0) - refunds.get(w, 0.0) for w in weeks
        }


def _add_all(series: dict[tuple[str, str], dict[IsoWeek, float]], kind) -> None:  # type: ignore[no-untyped-def]
    totals: dict[str, dict[IsoWeek, float]] = defaultdict(lambda: defaultdict(float))
    for (platform, metric), values in list(series.items()):
        k = kind(metric) if metric not in (GROSS_REVENUE, REPLY_HOURS) else None
        is_outcome_like = k in (Kind.OUTCOME, Kind.MONEY, Kind.COST) or metric == GROSS_REVENUE
        if catalogue.is_level(metric):
            if not platform:
                continue
        elif not platform and not is_outcome_like:
            continue
        for w, v in values.items():
            totals[metric][w] += v
    for metric, values in totals.items():
        series[(ALL, metric)] = dict(values)


def _judged_outcomes(
    series: Mapping[tuple[str, str], Mapping[IsoWeek, float]],
    span: Sequence[IsoWeek],
    goal_metrics: Sequence[str],
    kinds: Mapping[str, Kind],
    money: frozenset[str],
) -> list[str]:
    """Every outcome with data in the last 12 weeks: goal metrics first (in goal order),
    then money, then the rest by volume. Refunds are never judged on their own."""
    volume: dict[str, float] = {}
    for (platform, metric), values in series.items():
        if platform != ALL or metric in ("refunds", GROSS_REVENUE):
            continue
        if not catalogue.is_outcome(metric, dict(kinds)):
            continue
        if any(w in values for w in span):
            volume[metric] = sum(abs(values.get(w, 0.0)) for w in span)
    ordered: list[str] = []
    for metric in goal_metrics:
        metric = outcome_of_goal_metric(metric)
        if metric in volume and metric not in ordered:
            ordered.append(metric)
    for metric in sorted(volume, key=lambda m: (-volume[m], m)):
        if metric in money and metric not in ordered:
            ordered.append(metric)
    for metric in sorted(volume, key=lambda m: (-volume[m], m)):
        if metric not in ordered:
            ordered.append(metric)
    return ordered


def outcome_of_goal_metric(metric: str) -> str:
    """The outcome a goal is about: `cost_per_order` -> `orders`; others unchanged."""
    if not metric.startswith("cost_per_"):
        return metric
    name = metric.removeprefix("cost_per_")
    plural = name + "s"
    return plural if plural in catalogue.METRICS and name not in catalogue.METRICS else name


def _platforms(
    series: Mapping[tuple[str, str], Mapping[IsoWeek, float]],
    span: Sequence[IsoWeek],
    week: IsoWeek,
) -> list[str]:
    seen = {
        p
        for (p, _), values in series.items()
        if p not in (ALL, UNATTRIBUTED) and any(w in values for w in span)
    }
    busy = {p: series.get((p, "interactions"), {}).get(week, 0.0) for p in seen}
    return sorted(seen, key=lambda p: (-busy[p], p))
