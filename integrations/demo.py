"""The demo source: 26 weeks of realistic daily data for a made-up nonprofit, from a seed.

The story the numbers tell (the digest should find each part of it):

- **Instagram** is where the team's effort went. A reel trend lifts interactions in the
  last complete week by about half over the four weeks before (well beyond the week-to-week
  noise), yet Instagram-attributed signups stay flat: *engagement without outcome*. Several
  Instagram posts are all likes and no link clicks: *vanity posts*.
- **LinkedIn** converts: its weekly interactions swing with campaign pushes and its signups
  follow them week by week (they move together).
- **Facebook** is steady: a smaller, loyal audience, steady donations.
- **GA4 (`ga4-demo`)** carries the outcomes, `signups` and `donations` (in dollars), each
  attributed to the platform that brought the visit; a share arrives unattributed (direct,
  search, email), which counts toward "all platforms" only.

Deterministic: the same `today` and `seed` give the same data. Pure: returns core values.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.core.model import MetricPoint, PostRecord

WEEKS = 26
#: Share of a week's activity by weekday (Monday first): busier mid-week, quiet weekends.
WEEKDAY_WEIGHTS = (0.16, 0.17, 0.17, 0.16, 0.14, 0.10, 0.10)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    source: str
    external_id: str
    display_name: str
    platform: str | None


@dataclass
class DemoData:
    start: date
    end: date
    accounts: list[DemoAccount]
    points: dict[str, list[MetricPoint]] = field(default_factory=dict)
    posts: dict[str, list[PostRecord]] = field(default_factory=dict)


ACCOUNTS = (
    DemoAccount("demo", "demo-instagram", "@riverkeepers (Instagram)", "instagram"),
    DemoAccount("demo", "demo-facebook", "River Keepers (Facebook Page)", "facebook"),
    DemoAccount("demo", "demo-linkedin", "River Keepers (LinkedIn)", "linkedin"),
    DemoAccount("demo", "ga4-demo", "GA4 · riverkeepers.org", None),
)


@dataclass(frozen=True, slots=True)
class _Week:
    """One platform-week of the story, before it is spread over days."""

    interactions: float
    signups: float
    donations: float


def generate(today: date, seed: int = 7) -> DemoData:
    """26 complete weeks ending with the last complete week before `today`, plus the days of
    the current week up to yesterday."""
    rng = random.Random(seed)
    this_monday = today - timedelta(days=today.weekday())
    start = this_monday - timedelta(weeks=WEEKS)
    end = today - timedelta(days=1)
    weeks = WEEKS + 1  # the current, partial week too
    story = {
        "instagram": _instagram(rng, weeks),
        "facebook": _facebook(rng, weeks),
        "linkedin": _linkedin(rng, weeks),
    }
    data = DemoData(start=start, end=end, accounts=list(ACCOUNTS))
    outcomes: list[MetricPoint] = []
    for account in ACCOUNTS[:3]:
        platform = account.platform or ""
        points, posts, attributed = _platform_days(rng, platform, story[platform], start, end)
        data.points[account.external_id] = points
        data.posts[account.external_id] = posts
        outcomes.extend(attributed)
    outcomes.extend(_unattributed(rng, start, end))
    data.points["ga4-demo"] = outcomes
    return data


def _noise(rng: random.Random, spread: float) -> float:
    return 1.0 + rng.uniform(-spread, spread)


def _instagram(rng: random.Random, weeks: int) -> list[_Week]:
    last_complete = WEEKS - 1
    result = []
    for index in range(weeks):
        level = 1400 * (1 + 0.004 * index) * _noise(rng, 0.04)
        if index >= last_complete:  # the reel trend
            level = 1400 * (1 + 0.004 * (last_complete - 1)) * 1.5
        signups = 30 * _noise(rng, 0.06)
        if index == last_complete:  # flat: a touch below the weeks before
            signups = 29.0
        result.append(_Week(level, signups, 260 * _noise(rng, 0.1)))
    return result


def _facebook(rng: random.Random, weeks: int) -> list[_Week]:
    return [
        _Week(900 * _noise(rng, 0.05), 14 * _noise(rng, 0.08), 1100 * _noise(rng, 0.08))
        for _ in range(weeks)
    ]


def _linkedin(rng: random.Random, weeks: int) -> list[_Week]:
    result = []
    for index in range(weeks):
        push = 1.0 + 0.45 * math.sin(index * 1.3) + rng.uniform(-0.1, 0.1)  # campaign pushes
        interactions = 520 * push
        signups = interactions * 0.075 * _noise(rng, 0.05)  # follows the interactions
        result.append(_Week(interactions, signups, 400 * push * _noise(rng, 0.1)))
    return result


_SHAPE = {
    # per interaction: reactions, comments, shares, saves; per-interaction clicks/link clicks;
    # reach and impressions per interaction; followers at the start and gain per week
    "instagram": ((0.78, 0.09, 0.06, 0.07), 0.05, 0.004, 9.0, 14.0, 8200, 60),
    "facebook": ((0.70, 0.14, 0.16, 0.0), 0.22, 0.05, 12.0, 19.0, 15400, 12),
    "linkedin": ((0.72, 0.12, 0.16, 0.0), 0.60, 0.20, 10.0, 21.0, 4100, 35),
}


def _platform_days(
    rng: random.Random, platform: str, weeks: list[_Week], start: date, end: date
) -> tuple[list[MetricPoint], list[PostRecord], list[MetricPoint]]:
    parts, clicks_rate, link_rate, reach_rate, impr_rate, start_followers, gain = _SHAPE[platform]
    followers = float(start_followers)
    names = ("reactions", "comments", "shares", "saves")
    points: list[MetricPoint] = []
    outcomes: list[MetricPoint] = []
    posts: list[PostRecord] = []
    day = start
    while day <= end:
        week = weeks[(day - start).days // 7]
        weight = WEEKDAY_WEIGHTS[day.weekday()]
        interactions = week.interactions * weight * _noise(rng, 0.08)
        for name, share in zip(names, parts, strict=True):
            if share:
                points.append(MetricPoint(name, day, round(interactions * share), platform))
        values = {
            "clicks": interactions * clicks_rate,
            "link_clicks": interactions * link_rate,
            "reach": interactions * reach_rate,
            "impressions": interactions * impr_rate,
        }
        for name, value in values.items():
            points.append(MetricPoint(name, day, round(value * _noise(rng, 0.05)), platform))
        followers += gain / 7 * _noise(rng, 0.5)
        points.append(MetricPoint("followers", day, round(followers), platform))
        outcomes.append(MetricPoint("signups", day, round(week.signups * weight, 2), platform))
        outcomes.append(MetricPoint("donations", day, round(week.donations * weight, 2), platform))
        day += timedelta(days=1)
    posts = _posts(rng, platform, weeks, start, end)
    return points, posts, outcomes


def _unattributed(rng: random.Random, start: date, end: date) -> list[MetricPoint]:
    result = []
    day = start
    while day <= end:
        weight = WEEKDAY_WEIGHTS[day.weekday()]
        result.append(MetricPoint("signups", day, round(55 * weight * _noise(rng, 0.1), 2)))
        result.append(MetricPoint("donations", day, round(2400 * weight * _noise(rng, 0.1), 2)))
        day += timedelta(days=1)
    return result


_PERMALINK = {
    "instagram": "https://www.instagram.com/p/DEMO{n:04d}/",
    "facebook": "https://www.facebook.com/riverkeepers/posts/demo{n:04d}",
    "linkedin": "https://www.linkedin.com/feed/update/urn:li:activity:demo{n:04d}",
}
_TITLES = {
    "instagram": [
        "Sunrise on the river (reel)",
        "Volunteer spotlight",
        "Otter sighting!",
        "Behind the scenes at the cleanup",
        "Before / after: Mill Creek",
    ],
    "facebook": [
        "Monthly cleanup recap",
        "Thank you, donors",
        "Water quality report",
        "Event: spring planting",
    ],
    "linkedin": [
        "Why we test the water weekly",
        "Join our corporate volunteer day",
        "Impact report Q3",
        "We're hiring a field coordinator",
    ],
}


def _posts(
    rng: random.Random, platform: str, weeks: list[_Week], start: date, end: date
) -> list[PostRecord]:
    parts, clicks_rate, link_rate, reach_rate, impr_rate, _, _ = _SHAPE[platform]
    posts = []
    serial = 1
    for index, week in enumerate(weeks):
        monday = start + timedelta(weeks=index)
        for slot, weekday in enumerate((0, 2, 4, 5)):
            day = monday + timedelta(days=weekday)
            if day > end:
                break
            share = (0.35, 0.25, 0.25, 0.15)[slot] * 0.8 * _noise(rng, 0.3)
            interactions = week.interactions * share
            # Instagram's trend posts: all likes, no clicks (vanity)
            vanity = platform == "instagram" and (slot in (0, 3) or index % 3 == 0)
            link_clicks = 0 if vanity else round(interactions * link_rate * 3)
            outcomes = 0.0 if vanity else round(week.signups * share * 0.5, 1)
            title = _TITLES[platform][(serial + index) % len(_TITLES[platform])]
            posts.append(
                PostRecord(
                    external_id=f"{platform}-{serial:04d}",
                    platform=platform,
                    published_at=datetime.combine(day, time(9 + slot * 2), tzinfo=UTC),
                    permalink=_PERMALINK[platform].format(n=serial),
                    title=title,
                    impressions=round(interactions * impr_rate),
                    reach=round(interactions * reach_rate),
                    reactions=round(interactions * (0.93 if vanity else parts[0])),
                    comments=round(interactions * (0.04 if vanity else parts[1])),
                    shares=round(interactions * (0.01 if vanity else parts[2])),
                    saves=round(interactions * (0.02 if vanity else parts[3])),
                    clicks=round(interactions * (0.01 if vanity else clicks_rate)),
                    link_clicks=link_clicks,
                    outcomes=outcomes,
                )
            )
            serial += 1
    return posts
