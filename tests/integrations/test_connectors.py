"""Each connector against a local stand-in answering in the documented shapes."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from bot.core.model import Credentials, DateRange, MetricPoint
from integrations.base import (
    AuthExpired,
    RateLimited,
    SourceConfig,
    SourceUnavailable,
    SyncWarnings,
)
from integrations.facebook import FacebookConnector
from integrations.ga4 import GA4Connector, attribute, service_account_jwt
from integrations.instagram import InstagramConnector
from tests.support.standin import Reply, StandIn, json_file

FB = Credentials({"page_id": "1234", "access_token": "EAAsecretPageToken1234567890abcdef"})
DAYS = DateRange(date(2026, 11, 9), date(2026, 11, 10))


@pytest.fixture
def api():
    with StandIn() as server:
        yield server


def config(api, waits=None, **kwargs):
    return SourceConfig(
        base_url=api.url,
        version="v23.0",
        timeout_seconds=kwargs.pop("timeout", 2.0),
        max_retries=kwargs.pop("retries", 3),
        sleep=(waits.append if waits is not None else (lambda s: None)),
        **kwargs,
    )


def test_facebook_daily_insights_belong_to_the_day_before_end_time(api):
    api.route("GET", "/v23.0/1234/insights", json_file("facebook/insights.json"))
    points = list(FacebookConnector(config(api)).metric_points(FB, DAYS, SyncWarnings()))
    assert MetricPoint("interactions", date(2026, 11, 9), 42.0, "facebook") in points
    assert MetricPoint("followers", date(2026, 11, 10), 15412.0, "facebook") in points
    assert MetricPoint("reach", date(2026, 11, 10), 910.0, "facebook") in points
    call = api.calls()[0]
    assert call.query["since"] == ["2026-11-09"] and call.query["until"] == ["2026-11-11"]
    assert call.headers["Authorization"].startswith("Bearer ") and "access_token" not in str(
        call.query
    )


def test_a_retired_metric_is_skipped_with_a_warning_and_the_others_kept(api):
    def insights(call):
        metrics = call.query["metric"][0].split(",")
        if "page_media_view" in metrics:
            return json_file("facebook/error_retired_metric.json", status=400)
        body = json.loads(json.dumps(json_file("facebook/insights.json").body))
        body["data"] = [d for d in body["data"] if d["name"] in metrics]
        return Reply(200, body)

    api.route("GET", "/v23.0/1234/insights", insights)
    warnings = SyncWarnings()
    points = list(FacebookConnector(config(api)).metric_points(FB, DAYS, warnings))
    assert {p.metric for p in points} == {"interactions", "followers", "reach"}
    assert warnings.messages == ["Facebook: Meta no longer provides `page_media_view`; skipped it."]


def test_posts_follow_paging_and_read_link_clicks(api):
    pages = iter([json_file("facebook/posts_page1.json"), json_file("facebook/posts_page2.json")])
    api.route("GET", "/v23.0/1234/published_posts", lambda call: next(pages))
    api.route(
        "GET", re.compile(r"/v23\.0/1234_\d/insights"), json_file("facebook/post_clicks.json")
    )
    posts = list(FacebookConnector(config(api)).posts(FB, DAYS))
    assert [(p.external_id, p.reactions, p.comments, p.shares, p.link_clicks) for p in posts] == [
        ("1234_1", 120, 9, 4, 7),
        ("1234_2", 80, 2, 0, 7),
    ]
    second = api.calls("GET", "/v23.0/1234/published_posts")[1]
    assert second.query["after"] == ["QVFb"]  # the `next` link, moved onto the stand-in


def test_429_with_retry_after_then_success(api):
    api.route("GET", "/v23.0/1234/insights", json_file("facebook/insights.json"))
    api.route(
        "GET",
        "/v23.0/1234/insights",
        Reply(429, {"error": {"message": "slow"}}, {"Retry-After": "7"}),
        times=1,
    )
    waits: list[float] = []
    points = list(FacebookConnector(config(api, waits)).metric_points(FB, DAYS, SyncWarnings()))
    assert waits == [7.0] and len(points) == 6


def test_meta_rate_limit_code_waits_for_regained_access(api):
    api.route("GET", "/v23.0/1234/insights", json_file("facebook/insights.json"))
    usage = json.dumps(
        {"1234": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 2}]}
    )
    api.route(
        "GET",
        "/v23.0/1234/insights",
        json_file(
            "facebook/error_rate_limit.json", status=400, **{"X-Business-Use-Case-Usage": usage}
        ),
        times=1,
    )
    waits: list[float] = []
    list(FacebookConnector(config(api, waits)).metric_points(FB, DAYS, SyncWarnings()))
    assert waits == [120.0]


def test_500s_then_success_and_truncated_json_is_retried(api):
    api.route("GET", "/v23.0/1234/insights", json_file("facebook/insights.json"))
    api.route("GET", "/v23.0/1234/insights", Reply(500, "upstream"), times=1)
    api.route("GET", "/v23.0/1234/insights", Reply(200, '{"data": [{"name": "page_fo'), times=1)
    waits: list[float] = []
    points = list(FacebookConnector(config(api, waits)).metric_points(FB, DAYS, SyncWarnings()))
    assert len(points) == 6 and len(waits) == 2 and len(api.calls()) == 3


def test_timeouts_are_retried_then_reported(api):
    api.route("GET", "/v23.0/1234/insights", Reply(200, {"data": []}, delay=0.5))
    with pytest.raises(SourceUnavailable, match="timed out"):
        list(
            FacebookConnector(config(api, timeout=0.1, retries=1)).metric_points(
                FB, DAYS, SyncWarnings()
            )
        )
    assert len(api.calls()) == 2


def test_rate_limits_that_never_end_raise_rate_limited(api):
    api.route("GET", "/v23.0/1234/insights", Reply(429, "no", {"Retry-After": "1"}))
    with pytest.raises(RateLimited):
        list(FacebookConnector(config(api, retries=2)).metric_points(FB, DAYS, SyncWarnings()))


def test_expired_token_raises_auth_expired_without_the_token_in_the_message(api):
    api.route(
        "GET", "/v23.0/1234/insights", json_file("facebook/error_token_expired.json", status=400)
    )
    with pytest.raises(AuthExpired) as err:
        list(FacebookConnector(config(api)).metric_points(FB, DAYS, SyncWarnings()))
    assert "EAAsecret" not in str(err.value) and "190" in str(err.value)
    assert len(api.calls()) == 1  # a 4xx is never retried


def test_instagram_series_daily_totals_and_a_retired_metric_by_position(api):
    def insights(call):
        metrics = call.query["metric"][0].split(",")
        if "metric_type" not in call.query:
            return Reply(
                200,
                {
                    "data": [
                        {
                            "name": "reach",
                            "period": "day",
                            "values": [
                                {"value": 500, "end_time": "2026-11-10T08:00:00+0000"},
                                {"value": 650, "end_time": "2026-11-11T08:00:00+0000"},
                            ],
                        }
                    ]
                },
            )
        if len(metrics) == 6:  # views (position 4) is retired on this account's version
            return json_file("instagram/error_retired_metric.json", status=400)
        day = call.query["since"][0]
        return Reply(
            200,
            {
                "data": [
                    {"name": m, "period": "day", "total_value": {"value": 10 + i + int(day[-1])}}
                    for i, m in enumerate(metrics)
                ]
            },
        )

    api.route("GET", "/v23.0/17841400000000001/insights", insights)
    creds = Credentials({"ig_user_id": "17841400000000001", "access_token": "IGQsecret"})
    warnings = SyncWarnings()
    points = list(InstagramConnector(config(api)).metric_points(creds, DAYS, warnings))
    assert MetricPoint("reach", date(2026, 11, 10), 650.0, "instagram") in points
    assert MetricPoint("reactions", date(2026, 11, 9), 19.0, "instagram") in points
    assert MetricPoint("link_clicks", date(2026, 11, 10), 14.0, "instagram") in points
    assert "views" not in {p.metric for p in points}
    assert warnings.messages == ["Instagram: Meta no longer provides `views`; skipped it."]


def test_ga4_pages_by_offset_and_attributes_sources(api):
    def report(call):
        offset = call.json()["offset"]
        return json_file("ga4/report_page1.json" if offset == 0 else "ga4/report_page2.json")

    api.route("POST", "/v1beta/properties/999:runReport", report)
    creds = Credentials(
        {"property_id": "999", "access_token": "ya29.secret", "key_events": {"sign_up": "signups"}}
    )
    points = list(GA4Connector(config(api)).metric_points(creds, DAYS, SyncWarnings()))
    nov10 = {(p.metric, p.platform): p.value for p in points if p.day == date(2026, 11, 10)}
    assert nov10[("signups", "instagram")] == 3.0  # l.instagram.com + instagram.com
    assert nov10[("sessions", "instagram")] == 53.0 and nov10[("sessions", "linkedin")] == 30.0
    assert nov10[("conversions", "linkedin")] == 5.0 and nov10[("revenue", "instagram")] == 129.5
    assert {(p.metric, p.platform, p.value) for p in points if p.day == date(2026, 11, 11)} == {
        ("conversions", None, 7.0),
        ("revenue", None, 310.0),
        ("signups", None, 4.0),
        ("sessions", None, 88.0),
    }
    assert [c.json()["offset"] for c in api.calls()] == [0, 2]


def test_ga4_unauthenticated_and_attribution_table():
    assert attribute("www.LinkedIn.com") == "linkedin" and attribute("t.co") == "x"
    assert attribute("lm.facebook.com") == "facebook" and attribute("google") is None
    with StandIn() as api:
        api.route(
            "POST",
            "/v1beta/properties/999:runReport",
            json_file("ga4/error_unauthenticated.json", status=401),
        )
        with pytest.raises(AuthExpired):
            list(
                GA4Connector(config(api)).metric_points(
                    Credentials({"property_id": "999", "access_token": "x"}), DAYS, SyncWarnings()
                )
            )


def test_ga4_service_account_token_exchange(api):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = {
        "client_email": "impact@proj.iam.gserviceaccount.com",
        "private_key": pem,
        "private_key_id": "k1",
    }
    api.route("POST", "/token", Reply(200, {"access_token": "ya29.fromjwt", "expires_in": 3600}))
    api.route("POST", "/v1beta/properties/999:runReport", Reply(200, {"rowCount": 0}))
    connector = GA4Connector(config(api, token_url=f"{api.url}/token"))
    creds = Credentials({"property_id": "999", "service_account": account})
    assert list(connector.metric_points(creds, DAYS, SyncWarnings())) == []
    exchange = api.calls("POST", "/token")[0].form()
    assert exchange["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    jwt = exchange["assertion"][0]
    assert jwt.count(".") == 2 and jwt == jwt.strip()
    assert (
        api.calls("POST", "/v1beta/properties/999:runReport")[0].headers["Authorization"]
        == "Bearer ya29.fromjwt"
    )
    assert (
        service_account_jwt(account, "https://x.test/token", now=0).split(".")[0]
        == jwt.split(".")[0]
    )
