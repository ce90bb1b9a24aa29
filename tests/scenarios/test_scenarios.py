"""The scenario library: realistic team histories, each with the digest the spec implies.

Every expected number is worked out by hand in the comments beside it (product.md 3.1: the
baseline is the mean of the 4 prior weeks with data; the noise band is
max(1.4826 × MAD of the 12 prior weeks, √baseline for a count, 5% of the baseline), and a
change is real at 2 bands). None is read back from the code under test.
"""

from __future__ import annotations

import json

from bot.core.blocks import render_digest
from bot.core.periods import IsoWeek
from tests.scenarios.history import (
    ABSOLUTE,
    FIRST_OF_MONTH,
    MID_MONTH,
    goal,
    insight_types,
    judge,
)

# Twelve prior weeks of ~1,000 interactions. Last four: 1010, 990, 1000, 1000 -> baseline
# 1,000. Median 1,000, MAD 10 -> 14.8; √1000 = 31.6; 5% = 50: the band is 50, so a week
# is beyond noise at |x − 1000| ≥ 100.
INTERACTIONS = [990, 1010, 1000, 1020, 980, 1000, 1010, 990, 1010, 990, 1000, 1000]
# Twelve prior weeks of ~100 signups, last four 100, 100, 101, 99 -> baseline 100; MAD 1;
# √100 = 10 is the band: beyond noise at |x − 100| ≥ 20.
SIGNUPS_100 = [100, 102, 98, 101, 99, 100, 103, 97, 100, 100, 101, 99]


def test_viral_week_alarms_engagement_without_outcome():
    # Instagram goes viral: 20,910 interactions (+1,991%, 20.9× the baseline of 1,000).
    # Signups: baseline 14 (last four 14s) -> 16.1 is +15%, below max(5%, 1991%/4).
    # 16.1 / 20,910 × 1,000 = 0.77 per 1,000 interactions, down from 14 / 1,000 × 1,000 = 14.
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 20910],
        ("instagram", "signups"): [14, 14, 13, 15, 14, 14, 15, 13, 14, 14, 14, 14, 16.1],
    }
    data = judge(history).to_json()
    alarm = next(i for i in data["insights"] if i["type"] == "engagement_without_outcome")
    assert alarm["platform"] == "instagram" and alarm["kind"] == "alarm"
    assert alarm["message"] == (
        "Instagram interactions +1,991% (21× normal); signups +15%: 0.8 signups per 1,000 "
        "interactions, down from 14."
    )
    assert (alarm["engagement_change"], alarm["outcome_change"]) == (19.91, 0.15)
    assert (alarm["per_1k"], alarm["per_1k_baseline"]) == (0.8, 14.0)
    assert data["headline"] == {"kind": "gap", "text": alarm["message"]}
    assert data["action"]["insight"] == "engagement_without_outcome"
    # The product's point: it never says they "moved together".
    assert "together" not in json.dumps(data)


def test_paid_campaign_lifting_both_is_together_and_no_alarm():
    # Interactions 1,400: +40%, 400 ≥ 2 × 50. Signups 150: +50%, 50 ≥ 2 × 10.
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 1400],
        ("instagram", "signups"): [*SIGNUPS_100, 150],
    }
    data = judge(history).to_json()
    assert data["headline"] == {"kind": "together", "text": "Signups +50% and interactions +40%."}
    assert not [i for i in data["insights"] if i["kind"] == "alarm"]


def test_holiday_week_fall_names_the_holiday():
    # Thanksgiving week 2026 (Nov 23–29). Interactions 600 (−40%), signups 50 (−50%): both
    # beyond noise, the same way.
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 600],
        ("instagram", "signups"): [*SIGNUPS_100, 50],
    }
    week = IsoWeek.parse("2026-W48")
    data = judge(history, week, holidays=["Thanksgiving Day"]).to_json()
    assert data["headline"] == {
        "kind": "together",
        "text": "Signups −50% and interactions −40% (Thanksgiving Day week).",
    }
    assert not [i for i in data["insights"] if i["type"] == "engagement_without_outcome"]


