"""The goal grammar: product.md's examples, date and number forms, refusals, properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import catalogue
from bot.core.goals import (
    GoalSpec,
    Refusal,
    cost_outcome,
    is_ratio,
    parse_date,
    parse_goal,
    render_goal,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signups +15% by March 31", GoalSpec("signups", "relative", 0.15, date(2027, 3, 31))),
        (
            "goal: increase donations by 20% by end of Q1",
            GoalSpec("donations", "relative", 0.2, date(2027, 3, 31)),
        ),
        (
            "Instagram link clicks to 2,000 by 2027-01-31",
            GoalSpec("link_clicks", "absolute", 2000, date(2027, 1, 31), "instagram"),
        ),
        (
            "revenue from LinkedIn +10% in 8 weeks",
            GoalSpec("revenue", "relative", 0.1, date(2027, 1, 18), "linkedin"),
        ),
        (
            "reduce cost per signup by 10% by next month",
            GoalSpec("cost_per_signup", "relative", 0.1, date(2026, 12, 31), None, "reduce"),
        ),
        (
            "engagement rate 3% on tiktok by Dec 15",
            GoalSpec("engagement_rate", "rate", 0.03, date(2026, 12, 15), "tiktok"),
        ),
        (
            "set goal: CTR above 1.5% by end of year",
            GoalSpec("ctr", "rate", 0.015, date(2026, 12, 31)),
        ),
        ("<@U0BOT> signups 2k by Q2", GoalSpec("signups", "absolute", 2000, date(2027, 6, 30))),
        (
            "donations to $5,000 by end of March",
            GoalSpec("donations", "absolute", 5000, date(2027, 3, 31)),
        ),
        (
            "followers to 5 000 by 31 January 2027",
            GoalSpec("followers", "absolute", 5000, date(2027, 1, 31)),
        ),
        (
            "reduce complaints by 10% in 30 days",
            GoalSpec("complaints", "relative", 0.1, date(2026, 12, 23), None, "reduce"),
        ),
        (
            "signups -5% by Dec 1",
            GoalSpec("signups", "relative", 0.05, date(2026, 12, 1), None, "reduce"),
        ),
    ],
)
def test_product_examples_and_forms(text, expected):
    assert parse_goal(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-02-01", date(2027, 2, 1)),
        ("march 31", date(2027, 3, 31)),
        ("Mar 31, 2027", date(2027, 3, 31)),
        ("dec 15", date(2026, 12, 15)),
        ("nov 23", date(2026, 11, 23)),  # today still counts as ahead
        ("nov 22", date(2027, 11, 22)),  # passed this year: the next one
        ("end of March", date(2027, 3, 31)),
        ("end of november", date(2026, 11, 30)),
        ("Q4", date(2026, 12, 31)),
        ("end of Q3", date(2027, 9, 30)),
        ("next month", date(2026, 12, 31)),
        ("in 10 days", date(2026, 12, 3)),
        ("in 2 months", date(2027, 1, 23)),
        ("someday", None),
    ],
)
def test_date_forms(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("signups +15% by 2020-01-01", "in the past"),
        ("signups +0% by March 31", "zero or less"),
        ("signups to 0 by March 31", "zero or less"),
        ("happiness +10% by March 31", "`happiness` is not a metric I know"),
        ("signups from myspace +10% by March 31", "`myspace` is not a platform I know"),
        ("signups +15%", "no deadline"),
        ("signups by March 31", "no target"),
        ("signups +15% by someday", "could not read `someday` as a date"),
        ("reduce complaints by 100% by March 31", "100% or more"),
    ],
)
def test_refusals_say_what_was_and_was_not_understood(text, problem):
    result = parse_goal(text, TODAY)
    assert isinstance(result, Refusal)
    message = result.message()
    assert problem in message
    assert len(result.examples) == 2 and all(e in message for e in result.examples)


def test_refusal_reports_what_it_did_understand():
    result = parse_goal("signups from myspace +10% by March 31", TODAY)
    assert isinstance(result, Refusal)
    assert ("metric", "signups") in result.understood
    assert ("deadline", "Mar 31, 2027") in result.understood


@given(st.text(max_size=120))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_explains(text):
    result = parse_goal(text, TODAY)
    assert isinstance(result, GoalSpec | Refusal)
    if isinstance(result, Refusal):
        assert result.examples and result.message()


CUSTOM = {"trial_starts": catalogue.Kind.OUTCOME, "pledges": catalogue.Kind.MONEY}
GOAL_METRICS = [*sorted(catalogue.METRICS), "cost_per_order", "cost_per_lead", *CUSTOM]
GOAL_METRICS += ["cost_per_trial_starts"]


def _spec(metric, platform, pct, amount, days, reduce):
    if pct:
        kind, target = "relative", round(amount / 1000, 3)
    elif is_ratio(metric):
        kind = "rate"
        target = float(amount) if cost_outcome(metric) else round(amount / 1000, 3)
    else:
        kind, target = "absolute", float(amount)
    return GoalSpec(
        metric=metric,
        kind=kind,
        target=target,
        deadline=date.fromordinal(TODAY.toordinal() + days),
        platform=platform,
        direction="reduce" if reduce else "increase",
    )


goal_specs = st.builds(
    _spec,
    metric=st.sampled_from(GOAL_METRICS),
    platform=st.one_of(st.none(), st.sampled_from(sorted(catalogue.PLATFORMS))),
    pct=st.booleans(),
    amount=st.integers(min_value=1, max_value=990),
    days=st.integers(min_value=0, max_value=900),
    reduce=st.booleans(),
)


@given(goal_specs)
@settings(max_examples=300, deadline=None)
def test_a_rendered_goal_parses_back_to_itself(spec):
    assert parse_goal(render_goal(spec), TODAY, custom=CUSTOM) == spec
