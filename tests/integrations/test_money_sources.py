"""Stripe through the real HTTP path into the database, against a local stand-in that answers
like Stripe's list API from `tests/fixtures/stripe/` (filtered by `created[gte]`/`created[lt]`,
newest first, paged by `starting_after` while `has_more`). The stored money equals the
fixtures' to the cent (gross revenue on the sale's day, refunds as their own metric dated on
the sale's day), an interrupted sync resumed equals an uninterrupted one, an expired key
marks `needs_reauth` and keeps the data, failures are retried as Stripe says, no key is
logged, and the team's currency comes from the account."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.cli import main
from bot.core.model import Credentials, DateRange
from bot.services.connections import connect, list_connections
from bot.services.sync import sync_connection
from bot.settings import Settings
from integrations.base import SourceConfig, SyncWarnings
from integrations.registry import CONNECTORS
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import MetricPointRow, Team
from tests.slack.conftest import harness, wait_for  # noqa: F401  (the Slack app harness)
from tests.support.standin import FIXTURES, Call, Reply, StandIn, json_file

FIRST, LAST = date(2026, 11, 8), date(2026, 11, 20)
TODAY = LAST + timedelta(days=1)
KEY = "rk_live_51RiverKeepersSecretKey0123456789abcdef"
CREDS = {"api_key": KEY, "outcome": "orders", "metadata_keys": "utm_source"}
PLATFORMS = {"ig": "instagram", "instagram": "instagram", "facebook.com": "facebook"}
PLATFORMS |= {"linkedin": "linkedin", "t.co": "x"}


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def day_of(unix: int) -> date:
    return datetime.fromtimestamp(unix, UTC).date()


@dataclass
class Stripe:
    """Stripe as of a sync: `broken` maps an endpoint (`charges`, `refunds`) to the failure it
    answers instead; `page_size` caps a page (Stripe's `limit`), so that paging is walked."""

    page_size: int = 3
    broken: dict[str, Callable[[Call], Reply]] = field(default_factory=dict)
    charges: list[dict[str, Any]] = field(
        default_factory=lambda: fixture("stripe/charges.json")["data"]
    )

    def listing(self, name: str, objects: list[dict[str, Any]]) -> Callable[[Call], Reply]:
        def answer(call: Call) -> Reply:
            found = self.charges if name == "charges" else objects
            if name in self.broken:
                return self.broken[name](call)
            low = int(call.query.get("created[gte]", ["0"])[0])
            high = int(call.query.get("created[lt]", [str(2**40)])[0])
            found = sorted(
                (o for o in found if low <= o["created"] < high), key=lambda o: -o["created"]
            )
            if after := call.query.get("starting_after"):
                found = found[[o["id"] for o in found].index(after[0]) + 1 :]
            size = min(int(call.query.get("limit", ["10"])[0]), self.page_size)
            page = found[:size]
            if call.query.get("expand[]") == ["data.charge"]:
                by_id = {c["id"]: c for c in self.charges}
                page = [{**o, "charge": by_id[o["charge"]]} for o in page]
            body = {"object": "list", "url": f"/v1/{name}", "data": page}
            return Reply(200, {**body, "has_more": len(found) > size})

        return answer


def routes(api: StandIn, stripe: Stripe) -> None:
    api.route("GET", "/v1/charges", stripe.listing("charges", stripe.charges))
    api.route(
        "GET", "/v1/refunds", stripe.listing("refunds", fixture("stripe/refunds.json")["data"])
    )


def expected(first: date = FIRST, last: date = LAST, outcome: str = "orders") -> set:
    """The fixtures' sums: paid, succeeded charges of the days asked, and the days of older
    charges refunded within them, in dollars to the cent."""
    charges = fixture("stripe/charges.json")["data"]
    by_id = {c["id"]: c for c in charges}
    days = {first + timedelta(days=i) for i in range((last - first).days + 1)}
    days |= {
        day_of(by_id[r["charge"]]["created"])
        for r in fixture("stripe/refunds.json")["data"]
        if day_of(r["created"]) in days
    }
    cents: dict[tuple[str, date, str], int] = defaultdict(int)
    for c in charges:
        day = day_of(c["created"])
        if day not in days or not c["paid"] or c["status"] != "succeeded":
            continue
        if c.get("captured") is False:  # authorised only
            continue
        platform = PLATFORMS.get(c["metadata"].get("utm_source", ""), "")  # "" unattributed
        if outcome == "orders":
            cents[("revenue", day, platform)] += c["amount"]
            cents[("orders", day, platform)] += 100  # a count, in hundredths
        else:
            cents[("donations", day, platform)] += c["amount"]
        cents[("refunds", day, platform)] += c["amount_refunded"]
    return {(m, d, p, round(v / 100, 2)) for (m, d, p), v in cents.items()}


@pytest.fixture
def world(engine):
    stripe = Stripe()
    with StandIn() as api:
        routes(api, stripe)
        settings = Settings.from_env(
            {"IMPACT_STRIPE_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "2"}
        )
        yield stripe, api, Runtime(settings, engine, Vault(generate_key()))


def stored(runtime: Runtime, cid: int) -> set[tuple[str, date, str | None, float]]:
    with session_scope(runtime.engine) as s:
        rows = s.exec(select(MetricPointRow).where(MetricPointRow.connection_id == cid))
        return {(r.metric, r.day, r.platform, r.value) for r in rows}


def sync(runtime: Runtime, cid: int, today: date = TODAY, since: date | None = FIRST, waits=None):
    sleep = waits.append if waits is not None else (lambda s: None)
    return sync_connection(runtime, cid, today=today, since=since, sleep=sleep)


def team_currency(runtime: Runtime, team: str) -> str | None:
    with session_scope(runtime.engine) as s:
        row = s.get(Team, team)
        return json.loads(row.settings_json).get("currency") if row else None


def test_stripe_stores_gross_revenue_orders_and_refunds_to_the_cent(world):
    _stripe, api, runtime = world
    info = connect(runtime, "T1", "stripe", CREDS)
    assert info.name == "Stripe (orders)"
    report = sync(runtime, info.id)
    assert report.status == "ok", report.error
    assert report.days == DateRange(FIRST, LAST)
    points = stored(runtime, info.id)
    assert points == expected()
    # by hand: the $120.00 Instagram sale of 2026-11-03, $45.50 of it refunded on 2026-11-15
    assert ("revenue", date(2026, 11, 3), "instagram", 120.0) in points
    assert ("refunds", date(2026, 11, 3), "instagram", 45.5) in points
    assert ("orders", date(2026, 11, 3), "instagram", 1.0) in points
    assert not any(d == date(2026, 11, 4) for _m, d, _p, _v in points)  # not refunded: unread
    assert not any(d == date(2026, 11, 21) for _m, d, _p, _v in points)  # not settled yet
    calls = api.calls("GET", "/v1/charges")
    assert all(c.headers["Authorization"] == f"Bearer {KEY}" for c in calls)
    assert any("starting_after" in c.query for c in calls)  # paged
    assert team_currency(runtime, "T1") == "USD"  # set from the account: the team had none


def test_stripe_paging_asks_no_more_than_the_pages_need(world):
    stripe, api, runtime = world
    stripe.page_size = 100
    cid = connect(runtime, "T1", "stripe", CREDS).id
    before = len(api.calls())
    assert sync(runtime, cid).status == "ok"
    # one window (13 days <= max_days): one charges page, one refunds page, one old day
    assert len(api.calls()) - before == 3
    stripe.page_size = 2
    before = len(api.calls())
    assert sync(runtime, cid).status == "ok"
    in_window = [c for c in stripe.charges if FIRST <= day_of(c["created"]) <= LAST]
    old_day = [c for c in stripe.charges if day_of(c["created"]) == date(2026, 11, 3)]
    refunds = [r for r in fixture("stripe/refunds.json")["data"] if day_of(r["created"]) >= FIRST]
    least = sum(math.ceil(len(x) / 2) for x in (in_window, old_day, refunds))
    assert len(api.calls()) - before == least
    assert stored(runtime, cid) == expected()


def test_donations_and_the_metadata_keys_the_team_names(world):
    stripe, _api, runtime = world
    stripe.charges = [
        {**c, "metadata": {"source": c["metadata"]["utm_source"]}}
        if "utm_source" in c["metadata"]
        else c
        for c in stripe.charges
    ]
    creds = {"api_key": KEY, "outcome": "donations", "metadata_keys": "ref, source"}
    cid = connect(runtime, "T1", "stripe", creds).id
    assert sync(runtime, cid).status == "ok"
    assert stored(runtime, cid) == expected(outcome="donations")


def test_an_interrupted_sync_resumed_equals_an_uninterrupted_one(world):
    stripe, _api, runtime = world
    clean = connect(runtime, "TCLEAN", "stripe", CREDS).id
    assert sync(runtime, clean).status == "ok"
    broken = connect(runtime, "TBROKEN", "stripe", CREDS).id
    assert sync(runtime, broken, today=TODAY - timedelta(days=5)).status == "ok"
    stripe.broken["charges"] = lambda call: Reply(502, "bad gateway")
    assert sync(runtime, broken, since=None).status == "failing"
    stripe.broken.clear()
    resumed = sync(runtime, broken, since=None)
    assert resumed.status == "ok"
    assert resumed.days == DateRange(LAST - timedelta(days=4), LAST)  # from the cursor
    assert stored(runtime, broken) == stored(runtime, clean) == expected()


def test_an_expired_key_marks_needs_reauth_keeps_the_data_and_logs_no_key(world, caplog):
    stripe, api, runtime = world
    cid = connect(runtime, "T1", "stripe", CREDS).id
    with caplog.at_level("DEBUG"):
        assert sync(runtime, cid).status == "ok"
        kept = stored(runtime, cid)
        stripe.broken["charges"] = lambda call: json_file("stripe/error_401.json", status=401)
        calls = len(api.calls())
        report = sync(runtime, cid, today=TODAY + timedelta(days=2), since=None)
    assert report.status == "needs_reauth"
    assert len(api.calls()) == calls + 1  # refused at once, not retried
    assert stored(runtime, cid) == kept
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and "/impact connect stripe" in (info.hint or "")
    assert KEY not in caplog.text and KEY not in (report.error or "")
    assert "Authorization" not in caplog.text


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, {"error": {"type": "api_error", "message": "boom"}}),
        Reply(503, "unavailable"),
        Reply(200, {"object": "list", "data": [], "has_more": False}, cut_after=12),
        Reply(429, fixture("stripe/error_429.json"), {"Retry-After": "2"}),
        Reply(409, {"error": {"type": "idempotency_error"}}, {"Stripe-Should-Retry": "true"}),
    ],
    ids=["500", "503", "cut body", "429", "409 should-retry"],
)
def test_a_passing_failure_is_retried_and_the_money_is_the_same(world, failure):
    stripe, _api, runtime = world
    cid = connect(runtime, "T1", "stripe", CREDS).id

    def once(call: Call) -> Reply:
        stripe.broken.pop("charges", None)
        return failure

    stripe.broken["charges"] = once
    waits: list[float] = []
    report = sync(runtime, cid, waits=waits)
    assert report.status == "ok", report.error
    assert len(waits) == 1
    assert stored(runtime, cid) == expected()