def test_holidays_of_the_team_country_come_from_the_holidays_package():
    from bot.services.digest import holidays_in

    assert holidays_in(IsoWeek.parse("2026-W48"), "US") == ["Thanksgiving Day"]
    assert holidays_in(IsoWeek.parse("2026-W48"), "DE") == []
    assert holidays_in(IsoWeek.parse("2026-W48"), None) == []


# LinkedIn: interactions swing week to week (they alternate, so this week's and last week's
# are negatively related), and signups are 5% of LAST week's interactions (a week before the
# first, 600). Over the 12 weeks before the spike, r1 = corr(interactions_t, signups_t+1) is
# ~1 while r0 is negative: the outcomes lag a week.
LINKEDIN = [500, 800, 450, 750, 520, 820, 480, 700, 550, 850, 500, 700]
LAGGED = [30, 25, 40, 22.5, 37.5, 26, 41, 24, 35, 27.5, 42.5, 25]


def test_lagging_platform_spike_is_pending_then_paid_off():
    # Spike week: 1,500 interactions against a baseline of (550+850+500+700)/4 = 650:
    # +131%. The band is 1.4826 × MAD 125 = 185 (median 625), so 850 above is beyond noise.
    # Signups this week follow last week's 700: 35 against (35+27.5+42.5+25)/4 = 32.5,
    # +7.7%, below max(5%, 131%/4): without the lag this would be an alarm.
    history = {
        ("linkedin", "interactions"): [*LINKEDIN, 1500],
        ("linkedin", "signups"): [*LAGGED, 35],
    }
    spike = judge(history, FIRST_OF_MONTH).to_json()
    assert insight_types(spike, "linkedin") == [("outcome_pending", "linkedin")]
    pending = spike["insights"][0]
    assert pending["kind"] == "note" and pending["r1"] >= 0.9 and pending["r0"] < 0
    assert pending["message"].startswith(
        "LinkedIn signups have followed its engagement a week later (r = "
    )
    # Next week: 5% of 1,500 = 75 signups against (27.5+42.5+25+35)/4 = 32.5: +131%,
    # 42.5 above, well beyond a band of √32.5 = 5.7 (MAD 6.25 -> 9.3).
    history[("linkedin", "interactions")].append(650)
    history[("linkedin", "signups")].append(75)
    paid = judge(history, MID_MONTH).to_json()
    win = next(i for i in paid["insights"] if i["type"] == "lagged_outcome")
    assert win["kind"] == "win" and win["platform"] == "linkedin"
    assert win["message"] == "Last week's LinkedIn spike paid off: signups +131% this week."
    assert not [i for i in paid["insights"] if i["kind"] == "alarm"]


def test_lagging_platform_spike_that_did_not_pay_off_alarms_with_lag_checked():
    history = {
        ("linkedin", "interactions"): [*LINKEDIN, 1500, 650],
        ("linkedin", "signups"): [*LAGGED, 35, 33],  # 33 vs 32.5: within the usual range
    }
    data = judge(history, MID_MONTH).to_json()
    alarm = next(i for i in data["insights"] if i["type"] == "engagement_without_outcome")
    assert alarm["lag_checked"] is True and alarm["platform"] == "linkedin"
    assert alarm["message"].startswith("Last week's LinkedIn spike (interactions +131%)")


def test_sales_driven_by_link_clicks_not_likes():
    # 12 weeks of Instagram link clicks and orders (≈ a tenth of the clicks), interactions
    # steady around 1,000: 2,330 clicks for 233 orders = 1 order per 10 clicks.
    # r(clicks, orders) = 0.99; r(interactions, orders) = 0.11 (worked out on paper and
    # checked with a calculator): 0.99 ≥ 0.7 and ≥ 0.11 + 0.3.
    history = {
        ("instagram", "interactions"): [
            1000,
            1040,
            1010,
            980,
            1030,
            990,
            1020,
            1000,
            970,
            1050,
            1000,
            1010,
        ],
        ("instagram", "link_clicks"): [120, 300, 180, 250, 90, 210, 160, 280, 140, 230, 110, 260],
        ("instagram", "orders"): [12, 28, 19, 24, 10, 22, 15, 28, 15, 22, 12, 26],
    }
    data = judge(history, goals=[goal("orders", status="on_track", previous="on_track")])
    win = next(i for i in data.to_json()["insights"] if i["type"] == "clicks_drive_outcomes")
    assert win["kind"] == "win"
    assert win["message"] == (
        "On Instagram, orders follow link clicks (r = 0.99, 1 order per 10 clicks), not "
        "interactions (r = 0.11)."
    )


