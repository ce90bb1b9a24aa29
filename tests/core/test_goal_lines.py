"""What a goal line shows people: status label, current vs target, JSON direction."""

from __future__ import annotations

from datetime import date

from bot.core.digest import GoalLine, goal_value_text, status_label
from bot.core.goals import parse_goal
from bot.core.progress import evaluate

TODAY = date(2026, 11, 23)


def line(text, *, baseline, current, day=14, currency="USD", hint=None):
    spec = parse_goal(text, TODAY)
    start = TODAY
    evaluation = evaluate(
        kind=spec.kind,
        direction=spec.direction,
        target=spec.target,
        baseline=baseline,
        current=current,
        start=start,
        deadline=spec.deadline,
        today=date.fromordinal(start.toordinal() + day),
        level=spec.kind == "rate",
    )
    return GoalLine(7, spec, evaluation, "U1", hint, currency=currency)


def test_a_ctr_goal_set_above_its_target_reads_met():
    goal = line("CTR above 0.8% by Q1", baseline=0.0092, current=0.0092, day=0)
    assert status_label(goal.evaluation.status) == "met"
    assert goal.description == "CTR above 0.8% by Mar 31, 2027"
    assert goal_value_text(goal) == "0.92%, target above 0.8%"
    assert goal.baseline_text == "0.92%"
    assert goal.to_json()["direction"] == "up"


def test_cost_per_order_reads_in_money_and_down():
    goal = line("cost per order below $20 by Q1", baseline=25.0, current=22.5, currency="EUR")
    assert goal.description == "cost per order below €20 by Mar 31, 2027"
    assert goal_value_text(goal) == "€22.50, target below €20"
    assert goal_value_text(goal, "GBP") == "£22.50, target below £20"
    assert goal.baseline_text == "€25"
    data = goal.to_json()
    assert (data["metric"], data["direction"], data["kind"]) == ("cost_per_order", "down", "rate")


def test_a_new_goal_reads_just_set():
    goal = line("signups +15% by Q1", baseline=70.0, current=80.0, day=2)
    assert goal.evaluation.status == "new"
    assert status_label("new") == "just set"


def test_no_data_says_how_to_get_it():
    goal = line(
        "cost per signup below $20 by Q1",
        baseline=None,
        current=None,
        hint="no spend yet: import it as CSV rows with metric `spend` and kind `cost`",
    )
    assert goal_value_text(goal).startswith("no data yet (no spend yet: import it as CSV")


def test_a_spend_cap_reads_at_most():
    goal = line("spend to $5,000 by Q1", baseline=0.0, current=1200.0)
    assert goal.description == "spend at most $5,000 by Mar 31, 2027"
    assert goal_value_text(goal) == "$1,200 of at most $5,000"


def test_large_money_amounts_are_compact():
    goal = line("donations to $150,000 by Q1", baseline=0.0, current=167_000.0)
    assert goal_value_text(goal) == "$167k of $150k"
    assert goal.description == "donations to $150,000 by Mar 31, 2027"