def test_stripe_should_retry_false_is_not_retried(world):
    stripe, api, runtime = world
    cid = connect(runtime, "T1", "stripe", CREDS).id
    stripe.broken["charges"] = lambda call: Reply(
        500, {"error": {"type": "api_error", "message": "no"}}, {"Stripe-Should-Retry": "false"}
    )
    before = len(api.calls())
    report = sync(runtime, cid)
    assert report.status == "failing"
    assert len(api.calls()) == before + 1


def test_a_daily_window_with_no_charges_stores_nothing(world):
    _stripe, _api, runtime = world
    connector = CONNECTORS["stripe"](SourceConfig(base_url=runtime.settings.base_url("stripe", "")))
    before = DateRange(FIRST - timedelta(days=40), FIRST - timedelta(days=31))
    warnings = SyncWarnings()
    assert list(connector.metric_points(Credentials(CREDS), before, warnings)) == []
    assert warnings.messages == [] and connector.currency is None


def test_a_team_in_another_currency_is_told_and_nothing_is_converted(world):
    _stripe, _api, runtime = world
    cid = connect(runtime, "T1", "stripe", CREDS).id
    with session_scope(runtime.engine) as s:
        team = s.get(Team, "T1")
        team.settings_json = json.dumps({"currency": "EUR"})
    report = sync(runtime, cid)
    assert report.status == "ok"
    assert stored(runtime, cid) == expected()  # dollars, as Stripe said
    assert team_currency(runtime, "T1") == "EUR"
    [info] = list_connections(runtime.engine, "T1")
    assert "USD" in (info.hint or "") and "EUR" in (info.hint or "")


