"""Which engagement moves outcomes: the insights of product.md 3.4. Pure.

Every insight is computed from a `Frame` (the judged weekly series) and carries its kind
(alarm, win or note), its numbers, one sentence that is true of those numbers, and one
action a person can take with the product. A change is judged only against the noise of
the weeks before it (`bot.core.stats.judge`): a normal week produces no alarm.

`judge_week` returns what the digest shows and keeps: at most one insight per (type,
platform), an all-platforms insight only when no platform's insight of that type explains
it, ranked by what is at stake (money, then people, then hours), standing findings shown in
the first digest week of a month or when they start to hold.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from bot.core import catalogue
from bot.core.frame import ALL, REPLY_HOURS, Frame
from bot.core.model import PostRecord
from bot.core.money import format_money
from bot.core.periods import IsoWeek, trailing_weeks, weeks_before
from bot.core.stats import Stat, judge, paired, pearson, variation

ALARM, WIN, NOTE = "alarm", "win", "note"
KINDS: dict[str, str] = {
    "engagement_without_outcome": ALARM,
    "outcome_pending": NOTE,
    "lagged_outcome": WIN,
    "outcome_without_engagement": WIN,
    "clicks_drive_outcomes": WIN,
    "weak_link": ALARM,
    "inverse_link": ALARM,
    "share_gap": ALARM,
    "vanity_posts": ALARM,
    "no_outcome_link": ALARM,
    "engagement_cost": NOTE,
}
#: Findings that describe months, not a week (product.md 3.4).
STANDING_TYPES = frozenset(
    {
        "weak_link",
        "inverse_link",
        "share_gap",
        "clicks_drive_outcomes",
        "no_outcome_link",
        "engagement_cost",
    }
)
_TYPE_ORDER = {name: index for index, name in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Defaults of product.md; a team overrides any of them in its settings."""

    min_rise: float = 0.20
    noise_sigmas: float = 2.0
    min_outcome_rise: float = 0.05
    outcome_rise_share: float = 0.25
    history_weeks: int = 12
    baseline_weeks: int = 4
    min_history: int = 3
    link_weeks: int = 12
    min_link_weeks: int = 8
    max_correlation: float = 0.3
    min_variation: float = 0.15
    inverse_correlation: float = -0.5
    lag_correlation: float = 0.5
    lag_margin: float = 0.1
    clicks_correlation: float = 0.7
    clicks_margin: float = 0.3
    share_weeks: int = 4
    min_share: float = 0.25
    share_ratio: float = 1 / 3
    vanity_min_interactions: int = 20
    vanity_max_click_share: float = 0.01
    vanity_max_posts: int = 3
    minutes_per_reply: float = 2.0
    cost_min_hours: float = 1.0
    max_insights: int = 6

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Thresholds:
        """Defaults overridden by the known keys of a team's settings (others ignored)."""
        known = {f.name: f.type for f in fields(cls)}
        chosen: dict[str, Any] = {}
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
    #: The outcome it concerns (ranking, the goal owner to name), if any.
    outcome: str | None = None
    #: Stake class: 0 money, 1 people, 2 hours, 3 nothing measured.
    stake_class: int = 3
    #: Size of what is at stake, in the class's unit (per week).
    stake: float = 0.0

    @property
    def kind(self) -> str:
        return KINDS[self.type]

    @property
    def standing(self) -> bool:
        return self.type in STANDING_TYPES

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.type, self.platform)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "kind": self.kind,
            "platform": self.platform,
            **self.numbers,
            "message": self.message,
            "action": self.action,
        }


# --- words ----------------------------------------------------------------------------------


def platform_name(platform: str | None) -> str:
    if platform in (None, "", ALL):
        return "All platforms"
    return catalogue.PLATFORMS.get(platform, platform.title())


