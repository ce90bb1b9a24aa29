"""Insights: engagement not tied to outcomes (product.md section 3). Pure.

Each insight carries its numbers and an action a person could take. The first two test a
change against the noise of the weeks before, so flat or randomly varying series with no
real change produce nothing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from bot.core import catalogue
from bot.core.model import PostRecord
from bot.core.periods import IsoWeek, trailing_weeks, weeks_before

Series = Mapping[IsoWeek, float]
SeriesMap = Mapping[tuple[str, str], Series]
ALL = ""  # the key of "all platforms together"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Defaults of product.md; a team overrides any of them in its settings."""

    min_rise: float = 0.20
    noise_sigmas: float = 2.0
    max_outcome_change: float = 0.05
    baseline_weeks: int = 4
    min_baseline_weeks: int = 3
    link_weeks: int = 12
    min_link_weeks: int = 8
    max_correlation: float = 0.3
    min_variation: float = 0.15
    vanity_min_interactions: int = 20
    vanity_max_click_share: float = 0.01
    vanity_max_posts: int = 3
    minutes_per_reply: float = 2.0
    cost_min_hours: float = 1.0

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Thresholds:
        """Defaults overridden by the known keys of a team's settings (others ignored)."""
        known = {f.name: f.type for f in fields(cls)}
        chosen = {}
        for name, value in values.items():
            if name in known and isinstance(value, int | float) and not isinstance(value, bool):
                chosen[name] = int(value) if known[name] in ("int", int) else float(value)
        return replace(cls(), **chosen)


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Insight:
    type: str
    platform: str | None
    message: str
    action: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "platform": self.platform,
            **self.numbers,
            "message": self.message,
            "action": self.action,
        }


def platform_name(platform: str | None) -> str:
    return catalogue.PLATFORMS.get(platform or "", "All platforms")


def pct(value: float) -> str:
    """`+48%`, `−3%` (a real minus sign, as people write it)."""
    text = f"{value:+.0%}"
    return text.replace("-", "−")


def find_insights(
    series: SeriesMap,
    week: IsoWeek,
    *,
    posts: Sequence[PostRecord] = (),
    outcome_metrics: Sequence[str] = (),
    goal_scopes: Iterable[str | None] = (),
    thresholds: Thresholds | None = None,
) -> list[Insight]:
    """Every insight for `week`. `series` maps (platform, metric) to weekly values, with
    platform '' for unattributed outcomes; `goal_scopes` are the platforms active goals cover
    (None = all)."""
    thresholds = thresholds or DEFAULT_THRESHOLDS
    engaged = sorted(
        p for (p, m), s in series.items() if m == "interactions" and p and s.get(week, 0) > 0
    )
    outcome = primary_outcome(series, outcome_metrics)
    found: list[Insight] = []
    for platform in [*engaged, ALL]:
        inter = _series(series, platform, "interactions")
        out = _series(series, platform, outcome) if outcome else {}
        if platform and not _has_outcome(series, platform, outcome_metrics):
            continue  # reported below as no_outcome_link
        if outcome is None:
            continue
        item = engagement_without_outcome(platform, inter, out, outcome, week, thresholds)
        if item:
            found.append(item)
        item = weak_link(platform, inter, out, outcome, week, thresholds)
        if item:
            found.append(item)
    found.extend(vanity_posts(posts, week, thresholds))
    found.extend(no_outcome_link(series, engaged, outcome_metrics, set(goal_scopes)))
    item = engagement_cost(series, engaged, outcome, week, thresholds)
    if item:
        found.append(item)
    return found


def primary_outcome(series: SeriesMap, outcome_metrics: Sequence[str]) -> str | None:
    """The outcome the digest weighs engagement against: the first of `outcome_metrics`
    (goal metrics first, then catalogue order) that has any data."""
    present = {m for (_, m) in series}
    return next((m for m in outcome_metrics if m in present), None)


def _has_outcome(series: SeriesMap, platform: str, outcome_metrics: Sequence[str]) -> bool:
    return any((platform, m) in series for m in outcome_metrics)