def test_refunds_are_netted_from_revenue_and_never_judged_alone():
    # Revenue $10,000 a week gross, refunds $500 -> net $9,500 baseline. A refund wave:
    # refunds $4,000 -> net $6,000, −37%; the band is 5% of 9,500 = 475, so 3,500 below is
    # beyond noise. Refunds themselves never make an insight.
    gross = [10000, 10100, 9900, 10000, 10100, 9900, 10000, 10000, 10100, 9900, 10000, 10000]
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 1000],
        ("instagram", "revenue"): [*gross, 10000],
        ("instagram", "refunds"): [500] * 12 + [4000],
    }
    digest = judge(history, goals=[goal("revenue", status="on_track", previous="on_track")])
    data = digest.to_json()
    assert data["totals"]["revenue"] == {"gross": 10000.0, "refunds": 4000.0, "net": 6000.0}
    assert data["totals"]["outcomes"] == {"revenue": 6000.0}
    assert "refunds" not in digest.outcomes
    assert not [i for i in data["insights"] if i.get("outcome") == "refunds"]
    assert data["headline"] == {
        "kind": "outcome_move",
        "text": "Revenue $6,000, −37% on a normal week.",
    }
    euros = judge(
        history, goals=[goal("revenue", status="on_track", previous="on_track")], currency="EUR"
    )
    assert euros.to_json()["currency"] == "EUR"
    assert euros.headline.text == "Revenue €6,000, −37% on a normal week."
    assert "€6,000" in json.dumps(render_digest(euros), ensure_ascii=False)


def test_five_platforms_three_outcomes_quiet_week():
    # Every series steady: no change beyond noise anywhere, a normal week. Judged outcomes:
    # the goal's (signups) first, then money (revenue), then the rest by volume (orders).
    history = {}
    for platform, level in [
        ("instagram", 3000),
        ("facebook", 1500),
        ("linkedin", 800),
        ("tiktok", 5000),
        ("youtube", 400),
    ]:
        history[(platform, "interactions")] = [level * x / 1000 for x in [*INTERACTIONS, 1000]]
        history[(platform, "signups")] = [100] * 13
    history[("instagram", "revenue")] = [12000] * 13
    history[("facebook", "revenue")] = [8000] * 13
    history[("instagram", "orders")] = [80] * 13
    digest = judge(history)
    data = digest.to_json()
    assert digest.outcomes == ["signups", "revenue", "orders"]
    assert [p["platform"] for p in data["platforms"]] == [
        "tiktok",
        "instagram",
        "facebook",
        "linkedin",
        "youtube",
    ]
    instagram = data["platforms"][1]
    assert instagram["outcomes"] == {"signups": 100.0, "revenue": 12000.0, "orders": 80.0}
    assert instagram["share"]["outcomes"] == {"signups": 0.2, "revenue": 0.6, "orders": 1.0}
    assert "revenue" not in data["platforms"][0]["outcomes"]  # TikTok reports none
    # 5 × 100 signups, $20,000 revenue, 80 orders.
    assert data["headline"] == {
        "kind": "quiet",
        "text": "A normal week: nothing moved beyond its usual range. 500 signups, $20k "
        "revenue, 80 orders.",
    }
    assert len(data["insights"]) <= 6
    keys = [(i["type"], i["platform"]) for i in data["insights"]]
    assert len(keys) == len(set(keys))


