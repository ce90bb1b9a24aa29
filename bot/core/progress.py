"""Goal evaluation: baseline, current value, progress and status. Pure.

Every goal is brought to three numbers in the metric's own units — baseline B, current C,
target T — and progress is (C − B) / (T − B), so increases and reductions share one rule:

| goal | B | C | T |
| --- | --- | --- | --- |
| relative, flow | weekly average of the 4 weeks before the start | weekly average of the last 4 complete weeks | B × (1 ± target) |
| relative, level | value at the start | latest value | B × (1 ± target) |
| absolute, flow | 0 | total from the start to the last complete day | target |
| absolute, level | value at the start | latest value | target |
| rate | rate over the 4 weeks before the start | rate over the last 4 complete weeks | target |

Status: `met` when progress ≥ 1; otherwise the pace so far is projected linearly to the
deadline: `on_track` when it reaches the target, `at_risk` when it reaches at least 90% of
it, else `off_track`. `no_data` when the metric has no points at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.goals import ABSOLUTE, RATE, REDUCE, RELATIVE

MET, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "met", "on_track", "at_risk", "off_track", "no_data"
STATUS_LABELS = {
    MET: "met",
    ON_TRACK: "on track",
    AT_RISK: "at risk",
    OFF_TRACK: "off track",
    NO_DATA: "no data yet",
}
AT_RISK_SHARE = 0.9


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
) -> Evaluation:
    """Progress and status of one goal from its baseline and current value (see module doc)."""
    if current is None:
        return Evaluation(baseline, None, None, None, NO_DATA, None)
    base = 0.0 if baseline is None and kind == ABSOLUTE else baseline
    goal = target_value(kind, direction, target, base)
    if base is None or goal is None:
        return Evaluation(baseline, current, None, None, NO_DATA, None)
    span = goal - base
    progress = 1.0 if span == 0 else (current - base) / span
    reported = current
    if kind == RELATIVE:
        reported = (current - base) / base if base else None
    return Evaluation(
        base, current, goal, progress, _status(progress, start, deadline, today), reported
    )


def _status(progress: float, start: date, deadline: date, today: date) -> str:
    if progress >= 1:
        return MET
    total_days = (deadline - start).days
    elapsed = (today - start).days
    if total_days <= 0 or elapsed >= total_days:
        return OFF_TRACK  # the deadline has passed without meeting the target
    if elapsed <= 0:
        return ON_TRACK if progress >= 0 else AT_RISK
    projected = progress * total_days / elapsed
    if projected >= 1:
        return ON_TRACK
    if projected >= AT_RISK_SHARE:
        return AT_RISK
    return OFF_TRACK


def progress_bar(progress: float | None, width: int = 10) -> str:
    """`▓▓▓▓▓▓░░░░` for 0.6; an empty bar without data."""
    if progress is None:
        return "░" * width
    filled = max(0, min(width, round(progress * width)))
    return "▓" * filled + "░" * (width - filled)


__all__ = [
    "ABSOLUTE",
    "AT_RISK",
    "MET",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "RATE",
    "RELATIVE",
    "Evaluation",
    "evaluate",
    "progress_bar",
]