def pct(value: float) -> str:
    """`+48%`, `−3%`, `+5.6%`, `+1,991%` (a real minus sign, one decimal under 10%)."""
    digits = 1 if abs(value) < 0.095 and round(value, 3) != round(value, 2) else 0
    text = f"{value:+,.{digits}%}"
    if text in ("+0.0%", "-0.0%", "-0%"):
        text = "+0%"
    return text.replace("-", "−")


def metric_label(metric: str | None) -> str:
    if not metric:
        return "outcomes"
    definition = catalogue.METRICS.get(metric)
    return definition.label if definition else metric.replace("_", " ")


def singular(label: str) -> str:
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


def amount(frame: Frame, metric: str, value: float, currency: str) -> str:
    """A value of `metric` as people read it: money in the currency, counts with commas."""
    if frame.is_money(metric):
        return format_money(value, currency)
    if abs(value) >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def times(ratio: float | None) -> str:
    """`21×`, `3.5×`, '' below 2× (a change in percent says it better)."""
    if ratio is None or ratio < 2:
        return ""
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×".replace(".0×", "×")


def rtext(value: float | None) -> str:
    """A correlation as people read it: `0.82`, `−0.78` (a real minus sign)."""
    return "n/a" if value is None else f"{value:.2f}".replace("-", "−")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def judge_series(frame: Frame, platform: str, metric: str, t: Thresholds) -> Stat:
    """One series of the frame judged for the frame's week with the team's thresholds."""
    return judge(
        frame.get(platform, metric),
        frame.week,
        count=not frame.is_money(metric) and metric != REPLY_HOURS,
        sigmas=t.noise_sigmas,
        history_weeks=t.history_weeks,
        baseline_weeks=t.baseline_weeks,
        min_history=t.min_history,
    )


# --- the judge --------------------------------------------------------------------------------


@dataclass
class _Judge:
    frame: Frame
    t: Thresholds
    currency: str
    team: str = ""

    def stat(self, platform: str, metric: str) -> Stat:
        return judge_series(self.frame, platform, metric, self.t)

    def outcomes_of(self, platform: str) -> list[str]:
        """Judged outcomes attributed to `platform` (all of them for ALL)."""
        if platform == ALL:
            return list(self.frame.outcomes)
        return [m for m in self.frame.outcomes if self.frame.primary_candidates(platform, m)]

    def primary(self, platform: str) -> str | None:
        if platform == ALL:
            return self.frame.outcomes[0] if self.frame.outcomes else None
        return self.frame.primary.get(platform)

    def stake_of(self, metric: str | None, size: float) -> tuple[int, float]:
        if metric is None:
            return 3, size
        return (0 if self.frame.is_money(metric) else 1), abs(size)

    def lag(self, platform: str) -> tuple[bool, float | None, float | None, int]:
        """(lags, r0, r1, weeks) over the 12 weeks before the week (product.md 3.3)."""
        outcome = self.primary(platform)
        if outcome is None or platform == ALL:
            return False, None, None, 0
        weeks = weeks_before(self.frame.week, self.t.link_weeks)
        inter = self.frame.get(platform, "interactions")
        out = self.frame.get(platform, outcome)
        xs, ys = paired(inter, out, weeks)
        if len(xs) < self.t.min_link_weeks:
            return False, None, None, len(xs)
        r0 = pearson(xs, ys)
        lx, ly = paired(inter, out, weeks, lag=1)
        r1 = pearson(lx, ly) if len(lx) >= self.t.min_link_weeks - 1 else None
        lags = (
            r1 is not None
            and r1 >= self.t.lag_correlation
            and r1 > (r0 if r0 is not None else 0.0) + self.t.lag_margin
        )
        return lags, r0, r1, len(xs)


def _rose(stat: Stat, limit: float) -> bool:
    if stat.change is not None:
        return stat.change > limit
    return stat.baseline == 0 and (stat.current or 0) > 0 and not stat.is_new