def test_brand_new_team_has_no_changes_and_says_so():
    # Two weeks of data: one week of history before the digest week, fewer than 3.
    history = {
        ("instagram", "interactions"): [None] * 11 + [800, 3100],
        ("instagram", "signups"): [None] * 11 + [10, 41],
    }
    data = judge(history).to_json()
    line = data["platforms"][0]
    assert line["history_weeks"] == 1
    assert line["interactions_change"] is None
    assert line["outcomes_change"] == {"signups": None}
    assert not [i for i in data["insights"] if i["type"] == "engagement_without_outcome"]
    assert data["headline"] == {
        "kind": "quiet",
        "text": "Not enough history to judge changes yet: 2 weeks of data (changes are judged "
        "from week 4). 41 signups.",
    }
    blocks = json.dumps(render_digest(judge(history)), ensure_ascii=False)
    assert "new, 2 weeks of data" in blocks


def test_less_engagement_more_outcomes_is_a_win():
    # Interactions 700: −30% (300 ≥ 100). Signups: last four 594, 606, 600, 600 -> 600;
    # median 600, MAD 6 -> 8.9; √600 = 24.5; 5% = 30: band 30, so 702 (+17%) is beyond.
    # Link clicks: baseline 50, 66 is +32%.
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 700],
        ("instagram", "signups"): [594, 606, 612, 600, 600, 588, 606, 594, 594, 606, 600, 600, 702],
        ("instagram", "link_clicks"): [50, 51, 49, 50, 50, 50, 51, 49, 51, 49, 50, 50, 66],
    }
    data = judge(history).to_json()
    win = next(i for i in data["insights"] if i["type"] == "outcome_without_engagement")
    assert win["kind"] == "win"
    assert win["message"] == (
        "Instagram: fewer interactions (−30%), more signups (+17%); link clicks +32%. Keep going."
    )
    assert data["headline"] == {
        "kind": "outcome_move",
        "text": "Signups 702, +17% on a normal week.",
    }
    assert not [i for i in data["insights"] if i["kind"] == "alarm"]


def _share_gap_history(weeks: int) -> dict:
    # TikTok: 8,200 interactions and 870 comments a week (870 × 2 min = 29 h); Instagram:
    # 1,800 interactions, 100 comments. Revenue over the last 4 weeks: TikTok $531, Instagram
    # $26,019 -> TikTok has 82% of interactions and 2% of revenue.
    return {
        ("tiktok", "interactions"): [8200] * weeks,
        ("tiktok", "comments"): [870] * weeks,
        ("tiktok", "revenue"): [132.75] * weeks,
        ("instagram", "interactions"): [1800] * weeks,
        ("instagram", "comments"): [100] * weeks,
        ("instagram", "revenue"): [6504.75] * weeks,
    }


def test_steady_share_gap_shows_first_week_of_the_month_then_stands():
    goals = [goal("revenue", status="on_track", previous="on_track")]
    first = judge(_share_gap_history(13), FIRST_OF_MONTH, goals=goals).to_json()
    gap = next(i for i in first["insights"] if i["type"] == "share_gap")
    assert gap["platform"] == "tiktok" and gap["kind"] == "alarm"
    assert gap["message"] == (
        "TikTok, last 4 weeks: 82% of interactions, 29 h of replies a week, 2% of revenue ($531)."
    )
    later = judge(_share_gap_history(14), MID_MONTH, goals=goals)
    data = later.to_json()
    assert "share_gap" not in [i["type"] for i in data["insights"]]
    assert "share_gap" in [i["type"] for i in data["standing"]]
    blocks = json.dumps(render_digest(later), ensure_ascii=False)
    assert "Standing: 2 findings (see `/impact status`)" in blocks  # share gap, reply hours


