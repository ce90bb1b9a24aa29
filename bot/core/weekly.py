"""Weekly series from daily totals: flows are summed, levels take the week's last value."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from bot.core import catalogue
from bot.core.periods import IsoWeek

Series = dict[IsoWeek, float]


def weekly_series(
    daily: Iterable[tuple[date, str, str, float]],
) -> dict[tuple[str, str], Series]:
    """(platform, metric) -> {week: value}. `interactions` is derived from its parts when a
    platform reports the parts, unless the source reported interactions itself."""
    flows: dict[tuple[str, str], Series] = defaultdict(lambda: defaultdict(float))
    levels: dict[tuple[str, str], dict[IsoWeek, tuple[date, float]]] = defaultdict(dict)
    for day, platform, metric, value in daily:
        week = IsoWeek.containing(day)
        key = (platform, metric)
        if catalogue.is_level(metric):
            seen = levels[key].get(week)
            if seen is None or day > seen[0]:
                levels[key][week] = (day, value)
        else:
            flows[key][week] += value
    result: dict[tuple[str, str], Series] = {k: dict(v) for k, v in flows.items()}
    for key, by_week in levels.items():
        result[key] = {week: value for week, (_, value) in by_week.items()}
    _derive_interactions(result)
    return result


def _derive_interactions(series: dict[tuple[str, str], Series]) -> None:
    platforms = {platform for platform, _ in series}
    for platform in platforms:
        if (platform, "interactions") in series:
            continue
        parts = [
            series[(platform, p)] for p in catalogue.INTERACTION_PARTS if (platform, p) in series
        ]
        if not parts:
            continue
        total: Series = defaultdict(float)
        for part in parts:
            for week, value in part.items():
                total[week] += value
        series[(platform, "interactions")] = dict(total)
