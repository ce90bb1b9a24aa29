"""Hints name only commands that work: pure checks over every platform and metric kind."""

from __future__ import annotations

import re

import pytest

from bot.core import catalogue, hints

CONNECTABLE = frozenset({"facebook", "instagram", "ga4"})


@pytest.mark.parametrize("platform", [None, *catalogue.PLATFORMS])
@pytest.mark.parametrize("metric", ["signups", "revenue", "interactions", "link_clicks", "reach"])
@pytest.mark.parametrize("team", ["T1", None])
def test_no_data_hints_name_only_connectable_sources(platform, metric, team):
    text = hints.no_data_hint(metric, platform, CONNECTABLE, team)
    for source in re.findall(r"`/impact connect ?([^`]*)`", text):
        assert source in CONNECTABLE or source == "webhook", text
    if team:
        assert "YOUR_TEAM_ID" not in text
    if platform and platform not in CONNECTABLE and not catalogue.is_outcome(metric):
        assert "impact import FILE" in text


def test_with_nothing_connectable_a_hint_still_names_a_way_in():
    assert "impact import FILE --team T1" in hints.no_data_hint("interactions", None, (), "T1")
    assert "webhook" in hints.no_data_hint("signups", None, (), "T1")
    assert "/impact connect ga4" not in hints.no_data_hint("signups", None, (), "T1")