def spike(j: _Judge, platform: str) -> tuple[Stat, list[tuple[str, Stat]]] | None:
    """Interactions rose ≥ 20% and beyond noise while no judged outcome of the platform rose
    by more than max(5%, a quarter of that rise): the stats, or None."""
    inter = j.stat(platform, "interactions")
    if inter.change is None or inter.change < j.t.min_rise or inter.moved != 1:
        return None
    outcomes = [(m, j.stat(platform, m)) for m in j.outcomes_of(platform)]
    if not outcomes or any(s.is_new or s.current is None for _, s in outcomes[:1]):
        return None
    limit = max(j.t.min_outcome_rise, inter.change * j.t.outcome_rise_share)
    if any(_rose(s, limit) for _, s in outcomes if not s.is_new):
        return None
    return inter, outcomes


def engagement_spike(j: _Judge, platform: str) -> Insight | None:
    """`engagement_without_outcome`, or `outcome_pending` when the platform's outcomes lag."""
    found = spike(j, platform)
    if found is None:
        return None
    inter, outcomes = found
    metric, out = outcomes[0]
    name = platform_name(platform)
    label = metric_label(metric)
    lags, r0, r1, weeks = j.lag(platform)
    stake_class, stake = j.stake_of(metric, out.baseline or 0.0)
    if lags:
        message = (
            f"{name} {label} have followed its engagement a week later (r = {rtext(r1)}): "
            f"interactions {pct(inter.change or 0)} this week, judge the spike next week."
        )
        action = (
            f"Nothing to change yet: next week's digest checks {name} {label} against this spike."
        )
        return Insight(
            "outcome_pending",
            None if platform == ALL else platform,
            message,
            action,
            {
                "engagement_change": _round(inter.change),
                "interactions": round(inter.current or 0),
                "outcome": metric,
                "r0": _r(r0),
                "r1": _r(r1),
                "weeks": weeks,
            },
            metric,
            stake_class,
            stake,
        )
    per_1k = 1000 * (out.current or 0) / inter.current if inter.current else None
    per_1k_base = 1000 * (out.baseline or 0) / inter.baseline if inter.baseline else None
    ratio = inter.ratio
    scale = f" ({times(ratio)} normal)" if times(ratio) else ""
    lead = f"{name} interactions" if platform != ALL else "Interactions across platforms"
    rate = ""
    if per_1k is not None and per_1k_base is not None:
        now_text = amount(j.frame, metric, per_1k, j.currency)
        base_text = amount(j.frame, metric, per_1k_base, j.currency)
        unit = "" if j.frame.is_money(metric) else f" {label}"
        word = "down from" if per_1k < per_1k_base else "against"
        rate = f": {now_text}{unit} per 1,000 interactions, {word} {base_text}"
    out_change = out.change
    out_text = pct(out_change) if out_change is not None else "unchanged from nothing"
    message = f"{lead} {pct(inter.change or 0)}{scale}; {label} {out_text}{rate}."
    target = f"{name} posts" if platform != ALL else "posts"
    action = (
        f"Add a clear call to action and a tracked link to {target}, or move effort to "
        f"content that brings {label}."
    )
    return Insight(
        "engagement_without_outcome",
        None if platform == ALL else platform,
        message,
        action,
        {
            "engagement_change": _round(inter.change),
            "times_normal": _round(ratio, 1),
            "interactions": round(inter.current or 0),
            "interactions_baseline": _round(inter.baseline, 1),
            "outcome": metric,
            "outcome_change": _round(out_change),
            "outcome_value": _round(out.current, 2),
            "outcome_baseline": _round(out.baseline, 2),
            "per_1k": _round(per_1k, 1),
            "per_1k_baseline": _round(per_1k_base, 1),
            "lag_checked": False,
        },
        metric,
        stake_class,
        stake,
    )