def test_charges_in_a_second_currency_are_said_and_not_summed(world):
    stripe, _api, runtime = world
    euro = {**stripe.charges[0], "id": "ch_euro", "currency": "eur", "amount": 9999}
    euro["created"] = int(datetime(2026, 11, 20, 23, 0, tzinfo=UTC).timestamp())
    stripe.charges = [euro, *stripe.charges]
    cid = connect(runtime, "T1", "stripe", CREDS).id
    report = sync(runtime, cid)
    assert report.status == "ok"
    assert any("EUR" in w and "USD" in w for w in report.warnings), report.warnings
    assert stored(runtime, cid) == expected()


def test_impact_connect_stripe_asks_the_fields_and_checks_them(tmp_path):
    with StandIn() as api:
        routes(api, Stripe())
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            "IMPACT_STRIPE_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        answers = "\n".join(CREDS.values()) + "\n"
        result = CliRunner().invoke(
            main, ["connect", "stripe", "--team", "T1"], input=answers, env=env
        )
    assert result.exit_code == 0, result.output
    assert "Connected Stripe (orders) (stripe)" in result.output
    assert KEY not in result.output


# --- Meta ads spend ----------------------------------------------------------------------
ADS_TOKEN = "EAAGadsSecretToken0123456789abcdefghij"
ADS_CREDS = {"ad_account_id": "act_1029384756", "access_token": ADS_TOKEN}
ADS_PATH = "/v23.0/act_1029384756/insights"
ADS_PLATFORMS = {"messenger": "facebook", "audience_network": "facebook"}