def test_giving_tuesday_goal_met_headline_and_no_false_alarm():
    # Donations: Facebook 10,000, Instagram 3,000, unattributed 4,360 a week -> 17,360.
    # GivingTuesday week: 42,560 + 3,200 + 15,040 = 60,800: 3.5× a normal week. Facebook
    # interactions rose too (+60%), but so did its donations: no alarm, "signups" flat or not.
    history = {
        ("facebook", "interactions"): [*INTERACTIONS, 1600],
        ("facebook", "signups"): [20] * 13,
        ("facebook", "donations"): [10000] * 12 + [42560],
        ("instagram", "interactions"): [500] * 13,
        ("instagram", "donations"): [3000] * 12 + [3200],
        ("", "donations"): [4360] * 12 + [15040],
    }
    goals = [
        goal(
            "donations",
            status="met",
            previous="on_track",
            kind=ABSOLUTE,
            target=150000,
            current=167000,
        )
    ]
    data = judge(history, IsoWeek.parse("2026-W49"), goals=goals).to_json()
    assert data["headline"] == {
        "kind": "goal_event",
        "text": "Donations goal met: $167k of $150k. $60.8k this week, 3.5× a normal week.",
    }
    assert "engagement_without_outcome" not in [i["type"] for i in data["insights"]]


def test_inverse_link_is_not_called_independent():
    # Weeks with more interactions brought fewer signups: r0 = −0.85 over 12 weeks.
    history = {
        ("instagram", "interactions"): [
            800,
            1200,
            900,
            1300,
            1000,
            1400,
            850,
            1250,
            950,
            1350,
            1100,
            1000,
        ],
        ("instagram", "signups"): [44, 38, 40, 30, 41, 33, 45, 36, 39, 35, 34, 37],
    }
    data = judge(history).to_json()
    found = [i for i in data["insights"] if i["type"] in ("inverse_link", "weak_link")]
    assert [(i["type"], i["platform"]) for i in found] == [("inverse_link", "instagram")]
    assert found[0]["r0"] == -0.85
    assert found[0]["message"].startswith(
        "On Instagram, weeks with more interactions brought fewer signups (r = −0.85)"
    )


def test_alarms_are_not_repeated_for_all_platforms():
    # Two platforms spike without outcomes: one alarm each, none again for "all platforms".
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 2000],
        ("instagram", "signups"): [*SIGNUPS_100, 100],
        ("facebook", "interactions"): [*INTERACTIONS, 2500],
        ("facebook", "signups"): [*SIGNUPS_100, 101],
    }
    data = judge(history).to_json()
    alarms = [(i["type"], i["platform"]) for i in data["insights"] if i["kind"] == "alarm"]
    assert alarms == [
        ("engagement_without_outcome", "facebook"),
        ("engagement_without_outcome", "instagram"),
    ] or sorted(alarms) == sorted(
        [("engagement_without_outcome", "facebook"), ("engagement_without_outcome", "instagram")]
    )


def test_no_outcome_attributed_to_a_platform_says_how_to_link_one():
    history = {
        ("instagram", "interactions"): [*INTERACTIONS, 1000],
        ("instagram", "signups"): [*SIGNUPS_100, 100],
        ("tiktok", "interactions"): [*INTERACTIONS, 3000],
    }
    data = judge(history).to_json()
    assert ("no_outcome_link", "tiktok") in insight_types(data)
    item = next(i for i in data["insights"] if i["type"] == "no_outcome_link")
    assert "utm_source=tiktok" in item["action"] and "/impact connect ga4" in item["action"]
    # TikTok's spike is not judged against an outcome it has none of.
    assert ("engagement_without_outcome", "tiktok") not in insight_types(data)


def test_engagement_up_a_lot_and_signups_a_little_is_not_together():
    # The case: all interactions +52% (Instagram +80%: 1,080 against 600; Facebook
    # +10%: 440 against 400), signups +5.6% (105.6 against 100, each platform half of
    # SIGNUPS_100). Signups did not move beyond noise, so nothing "moved together": Instagram
    # gets the alarm, and no all-platforms copy of it.
    history = {
        ("instagram", "interactions"): [*[v * 0.6 for v in INTERACTIONS], 1080],
        ("facebook", "interactions"): [*[v * 0.4 for v in INTERACTIONS], 440],
        ("instagram", "signups"): [*[v * 0.5 for v in SIGNUPS_100], 53],
        ("facebook", "signups"): [*[v * 0.5 for v in SIGNUPS_100], 52.6],
    }
    data = judge(history).to_json()
    assert data["headline"]["kind"] == "gap"
    assert data["headline"]["text"].startswith("Instagram interactions +80%; signups +6%")
    assert [(i["type"], i["platform"]) for i in data["insights"] if i["kind"] == "alarm"] == [
        ("engagement_without_outcome", "instagram")
    ]
    assert data["totals"]["interactions_change"] == 0.52
    assert data["totals"]["outcomes_change"]["signups"] == 0.056