def lag_follow_up(j: _Judge, previous: _Judge, platform: str) -> Insight | None:
    """Last week was `outcome_pending`: a win if the outcome rose beyond noise this week,
    else `engagement_without_outcome` with `lag_checked`."""
    before = engagement_spike(previous, platform)
    if before is None or before.type != "outcome_pending":
        return None
    metric = before.numbers["outcome"]
    out = j.stat(platform, metric)
    if out.is_new or out.current is None:
        return None
    name = platform_name(platform)
    label = metric_label(metric)
    stake_class, stake = j.stake_of(metric, out.baseline or 0.0)
    numbers = {
        "engagement_change": before.numbers["engagement_change"],
        "outcome": metric,
        "outcome_change": _round(out.change),
        "outcome_value": _round(out.current, 2),
        "outcome_baseline": _round(out.baseline, 2),
        "lag_checked": True,
    }
    change_text = pct(out.change) if out.change is not None else "up from none"
    if out.moved == 1:
        message = f"Last week's {name} spike paid off: {label} {change_text} this week."
        action = f"Repeat what drove last week's {name} spike, and expect {label} a week later."
        return Insight("lagged_outcome", platform, message, action, numbers, metric, 0, 0.0)
    spike_text = pct(before.numbers["engagement_change"])
    message = (
        f"Last week's {name} spike (interactions {spike_text}) did not bring {label}: "
        f"{label} {change_text} this week, within the usual range."
    )
    action = (
        f"Add a clear call to action and a tracked link to {name} posts, or move effort to "
        f"content that brings {label}."
    )
    return Insight(
        "engagement_without_outcome",
        platform,
        message,
        action,
        numbers,
        metric,
        stake_class,
        stake,
    )


def outcome_without_engagement(j: _Judge, platform: str) -> Insight | None:
    inter = j.stat(platform, "interactions")
    if inter.is_new or inter.current is None or inter.moved == 1:
        return None
    for metric in j.outcomes_of(platform):
        out = j.stat(platform, metric)
        if out.moved != 1:
            continue
        name = platform_name(platform)
        label = metric_label(metric)
        inter_text = pct(inter.change) if inter.change is not None else "n/a"
        out_text = pct(out.change) if out.change is not None else "up from none"
        if inter.moved == -1 or (inter.change or 0) < 0:
            head = f"fewer interactions ({inter_text}), more {label} ({out_text})"
        else:
            head = f"interactions steady ({inter_text}), {label} {out_text}"
        clicks = j.stat(platform, "link_clicks")
        numbers: dict[str, Any] = {
            "engagement_change": _round(inter.change),
            "outcome": metric,
            "outcome_change": _round(out.change),
            "outcome_value": _round(out.current, 2),
            "outcome_baseline": _round(out.baseline, 2),
        }
        tail = ""
        if j.frame.reports(platform, "link_clicks") and clicks.change is not None:
            tail = f"; link clicks {pct(clicks.change)}"
            numbers["link_clicks_change"] = _round(clicks.change)
        message = f"{name}: {head}{tail}. Keep going."
        where = f"on {name}" if platform != ALL else "this week"
        action = (
            f"Note what changed {where} (posts, links, offers) and do more of it: it brought "
            f"{label} without extra engagement."
        )
        stake_class, stake = j.stake_of(metric, out.delta)
        return Insight(
            "outcome_without_engagement",
            None if platform == ALL else platform,
            message,
            action,
            numbers,
            metric,
            stake_class,
            stake,
        )
    return None


def _window(j: _Judge) -> list[IsoWeek]:
    return trailing_weeks(j.frame.week, j.t.link_weeks)


def correlations(
    j: _Judge, platform: str, metric: str, *, without_this_week: bool = False
) -> tuple[float | None, float | None, int]:
    """r0, r1 of interactions with `metric` over the 12 weeks ending with the week (or the
    11 before it: a standing finding must not rest on one week)."""
    weeks = _window(j)[:-1] if without_this_week else _window(j)
    inter = j.frame.get(platform, "interactions")
    out = j.frame.get(platform, metric)
    xs, ys = paired(inter, out, weeks)
    if len(xs) < j.t.min_link_weeks:
        return None, None, len(xs)
    lx, ly = paired(inter, out, weeks, lag=1)
    r1 = pearson(lx, ly) if len(lx) >= j.t.min_link_weeks - 1 else None
    return pearson(xs, ys), r1, len(xs)