@dataclass
class Ads:
    """An ad account's insights, filtered by `time_range` and paged by `paging.next`
    (`page_size` rows a page); `broken` answers a failure instead."""

    page_size: int = 10
    broken: Callable[[Call], Reply] | None = None

    def insights(self, call: Call) -> Reply:
        if self.broken is not None:
            return self.broken(call)
        assert call.query["breakdowns"] == ["publisher_platform"]
        assert call.query["time_increment"] == ["1"] and "access_token" not in call.query
        window = json.loads(call.query["time_range"][0])
        rows = [
            r
            for r in fixture("meta_ads/insights.json")["data"]
            if window["since"] <= r["date_start"] <= window["until"]
        ]
        start = int(call.query.get("after", ["0"])[0])
        body: dict[str, Any] = {"data": rows[start : start + self.page_size]}
        if start + self.page_size < len(rows):
            query = "&".join(f"{k}={v[0]}" for k, v in call.query.items() if k != "after").replace(
                '"', "%22"
            )
            body["paging"] = {
                "next": f"https://graph.facebook.com{ADS_PATH}?{query}"
                f"&after={start + self.page_size}"
            }
        return Reply(200, body)


def ads_expected(first: date = FIRST, last: date = LAST) -> set:
    cents: dict[tuple[date, str], int] = defaultdict(int)
    for r in fixture("meta_ads/insights.json")["data"]:
        day = date.fromisoformat(r["date_start"])
        if first <= day <= last:
            platform = ADS_PLATFORMS.get(r["publisher_platform"], r["publisher_platform"])
            cents[(day, platform)] += round(float(r["spend"]) * 100)
    return {("spend", d, p, v / 100) for (d, p), v in cents.items()}


@pytest.fixture
def ads(engine):
    account = Ads()
    with StandIn() as api:
        ads_routes(api, account)
        settings = Settings.from_env(
            {"IMPACT_META_ADS_BASE_URL": api.url, "IMPACT_HTTP_MAX_RETRIES": "2"}
        )
        yield account, api, Runtime(settings, engine, Vault(generate_key()))


def ads_routes(api: StandIn, account: Ads) -> None:
    api.route("GET", "/v23.0/act_1029384756", json_file("meta_ads/account.json"))
    api.route("GET", ADS_PATH, account.insights)


def test_meta_ads_stores_daily_spend_per_platform_to_the_cent(ads):
    _account, api, runtime = ads
    info = connect(runtime, "T1", "meta_ads", ADS_CREDS)
    assert info.name == "River Keepers Ads"
    report = sync(runtime, info.id)
    assert report.status == "ok", report.error
    assert stored(runtime, info.id) == ads_expected()
    assert {p for _m, _d, p, _v in stored(runtime, info.id)} == {"facebook", "instagram"}
    assert len(api.calls("GET", ADS_PATH)) == 5  # 45 rows, 10 a page
    assert all(c.headers["Authorization"] == f"Bearer {ADS_TOKEN}" for c in api.calls())
    assert team_currency(runtime, "T1") == "EUR"


def test_meta_ads_resumed_equals_uninterrupted(ads):
    account, _api, runtime = ads
    clean = connect(runtime, "TCLEAN", "meta_ads", ADS_CREDS).id
    assert sync(runtime, clean).status == "ok"
    broken = connect(runtime, "TBROKEN", "meta_ads", ADS_CREDS).id
    assert sync(runtime, broken, today=TODAY - timedelta(days=5)).status == "ok"
    account.broken = lambda call: Reply(502, "bad gateway")
    assert sync(runtime, broken, since=None).status == "failing"
    account.broken = None
    resumed = sync(runtime, broken, since=None)
    assert resumed.status == "ok" and resumed.days == DateRange(LAST - timedelta(days=4), LAST)
    assert stored(runtime, broken) == stored(runtime, clean) == ads_expected()


