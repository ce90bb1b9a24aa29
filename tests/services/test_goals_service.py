"""Goals measured in the database: baselines over weeks with data, net revenue, cost per
outcome, no-data hints, duplicates and refusals that write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.core.catalogue import Kind
from bot.core.goals import GoalSpec, Refusal
from bot.core.model import MetricPoint
from bot.services.goals import GoalAdded, add_goal, list_goals
from storage.db import session_scope
from storage.metrics import declare_metrics, ensure_team, get_or_create_connection, upsert_points
from storage.tables import Goal, Team

TEAM, CHANNEL = "T0001", "C0001"
TODAY = date(2026, 11, 23)  # a Monday


def load(engine, points, *, source="csv", account="main", platform=None, custom=None):
    with session_scope(engine) as session:
        ensure_team(session, TEAM)
        if custom:
            declare_metrics(session, TEAM, custom)
        connection = get_or_create_connection(session, TEAM, source, account, platform=platform)
        upsert_points(session, connection, points, custom)


def daily(metric, value, first, last, platform=None):
    days = (last - first).days + 1
    return [MetricPoint(metric, first + timedelta(days=n), value, platform) for n in range(days)]


def add(engine, text, today=TODAY, channel=CHANNEL):
    return add_goal(engine, team_id=TEAM, channel_id=channel, text=text, user_id="U1", today=today)


def test_two_weeks_of_history_are_a_two_week_baseline_not_divided_by_four(engine):
    # 10 signups a day for the 2 weeks before the goal, nothing before (no connection yet)
    load(engine, daily("signups", 10, TODAY - timedelta(days=14), TODAY + timedelta(days=20)))
    added = add(engine, "signups +15% by Q1")
    assert isinstance(added, GoalAdded)
    assert added.baseline == pytest.approx(70.0)  # a week with data, not 140 / 4
    [line] = list_goals(engine, TEAM, CHANNEL, today=TODAY + timedelta(days=21))
    assert line.evaluation.status != "met"  # flat signups do not meet +15%
    assert line.evaluation.reported_current == pytest.approx(0.0)


def test_the_current_average_counts_only_weeks_with_data(engine):
    load(engine, daily("signups", 10, TODAY - timedelta(days=28), TODAY - timedelta(days=1)))
    load(engine, daily("signups", 12, TODAY, TODAY + timedelta(days=13)), account="later")
    added = add(engine, "signups +15% by Q1")
    assert added.baseline == pytest.approx(70.0)
    # as of 4 weeks later only 2 weeks after the start have data: mean of those with data
    [line] = list_goals(engine, TEAM, CHANNEL, today=TODAY + timedelta(days=28))
    assert line.evaluation.current == pytest.approx(84.0)


def test_an_absolute_flow_goal_counts_from_its_start_day_inclusive(engine):
    load(
        engine,
        [MetricPoint("signups", TODAY, 5), MetricPoint("signups", TODAY - timedelta(days=1), 50)],
    )
    add(engine, "signups to 100 by Q1")
    [line] = list_goals(engine, TEAM, CHANNEL, today=TODAY + timedelta(days=8))
    assert line.evaluation.current == 5


def test_revenue_goals_are_judged_net_of_refunds(engine):
    load(engine, daily("revenue", 100, TODAY, TODAY + timedelta(days=9)))
    load(engine, daily("refunds", 30, TODAY, TODAY + timedelta(days=9)), account="refunds")
    add(engine, "revenue to 5,000 by Q1")
    [line] = list_goals(engine, TEAM, CHANNEL, today=TODAY + timedelta(days=10))
    assert line.evaluation.current == pytest.approx(700.0)


def test_cost_per_order_is_spend_over_orders_in_the_trailing_four_weeks(engine):
    start = TODAY - timedelta(days=56)
    load(engine, daily("spend", 100, start, TODAY + timedelta(days=30)))
    load(engine, daily("orders", 4, start, TODAY + timedelta(days=30)), account="shop")
    added = add(engine, "cost per order below $20 by Q1")
    assert isinstance(added, GoalAdded)
    assert added.spec.metric == "cost_per_order"
    assert added.baseline == pytest.approx(25.0)
    [line] = list_goals(engine, TEAM, CHANNEL, today=TODAY + timedelta(days=14))
    assert line.evaluation.current == pytest.approx(25.0)
    assert line.evaluation.status == "off_track"


def test_cost_per_signup_without_spend_is_stored_as_no_data_saying_how_to_provide_spend(engine):
    load(engine, daily("signups", 4, TODAY - timedelta(days=28), TODAY))
    added = add(engine, "cost per signup below $20 by Q1")
    assert isinstance(added, GoalAdded)
    assert added.line.evaluation.status == "no_data"
    assert "spend" in added.line.hint and "kind `cost`" in added.line.hint
    assert f"impact import FILE --team {TEAM}" in added.line.hint


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("signups +10% by Q1", "/impact connect ga4"),
        ("instagram link clicks to 500 by Q1", "/impact connect instagram"),
        ("linkedin link clicks to 500 by Q1", f"impact import FILE --team {TEAM}"),
        ("donations to 500 by Q1", f"impact import FILE --team {TEAM}"),
    ],
)
def test_no_data_says_which_connection_would_provide_the_metric(engine, text, command):
    added = add(engine, text)
    assert isinstance(added, GoalAdded)
    assert added.line.evaluation.status == "no_data"
    assert command in added.line.hint


def test_a_declared_custom_outcome_is_a_goal_metric(engine):
    load(
        engine,
        daily("trial_starts", 3, TODAY - timedelta(days=28), TODAY),
        custom={"trial_starts": Kind.OUTCOME},
    )
    added = add(engine, "trial starts +20% by Q1")
    assert isinstance(added, GoalAdded) and added.spec.metric == "trial_starts"
    assert added.baseline == pytest.approx(21.0)


def test_a_goal_identical_to_an_active_one_is_refused_naming_its_id(engine):
    first = add(engine, "signups +15% by Q1")
    assert isinstance(first, GoalAdded)
    again = add(engine, "goal: signups +15% by end of Q1")
    assert isinstance(again, Refusal)
    assert f"#{first.goal_id}" in again.message()
    assert isinstance(add(engine, "signups +15% by Q1", channel="C0002"), GoalAdded)
    with session_scope(engine) as session:
        assert len(session.exec(select(Goal)).all()) == 2


def test_nothing_is_written_on_a_refusal(engine):
    result = add(engine, "happiness +10% by Q1")
    assert isinstance(result, Refusal)
    with session_scope(engine) as session:
        assert session.exec(select(Goal)).all() == []
        assert session.exec(select(Team)).all() == []


def test_a_rate_goal_set_beyond_its_target_is_met(engine):
    start = TODAY - timedelta(days=28)
    load(engine, daily("link_clicks", 92, start, TODAY), platform="instagram")
    load(engine, daily("impressions", 10_000, start, TODAY), platform="instagram", account="ig2")
    added = add(engine, "CTR above 0.8% by Q1")
    assert isinstance(added, GoalAdded) and isinstance(added.spec, GoalSpec)
    assert added.line.evaluation.status == "met"


def test_check_goal_knows_the_teams_metrics_and_goals_and_writes_nothing(engine):
    from bot.services.goals import check_goal

    load(engine, daily("trial_starts", 3, TODAY, TODAY), custom={"trial_starts": Kind.OUTCOME})
    spec = check_goal(
        engine, team_id=TEAM, channel_id=CHANNEL, text="trial starts +5% by Q1", today=TODAY
    )
    assert isinstance(spec, GoalSpec) and spec.metric == "trial_starts"
    added = add(engine, "trial starts +5% by Q1")
    again = check_goal(
        engine, team_id=TEAM, channel_id=CHANNEL, text="trial starts +5% by Q1", today=TODAY
    )
    assert isinstance(again, Refusal) and f"#{added.goal_id}" in again.message()
    with session_scope(engine) as session:
        assert len(session.exec(select(Goal)).all()) == 1


def test_money_targets_are_shown_in_the_teams_currency(engine):
    with session_scope(engine) as session:
        ensure_team(session, TEAM).settings_json = '{"currency": "EUR"}'
    added = add(engine, "donations to €5.000 by Q1")
    assert added.line.description == "donations to €5,000 by Mar 31, 2027"
