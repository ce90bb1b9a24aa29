"""CSV rows: each kind of mistake is caught with a reason a person can act on."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.catalogue import Kind
from bot.core.csvrows import MetricRow, RowError, detect_format, parse_metric_row, parse_post_row
from bot.core.errors import UsageError


def row(text: str, custom=None):
    return parse_metric_row(7, text.split(","), custom)


def test_good_rows_are_canonical():
    assert row("2026-11-09,IG,ig-main,Likes,120") == MetricRow(
        7, date(2026, 11, 9), "instagram", "ig-main", "reactions", 120.0, Kind.ENGAGEMENT
    )
    unattributed = row("2026-11-09,,ga4,signups,3")
    assert isinstance(unattributed, MetricRow) and unattributed.platform == ""
    custom = row("2026-11-09,,crm,volunteer hours,2.5,outcome")
    assert isinstance(custom, MetricRow) and custom.metric == "volunteer_hours"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13-01,instagram,a,reactions,1", "not an ISO date"),
        ("2026-11-09,myspace,a,reactions,1", "unknown platform 'myspace'"),
        ("2026-11-09,instagram,a,reactions,1.2.3", "not a number"),
        ("2026-11-09,instagram,a,reactions,-4", "negative"),
        ("2026-11-09,instagram,a,reactions,nan", "not a number"),
        ("2026-11-09,,a,reactions,4", "needs a platform"),
        ("2026-11-09,instagram,a,happiness,4", "add a kind column"),
        ("2026-11-09,instagram,a,happiness,4,feelings", "not one of exposure"),
        ("2026-11-09,instagram,a,signups,4,engagement", "signups is an outcome metric"),
        ("2026-11-09,instagram,,reactions,4", "account is empty"),
        ("2026-11-09,instagram,a,reactions", "expected 5 or 6 columns"),
    ],
)
def test_bad_rows_say_what_is_wrong(text, reason):
    result = row(text)
    assert isinstance(result, RowError) and result.line == 7
    assert reason in str(result)


def test_a_declared_metric_needs_no_kind_later():
    assert isinstance(
        row("2026-11-09,,crm,volunteer_hours,4", {"volunteer_hours": Kind.OUTCOME}), MetricRow
    )


def test_header_detection_and_refusal():
    assert detect_format(["date", "platform", "account", "metric", "value"]) == "metrics"
    assert detect_format([" Date", "platform", "account", "metric", "value", "kind"]) == "metrics"
    with pytest.raises(UsageError) as err:
        detect_format(["day", "value"])
    assert "date,platform,account,metric,value" in err.value.for_user()


def test_post_rows():
    good = parse_post_row(
        2,
        [
            "p1",
            "Instagram",
            "ig",
            "2026-11-10",
            "https://x.test/p",
            "1",
            "1",
            "5",
            "1",
            "0",
            "0",
            "0",
            "0",
        ],
    )
    assert not isinstance(good, RowError) and good.post.interactions == 6
    bad = parse_post_row(
        3, ["p1", "instagram", "ig", "yesterday", "", "1", "1", "5", "1", "0", "0", "0", "0"]
    )
    assert isinstance(bad, RowError) and "published_at 'yesterday'" in str(bad)
    fractional = parse_post_row(
        4, ["p1", "instagram", "ig", "2026-11-10", "", "1", "1", "5.5", "1", "0", "0", "0", "0"]
    )
    assert isinstance(fractional, RowError) and "reactions" in str(fractional)