def test_meta_ads_expired_token_marks_needs_reauth_keeps_data_and_logs_no_token(ads, caplog):
    account, api, runtime = ads
    cid = connect(runtime, "T1", "meta_ads", ADS_CREDS).id
    with caplog.at_level("DEBUG"):
        assert sync(runtime, cid).status == "ok"
        kept = stored(runtime, cid)
        account.broken = lambda call: json_file("meta_ads/error_401.json", status=400)
        calls = len(api.calls())
        report = sync(runtime, cid, today=TODAY + timedelta(days=2), since=None)
    assert report.status == "needs_reauth"
    assert len(api.calls()) == calls + 1
    assert stored(runtime, cid) == kept
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and "/impact connect meta_ads" in (info.hint or "")
    assert ADS_TOKEN not in caplog.text and "Authorization" not in caplog.text


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, "internal error"),
        Reply(200, {"data": []}, cut_after=5),
        Reply(
            400,
            fixture("meta_ads/error_rate_limit.json"),
            {
                "X-Business-Use-Case-Usage": json.dumps(
                    {"1029384756": [{"type": "ads_insights", "estimated_time_to_regain_access": 1}]}
                )
            },
        ),
        Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "2"}),
    ],
    ids=["500", "cut body", "80004 rate limit", "429"],
)
def test_meta_ads_passing_failures_are_retried(ads, failure):
    account, _api, runtime = ads
    cid = connect(runtime, "T1", "meta_ads", ADS_CREDS).id

    def once(call: Call) -> Reply:
        account.broken = None
        return failure

    account.broken = once
    waits: list[float] = []
    report = sync(runtime, cid, waits=waits)
    assert report.status == "ok", report.error
    assert len(waits) == 1
    assert stored(runtime, cid) == ads_expected()


def test_meta_ads_empty_period_stores_nothing(ads):
    _account, _api, runtime = ads
    connector = CONNECTORS["meta_ads"](
        SourceConfig(base_url=runtime.settings.base_url("meta_ads", ""))
    )
    before = DateRange(FIRST - timedelta(days=40), FIRST - timedelta(days=31))
    warnings = SyncWarnings()
    assert list(connector.metric_points(Credentials(ADS_CREDS), before, warnings)) == []
    assert warnings.messages == [] and connector.currency is None


def test_impact_connect_meta_ads_asks_the_fields_and_checks_them(tmp_path):
    with StandIn() as api:
        ads_routes(api, Ads())
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            "IMPACT_META_ADS_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        answers = "\n".join(ADS_CREDS.values()) + "\n"
        result = CliRunner().invoke(
            main, ["connect", "meta_ads", "--team", "T1"], input=answers, env=env
        )
    assert result.exit_code == 0, result.output
    assert "Connected River Keepers Ads (meta_ads)" in result.output
    assert ADS_TOKEN not in result.output


@pytest.mark.parametrize(
    ("source", "creds", "account"),
    [
        ("stripe", CREDS, "Stripe (orders)"),
        ("meta_ads", ADS_CREDS, "River Keepers Ads"),
    ],
)
def test_slash_connect_opens_the_key_form_and_connects(harness, source, creds, account):  # noqa: F811
    with StandIn() as api:
        if source == "stripe":
            routes(api, Stripe())
        else:
            ads_routes(api, Ads())
        object.__setattr__(harness.runtime.settings, "base_urls", {source: api.url})
        harness.command(f"connect {source}")
        opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
        inputs = [b["block_id"] for b in opened["blocks"] if b["type"] == "input"]
        assert inputs == list(creds)
        values = {
            name: {"value": {"type": "plain_text_input", "value": value}}
            for name, value in creds.items()
        }
        harness.interaction(
            {
                "type": "view_submission",
                "team": {"id": "T1"},
                "user": {"id": "U1"},
                "api_app_id": "A0001",
                "trigger_id": "t",
                "view": {
                    "id": "VCONNECT",
                    "type": "modal",
                    "callback_id": "connect_modal",
                    "private_metadata": f"{source}|C1",
                    "state": {"values": values},
                },
            }
        )
        done = wait_for(lambda: harness.slack.requests("views.update"))
    assert f"Connected *{account}*" in str(done[0]["view"]["blocks"])