def link_findings(j: _Judge, platform: str) -> list[Insight]:
    """`weak_link` or `inverse_link` over 12 weeks, with the platform's primary outcome."""
    metric = j.primary(platform)
    if metric is None:
        return []
    r0, r1, weeks = correlations(j, platform, metric)
    if weeks < j.t.min_link_weeks:
        return []
    name = platform_name(platform)
    label = metric_label(metric)
    span = set(_window(j))
    inter_values = [v for w, v in j.frame.get(platform, "interactions").items() if w in span]
    cv = variation(inter_values)
    total = j.frame.total(platform, metric, _window(j)) / max(weeks, 1)
    stake_class, stake = j.stake_of(metric, total)
    numbers = {"outcome": metric, "r0": _r(r0), "r1": _r(r1), "weeks": weeks}
    found = [r for r in (r0, r1) if r is not None]
    lowest = min(found) if found else None
    varied = cv >= j.t.min_variation  # "weeks with more interactions" must differ
    if lowest is not None and lowest <= j.t.inverse_correlation and varied:
        # It describes months, not a week: it holds without this week too.
        b0, b1, _ = correlations(j, platform, metric, without_this_week=True)
        earlier = [r for r in (b0, b1) if r is not None]
        if not earlier or min(earlier) > j.t.inverse_correlation:
            return []
        message = (
            f"On {name}, weeks with more interactions brought fewer {label} (r = {rtext(lowest)}): "
            f"what wins likes is not what brings {label}."
        )
        action = (
            f"Compare the {name} posts that drew the most interactions with those that brought "
            f"{label}, and make more of the second kind."
        )
        return [
            Insight(
                "inverse_link", _p(platform), message, action, numbers, metric, stake_class, stake
            )
        ]
    limit = j.t.max_correlation
    independent = all(-limit < (r or 0.0) < limit for r in (r0, r1))
    if independent and cv >= j.t.min_variation:
        shown = r0 if r0 is not None else 0.0
        message = (
            f"Over {weeks} weeks {name} interactions and {label} moved independently "
            f"(r = {rtext(shown)})."
        )
        action = (
            f"Treat {name} engagement as awareness, not as a driver of {label}: test posts "
            f"with a direct link to {label} and compare."
        )
        numbers["interactions_variation"] = round(cv, 3)
        return [
            Insight("weak_link", _p(platform), message, action, numbers, metric, stake_class, stake)
        ]
    return []


def _p(platform: str) -> str | None:
    return None if platform == ALL else platform


def clicks_drive_outcomes(j: _Judge, platform: str) -> Insight | None:
    weeks = _window(j)
    clicks = j.frame.get(platform, "link_clicks")
    inter = j.frame.get(platform, "interactions")
    if not j.frame.reports(platform, "link_clicks"):
        return None
    for metric in j.outcomes_of(platform):
        out = j.frame.get(platform, metric)
        cx, cy = paired(clicks, out, weeks)
        ix, iy = paired(inter, out, weeks)
        if len(cx) < j.t.min_link_weeks or len(ix) < j.t.min_link_weeks:
            continue
        rc = pearson(cx, cy)
        ri = pearson(ix, iy)
        if rc is None or rc < j.t.clicks_correlation:
            continue
        if rc < (ri if ri is not None else 0.0) + j.t.clicks_margin:
            continue
        bx, by = paired(clicks, out, weeks[:-1])
        before = pearson(bx, by) if len(bx) >= j.t.min_link_weeks else None
        if before is None or before < j.t.clicks_correlation:
            continue  # one week does not make a standing finding
        name = platform_name(platform)
        label = metric_label(metric)
        total_clicks, total_out = sum(cx), sum(cy)
        if total_out <= 0 or total_clicks <= 0:
            continue
        if j.frame.is_money(metric):
            per = total_out / total_clicks
            rate = f"{format_money(per, j.currency)} of {label} per click"
            numbers_rate: dict[str, Any] = {"outcome_per_click": round(per, 2)}
        else:
            per = total_clicks / total_out
            rate = f"1 {singular(label)} per {per:,.0f} clicks"
            numbers_rate = {"clicks_per_outcome": round(per)}
        ri_text = rtext(ri if ri is not None else 0.0)
        message = (
            f"On {name}, {label} follow link clicks (r = {rtext(rc)}, {rate}), not interactions "
            f"(r = {ri_text})."
        )
        action = f"Judge {name} posts by link clicks, not likes: lead with the link and the offer."
        stake_class, stake = j.stake_of(metric, total_out / len(cy))
        return Insight(
            "clicks_drive_outcomes",
            _p(platform),
            message,
            action,
            {
                "outcome": metric,
                "r_clicks": _r(rc),
                "r_interactions": _r(ri) if ri is not None else 0.0,
                "weeks": len(cx),
                **numbers_rate,
            },
            metric,
            stake_class,
            stake,
        )
    return None


