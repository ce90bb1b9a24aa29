"""Insights fire on real gaps, right at their thresholds, and never on noise."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.insights import Thresholds, find_insights
from bot.core.model import PostRecord
from bot.core.periods import IsoWeek, trailing_weeks

WEEK = IsoWeek.parse("2026-W46")
WEEKS = trailing_weeks(WEEK, 13)


def series_of(interactions, outcomes, platform="instagram", comments=None):
    """Weekly series ending with WEEK (the last value is the digest week)."""
    weeks = WEEKS[-len(interactions) :]
    data = {
        (platform, "interactions"): dict(zip(weeks, interactions, strict=True)),
        (platform, "signups"): dict(zip(WEEKS[-len(outcomes) :], outcomes, strict=True)),
    }
    if comments is not None:
        data[(platform, "comments")] = {WEEK: comments}
    return data


def types(found, platform="instagram"):
    return sorted(i.type for i in found if i.platform in (platform, None))


def run(series, **kwargs):
    return find_insights(series, WEEK, outcome_metrics=["signups"], goal_scopes=[None], **kwargs)


def test_flat_series_give_nothing():
    assert run(series_of([1000] * 13, [50] * 13)) == []


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=50, max_value=50_000))
@settings(max_examples=200, deadline=None)
def test_random_noise_gives_neither_gap_nor_weak_link(seed, level):
    rng = random.Random(seed)
    inter = [level * rng.uniform(0.92, 1.08) for _ in range(13)]
    outs = [level / 20 * rng.uniform(0.92, 1.08) for _ in range(13)]
    found = run(series_of(inter, outs))
    assert not [i for i in found if i.type in ("engagement_without_outcome", "weak_link")]


def test_engagement_without_outcome_at_the_thresholds():
    base = [1000, 1000, 1000, 1000]
    fires = run(series_of([*base, 1200], [50, 50, 50, 50, 52.5]))
    item = next(i for i in fires if i.type == "engagement_without_outcome")
    assert item.numbers["engagement_change"] == 0.2 and item.numbers["outcome_change"] == 0.05
    assert (
        item.message
        == "Instagram interactions +20% vs the 4 weeks before; signups from Instagram +5%."
    )
    assert item.action
    below = run(series_of([*base, 1199], [50] * 5))
    assert "engagement_without_outcome" not in types(below)
    outcome_followed = run(series_of([*base, 1300], [50, 50, 50, 50, 52.6]))
    assert "engagement_without_outcome" not in types(outcome_followed)


def test_a_rise_inside_the_noise_of_the_baseline_does_not_fire():
    noisy = [700, 1300, 700, 1300]  # mean 1000, sd 300: +25% is under 2 sd
    assert "engagement_without_outcome" not in types(run(series_of([*noisy, 1250], [50] * 5)))


def test_not_enough_history_fires_nothing():
    assert "engagement_without_outcome" not in types(run(series_of([1000, 1000, 2000], [50] * 3)))


def test_weak_link_when_outcomes_ignore_engagement():
    inter = [600, 1400, 700, 1300, 800, 1200, 650, 1350, 900, 1100, 750, 1250]
    flat_outcomes = [50, 51, 50, 49, 50, 51, 50, 49, 50, 51, 50, 50]
    item = next(i for i in run(series_of(inter, flat_outcomes)) if i.type == "weak_link")
    assert item.numbers["correlation"] < 0.3 and item.numbers["weeks"] == 12
    assert "moved independently (r = " in item.message


def test_no_weak_link_when_outcomes_follow_engagement_or_with_a_lag():
    inter = [600, 1400, 700, 1300, 800, 1200, 650, 1350, 900, 1100, 750, 1250]
    same = [x / 20 for x in inter]
    lagged = [50, *[x / 20 for x in inter[:-1]]]
    assert "weak_link" not in types(run(series_of(inter, same)))
    assert "weak_link" not in types(run(series_of(inter, lagged)))


def test_weak_link_needs_interactions_that_vary_at_least_15_percent():
    def cv_series(spread):
        return [1000 * (1 + spread), 1000 * (1 - spread)] * 6  # coefficient of variation = spread

    flat_out = [50, 51, 50, 49, 50, 51, 50, 49, 50, 51, 50, 50]
    assert "weak_link" in types(run(series_of(cv_series(0.15), flat_out)))
    assert "weak_link" not in types(run(series_of(cv_series(0.149), flat_out)))


def _post(pid, interactions, link_clicks, outcomes=0.0, day=0):
    return PostRecord(
        pid,
        "instagram",
        datetime.combine(WEEK.start + timedelta(days=day), datetime.min.time(), UTC),
        f"https://www.instagram.com/p/{pid}/",
        pid,
        reactions=interactions,
        link_clicks=link_clicks,
        outcomes=outcomes,
    )


def test_vanity_posts_at_the_thresholds():
    posts = [
        _post("a", 1000, 9),  # 0.9% clicks: vanity
        _post("b", 1000, 10),  # 1%: not
        _post("c", 800, 0, outcomes=2),  # brought a signup: not
        _post("d", 900, 0),
        _post("e", 950, 0),
        _post("f", 990, 0),  # four vanity candidates: the top three are listed
        _post("g", 10, 0),  # below the median
        _post("old", 5000, 0, day=-1),  # last week
    ]
    found = run(series_of([1000] * 5, [50] * 5), posts=posts)
    item = next(i for i in found if i.type == "vanity_posts")
    assert [p["post_id"] for p in item.numbers["posts"]] == ["a", "f", "e"]
    assert item.numbers["posts"][0]["permalink"] == "https://www.instagram.com/p/a/"


def test_vanity_posts_need_20_interactions():
    found = run(series_of([1000] * 5, [50] * 5), posts=[_post("a", 19, 0), _post("b", 19, 0)])
    assert "vanity_posts" not in types(found)


def test_no_outcome_link_names_what_is_missing():
    data = series_of([1000] * 5, [50] * 5)
    data[("tiktok", "interactions")] = {WEEK: 300.0}
    found = find_insights(data, WEEK, outcome_metrics=["signups"], goal_scopes=["instagram"])
    missing = {i.platform: i.numbers["missing"] for i in found if i.type == "no_outcome_link"}
    assert missing == {"tiktok": "attribution"}
    no_goal = find_insights(data, WEEK, outcome_metrics=["signups"], goal_scopes=[])
    missing = {i.platform: i.numbers["missing"] for i in no_goal if i.type == "no_outcome_link"}
    assert missing == {"instagram": "goal", "tiktok": "attribution"}


def test_engagement_cost_from_one_hour_of_replies():
    at = run(series_of([1000] * 5, [50] * 5, comments=30))
    item = next(i for i in at if i.type == "engagement_cost")
    assert item.numbers["hours"] == 1.0
    assert item.numbers["by_platform"][0]["outcomes_per_hour"] == 50.0
    assert "engagement_cost" not in types(run(series_of([1000] * 5, [50] * 5, comments=29)))
    slower = Thresholds(minutes_per_reply=3)
    assert "engagement_cost" in types(
        run(series_of([1000] * 5, [50] * 5, comments=20), thresholds=slower)
    )


def test_team_thresholds_override_defaults():
    t = Thresholds.from_settings(
        {"min_rise": 0.5, "min_baseline_weeks": 2, "bogus": 3, "noise_sigmas": True}
    )
    assert (t.min_rise, t.min_baseline_weeks, t.noise_sigmas) == (0.5, 2, 2.0)