def _series(series: SeriesMap, platform: str, metric: str | None) -> dict[IsoWeek, float]:
    if metric is None:
        return {}
    if platform != ALL:
        return dict(series.get((platform, metric), {}))
    total: dict[IsoWeek, float] = {}
    for (p, m), values in series.items():
        if m == metric and (p or metric != "interactions"):
            for week, value in values.items():
                total[week] = total.get(week, 0.0) + value
    return total


def _change(current: float, baseline: float) -> float | None:
    return None if baseline == 0 else (current - baseline) / baseline


def engagement_without_outcome(
    platform: str,
    interactions: Series,
    outcomes: Series,
    outcome: str,
    week: IsoWeek,
    t: Thresholds,
) -> Insight | None:
    base_weeks = [w for w in weeks_before(week, t.baseline_weeks) if w in interactions]
    if week not in interactions or len(base_weeks) < t.min_baseline_weeks:
        return None
    base = [interactions[w] for w in base_weeks]
    mean = statistics.fmean(base)
    spread = max(statistics.pstdev(base), math.sqrt(mean))
    current = interactions[week]
    rise = _change(current, mean)
    if rise is None or rise < t.min_rise or current - mean < t.noise_sigmas * spread:
        return None
    out_base = statistics.fmean(outcomes.get(w, 0.0) for w in base_weeks)
    out_now = outcomes.get(week, 0.0)
    out_change = _change(out_now, out_base)
    if out_change is None or out_change > t.max_outcome_change:
        return None
    name = platform_name(platform or None)
    scope = f"from {name}" if platform else "overall"
    label = catalogue.METRICS[outcome].label if outcome in catalogue.METRICS else outcome
    message = (
        f"{name} interactions {pct(rise)} vs the 4 weeks before; {label} {scope} {pct(out_change)}."
    )
    action = (
        f"Add a clear call to action and a tracked link to {name} posts, or move effort to "
        f"content that drives {label}."
    )
    return Insight(
        "engagement_without_outcome",
        platform or None,
        message,
        action,
        {
            "engagement_change": round(rise, 4),
            "interactions": round(current),
            "interactions_baseline": round(mean, 1),
            "outcome": outcome,
            "outcome_change": round(out_change, 4),
            "outcome_value": round(out_now, 2),
            "outcome_baseline": round(out_base, 2),
        },
    )


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r; 0 when either side does not vary (nothing moves together)."""
    if len(xs) < 2 or statistics.pstdev(xs) == 0 or statistics.pstdev(ys) == 0:
        return 0.0
    return statistics.correlation(xs, ys)


def weak_link(
    platform: str,
    interactions: Series,
    outcomes: Series,
    outcome: str,
    week: IsoWeek,
    t: Thresholds,
) -> Insight | None:
    weeks = [w for w in trailing_weeks(week, t.link_weeks) if w in interactions and w in outcomes]
    if len(weeks) < t.min_link_weeks:
        return None
    xs = [interactions[w] for w in weeks]
    ys = [outcomes[w] for w in weeks]
    mean = statistics.fmean(xs)
    variation = statistics.pstdev(xs) / mean if mean else 0.0
    if variation < t.min_variation:
        return None
    same = pearson(xs, ys)
    lagged = pearson(xs[:-1], ys[1:])
    r = max(same, lagged)
    if r >= t.max_correlation:
        return None
    name = platform_name(platform or None)
    label = catalogue.METRICS[outcome].label if outcome in catalogue.METRICS else outcome
    message = (
        f"Over {len(weeks)} weeks {name} interactions and {label} moved independently "
        f"(r = {r:.2f})."
    )
    action = (
        f"Treat {name} engagement as awareness, not as a driver of {label}: test one post "
        "with a direct sign-up link and compare."
    )
    return Insight(
        "weak_link",
        platform or None,
        message,
        action,
        {
            "weeks": len(weeks),
            "correlation": round(r, 3),
            "outcome": outcome,
            "interactions_variation": round(variation, 3),
        },
    )


def vanity_posts(posts: Sequence[PostRecord], week: IsoWeek, t: Thresholds) -> list[Insight]:
    of_week = [p for p in posts if week.start <= p.published_at.date() <= week.end]
    if not of_week:
        return []
    median = statistics.median(p.interactions for p in of_week)
    chosen = [
        p
        for p in of_week
        if p.interactions >= max(median, t.vanity_min_interactions)
        and p.link_clicks / p.interactions < t.vanity_max_click_share
        and p.outcomes == 0
    ]
    chosen.sort(key=lambda p: (-p.interactions, p.external_id))
    chosen = chosen[: t.vanity_max_posts]
    if not chosen:
        return []
    listed = [
        {
            "post_id": p.external_id,
            "platform": p.platform,
            "permalink": p.permalink,
            "title": p.title,
            "interactions": p.interactions,
            "link_clicks": p.link_clicks,
        }
        for p in chosen
    ]
    total = sum(p.interactions for p in chosen)
    noun = "post" if len(chosen) == 1 else "posts"
    message = (
        f"{len(chosen)} {noun} drew {total:,} interactions with almost no link clicks and no "
        "outcome."
    )
    action = "Reuse their format with a link in the caption or a link sticker, and measure it."
    return [Insight("vanity_posts", None, message, action, {"posts": listed})]


def no_outcome_link(
    series: SeriesMap,
    engaged: Sequence[str],
    outcome_metrics: Sequence[str],
    goal_scopes: set[str | None],
) -> list[Insight]:
    found = []
    for platform in engaged:
        name = platform_name(platform)
        attributed = _has_outcome(series, platform, outcome_metrics)
        covered = None in goal_scopes or platform in goal_scopes
        if attributed and covered:
            continue
        if not attributed:
            message = f"{name} has interactions this week, but no outcome is attributed to it."
            action = (
                "Connect GA4 (`/impact connect ga4`) or tag links with utm_source="
                f"{platform} so outcomes from {name} can be counted."
            )
        else:
            message = f"No goal covers {name}: its engagement is not measured against anything."
            action = f"Reply in this thread with a goal, e.g. `{platform} signups +10% by Mar 31`."
        found.append(
            Insight(
                "no_outcome_link",
                platform,
                message,
                action,
                {"missing": "attribution" if not attributed else "goal"},
            )
        )
    return found


def engagement_cost(
    series: SeriesMap,
    platforms: Sequence[str],
    outcome: str | None,
    week: IsoWeek,
    t: Thresholds,
) -> Insight | None:
    """Reply time the week's comments cost (comments × minutes per reply), when it reaches
    the threshold, with the attributed outcomes per hour of each platform."""
    rows = []
    for platform in platforms:
        comments = series.get((platform, "comments"), {}).get(week, 0.0)
        if not comments:
            continue
        hours = comments * t.minutes_per_reply / 60
        outcomes = series.get((platform, outcome), {}).get(week, 0.0) if outcome else 0.0
        rows.append((hours, platform, comments, outcomes))
    total_hours = sum(r[0] for r in rows)
    if total_hours < t.cost_min_hours:
        return None
    rows.sort(key=lambda r: (-r[0], r[1]))
    label = catalogue.METRICS[outcome].label if outcome in catalogue.METRICS else (outcome or "")
    parts = []
    for hours, platform, _comments, outcomes in rows:
        rate = f", {outcomes / hours:.1f} {label} per hour" if outcome else ""
        parts.append(f"{platform_name(platform)} {hours:.1f} h{rate}")
    comments_total = sum(r[2] for r in rows)
    message = (
        f"Replying to {comments_total:,.0f} comments takes about {total_hours:.1f} h a week "
        f"({t.minutes_per_reply:g} min each): " + "; ".join(parts) + "."
    )
    action = (
        "Decide how much reply time each channel deserves: spend it where replies lead to "
        f"{label or 'outcomes'}."
    )
    return Insight(
        "engagement_cost",
        None,
        message,
        action,
        {
            "comments": round(comments_total),
            "minutes_per_reply": t.minutes_per_reply,
            "hours": round(total_hours, 2),
            "outcome": outcome,
            "by_platform": [
                {
                    "platform": platform,
                    "comments": round(comments),
                    "hours": round(hours, 2),
                    "outcomes": round(outcomes, 2),
                    "outcomes_per_hour": round(outcomes / hours, 2) if hours else None,
                }
                for hours, platform, comments, outcomes in rows
            ],
        },
    )