def share_gap(j: _Judge, platform: str) -> Insight | None:
    metric = j.primary(platform)
    if metric is None or platform == ALL:
        return None
    weeks = trailing_weeks(j.frame.week, j.t.share_weeks)
    platforms = j.frame.platforms

    def share(name: str) -> tuple[float, float]:
        mine = j.frame.total(platform, name, weeks)
        everyone = sum(j.frame.total(p, name, weeks) for p in platforms)
        return mine, (mine / everyone if everyone > 0 else 0.0)

    interactions, inter_share = share("interactions")
    hours, hours_share = share(REPLY_HOURS)
    value, out_share = share(metric)
    if interactions <= 0:
        return None
    gaps = [
        s
        for s in (inter_share, hours_share)
        if s >= j.t.min_share and out_share < s * j.t.share_ratio
    ]
    if not gaps:
        return None
    name = platform_name(platform)
    label = metric_label(metric)
    parts = [f"{inter_share:.0%} of interactions"]
    weekly_hours = hours / len(weeks)
    if j.frame.reports(platform, REPLY_HOURS) and weekly_hours >= 1:
        parts.append(f"{_hours(weekly_hours)} of replies a week")
    message = (
        f"{name}, last {len(weeks)} weeks: {', '.join(parts)}, {out_share:.0%} of {label} "
        f"({amount(j.frame, metric, value, j.currency)})."
    )
    action = (
        f"Move some posting and reply time from {name} to where {label} "
        f"{'comes' if j.frame.is_money(metric) else 'come'} from, or give "
        f"{name} a goal of its own to justify it."
    )
    stake_class, _ = j.stake_of(metric, value)
    return Insight(
        "share_gap",
        platform,
        message,
        action,
        {
            "outcome": metric,
            "weeks": len(weeks),
            "interactions_share": round(inter_share, 3),
            "reply_hours_per_week": round(hours / len(weeks), 1),
            "reply_hours_share": round(hours_share, 3),
            "outcome_share": round(out_share, 3),
            "outcome_value": round(value, 2),
        },
        metric,
        stake_class,
        sum(j.frame.total(p, metric, weeks) for p in platforms) / len(weeks),
    )


def vanity_posts(posts: Sequence[PostRecord], week: IsoWeek, t: Thresholds) -> Insight | None:
    of_week = [p for p in posts if week.start <= p.published_at.date() <= week.end]
    if not of_week:
        return None
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
        return None
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
    platforms = {p.platform for p in chosen}
    noun = "post" if len(chosen) == 1 else "posts"
    where = f" on {platform_name(next(iter(platforms)))}" if len(platforms) == 1 else ""
    message = (
        f"{len(chosen)} {noun}{where} drew {total:,} interactions with almost no link clicks "
        "and no outcome."
    )
    action = "Reuse their format with a link in the caption or a link sticker, and measure it."
    return Insight(
        "vanity_posts",
        next(iter(platforms)) if len(platforms) == 1 else None,
        message,
        action,
        {"posts": listed, "interactions": total},
        None,
        3,
        float(total),
    )


