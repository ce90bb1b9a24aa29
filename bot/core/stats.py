"""The statistics of judgement (product.md 3.1, 3.3): baselines over the weeks that have
data, a robust noise band, correlations. Pure.

A weekly series maps an `IsoWeek` to a value and holds only the weeks that had data: a week
before a connection's first day is absent, never zero.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.periods import IsoWeek, trailing_weeks, weeks_before

Series = Mapping[IsoWeek, float]

HISTORY_WEEKS = 12  # prior weeks that judge noise and count as history
BASELINE_WEEKS = 4  # prior weeks with data whose mean is the baseline
MIN_HISTORY = 3  # fewer prior weeks with data than this: the series is "new"
MAD_SCALE = 1.4826  # MAD × this estimates a standard deviation for normal noise
NOISE_SIGMAS = 2.0
MIN_RELATIVE_SPREAD = 0.05


@dataclass(frozen=True, slots=True)
class Stat:
    """One series judged for one week against its own history."""

    current: float | None
    #: Mean of up to 4 prior weeks with data; None without any.
    baseline: float | None
    #: Prior weeks with data (at most 12).
    history: int
    #: The noise band's width (one "sigma"): max(1.4826 × MAD, √baseline for a count, 5%).
    spread: float
    #: (current − baseline) / baseline; None when new, when the week has no data, or when
    #: the baseline is zero.
    change: float | None
    #: +1 / −1 when the week moved beyond noise up / down, else 0 (always 0 when new).
    moved: int

    @property
    def is_new(self) -> bool:
        return self.history < MIN_HISTORY

    @property
    def ratio(self) -> float | None:
        """current / baseline ("3.5× a normal week"), None when not judged."""
        if self.is_new or self.current is None or not self.baseline:
            return None
        return self.current / self.baseline

    @property
    def delta(self) -> float:
        if self.current is None or self.baseline is None or self.is_new:
            return 0.0
        return self.current - self.baseline

    @property
    def sigmas(self) -> float:
        """How many noise bands the week is from its baseline (0 when not judged)."""
        return 0.0 if self.spread <= 0 else abs(self.delta) / self.spread


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation from the median."""
    if not values:
        return 0.0
    middle = statistics.median(values)
    return statistics.median(abs(v - middle) for v in values)


def judge(
    series: Series,
    week: IsoWeek,
    *,
    count: bool,
    sigmas: float = NOISE_SIGMAS,
    history_weeks: int = HISTORY_WEEKS,
    baseline_weeks: int = BASELINE_WEEKS,
    min_history: int = MIN_HISTORY,
) -> Stat:
    """The week's value against the weeks before it that have data (product.md 3.1)."""
    prior = [series[w] for w in weeks_before(week, history_weeks) if w in series]
    current = series.get(week)
    history = len(prior)
    if not prior:
        return Stat(current, None, 0, 0.0, None, 0)
    base = statistics.fmean(prior[-baseline_weeks:])
    spread = max(
        MAD_SCALE * mad(prior),
        math.sqrt(max(abs(base), 1.0)) if count else 0.0,
        MIN_RELATIVE_SPREAD * abs(base),
    )
    if history < min_history or current is None:
        return Stat(current, base, history, spread, None, 0)
    change = (current - base) / base if base else None
    moved = 0
    if spread > 0 and abs(current - base) >= sigmas * spread:
        moved = 1 if current > base else -1
    return Stat(current, base, history, spread, change, moved)


def pstdev(values: Sequence[float]) -> float:
    """Population standard deviation in floats (statistics.pstdev is exact, in fractions,
    and a hundred times slower)."""
    if not values:
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than 3 pairs or when a side does not vary."""
    n = len(xs)
    if n < 3 or n != len(ys):
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    dx = [x - mx for x in xs]
    dy = [y - my for y in ys]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if sxx <= 1e-12 * max(1.0, mx * mx) * n or syy <= 1e-12 * max(1.0, my * my) * n:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def paired(
    xs: Series, ys: Series, weeks: Sequence[IsoWeek], lag: int = 0
) -> tuple[list[float], list[float]]:
    """Values of x in `weeks` beside y `lag` weeks later, where both have data and the later
    week is inside `weeks` too."""
    inside = set(weeks)
    left, right = [], []
    for week in weeks:
        later = week.shift(lag) if lag else week
        if later in inside and week in xs and later in ys:
            left.append(xs[week])
            right.append(ys[later])
    return left, right


def variation(values: Sequence[float]) -> float:
    """Coefficient of variation with the population standard deviation (0 for a zero mean)."""
    if not values:
        return 0.0
    mean = statistics.fmean(values)
    return pstdev(values) / abs(mean) if mean else 0.0


def window(week: IsoWeek, count: int = HISTORY_WEEKS) -> list[IsoWeek]:
    """ "Over 12 weeks": the `count` weeks ending with `week`, inclusive, oldest first."""
    return trailing_weeks(week, count)
