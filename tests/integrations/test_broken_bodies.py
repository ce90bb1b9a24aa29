"""Bodies cut off mid-transfer (and other transport errors) through the real `requests`
path: retried with backoff like any transport error, and when they outlast the retries one
connection fails with a readable health detail while the others sync: in the scheduler and
in `impact sync` run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.core.model import Credentials, DateRange
from bot.scheduler import DigestScheduler
from bot.services.connections import connect
from bot.settings import Settings
from integrations.base import AuthExpired, SourceConfig, SourceUnavailable, SyncWarnings
from integrations.ga4 import GA4Connector
from integrations.http import HttpClient
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import Connection, MetricPointRow
from tests.integrations.test_sync import daily_insights
from tests.support.standin import Call, Reply, StandIn

BODY = {"data": [{"name": "page_follows", "values": [{"value": n} for n in range(40)]}]}
GOOD_TOKEN = "EAAgoodPageToken0123456789abcdef"
CUT_TOKEN = "EAAcutPageToken0123456789abcdefg"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAYS = DateRange(date(2026, 11, 9), date(2026, 11, 10))

BROKEN = {
    "content-length cut": Reply(200, BODY, cut_after=25),
    "chunked then closed": Reply(200, BODY, cut_after=25, chunked=True),
    "gzip that is not": Reply(200, b"not gzip at all", {"Content-Encoding": "gzip"}),
    "truncated JSON": Reply(200, '{"data": [{"name": "page_fol'),
}


def client(api: StandIn, waits: list[float], retries: int = 3) -> HttpClient:
    config = SourceConfig(
        base_url=api.url, timeout_seconds=5, max_retries=retries, sleep=waits.append
    )
    return HttpClient(config, "facebook")


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_body_is_retried_with_backoff_then_the_answer_is_read(case):
    with StandIn() as api:
        api.route("GET", "/v23.0/1234/insights", BODY)
        api.route("GET", "/v23.0/1234/insights", BROKEN[case], times=2)
        waits: list[float] = []
        body = client(api, waits).request(
            "GET", "/v23.0/1234/insights", params={"access_token": GOOD_TOKEN}
        )
        assert body == BODY
        assert len(api.calls()) == 3 and len(waits) == 2
        assert 0 < waits[0] < waits[1]  # backoff grows


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_body_broken_every_time_is_a_readable_source_unavailable(case):
    with StandIn() as api:
        api.route("GET", "/v23.0/1234/insights", BROKEN[case])
        waits: list[float] = []
        with pytest.raises(SourceUnavailable) as err:
            client(api, waits, retries=2).request(
                "GET", "/v23.0/1234/insights", params={"access_token": GOOD_TOKEN}
            )
        assert len(api.calls()) == 3 and len(waits) == 2  # bounded
    assert str(err.value).startswith("facebook ")
    assert GOOD_TOKEN not in str(err.value) and "access_token" not in str(err.value)


CUT = Reply(200, BODY, cut_after=25)


def two_pages(api: StandIn, broken: Reply = CUT) -> None:
    """Page 1234 answers; page 5678 cuts every insights answer off mid-transfer (or answers
    `broken`)."""

    def page(call: Call) -> Reply:
        page_id = call.path.rsplit("/", 1)[-1]
        return Reply(
            200, {"id": page_id, "name": {"1234": "River Keepers"}.get(page_id, "Cut Off")}
        )

    api.route("GET", "/v23.0/1234", page)
    api.route("GET", "/v23.0/5678", page)
    api.route("GET", "/v23.0/1234/insights", daily_insights)
    api.route("GET", "/v23.0/5678/insights", broken)
    for page_id in ("1234", "5678"):
        api.route("GET", f"/v23.0/{page_id}/published_posts", Reply(200, {"data": []}))


def health(engine) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as s:
        return {c.external_id: (c.health, c.health_detail) for c in s.exec(select(Connection))}


def points(engine, external_id: str) -> int:
    with session_scope(engine) as s:
        connection = s.exec(select(Connection).where(Connection.external_id == external_id)).one()
        rows = s.exec(select(MetricPointRow).where(MetricPointRow.connection_id == connection.id))
        return len(rows.all())


def test_the_scheduler_records_a_cut_connection_as_failing_and_syncs_the_others(engine, caplog):
    with StandIn() as api:
        two_pages(api)
        settings = Settings.from_env(
            {"IMPACT_FACEBOOK_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "2"}
        )
        runtime = Runtime(settings, engine, Vault(generate_key()))
        # the cut one first: its failure must not stop the one after it
        connect(runtime, "T1", "facebook", {"page_id": "5678", "access_token": CUT_TOKEN})
        connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": GOOD_TOKEN})
        # one after the other, in connection order
        scheduler = DigestScheduler(runtime, max_workers=1)
        try:
            reports = {r.name: r.status for r in scheduler.sync_due(NOW)}
        finally:
            scheduler.stop()
        cut_calls = api.calls("GET", "/v23.0/5678/insights")
    assert reports == {"Cut Off": "failing", "River Keepers": "ok"}
    assert len(cut_calls) == 3  # the first try and two retries, then it gave up
    state, detail = health(engine)["5678"]
    assert state == "failing" and "mid-transfer" in detail
    assert health(engine)["1234"][0] == "ok" and points(engine, "1234") > 0
    assert CUT_TOKEN not in detail and CUT_TOKEN not in caplog.text


IMPACT = Path(sys.executable).with_name("impact")


def test_impact_sync_tries_every_connection_then_exits_non_zero_naming_the_failed_one(tmp_path):
    with StandIn() as api:
        two_pages(api)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPACT_", "SLACK_"))}
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'sync.db'}",
                "IMPACT_SECRET_KEY": generate_key(),
                "IMPACT_FACEBOOK_BASE_URL": api.url,
                "IMPACT_HTTP_MAX_RETRIES": "1",
            }
        )

        def impact(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(IMPACT), *args],
                env=env,
                cwd=tmp_path,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=120,
            )

        for page_id, token in (("5678", CUT_TOKEN), ("1234", GOOD_TOKEN)):
            made = impact("connect", "facebook", "--team", "T1", stdin=f"{page_id}\n{token}\n")
            assert made.returncode == 0, made.stderr
        synced = impact("sync", "--team", "T1")
        listed = impact("connections", "--team", "T1")
    assert synced.returncode == 1, synced.stderr
    assert "Traceback" not in synced.stderr
    assert "Cut Off (facebook): failing" in synced.stdout and "mid-transfer" in synced.stdout
    assert "River Keepers (facebook): ok" in synced.stdout
    for output in (synced.stdout, synced.stderr, listed.stdout):
        assert CUT_TOKEN not in output and GOOD_TOKEN not in output
    lines = {line.split()[2]: line for line in listed.stdout.splitlines() if "facebook" in line}
    assert "failing" in lines["Cut"] and "mid-transfer" in lines["Cut"]
    assert " ok " in lines["River"]


@pytest.mark.parametrize(
    "breakage", ["undecryptable credentials", "an answer of an unexpected shape"]
)
def test_any_failure_of_one_connection_is_recorded_and_the_others_sync(engine, breakage):
    from bot.services.sync import sync_team

    with StandIn() as api:
        two_pages(api, Reply(200, {"data": [{"name": "page_follows", "values": 7}]}))
        settings = Settings.from_env(
            {"IMPACT_FACEBOOK_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "0"}
        )
        runtime = Runtime(settings, engine, Vault(generate_key()))
        connect(runtime, "T1", "facebook", {"page_id": "5678", "access_token": CUT_TOKEN})
        connect(runtime, "T1", "facebook", {"page_id": "1234", "access_token": GOOD_TOKEN})
        if breakage == "undecryptable credentials":
            with session_scope(engine) as s:
                row = s.exec(select(Connection).where(Connection.external_id == "5678")).one()
                row.credentials_enc = Vault(generate_key()).encrypt({"access_token": "x"})
        reports = {r.name: r.status for r in sync_team(runtime, "T1", today=NOW.date())}
    assert reports == {"Cut Off": "failing", "River Keepers": "ok"}
    state, detail = health(engine)["5678"]
    assert state == "failing" and detail and CUT_TOKEN not in detail
    assert points(engine, "1234") > 0


REFRESH = Credentials(
    {
        "property_id": "999",
        "refresh_token": "1//refreshSecret0123456789",
        "client_id": "cid",
        "client_secret": "GOCSPXclientSecret0123",
    }
)


def ga4(api: StandIn, waits: list[float]) -> GA4Connector:
    return GA4Connector(
        SourceConfig(
            base_url=api.url, max_retries=2, sleep=waits.append, token_url=f"{api.url}/token"
        )
    )


def test_a_token_exchange_cut_off_mid_transfer_is_retried_not_taken_for_an_expired_token():
    with StandIn() as api:
        api.route("POST", "/token", Reply(200, {"access_token": "ya29.fresh", "expires_in": 3600}))
        api.route(
            "POST", "/token", Reply(200, {"access_token": "ya29.fresh"}, cut_after=5), times=1
        )
        api.route("POST", "/token", Reply(503, "unavailable"), times=1)
        api.route("POST", "/v1beta/properties/999:runReport", Reply(200, {"rowCount": 0}))
        waits: list[float] = []
        assert list(ga4(api, waits).metric_points(REFRESH, DAYS, SyncWarnings())) == []
        assert len(api.calls("POST", "/token")) == 3 and len(waits) == 2
        report = api.calls("POST", "/v1beta/properties/999:runReport")[0]
        assert report.headers["Authorization"] == "Bearer ya29.fresh"


def test_a_token_endpoint_that_stays_down_is_unavailable_and_a_refusal_is_expired():
    with StandIn() as api:
        api.route("POST", "/token", Reply(200, {"access_token": "x"}, cut_after=3))
        with pytest.raises(SourceUnavailable) as down:
            list(ga4(api, []).metric_points(REFRESH, DAYS, SyncWarnings()))
        assert len(api.calls("POST", "/token")) == 3
        api.reset()
        api.route("POST", "/token", Reply(400, {"error": "invalid_grant"}))
        with pytest.raises(AuthExpired):
            list(ga4(api, []).metric_points(REFRESH, DAYS, SyncWarnings()))
        assert len(api.calls("POST", "/token")) == 1  # a refusal is not retried
    for secret in ("refreshSecret", "GOCSPXclientSecret"):
        assert secret not in str(down.value)
