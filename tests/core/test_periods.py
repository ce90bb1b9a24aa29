from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.errors import UsageError
from bot.core.periods import IsoWeek, digest_week, last_complete_week, trailing_weeks


def test_iso_week_round_trip_and_label():
    week = IsoWeek.parse("2026-W46")
    assert (week.start, week.end) == (date(2026, 11, 9), date(2026, 11, 15))
    assert str(week) == "2026-W46" and week.label == "Nov 9–15"
    assert IsoWeek.parse("2026-W44").label == "Oct 26–Nov 1"
    assert IsoWeek.parse("2026-W01").label == "Dec 29–Jan 4, 2026"


@pytest.mark.parametrize("text", ["2026-46", "W46", "2026-W54", "next week"])
def test_bad_week_says_the_form(text):
    with pytest.raises(UsageError) as err:
        IsoWeek.parse(text)
    assert "2026-W46" in err.value.for_user()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 16), "2026-W46"),
        (date(2026, 11, 15), "2026-W45"),
        (date(2026, 11, 22), "2026-W46"),
        (date(2027, 1, 4), "2026-W53"),
    ],
)
def test_last_complete_week(today, expected):
    assert str(last_complete_week(today)) == expected


def test_digest_week_follows_the_time_zone():
    # Monday 01:00 in Berlin is still Sunday in New York: different complete weeks.
    now = datetime(2026, 11, 16, 0, 30, tzinfo=UTC)
    assert str(digest_week(now, "Europe/Berlin")) == "2026-W46"
    assert str(digest_week(now, "America/New_York")) == "2026-W45"


def test_trailing_weeks_cross_the_year():
    weeks = trailing_weeks(IsoWeek.parse("2027-W02"), 4)
    assert [str(w) for w in weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