def no_outcome_link(
    j: _Judge, platform: str, goal_scopes: set[str | None], goal_metrics: Sequence[str]
) -> Insight | None:
    inter = j.frame.value(platform, "interactions")
    if not inter:
        return None
    name = platform_name(platform)
    metric = j.primary(platform)
    covered = None in goal_scopes or platform in goal_scopes
    if metric is not None and covered:
        return None
    if metric is None:
        message = f"{name} has interactions this week, but no outcome is attributed to it."
        action = (
            f"Tag {name} links with utm_source={platform} and connect GA4 "
            "(`/impact connect ga4`), or send outcomes with a platform column "
            f"(`impact import FILE --team {j.team or 'T…'}`, or the webhook feed)."
        )
        missing = "attribution"
    else:
        example = next((m for m in goal_metrics if m), metric)
        example = metric if example.startswith("cost_per_") else example
        message = f"No goal covers {name}: its engagement is not measured against anything."
        action = (
            f"Reply in this thread with a goal for {name}, e.g. "
            f"`{platform} {metric_label(example)} +10% by Mar 31`."
        )
        missing = "goal"
    return Insight(
        "no_outcome_link",
        platform,
        message,
        action,
        {"missing": missing, "interactions": round(inter)},
        None,
        3,
        inter,
    )


def engagement_cost(j: _Judge) -> Insight | None:
    """Reply hours per platform beside each platform's share of the team's first outcome
    (never "outcomes per hour": replies do not cause outcomes)."""
    rows = []
    for platform in j.frame.platforms:
        hours = j.frame.value(platform, REPLY_HOURS) or 0.0
        if hours > 0:
            rows.append((hours, platform))
    total = sum(h for h, _ in rows)
    if total < j.t.cost_min_hours:
        return None
    rows.sort(key=lambda r: (-r[0], r[1]))
    metric = j.frame.outcomes[0] if j.frame.outcomes else None
    attributed = sum(j.frame.value(p, metric) or 0.0 for p in j.frame.platforms) if metric else 0.0
    label = metric_label(metric)
    parts, listed = [], []
    for hours, platform in rows:
        entry: dict[str, Any] = {"platform": platform, "hours": round(hours, 1)}
        text = f"{platform_name(platform)} {_hours(hours)}"
        if metric and attributed > 0:
            share = (j.frame.value(platform, metric) or 0.0) / attributed
            entry["outcome_share"] = round(share, 3)
            text += f" ({share:.0%} of {label})"
        parts.append(text)
        listed.append(entry)
    message = (
        f"Replies to comments took about {_hours(total)} this week "
        f"({j.frame.minutes_per_reply:g} min each): " + ", ".join(parts) + "."
    )
    action = (
        "Decide how much reply time each platform deserves, and spend it where the audience "
        f"also brings {label}."
    )
    return Insight(
        "engagement_cost",
        None,
        message,
        action,
        {
            "hours": round(total, 1),
            "minutes_per_reply": j.frame.minutes_per_reply,
            "outcome": metric,
            "by_platform": listed,
        },
        metric,
        2,
        total,
    )


def _hours(hours: float) -> str:
    return f"{hours:,.0f} h" if hours >= 10 else f"{hours:.1f} h"


# --- the week --------------------------------------------------------------------------------