def test_chart_leaves_weeks_without_data_empty_and_renders():
    # Instagram connected 3 weeks ago: the 9 weeks before are absent (None), never 0.
    from bot.chart import render_chart

    # Facebook's signups come from the same outcome source all along: Instagram's weeks
    # before its account are still absent, not "zero from Instagram".
    history = {
        ("instagram", "interactions"): [None] * 9 + [900, 1000, 1100],
        ("instagram", "signups"): [None] * 9 + [40, 45, 50],
        ("facebook", "interactions"): [500] * 12,
        ("facebook", "signups"): [20] * 12,
    }
    digest = judge(history)
    assert digest.chart["instagram"]["interactions"] == [None] * 9 + [900, 1000, 1100]
    assert digest.chart["instagram"]["outcomes"] == [None] * 9 + [40, 45, 50]
    png = render_chart(digest)
    assert png[:4] == b"\x89PNG" and len(png) > 10_000


def test_a_chart_of_counts_has_whole_numbers_on_its_axes_and_money_keeps_its_cents():
    # 2 or 3 signups a week drew an axis of 0.5, 1.0, 1.5... signups
    from bot.chart import draw_chart

    def ticks(history):
        figure = draw_chart(judge(history))
        figure.canvas.draw()
        bars, line = figure.axes[0], figure.axes[-1]
        return bars.get_yticks(), line.get_yticks()

    bars, line = ticks(
        {("facebook", "interactions"): [1, 2] * 6, ("facebook", "signups"): [2, 3] * 6}
    )
    assert all(t == int(t) for t in [*bars, *line])
    _, money = ticks(
        {("facebook", "interactions"): [900] * 12, ("facebook", "revenue"): [1.5, 2.0] * 6}
    )
    assert any(t != int(t) for t in money)  # $1.50 is a real amount


def test_charts_drawn_at_once_on_a_workers_threads_are_each_whole():
    # A worker posts digests on several threads: each chart is drawn on a figure of its
    # own, so charts drawn at the same time come out exactly as one drawn alone.
    from concurrent.futures import ThreadPoolExecutor

    from bot.chart import render_chart

    digests = [
        judge(
            {
                ("instagram", "interactions"): [900 + 10 * n] * 12,
                ("instagram", "signups"): [40] * 12,
            }
        )
        for n in range(8)
    ]
    alone = [render_chart(d) for d in digests]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(render_chart, digests))
    assert together == alone
    assert len(set(alone)) == 8


def test_a_busy_digest_stays_within_slack_limits():
    # Six platforms with spikes and no outcome link, plus goals: the message still fits.
    history = {}
    for index, platform in enumerate(
        ["instagram", "facebook", "linkedin", "x", "tiktok", "youtube"]
    ):
        history[(platform, "interactions")] = [*INTERACTIONS, 3000 + index]
        history[(platform, "comments")] = [300] * 13
        history[(platform, "signups")] = [*SIGNUPS_100, 100]
    goals = [
        goal("signups", status=status, previous="on_track", goal_id=n)
        for n, status in enumerate(["on_track", "new", "no_data", "off_track"] * 4)
    ]
    message = render_digest(judge(history, goals=goals))
    assert len(message["blocks"]) <= 50
    assert len(message["text"]) < 4000
    for block in message["blocks"]:
        for text in [block.get("text", {}).get("text", "")] + [
            f["text"] for f in block.get("fields", [])
        ]:
            assert len(text) <= 3000
    data = judge(history, goals=goals).to_json()
    assert len(data["insights"]) <= 6
