"""Every connector survives the same flaky transport and reports the same expired token.

The failures go through the real `requests` path to a local stand-in: a 429 with
Retry-After, a 500, a truncated JSON body and a reply slower than the client timeout, then
success. The points must equal those of a clean run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from bot.core.model import Credentials, DateRange, MetricPoint
from integrations.base import AuthExpired, SourceConfig, SyncWarnings
from integrations.facebook import FacebookConnector
from integrations.ga4 import GA4Connector
from integrations.instagram import InstagramConnector
from tests.support.standin import Call, Reply, StandIn, json_file

DAYS = DateRange(date(2026, 11, 9), date(2026, 11, 10))
IG_USER = "17841400000000001"


def instagram_insights(call: Call) -> Reply:
    metrics = call.query["metric"][0].split(",")
    if "metric_type" not in call.query:
        return Reply(
            200,
            {
                "data": [
                    {
                        "name": "reach",
                        "period": "day",
                        "values": [{"value": 700, "end_time": "2026-11-10T08:00:00+0000"}],
                    }
                ]
            },
        )
    return Reply(
        200,
        {
            "data": [
                {"name": m, "period": "day", "total_value": {"value": 5 + i}}
                for i, m in enumerate(metrics)
            ]
        },
    )


def ga4_report(call: Call) -> Reply:
    page = "ga4/report_page1.json" if call.json()["offset"] == 0 else "ga4/report_page2.json"
    return json_file(page)


@dataclass(frozen=True)
class Case:
    connector: type
    method: str
    path: str
    ok: Any
    creds: Credentials
    expired: Reply
    secret: str


CASES = {
    "facebook": Case(
        FacebookConnector,
        "GET",
        "/v23.0/1234/insights",
        json_file("facebook/insights.json"),
        Credentials({"page_id": "1234", "access_token": "EAAfbSecretToken0123456789"}),
        json_file("facebook/error_token_expired.json", status=400),
        "EAAfbSecret",
    ),
    "instagram": Case(
        InstagramConnector,
        "GET",
        f"/v23.0/{IG_USER}/insights",
        instagram_insights,
        Credentials({"ig_user_id": IG_USER, "access_token": "IGQigSecretToken0123456789"}),
        json_file("facebook/error_token_expired.json", status=400),
        "IGQigSecret",
    ),
    "ga4": Case(
        GA4Connector,
        "POST",
        "/v1beta/properties/999:runReport",
        ga4_report,
        Credentials({"property_id": "999", "access_token": "ya29.gaSecretToken0123456789"}),
        json_file("ga4/error_unauthenticated.json", status=401),
        "ya29.gaSecret",
    ),
}


def config(api: StandIn, waits: list[float], timeout: float = 2.0) -> SourceConfig:
    return SourceConfig(
        base_url=api.url,
        version="v23.0",
        timeout_seconds=timeout,
        max_retries=5,
        sleep=waits.append,
    )


def pull(case: Case, api: StandIn, waits: list[float], timeout: float = 2.0) -> list[MetricPoint]:
    connector = case.connector(config(api, waits, timeout))
    return sorted(
        connector.metric_points(case.creds, DAYS, SyncWarnings()),
        key=lambda p: (p.metric, p.day, p.platform or ""),
    )


@pytest.mark.parametrize("source", sorted(CASES))
def test_flaky_transport_ends_with_the_same_points_as_a_clean_run(source):
    case = CASES[source]
    with StandIn() as api:
        api.route(case.method, case.path, case.ok)
        clean = pull(case, api, [])
        clean_calls = len(api.calls())
        assert clean, "the clean run must produce points"

        api.reset()
        api.route(case.method, case.path, case.ok)
        for failure in (
            Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "3"}),
            Reply(500, "upstream exploded"),
            Reply(200, '{"data": [{"name": "rea'),
            Reply(200, {"data": []}, delay=0.4),
        ):
            api.route(case.method, case.path, failure, times=1)
        waits: list[float] = []
        flaky = pull(case, api, waits, timeout=0.15)

    assert flaky == clean
    assert len(api.calls()) == clean_calls + 4  # each failure costs exactly one retry
    assert waits[0] == 3.0 and len(waits) == 4  # Retry-After honoured, then backoff


@pytest.mark.parametrize("source", sorted(CASES))
def test_expired_token_is_auth_expired_at_once_and_never_echoes_the_token(source):
    case = CASES[source]
    with StandIn() as api:
        api.route(case.method, case.path, case.expired)
        waits: list[float] = []
        with pytest.raises(AuthExpired) as err:
            pull(case, api, waits)
        assert len(api.calls()) == 1 and waits == []  # a 4xx is never retried
    assert case.secret not in str(err.value)
    assert case.secret not in err.value.user_hint(source)


def test_instagram_media_follow_next_pages_and_stop_at_older_posts():
    def media(call: Call) -> Reply:
        if call.query.get("after") == ["PAGE2"]:
            return Reply(
                200,
                {
                    "data": [
                        {"id": "m2", "timestamp": "2026-11-09T12:00:00+0000", "like_count": 4},
                        {"id": "m3", "timestamp": "2026-11-01T12:00:00+0000", "like_count": 9},
                    ]
                },
            )
        return Reply(
            200,
            {
                "data": [
                    {"id": "m0", "timestamp": "2026-11-12T12:00:00+0000", "like_count": 1},
                    {"id": "m1", "timestamp": "2026-11-10T18:30:00+0000", "like_count": 7},
                ],
                "paging": {"next": f"https://graph.facebook.com/v23.0/{IG_USER}/media?after=PAGE2"},
            },
        )

    def media_insights(call: Call) -> Reply:
        return Reply(
            200,
            {
                "data": [
                    {"name": m, "period": "lifetime", "values": [{"value": 100}]}
                    for m in call.query["metric"][0].split(",")
                ]
            },
        )

    with StandIn() as api:
        api.route("GET", f"/v23.0/{IG_USER}/media", media)
        api.route("GET", re.compile(r"/v23\.0/m\d/insights"), media_insights)
        creds = CASES["instagram"].creds
        posts = list(InstagramConnector(config(api, [])).posts(creds, DAYS))
        media_calls = api.calls("GET", f"/v23.0/{IG_USER}/media")
    assert [(p.external_id, p.reactions) for p in posts] == [("m1", 7), ("m2", 4)]
    assert posts[0].reach == 100
    assert len(media_calls) == 2  # the older m3 ends paging: no third page asked
