"""Goal evaluation: baseline, current value, progress and status. Pure.

Every goal is brought to three numbers in the metric's own units — baseline B, current C,
target T — and progress is (C − B) / (T − B), so increases and reductions share one rule:

| goal | B | C | T |
| --- | --- | --- | --- |
| relative, flow | mean of the weeks with data among the 4 before the start | mean of the weeks with data among the last 4 complete ones | B × (1 ± target) |
| relative, level | value at the start | latest value | B × (1 ± target) |
| absolute, flow | 0 | total from the start day (inclusive) to the last complete day | target |
| absolute, level | value at the start | latest value | target |
| rate | rate over the 4 weeks before the start | rate over the last 4 complete weeks | target |

Status (product.md section 2), first that applies:
- `no_data`: no current value (the metric has no points yet), or no baseline to compare with;
- `met`: a rate, a level or a relative goal whose current value is on the target's side (a
  goal set when the value is already beyond its target is met); an absolute flow that has
  reached its target, or for a cap (`spend at most 5,000`), that stayed under it to the end;
- `new`: the goal's first 7 days, before a complete week since it was set;
- past the deadline without meeting it: `off_track`;
- otherwise the pace so far is projected linearly to the deadline: `on_track` when it reaches
  the target, `at_risk` when it reaches at least 90% of it, else `off_track`.
A relative flow goal is `new` in its first 7 days even when its average is beyond the target:
that average is still mostly weeks from before the goal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from bot.core import catalogue
from bot.core.goals import ABSOLUTE, RATE, REDUCE, RELATIVE, metric_label

MET, ON_TRACK, AT_RISK, OFF_TRACK = "met", "on_track", "at_risk", "off_track"
NEW, NO_DATA = "new", "no_data"
STATUS_LABELS = {
    MET: "met",
    ON_TRACK: "on track",
    AT_RISK: "at risk",
    OFF_TRACK: "off track",
    NEW: "just set",
    NO_DATA: "no data yet",
}
#: Statuses that are judged: the verdict counts these; `new` and `no_data` are listed apart.
JUDGED = frozenset((MET, ON_TRACK, AT_RISK, OFF_TRACK))
AT_RISK_SHARE = 0.9
NEW_DAYS = 7


@dataclass(frozen=True, slots=True)
class Evaluation:
    baseline: float | None
    current: float | None  # in the metric's units (a weekly average for relative flows)
    target_value: float | None
    progress: float | None  # 0..1 and beyond; None without data
    status: str
    #: What the JSON calls `current`: the change so far for relative goals, else the value.
    reported_current: float | None


def target_value(kind: str, direction: str, target: float, baseline: float | None) -> float | None:
    """T in the metric's units."""
    if kind == RELATIVE:
        if baseline is None:
            return None
        return baseline * (1 - target) if direction == REDUCE else baseline * (1 + target)
    return target


def evaluate(
    *,
    kind: str,
    direction: str,
    target: float,
    baseline: float | None,
    current: float | None,
    start: date,
    deadline: date,
    today: date,
    level: bool = False,
) -> Evaluation:
    """Progress and status of one goal (see the module doc). `level` is True for a level
    metric (followers) and a ratio (CTR, cost per outcome); rate goals are always levels."""
    level = level or kind == RATE
    if current is None:
        return Evaluation(baseline, None, None, None, NO_DATA, None)
    base = 0.0 if kind == ABSOLUTE and not level else baseline
    goal = target_value(kind, direction, target, base)
    if goal is None:
        return Evaluation(baseline, current, None, None, NO_DATA, None)
    down = direction == REDUCE
    reported: float | None = current
    if kind == RELATIVE:
        reported = (current - base) / base if base else None
    cap = kind == ABSOLUTE and not level and down
    if cap:
        elapsed, total_days = (today - start).days, (deadline - start).days
        over = total_days <= 0 or elapsed >= total_days
        status = _cap_status(current, goal, over, elapsed, total_days)
        used = current / goal if goal > 0 else 0.0  # the share of the allowance used
        return Evaluation(base, current, goal, 1.0 if status == MET else used, status, current)
    reached = current <= goal if down else current >= goal
    progress = _progress(base, current, goal, down)
    if kind == RELATIVE and not base:  # a change from zero: any rise is one, no fall is
        reached = current <= 0 if down else current > 0
        progress = 1.0 if reached else 0.0
    status = _status(
        progress=progress,
        paced=base is not None and (base > goal if down else base < goal),
        reached=reached,
        fresh_average=kind == RELATIVE and not level,
        start=start,
        deadline=deadline,
        today=today,
    )
    if status == MET:
        progress = max(progress, 1.0)
    return Evaluation(base, current, goal, progress, status, reported)


