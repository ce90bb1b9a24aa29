"""The demo data tells the story its docstring promises, and is deterministic."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date

from bot.core.periods import last_complete_week, weeks_before
from bot.core.weekly import weekly_series
from integrations import demo

TODAY = date(2026, 11, 23)


def _weekly():
    data = demo.generate(TODAY)
    daily = defaultdict(float)
    for points in data.points.values():
        for p in points:
            daily[(p.day, p.platform or "", p.metric)] += p.value
    return data, weekly_series((d, pl, m, v) for (d, pl, m), v in daily.items())


def test_same_seed_same_data_other_seed_other_data():
    assert demo.generate(TODAY).points == demo.generate(TODAY).points
    assert demo.generate(TODAY, seed=8).points != demo.generate(TODAY).points


def test_covers_26_complete_weeks_up_to_yesterday():
    data = demo.generate(TODAY)
    assert data.end == date(2026, 11, 22)
    assert (data.end - data.start).days + 1 == 26 * 7
    assert {a.platform for a in data.accounts} == {"instagram", "facebook", "linkedin", None}


def test_instagram_engagement_rises_beyond_noise_while_its_signups_stay_flat():
    _, series = _weekly()
    week = last_complete_week(TODAY)
    base_weeks = weeks_before(week, 4)
    inter = series[("instagram", "interactions")]
    base = [inter[w] for w in base_weeks]
    rise = inter[week] / statistics.mean(base) - 1
    noise = max(statistics.stdev(base), statistics.mean(base) ** 0.5)
    assert rise >= 0.20 and inter[week] - statistics.mean(base) >= 2 * noise
    signups = series[("instagram", "signups")]
    assert signups[week] / statistics.mean(signups[w] for w in base_weeks) - 1 <= 0.05


def test_linkedin_signups_move_with_its_interactions():
    _, series = _weekly()
    weeks = weeks_before(last_complete_week(TODAY), 12)
    inter = [series[("linkedin", "interactions")][w] for w in weeks]
    signups = [series[("linkedin", "signups")][w] for w in weeks]
    assert statistics.correlation(inter, signups) > 0.8
    assert statistics.stdev(inter) / statistics.mean(inter) >= 0.15


def test_instagram_has_vanity_posts_all_likes_no_clicks():
    data = demo.generate(TODAY)
    vanity = [
        p
        for p in data.posts["demo-instagram"]
        if p.interactions >= 20 and p.link_clicks / p.interactions < 0.01 and p.outcomes == 0
    ]
    assert len(vanity) >= 26
    assert all(p.permalink.startswith("https://www.instagram.com/p/") for p in vanity)
