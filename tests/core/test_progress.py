"""Goal status: met, on track, at risk, off track and no data, for increases and reductions."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.progress import STATUS_LABELS, evaluate, progress_bar

START, DEADLINE = date(2026, 1, 1), date(2026, 4, 11)  # 100 days


def status(kind="absolute", direction="increase", target=100.0, baseline=0.0, current=50.0, day=50):
    today = date.fromordinal(START.toordinal() + day)
    return evaluate(
        kind=kind,
        direction=direction,
        target=target,
        baseline=baseline,
        current=current,
        start=START,
        deadline=DEADLINE,
        today=today,
    )


@pytest.mark.parametrize(
    ("current", "expected"),
    [(100, "met"), (50, "on_track"), (46, "at_risk"), (44, "off_track")],
)
def test_absolute_flow_status_by_pace(current, expected):
    # 100 days from start to deadline, 50 elapsed: pace must reach 100 -> 50 now is on track
    assert status(current=current).status == expected


def test_relative_increase_reports_the_change_so_far():
    e = status(kind="relative", target=0.15, baseline=100.0, current=109.0)
    assert e.target_value == pytest.approx(115.0)
    assert e.reported_current == pytest.approx(0.09) and e.progress == pytest.approx(0.6)
    assert e.status == "on_track"


def test_relative_reduction():
    e = status(kind="relative", direction="reduce", target=0.10, baseline=200.0, current=190.0)
    assert e.target_value == pytest.approx(180.0) and e.progress == pytest.approx(0.5)
    assert e.status == "on_track"
    worse = status(kind="relative", direction="reduce", target=0.10, baseline=200.0, current=210.0)
    assert worse.progress < 0 and worse.status == "off_track"


def test_no_data_and_passed_deadline():
    assert status(current=None).status == "no_data"
    assert status(current=90, day=120).status == "off_track"
    assert status(current=100, day=120).status == "met"


def test_progress_bar():
    assert progress_bar(0.6) == "▓▓▓▓▓▓░░░░"
    assert progress_bar(1.7) == "▓" * 10 and progress_bar(-0.2) == "░" * 10
    assert progress_bar(None) == "░" * 10


# --- product.md section 2 statuses -----------------------------------------------------


def on(day: int) -> date:
    return date.fromordinal(START.toordinal() + day)


def judge(
    *,
    kind="rate",
    direction="increase",
    target=0.008,
    baseline=0.0092,
    current=0.0092,
    day=20,
    level=True,
):
    return evaluate(
        kind=kind,
        direction=direction,
        target=target,
        baseline=baseline,
        current=current,
        start=START,
        deadline=DEADLINE,
        today=on(day),
        level=level,
    )


def test_a_rate_already_beyond_its_target_is_met_not_off_track():
    # "CTR above 0.8%" set when CTR was 0.92%
    assert judge(day=0).status == "met"
    assert judge(day=30, current=0.0095).status == "met"
    assert judge(day=30, current=0.0095).progress >= 1


def test_a_rate_that_falls_below_its_target_is_no_longer_met():
    assert judge(day=30, current=0.0070).status != "met"


def test_a_downward_rate_is_met_while_below_its_target():
    # "cost per signup below $20" at $18
    e = judge(direction="reduce", target=20, baseline=18, current=18, day=0)
    assert e.status == "met"
    e = judge(direction="reduce", target=20, baseline=30, current=25, day=50)
    assert (e.progress, e.status) == (pytest.approx(0.5), "on_track")
    assert judge(direction="reduce", target=20, baseline=30, current=29, day=50).status == (
        "off_track"
    )


def test_a_level_goal_is_met_while_on_the_targets_side():
    e = judge(kind="absolute", target=5000, baseline=5200, current=5300, day=10)
    assert e.status == "met"


@pytest.mark.parametrize("day", [0, 3, 6])
def test_a_goal_is_just_set_in_its_first_seven_days(day):
    e = status(current=1.0, day=day)
    assert e.status == "new"
    assert STATUS_LABELS["new"] == "just set"


def test_a_relative_flow_goal_is_new_in_its_first_week_even_when_the_average_is_beyond():
    e = status(kind="relative", target=0.15, baseline=100.0, current=130.0, day=3)
    assert e.status == "new"
    later = status(kind="relative", target=0.15, baseline=100.0, current=130.0, day=7)
    assert later.status == "met"


def test_an_absolute_flow_goal_met_in_its_first_days_is_met():
    assert status(current=120.0, day=3).status == "met"


def test_no_data_comes_before_new():
    assert status(current=None, day=1).status == "no_data"


def test_a_cap_on_a_flow_is_met_only_at_the_deadline_and_off_track_once_exceeded():
    cap = dict(direction="reduce", target=1000.0, baseline=0.0)
    assert status(current=400.0, day=50, **cap).status == "on_track"  # pace 800 <= 1000
    assert status(current=520.0, day=50, **cap).status == "at_risk"  # pace 1040
    assert status(current=700.0, day=50, **cap).status == "off_track"  # pace 1400
    assert status(current=1200.0, day=50, **cap).status == "off_track"  # already over
    assert status(current=900.0, day=101, **cap).status == "met"  # deadline passed under


def test_new_and_no_data_are_never_counted_on_track():
    from bot.core.progress import JUDGED

    assert "new" not in JUDGED and "no_data" not in JUDGED


def test_a_relative_goal_from_a_zero_baseline_is_met_only_by_a_rise():
    flat = status(kind="relative", target=0.15, baseline=0.0, current=0.0, day=30)
    assert flat.status != "met" and flat.progress == 0
    rose = status(kind="relative", target=0.15, baseline=0.0, current=3.0, day=30)
    assert rose.status == "met" and rose.reported_current is None


def test_a_rate_that_fell_below_a_target_it_started_beyond_is_not_projected_on_track():
    # CTR was 0.92% when "CTR above 0.8%" was set; half way it is 0.75%: no pace to project
    e = judge(day=50, current=0.0075)
    assert e.status == "at_risk"  # 94% of the target
    assert judge(day=50, current=0.006).status == "off_track"