def _progress(base: float | None, current: float, goal: float, down: bool) -> float:
    """(C − B) / (T − B) when the baseline is on the far side of the target; otherwise (no
    baseline, or one already beyond the target) the share of the target reached."""
    if base is not None and (base > goal if down else base < goal):
        return (current - base) / (goal - base)
    if down:
        return 1.0 if current <= goal else (goal / current if current > 0 else 0.0)
    return current / goal if goal > 0 else (1.0 if current >= goal else 0.0)


def _status(
    *,
    progress: float,
    paced: bool,
    reached: bool,
    fresh_average: bool,
    start: date,
    deadline: date,
    today: date,
) -> str:
    elapsed = (today - start).days
    total_days = (deadline - start).days
    over = total_days <= 0 or elapsed >= total_days
    if reached and not (fresh_average and elapsed < NEW_DAYS):
        return MET
    if elapsed < NEW_DAYS:
        return NEW
    if over:
        return OFF_TRACK  # the deadline has passed without meeting the target
    # without a baseline short of the target there is no pace: only how close it is now
    projected = progress * total_days / elapsed if paced else progress
    if projected >= 1:
        return ON_TRACK
    if projected >= AT_RISK_SHARE:
        return AT_RISK
    return OFF_TRACK


def _cap_status(current: float, goal: float, over: bool, elapsed: int, total_days: int) -> str:
    """A total that must stay at or under its target: met only once the deadline has passed
    under it, off track as soon as it is over; in between, the pace projects the total."""
    if current > goal:
        return OFF_TRACK
    if over:
        return MET
    if elapsed < NEW_DAYS:
        return NEW
    projected = current * total_days / elapsed
    if projected <= goal:
        return ON_TRACK
    if projected * AT_RISK_SHARE <= goal:
        return AT_RISK
    return OFF_TRACK


#: Metrics a GA4 property provides (its key events, revenue and sessions).
GA4_METRICS = frozenset(catalogue.SOURCE_ALIASES["ga4"].values())


def no_data_hint(
    metric: str,
    platform: str | None,
    *,
    team_id: str,
    connectable: Collection[str],
    custom: Mapping[str, catalogue.Kind] | None = None,
) -> str:
    """Which connection would provide `metric`, with a command that works: `/impact connect
    <source>` only for a source in `connectable` (those with a connector), else the CSV
    import `impact import FILE --team <team>`."""
    label = metric_label(metric)
    csv = f"`impact import FILE --team {team_id}`"
    kind = catalogue.kind_of(metric, dict(custom or {}))
    if metric == "spend" or kind is catalogue.Kind.COST:
        return (
            f"no {label} yet: import it as CSV rows with metric `{metric}` and kind `cost` ({csv})"
        )
    if metric in GA4_METRICS and "ga4" in connectable:
        return f"no {label} yet: connect GA4 with `/impact connect ga4`, or import a CSV ({csv})"
    if kind in (catalogue.Kind.OUTCOME, catalogue.Kind.MONEY):
        declared = "" if metric in catalogue.METRICS else f" and kind `{kind}`"
        return f"no {label} yet: import them as CSV rows with metric `{metric}`{declared} ({csv})"
    if platform and platform in connectable:
        name = catalogue.PLATFORMS.get(platform, platform)
        return f"no {label} yet: connect {name} with `/impact connect {platform}`"
    social = [p for p in catalogue.PLATFORMS if p in connectable]
    if platform is None and social:
        commands = " or ".join(f"`/impact connect {p}`" for p in social)
        return f"no {label} yet: connect an account with {commands}, or import a CSV ({csv})"
    where = catalogue.PLATFORMS.get(platform or "", "these")
    return f"no {label} yet: import {where} metrics as CSV rows ({csv})"


def is_judged(status: str) -> bool:
    """Counted in the verdict (`new` and `no_data` goals are listed apart)."""
    return status in JUDGED


def progress_bar(progress: float | None, width: int = 10) -> str:
    """`▓▓▓▓▓▓░░░░` for 0.6; an empty bar without data."""
    if progress is None:
        return "░" * width
    filled = max(0, min(width, round(progress * width)))
    return "▓" * filled + "░" * (width - filled)


__all__ = [
    "ABSOLUTE",
    "AT_RISK",
    "JUDGED",
    "MET",
    "NEW",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "RATE",
    "RELATIVE",
    "STATUS_LABELS",
    "Evaluation",
    "evaluate",
    "is_judged",
    "no_data_hint",
    "progress_bar",
]
