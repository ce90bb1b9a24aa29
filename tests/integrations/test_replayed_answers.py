"""Fixes found by replaying real platform answers through the connectors."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.core.model import Credentials, DateRange, MetricPoint
from integrations.base import BadResponse, SourceConfig, SyncWarnings
from integrations.facebook import FacebookConnector
from integrations.ga4 import GA4Connector
from integrations.instagram import InstagramConnector
from tests.support.standin import Call, Reply, StandIn, json_file

DAYS = DateRange(date(2026, 11, 9), date(2026, 11, 10))
IG = Credentials({"ig_user_id": "17841400000000001", "access_token": "IGQsecretToken012345"})
QUIET = "17900000000000002"


def config(api: StandIn) -> SourceConfig:
    return SourceConfig(base_url=api.url, version="v23.0", max_retries=2, sleep=lambda s: None)


def test_one_media_whose_insights_meta_withholds_costs_only_its_insights():
    def media_insights(call: Call) -> Reply:
        if f"/{QUIET}/" in call.path:  # too few viewers: Meta answers code 10
            return json_file("instagram/error_not_enough_viewers.json", status=400)
        return json_file("instagram/media_insights.json")

    with StandIn() as api:
        api.route("GET", "/v23.0/17841400000000001/media", json_file("instagram/media.json"))
        api.route("GET", re.compile(r"/v23\.0/\d+/insights"), media_insights)
        posts = list(InstagramConnector(config(api)).posts(IG, DAYS))
        quiet_calls = [c for c in api.calls() if QUIET in c.path]
    assert [(p.external_id, p.reach, p.reactions, p.comments, p.saves) for p in posts] == [
        ("17900000000000001", 1200, 140, 12, 14),
        (QUIET, 0, 3, 0, 0),  # kept, with what the media list gave
        ("17900000000000003", 1200, 88, 5, 14),
    ]
    assert posts[1].permalink == "https://www.instagram.com/p/AAA2/"
    assert len(quiet_calls) == 1  # a refusal is not retried


def test_ga4_reads_columns_by_their_headers_not_their_position():
    with StandIn() as api:
        api.route(
            "POST", "/v1beta/properties/999:runReport", json_file("ga4/report_reordered.json")
        )
        creds = Credentials(
            {"property_id": "999", "access_token": "ya29.x", "key_events": {"sign_up": "signups"}}
        )
        points = set(GA4Connector(config(api)).metric_points(creds, DAYS, SyncWarnings()))
    assert points == {
        MetricPoint("revenue", date(2026, 11, 10), 129.5, "instagram"),
        MetricPoint("signups", date(2026, 11, 10), 2.0, "instagram"),
        MetricPoint("sessions", date(2026, 11, 10), 41.0, "instagram"),
        MetricPoint("conversions", date(2026, 11, 10), 3.0, "instagram"),
        MetricPoint("signups", date(2026, 11, 9), 1.0, "linkedin"),
        MetricPoint("sessions", date(2026, 11, 9), 30.0, "linkedin"),
        MetricPoint("conversions", date(2026, 11, 9), 5.0, "linkedin"),
    }


def test_ga4_rows_without_headers_are_a_bad_response_not_a_guess():
    body = json_file("ga4/report_reordered.json").body
    del body["dimensionHeaders"]
    with StandIn() as api:
        api.route("POST", "/v1beta/properties/999:runReport", Reply(200, body))
        creds = Credentials({"property_id": "999", "access_token": "ya29.x"})
        with pytest.raises(BadResponse, match="dimensionHeaders"):
            list(GA4Connector(config(api)).metric_points(creds, DAYS, SyncWarnings()))


@pytest.mark.parametrize("connector", [FacebookConnector, InstagramConnector])
def test_a_malformed_value_is_a_bad_response_in_every_meta_connector(connector):
    series = {
        "data": [
            {
                "name": "reach",
                "period": "day",
                "values": [{"value": "lots", "end_time": "2026-11-10T08:00:00+0000"}],
            }
        ]
    }
    series["data"].append({**series["data"][0], "name": "page_post_engagements"})
    creds = Credentials({"page_id": "1", "ig_user_id": "1", "access_token": "EAAx"})
    with StandIn() as api:
        api.route("GET", "/v23.0/1/insights", series)
        with pytest.raises(BadResponse, match=r"values\[0\]"):
            list(connector(config(api)).metric_points(creds, DAYS, SyncWarnings()))
