"""Due times in IANA zones across daylight-saving switches, with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.schedule import Slot, backoff, due, last_fire, next_fire, week_of_run

BERLIN_MONDAY_9 = Slot(0, 9, 0, "Europe/Berlin")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_monday_nine_berlin_on_both_sides_of_the_autumn_switch():
    # summer time until Sunday 2026-10-25: 09:00 CEST = 07:00 UTC; then 09:00 CET = 08:00 UTC
    assert next_fire(BERLIN_MONDAY_9, utc(2026, 10, 15)) == utc(2026, 10, 19, 7)
    assert next_fire(BERLIN_MONDAY_9, utc(2026, 10, 19, 7, 1)) == utc(2026, 10, 26, 8)


def test_monday_nine_berlin_on_both_sides_of_the_spring_switch():
    assert next_fire(BERLIN_MONDAY_9, utc(2027, 3, 20)) == utc(2027, 3, 22, 8)
    assert next_fire(BERLIN_MONDAY_9, utc(2027, 3, 22, 9)) == utc(2027, 3, 29, 7)


def test_a_time_skipped_by_the_switch_fires_an_hour_later():
    new_york_sunday_2_30 = Slot(6, 2, 30, "America/New_York")
    # 2027-03-14 02:00 jumps to 03:00 in New York: 02:30 does not exist that day
    assert next_fire(new_york_sunday_2_30, utc(2027, 3, 13)) == utc(2027, 3, 14, 7, 30)


def test_due_on_time_late_and_too_late():
    grace = timedelta(hours=6)
    assert due(BERLIN_MONDAY_9, utc(2026, 11, 23, 8, 0), grace) == (utc(2026, 11, 23, 8), False)
    assert due(BERLIN_MONDAY_9, utc(2026, 11, 23, 10, 30), grace) == (utc(2026, 11, 23, 8), True)
    assert due(BERLIN_MONDAY_9, utc(2026, 11, 23, 14, 1), grace) is None
    assert last_fire(BERLIN_MONDAY_9, utc(2026, 11, 23, 7, 59)) == utc(2026, 11, 16, 8)


def test_the_run_covers_the_last_complete_week_in_its_zone():
    # Monday 00:30 Tokyo is still Sunday in UTC: Tokyo's last complete week already ended
    tokyo = Slot(0, 0, 30, "Asia/Tokyo")
    assert str(week_of_run(tokyo, utc(2026, 11, 22, 15, 30))) == "2026-W47"
    assert str(week_of_run(BERLIN_MONDAY_9, utc(2026, 11, 23, 8))) == "2026-W47"


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20) == timedelta(hours=1)
