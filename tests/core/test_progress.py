"""Goal status: met, on track, at risk, off track and no data, for increases and reductions."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.progress import evaluate, progress_bar

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
