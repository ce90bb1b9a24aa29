"""The connection-health words every surface shares."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.freshness import connection_status, is_healthy
from bot.core.wording import plural

NOV20 = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("csv", "ok", NOV20), "imported Nov 20"),
        (("csv", "new", None), "nothing imported yet"),
        (("webhook", "ok", NOV20), "last event Nov 20"),
        (("webhook", "ok", None), "no events yet"),
        (("facebook", "ok", NOV20), "synced Nov 20"),
        (("facebook", "new", None), "connected, not synced yet"),
        (
            ("ga4", "needs_reauth", NOV20, "run `/impact connect ga4`"),
            "needs reauth (last synced Nov 20): run `/impact connect ga4`",
        ),
        (("ga4", "failing", None, "Impact retries"), "failing (never synced): Impact retries"),
    ],
)
def test_each_state_in_words(args, text):
    assert connection_status(*args) == text


def test_another_year_is_named_and_health():
    assert connection_status("csv", "ok", date(2025, 3, 1), today=NOV20) == "imported Mar 1, 2025"
    assert is_healthy("new") and not is_healthy("failing")


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (1, "bad row", "1 bad row"),
        (0, "account", "0 accounts"),
        (1200, "metric row", "1,200 metric rows"),
        (2, "reply", "2 replies"),
        (3, "day", "3 days"),
        (2.5, "point", "2.5 points"),
    ],
)
def test_plural(count, noun, text):
    assert plural(count, noun) == text


def test_freshness_text_alone():
    from bot.core.freshness import freshness_text

    assert freshness_text("csv", NOV20) == "imported Nov 20"
    assert freshness_text("webhook", None) == "no events yet"
    assert freshness_text("ga4", None) == "never synced"
    assert freshness_text("ga4", NOV20) == "synced Nov 20"
