"""The connector design's promises: one list of sources, one error root whose errors say
what to do, one place for Meta's version and timestamp fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import catalogue
from bot.settings import SOURCES as SETTINGS_SOURCES
from integrations import base
from integrations.platform_login import LoginRefused
from integrations.registry import CONNECTORS, CREDENTIAL_FIELDS, DEFAULT_BASE_URLS

INTEGRATIONS = Path(__file__).resolve().parents[2] / "integrations"


@pytest.mark.parametrize("source", sorted(CONNECTORS))
def test_every_connector_is_a_catalogue_source_with_its_fields_and_base_url(source):
    connector = CONNECTORS[source]
    assert catalogue.SOURCES[source].platform == connector.platform
    assert connector.platform is None or connector.platform in catalogue.PLATFORMS
    assert [name for name, _label, _secret in CREDENTIAL_FIELDS[source]]
    assert any(secret for _name, _label, secret in CREDENTIAL_FIELDS[source])
    assert DEFAULT_BASE_URLS[source].startswith("https://")
    assert source in SETTINGS_SOURCES  # IMPACT_<SOURCE>_BASE_URL can point it elsewhere


def test_every_platform_a_referrer_names_is_a_catalogue_platform():
    assert set(catalogue.REFERRERS.values()) <= set(catalogue.PLATFORMS)
    assert catalogue.referrer_platform("www.YouTube.com") == "youtube"
    assert catalogue.referrer_platform("lnkd.in") == "linkedin"


def _errors() -> list[type[base.ConnectorError]]:
    found, queue = [], [base.ConnectorError]
    while queue:
        kind = queue.pop()
        found.append(kind)
        queue.extend(kind.__subclasses__())
    return found


def test_every_connector_error_says_what_a_person_should_do():
    kinds = {k.__name__ for k in _errors()}
    assert {"AuthExpired", "RateLimited", "SourceUnavailable", "BadResponse"} <= kinds
    assert "LoginRefused" in kinds and issubclass(LoginRefused, base.ConnectorError)
    samples = [
        base.ConnectorError("x"),
        base.AuthExpired("x"),
        base.MissingCredential("linkedin", "organization_id"),
        base.RateLimited("x"),
        base.SourceUnavailable("x"),
        base.BadResponse("rows[0]"),
        base.SourceError("x"),
        LoginRefused("x"),
    ]
    for error in samples:
        assert error.action and "{" not in error.action.format(source="linkedin")
        assert "linkedin" in error.user_hint("linkedin")
    assert "/impact connect linkedin" in base.MissingCredential("linkedin", "x").user_hint(
        "linkedin"
    )


def test_meta_s_version_and_timestamp_fix_are_written_once():
    texts = {p.name: p.read_text(encoding="utf-8") for p in INTEGRATIONS.glob("*.py")}
    assert [name for name, text in texts.items() if '"v23.0"' in text] == ["meta.py"]
    assert [name for name, text in texts.items() if '"+0000"' in text] == []
    assert [name for name, text in texts.items() if "for attempt in range" in text] == []


@pytest.mark.parametrize("source", ["facebook", "instagram", "linkedin", "youtube"])
def test_each_social_connector_says_which_catalogue_metrics_it_stores(source):
    from integrations.registry import provides

    assert CONNECTORS[source].metrics and CONNECTORS[source].metrics <= set(catalogue.METRICS)
    assert provides(source, "reactions") != (source == "facebook")
    assert not provides("linkedin", "link_clicks") and provides("instagram", "link_clicks")


def test_a_wait_longer_than_the_cap_is_not_waited_for():
    from integrations.base import RateLimited, SourceConfig
    from integrations.http import MAX_WAIT_SECONDS, HttpClient
    from tests.support.standin import Reply, StandIn

    with StandIn() as api:
        usage = '{"1": [{"type": "pages", "estimated_time_to_regain_access": 30}]}'
        api.route(
            "GET",
            "/x",
            Reply(
                400,
                {"error": {"code": 80001, "message": "slow"}},
                {"X-Business-Use-Case-Usage": usage},
            ),
        )
        waits: list[float] = []
        from integrations.meta import classify

        client = HttpClient(
            SourceConfig(base_url=api.url, sleep=waits.append), "facebook", classify
        )
        with pytest.raises(RateLimited) as err:
            client.request("GET", "/x")
    assert err.value.retry_after == 1800 > MAX_WAIT_SECONDS
    assert waits == [] and len(api.calls()) == 1  # the next sync resumes instead


def test_a_source_provides_what_is_derived_from_what_it_stores():
    from integrations.registry import provides

    assert provides("instagram", "interactions") and provides("linkedin", "interactions")
    assert provides("instagram", "engagement_rate") and provides("youtube", "interactions")
    assert not provides("linkedin", "ctr")  # no link clicks at page level
    assert not provides("youtube", "engagement_rate")  # neither reach nor impressions daily
    assert provides("ga4", "signups") and not provides("meta_ads", "reactions")  # no connector
    assert provides("x", "reactions") and provides("pinterest", "interactions")  # saves
    assert provides("threads", "engagement_rate") and not provides("tiktok", "ctr")
