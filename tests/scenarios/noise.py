"""Stationary noise: teams in which nothing happens, to count false alarms.

Each team has two or three platforms whose weekly interactions wobble around a level
(4–10% week to week, as a steady account does), and outcomes that wobble on their own
(Poisson-like counts, unrelated to the week's engagement), for 26 weeks. Any alarm in such a
team is a false alarm. Used by the property test and by `make bench` (figure printed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.core.digest import Digest, compose_digest
from bot.core.periods import IsoWeek, trailing_weeks
from tests.scenarios.history import goal

LAST = IsoWeek.parse("2026-W47")
WEEKS = 26
JUDGED_WEEKS = 12
PLATFORMS = ("instagram", "facebook", "linkedin")


def noisy_team(seed: int) -> dict[tuple[str, str], dict[IsoWeek, float]]:
    rng = random.Random(seed)
    weeks = trailing_weeks(LAST, WEEKS)
    series: dict[tuple[str, str], dict[IsoWeek, float]] = {}
    # One conversion rate for the team: no platform is steadily better than another (that
    # would be a real share gap, not noise).
    rate = rng.uniform(0.005, 0.05)  # signups per interaction, on average
    for platform in PLATFORMS[: rng.choice((2, 3))]:
        level = rng.uniform(300, 20_000)
        wobble = rng.uniform(0.04, 0.10)
        clicks = rng.uniform(0.005, 0.03)
        inter = {w: max(0.0, level * rng.gauss(1, wobble)) for w in weeks}
        series[(platform, "interactions")] = inter
        series[(platform, "comments")] = {w: v * 0.05 for w, v in inter.items()}
        series[(platform, "link_clicks")] = {
            w: max(0.0, level * clicks * rng.gauss(1, wobble)) for w in weeks
        }
        mean = level * rate
        series[(platform, "signups")] = {
            w: max(0.0, round(rng.gauss(mean, max(mean**0.5, mean * 0.05)))) for w in weeks
        }
    return series


@dataclass(frozen=True)
class NoiseRun:
    platform_weeks: int
    false_alarms: int
    digests: list[Digest]

    @property
    def rate(self) -> float:
        return self.false_alarms / self.platform_weeks if self.platform_weeks else 0.0


def run(seeds: range) -> NoiseRun:
    """Judge the last 12 weeks of every seed's team; count the alarms shown."""
    platform_weeks = alarms = 0
    digests = []
    goals = [goal("signups", status="on_track", previous="on_track", owner=None)]
    for seed in seeds:
        series = noisy_team(seed)
        platforms = {p for p, _ in series}
        for back in range(JUDGED_WEEKS):
            week = LAST.shift(-back)
            digest = compose_digest(
                team="TNOISE",
                channel="CNOISE",
                week=week,
                series=series,
                posts=[],
                goals=goals,
                connections=[],
            )
            platform_weeks += len(platforms)
            alarms += sum(1 for i in digest.insights if i.kind == "alarm")
            digests.append(digest)
    return NoiseRun(platform_weeks, alarms, digests)