def candidates(
    frame: Frame,
    *,
    previous: Frame | None,
    posts: Sequence[PostRecord] = (),
    goal_scopes: Iterable[str | None] = (),
    goal_metrics: Sequence[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    currency: str = "USD",
    team: str = "",
) -> list[Insight]:
    """Every insight that holds for the frame's week, at most one per (type, platform),
    all-platform ones only where no platform explains them; unranked."""
    j = _Judge(frame, thresholds, currency, team)
    before = _Judge(previous, thresholds, currency, team) if previous is not None else None
    scopes = set(goal_scopes)
    found: list[Insight] = []
    engaged = [p for p in frame.platforms if frame.reports(p, "interactions")]
    for platform in engaged:
        linked = j.primary(platform) is not None
        if linked:
            follow = lag_follow_up(j, before, platform) if before else None
            if follow is not None:
                found.append(follow)
            item = engagement_spike(j, platform)
            if item is not None and not any(f.key == item.key for f in found):
                found.append(item)
            if not any(f.type == "lagged_outcome" and f.platform == platform for f in found):
                _add(found, outcome_without_engagement(j, platform))
            _add(found, clicks_drive_outcomes(j, platform))
            found.extend(link_findings(j, platform))
            _add(found, share_gap(j, platform))
        _add(found, no_outcome_link(j, platform, scopes, goal_metrics))
    if frame.outcomes and engaged:
        for item in (
            engagement_spike(j, ALL),
            outcome_without_engagement(j, ALL),
            *link_findings(j, ALL),
        ):
            explained_by = _EXPLAINS.get(item.type, {item.type}) if item else set()
            if item is not None and not any(f.type in explained_by for f in found):
                found.append(item)
    _add(found, vanity_posts(posts, frame.week, thresholds))
    _add(found, engagement_cost(j))
    return found


#: An all-platforms insight is left out when a platform's insight of these types explains it.
_EXPLAINS = {
    "engagement_without_outcome": {"engagement_without_outcome", "outcome_pending"},
    "outcome_pending": {"engagement_without_outcome", "outcome_pending"},
    "outcome_without_engagement": {"outcome_without_engagement", "lagged_outcome"},
    "weak_link": {"weak_link", "inverse_link"},
    "inverse_link": {"weak_link", "inverse_link"},
}


def _add(found: list[Insight], item: Insight | None) -> None:
    if item is not None and not any(f.key == item.key for f in found):
        found.append(item)


def rank(insights: Iterable[Insight]) -> list[Insight]:
    """Money first, then people, then hours; within a class the larger stake first."""
    return sorted(
        insights,
        key=lambda i: (i.stake_class, -i.stake, _TYPE_ORDER[i.type], i.platform or ""),
    )


@dataclass(frozen=True)
class WeekJudgement:
    #: Shown in the digest, ranked (at most `max_insights`).
    shown: list[Insight]
    #: Standing findings that hold but are not shown this week ("Standing: N findings").
    standing: list[Insight]
    #: Every standing finding that holds this week (for /impact status).
    all_standing: list[Insight]


def judge_week(
    frame: Frame,
    *,
    previous: Frame | None,
    before_previous: Frame | None = None,
    posts: Sequence[PostRecord] = (),
    goal_scopes: Iterable[str | None] = (),
    goal_metrics: Sequence[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    currency: str = "USD",
    team: str = "",
) -> WeekJudgement:
    scopes = list(goal_scopes)
    now = candidates(
        frame,
        previous=previous,
        posts=posts,
        goal_scopes=scopes,
        goal_metrics=goal_metrics,
        thresholds=thresholds,
        currency=currency,
        team=team,
    )
    held_before: set[tuple[str, str | None]] = set()
    if previous is not None:
        held_before = {
            i.key
            for i in candidates(
                previous,
                previous=before_previous,
                goal_scopes=scopes,
                goal_metrics=goal_metrics,
                thresholds=thresholds,
                currency=currency,
                team=team,
            )
            if i.standing
        }
    first_of_month = frame.week.start.day <= 7
    shown, standing = [], []
    for item in rank(now):
        if item.standing and not first_of_month and item.key in held_before:
            standing.append(item)
        else:
            shown.append(item)
    overflow = shown[thresholds.max_insights :]
    shown = shown[: thresholds.max_insights]
    standing += [i for i in overflow if i.standing]
    return WeekJudgement(shown, standing, [i for i in rank(now) if i.standing])
