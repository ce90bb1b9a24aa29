"""The goal grammar of product.md section 2: directions, numbers, cost per outcome, refusals."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.catalogue import Kind
from bot.core.goals import GoalSpec, Refusal, describe, json_direction, parse_goal, render_goal

TODAY = date(2026, 11, 23)
CUSTOM = {"trial_starts": Kind.OUTCOME, "pledges": Kind.MONEY}


def parse(text: str, custom=CUSTOM) -> GoalSpec | Refusal:
    return parse_goal(text, TODAY, custom=custom)


def refusal(text: str, custom=CUSTOM) -> str:
    result = parse(text, custom)
    assert isinstance(result, Refusal), f"{text!r} was accepted as {result}"
    return result.message()


# --- product.md's examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the six lines of product.md section 2 are in tests/core/test_goals.py
        (
            "reduce complaints by 10% by March 31",
            GoalSpec("complaints", "relative", 0.1, date(2027, 3, 31), None, "reduce"),
        ),
        ("donations to 5000 by Q1", GoalSpec("donations", "absolute", 5000, date(2027, 3, 31))),
        (
            "2,000 link clicks from Instagram by Q1",
            GoalSpec("link_clicks", "absolute", 2000, date(2027, 3, 31), "instagram"),
        ),
        ("CTR above 1.5% by Q1", GoalSpec("ctr", "rate", 0.015, date(2027, 3, 31))),
        (
            "cost per signup below $20 by Q1",
            GoalSpec("cost_per_signup", "rate", 20, date(2027, 3, 31), None, "reduce"),
        ),
    ],
)
def test_more_examples_of_the_spec_parse_to_their_goal(text, expected):
    assert parse(text) == expected


# --- direction words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("CTR above 1.5% by Q1", "increase"),
        ("CTR at least 1.5% by Q1", "increase"),
        ("CTR over 1.5% by Q1", "increase"),
        ("CTR below 1.5% by Q1", "reduce"),
        ("CTR under 1.5% by Q1", "reduce"),
        ("CTR at most 1.5% by Q1", "reduce"),
        ("CTR 1.5% by Q1", "increase"),  # no word: at least
        ("increase signups by 10% by Q1", "increase"),
        ("cut spend by 10% by Q1", "reduce"),
        ("signups −10% by Q1", "reduce"),
        ("signups -10% by Q1", "reduce"),
        ("signups +10% by Q1", "increase"),
        ("spend to 5,000 by Q1", "reduce"),  # spend's good direction is down: at most
        ("refunds to 500 by Q1", "reduce"),
        ("cost per signup 20 by Q1", "reduce"),
        ("spend above 5,000 by Q1", "increase"),  # a direction word overrides the default
    ],
)
def test_direction_words(text, direction):
    spec = parse(text)
    assert isinstance(spec, GoalSpec), spec
    assert spec.direction == direction
    assert json_direction(spec) == ("down" if direction == "reduce" else "up")


def test_a_rate_with_a_change_word_is_relative_and_without_it_is_a_level():
    assert parse("increase CTR by 10% by Q1") == GoalSpec("ctr", "relative", 0.1, date(2027, 3, 31))
    assert parse("CTR +10% by Q1") == GoalSpec("ctr", "relative", 0.1, date(2027, 3, 31))
    assert parse("CTR to 2% by Q1") == GoalSpec("ctr", "rate", 0.02, date(2027, 3, 31))


# --- cost per outcome ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("cost per signup below $20 by Q1", "cost_per_signup"),
        ("cost per order below $20 by Q1", "cost_per_order"),
        ("cost per orders below $20 by Q1", "cost_per_order"),
        ("cost per lead under 15 by Q1", "cost_per_lead"),
        ("cost per donation below 2 by Q1", "cost_per_donation"),
        ("cost per trial start below 4 by Q1", "cost_per_trial_starts"),  # declared outcome
        ("cost per trial_starts below 4 by Q1", "cost_per_trial_starts"),
    ],
)
def test_cost_per_any_outcome_is_a_money_rate_whose_good_direction_is_down(text, metric):
    spec = parse(text)
    assert isinstance(spec, GoalSpec), spec
    assert (spec.metric, spec.kind, spec.direction) == (metric, "rate", "reduce")
    assert spec.target in (20, 15, 2, 4)


def test_cost_per_order_is_not_orders():
    spec = parse("cost per order below $20 by Q1")
    assert isinstance(spec, GoalSpec) and spec.metric != "orders"
    assert describe(spec) == "cost per order below $20 by Mar 31, 2027"


def test_reduce_cost_per_order_by_a_share():
    assert parse("reduce cost per order by 10% by next month") == GoalSpec(
        "cost_per_order", "relative", 0.1, date(2026, 12, 31), None, "reduce"
    )


def test_a_refused_cost_goal_shows_cost_examples_that_parse():
    result = parse("cost per signup below $20 by Feb 30")
    assert isinstance(result, Refusal)
    assert all("cost per" in e for e in result.examples) and len(result.examples) == 2
    assert all(isinstance(parse(e), GoalSpec) for e in result.examples)


def test_cost_per_something_that_is_not_an_outcome_is_refused():
    assert "not an outcome" in refusal("cost per like below 1 by Q1")


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "value"),
    [
        ("2,000", 2000),
        ("2k", 2000),
        ("2K", 2000),
        ("1.5m", 1_500_000),
        ("$5,000", 5000),
        ("5 000", 5000),
        ("€5.000", 5000),
        ("5.000 €", 5000),
        ("€5,000", 5000),
        ("£1,250.50", 1250.5),
        ("1.234.567", 1_234_567),
        ("2.5k", 2500),
        ("5000 eur", 5000),
        ("5,000 CHF", 5000),
        ("USD 20", 20),
    ],
)
def test_number_forms(number, value):
    spec = parse(f"donations to {number} by Q1")
    assert isinstance(spec, GoalSpec), spec
    assert spec.target == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("signups to 1e9 by Q1", "scientific notation"),
        ("signups to 2.5E3 by Q1", "scientific notation"),
        ("signups to -50 by Q1", "negative"),
        ("signups to 0 by Q1", "zero"),
        ("signups +0% by Q1", "zero"),
        ("signups +1001% by Q1", "1,000%"),
        ("CTR above 1500% by Q1", "1,000%"),
        ("engagement rate 20 by Q1", "say it with %"),
    ],
)
def test_numbers_refused_with_the_reason(text, reason):
    assert reason in refusal(text)


def test_percent_in_words():
    assert parse("signups up 15 percent by Q1") == parse("signups +15% by Q1")
    assert parse("signups down by 5% by Q1") == parse("signups -5% by Q1")
    assert parse("cost per signup down to $20 by Q1") == parse("cost per signup below 20 by Q1")


def test_a_thousand_percent_is_still_accepted():
    assert isinstance(parse("signups +1000% by Q1"), GoalSpec)


# --- platforms and metrics -----------------------------------------------------------------


@pytest.mark.parametrize(
    "platform",
    [
        "facebook",
        "instagram",
        "linkedin",
        "x",
        "youtube",
        "tiktok",
        "pinterest",
        "threads",
        "email",
    ],
)
def test_every_platform_of_the_spec_scopes_a_goal(platform):
    spec = parse(f"{platform} link clicks to 500 by Q1")
    assert isinstance(spec, GoalSpec) and spec.platform == platform
    spec = parse(f"signups from {platform} +10% by Q1")
    assert isinstance(spec, GoalSpec) and spec.platform == platform


def test_pinterest_link_clicks_are_pinterest_not_all_platforms():
    assert parse("Pinterest link clicks to 500 by Q1") == GoalSpec(
        "link_clicks", "absolute", 500, date(2027, 3, 31), "pinterest"
    )


def test_an_unknown_platform_is_refused_with_the_list():
    message = refusal("signups from myspace +10% by Q1")
    assert "`myspace` is not a platform" in message
    for name in ("Facebook", "Pinterest", "Threads", "Email", "TikTok"):
        assert name in message


def test_a_declared_custom_outcome_is_a_goal_metric():
    assert parse("trial starts +10% by Q1") == GoalSpec(
        "trial_starts", "relative", 0.1, date(2027, 3, 31)
    )
    assert parse("pledges to $5,000 by Q1") == GoalSpec(
        "pledges", "absolute", 5000, date(2027, 3, 31)
    )
    assert "not a metric" in refusal("trial starts +10% by Q1", custom={})


def test_an_unknown_metric_is_refused():
    assert "`happiness` is not a metric" in refusal("happiness +10% by Q1")


def test_words_that_are_not_understood_are_not_silently_dropped():
    message = refusal("myspace signups +10% by Q1")
    assert "`myspace`" in message and "Pinterest" in message


# --- dates ---------------------------------------------------------------------------------


def test_a_deadline_that_does_not_exist_is_refused():
    message = refusal("signups +10% by Feb 30")
    assert "Feb 30" in message and "does not exist" in message
    assert "does not exist" in refusal("signups +10% by 2027-02-30")


def test_a_deadline_in_the_past_is_refused():
    assert "in the past" in refusal("signups +10% by 2026-11-01")


# --- refusals ------------------------------------------------------------------------------


def test_a_refusal_says_what_was_understood_what_was_not_and_shows_two_examples():
    result = parse("signups from myspace +10% by March 31")
    assert isinstance(result, Refusal)
    message = result.message()
    assert "I understood" in message and "signups" in message and "Mar 31, 2027" in message
    assert len(result.examples) == 2 and all(e in message for e in result.examples)
    for example in result.examples:
        assert isinstance(parse(example), GoalSpec)


def test_text_is_capped_and_a_refusal_never_echoes_more_than_100_characters():
    long = "signups " + "x" * 600 + " +10% by Q1"
    message = refusal(long)
    assert "500 characters" in message
    assert "x" * 101 not in message
    wordy = "signups " + " ".join(["blah"] * 60) + " +10% by Q1"
    echoed = max((len(m) for m in re.findall(r"(?:blah ?)+", refusal(wordy))), default=0)
    assert echoed <= 100


# --- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cost per order below $20 by Q1",
        "reduce cost per signup by 10% by next month",
        "CTR above 1.5% by Q1",
        "CTR below 1.5% by Q1",
        "spend to 5,000 by Q1",
        "spend above 5,000 by Q1",
        "signups below 100 by Q1",
        "pinterest link clicks to 500 by Q1",
        "trial starts +10% by Q1",
        "cost per trial start below 4 by Q1",
        "increase CTR by 10% by Q1",
    ],
)
def test_rendered_goals_parse_back(text):
    spec = parse(text)
    assert isinstance(spec, GoalSpec), spec
    assert parse(render_goal(spec)) == spec


# --- properties ----------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=999_999_999))
@settings(max_examples=200, deadline=None)
def test_any_grouped_amount_reads_back(amount):
    for written in (f"{amount:,}", f"${amount:,}", f"{amount:,}".replace(",", " ")):
        spec = parse(f"donations to {written} by Q1")
        assert isinstance(spec, GoalSpec) and spec.target == amount, written
    euro = f"€{amount:,}".replace(",", ".")
    spec = parse(f"donations to {euro} by Q1")
    assert isinstance(spec, GoalSpec) and spec.target == amount, euro


@given(st.text(max_size=700))
@settings(max_examples=300, deadline=None)
def test_a_refusal_never_echoes_more_than_100_characters_of_the_text(text):
    result = parse(text)
    if isinstance(result, Refusal):
        message = result.message()
        lowered = " ".join(text.lower().split())
        for start in range(0, max(0, len(lowered) - 100)):
            assert lowered[start : start + 101] not in message


@given(st.integers(min_value=0, max_value=360))
@settings(max_examples=200, deadline=None)
def test_any_coming_day_reads_back_in_each_form(days):
    day = date.fromordinal(TODAY.toordinal() + days)
    for written in (day.isoformat(), f"{day:%b} {day.day}", f"{day:%B} {day.day}, {day.year}"):
        spec = parse(f"signups +10% by {written}")
        assert isinstance(spec, GoalSpec) and spec.deadline == day, written
