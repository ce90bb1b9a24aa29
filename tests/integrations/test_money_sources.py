"""Stripe and Meta ads spend through the real HTTP path into the database, against local
stand-ins that answer from `tests/fixtures/<source>/`: Stripe's lists filtered by
`created[gte]`/`created[lt]`, newest first, paged by `starting_after` while `has_more`; the ad
account's insights filtered by `time_range` and paged by `paging.next`. For both: the stored
money equals the fixtures' to the cent, an interrupted sync resumed equals an uninterrupted
one, expired credentials mark `needs_reauth` and keep the data, passing failures are retried,
no secret is logged, an empty period stores nothing, the team's currency comes from the
account (and a team in another currency is told), and both connect from the CLI and Slack.
Then what only Stripe does (refunds on the sale's day, paging counts, donations, metadata
keys, `Stripe-Should-Retry: false`, a second currency) and only Meta ads (platforms)."""

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
from bot.core.blocks import render_digest
from bot.core.model import Credentials, DateRange
from bot.core.periods import last_complete_week
from bot.core.terminal import render_text
from bot.services.connections import connect, list_connections
from bot.services.digest import build_digest
from bot.services.goals import add_goal
from bot.services.sync import sync_connection
from bot.settings import Settings
from integrations.base import BadCredential, SourceConfig, SyncWarnings
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


# --- Meta ads spend ----------------------------------------------------------------------
ADS_TOKEN = "EAAGadsSecretToken0123456789abcdefghij"
ADS_CREDS = {"ad_account_id": "act_1029384756", "access_token": ADS_TOKEN}
ADS_PATH = "/v23.0/act_1029384756/insights"
ADS_PLATFORMS = {"messenger": "facebook", "audience_network": "facebook"}


@dataclass
class Ads:
    """An ad account's insights, filtered by `time_range` and paged by `paging.next`
    (`page_size` rows a page); `broken["insights"]` answers a failure instead."""

    page_size: int = 10
    broken: dict[str, Callable[[Call], Reply]] = field(default_factory=dict)

    def insights(self, call: Call) -> Reply:
        if "insights" in self.broken:
            return self.broken["insights"](call)
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


def ads_routes(api: StandIn, account: Ads) -> None:
    api.route("GET", "/v23.0/act_1029384756", json_file("meta_ads/account.json"))
    api.route("GET", ADS_PATH, account.insights)


# --- both sources ------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    name: str
    creds: dict[str, str]
    secret: str
    account: str
    #: the state of the stand-in (`broken` maps an endpoint to a failure), and its routes
    state: Callable[[], Any]
    routes: Callable[[StandIn, Any], None]
    #: the endpoint whose failures the tests inject
    endpoint: str
    expected: Callable[[], set[tuple[str, date, str, float]]]
    expired: Reply
    currency: str


SOURCES = {
    "stripe": Source(
        "stripe",
        CREDS,
        KEY,
        "Stripe (orders)",
        Stripe,
        routes,
        "charges",
        expected,
        json_file("stripe/error_401.json", status=401),
        "USD",
    ),
    "meta_ads": Source(
        "meta_ads",
        ADS_CREDS,
        ADS_TOKEN,
        "River Keepers Ads",
        Ads,
        ads_routes,
        "insights",
        ads_expected,
        json_file("meta_ads/error_401.json", status=400),  # Meta: code 190 in a 400
        "EUR",
    ),
}


def settings_for(source: str, url: str) -> Settings:
    return Settings.from_env(
        {f"IMPACT_{source.upper()}_BASE_URL": url, "IMPACT_HTTP_MAX_RETRIES": "2"}
    )


@pytest.fixture(params=sorted(SOURCES))
def money(request, engine):
    source = SOURCES[request.param]
    state = source.state()
    with StandIn() as api:
        source.routes(api, state)
        yield (
            source,
            state,
            api,
            Runtime(settings_for(source.name, api.url), engine, Vault(generate_key())),
        )


@pytest.fixture
def world(engine):
    stripe = Stripe()
    with StandIn() as api:
        routes(api, stripe)
        yield stripe, api, Runtime(settings_for("stripe", api.url), engine, Vault(generate_key()))


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


def test_the_stored_money_equals_the_fixtures_and_sets_the_team_currency(money):
    source, _state, api, runtime = money
    info = connect(runtime, "T1", source.name, source.creds)
    assert info.name == source.account
    report = sync(runtime, info.id)
    assert report.status == "ok", report.error
    assert report.days == DateRange(FIRST, LAST)
    assert stored(runtime, info.id) == source.expected()
    assert all(c.headers["Authorization"] == f"Bearer {source.secret}" for c in api.calls())
    assert all(source.secret not in str(c.query) for c in api.calls())
    assert team_currency(runtime, "T1") == source.currency  # from the account: none was set


def test_an_interrupted_sync_resumed_equals_an_uninterrupted_one(money):
    source, state, _api, runtime = money
    clean = connect(runtime, "TCLEAN", source.name, source.creds).id
    assert sync(runtime, clean).status == "ok"
    broken = connect(runtime, "TBROKEN", source.name, source.creds).id
    assert sync(runtime, broken, today=TODAY - timedelta(days=5)).status == "ok"
    state.broken[source.endpoint] = lambda call: Reply(502, "bad gateway")
    assert sync(runtime, broken, since=None).status == "failing"
    state.broken.clear()
    resumed = sync(runtime, broken, since=None)
    assert resumed.status == "ok"
    assert resumed.days == DateRange(LAST - timedelta(days=4), LAST)  # from the cursor
    assert stored(runtime, broken) == stored(runtime, clean) == source.expected()


def test_expired_credentials_mark_needs_reauth_keep_the_data_and_log_no_secret(money, caplog):
    source, state, api, runtime = money
    cid = connect(runtime, "T1", source.name, source.creds).id
    with caplog.at_level("DEBUG"):
        assert sync(runtime, cid).status == "ok"
        kept = stored(runtime, cid)
        state.broken[source.endpoint] = lambda call: source.expired
        calls = len(api.calls())
        report = sync(runtime, cid, today=TODAY + timedelta(days=2), since=None)
    assert report.status == "needs_reauth"
    assert len(api.calls()) == calls + 1  # refused at once, not retried
    assert stored(runtime, cid) == kept
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and f"/impact connect {source.name}" in (info.hint or "")
    assert source.secret not in caplog.text and source.secret not in (report.error or "")
    assert "Authorization" not in caplog.text


RATE_LIMIT_80004 = Reply(
    400,
    fixture("meta_ads/error_rate_limit.json"),
    {
        "X-Business-Use-Case-Usage": json.dumps(
            {"1029384756": [{"type": "ads_insights", "estimated_time_to_regain_access": 1}]}
        )
    },
)


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, {"error": {"type": "api_error", "message": "boom"}}),
        Reply(503, "unavailable"),
        Reply(200, {"object": "list", "data": [], "has_more": False}, cut_after=12),
        Reply(429, fixture("stripe/error_429.json"), {"Retry-After": "2"}),
        Reply(409, {"error": {"type": "idempotency_error"}}, {"Stripe-Should-Retry": "true"}),
        RATE_LIMIT_80004,
    ],
    ids=["500", "503", "cut body", "429", "stripe 409 should-retry", "meta 80004"],
)
def test_a_passing_failure_is_retried_and_the_money_is_the_same(money, failure):
    source, state, _api, runtime = money
    if (failure is RATE_LIMIT_80004) != (source.name == "meta_ads") and failure.status in (
        400,
        409,
    ):
        pytest.skip("the other source's own signal")
    cid = connect(runtime, "T1", source.name, source.creds).id

    def once(call: Call) -> Reply:
        state.broken.pop(source.endpoint, None)
        return failure

    state.broken[source.endpoint] = once
    waits: list[float] = []
    report = sync(runtime, cid, waits=waits)
    assert report.status == "ok", report.error
    assert len(waits) == 1
    assert stored(runtime, cid) == source.expected()


def test_an_empty_period_stores_nothing_and_is_not_an_error(money):
    source, _state, _api, runtime = money
    connector = CONNECTORS[source.name](
        SourceConfig(base_url=runtime.settings.base_url(source.name, ""))
    )
    before = DateRange(FIRST - timedelta(days=40), FIRST - timedelta(days=31))
    warnings = SyncWarnings()
    assert list(connector.metric_points(Credentials(source.creds), before, warnings)) == []
    assert warnings.messages == [] and connector.currency is None


def test_a_team_in_another_currency_is_told_and_nothing_is_converted(money):
    source, _state, _api, runtime = money
    cid = connect(runtime, "T1", source.name, source.creds).id
    other = "GBP"
    with session_scope(runtime.engine) as s:
        team = s.get(Team, "T1")
        team.settings_json = json.dumps({"currency": other})
    report = sync(runtime, cid)
    assert report.status == "ok"
    assert stored(runtime, cid) == source.expected()  # as the source said
    assert team_currency(runtime, "T1") == other
    [info] = list_connections(runtime.engine, "T1")
    assert source.currency in (info.hint or "") and other in (info.hint or "")


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_impact_connect_asks_the_fields_and_checks_them(tmp_path, name):
    source = SOURCES[name]
    with StandIn() as api:
        source.routes(api, source.state())
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            f"IMPACT_{name.upper()}_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        answers = "\n".join(source.creds.values()) + "\n"
        result = CliRunner().invoke(main, ["connect", name, "--team", "T1"], input=answers, env=env)
    assert result.exit_code == 0, result.output
    assert f"Connected {source.account} ({name})" in result.output
    assert source.secret not in result.output


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_slash_connect_opens_the_key_form_and_connects(harness, name):  # noqa: F811
    source = SOURCES[name]
    with StandIn() as api:
        source.routes(api, source.state())
        object.__setattr__(harness.runtime.settings, "base_urls", {name: api.url})
        harness.command(f"connect {name}")
        opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
        inputs = [b["block_id"] for b in opened["blocks"] if b["type"] == "input"]
        assert inputs == list(source.creds)
        values = {
            field: {"value": {"type": "plain_text_input", "value": value}}
            for field, value in source.creds.items()
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
                    "private_metadata": f"{name}|C1",
                    "state": {"values": values},
                },
            }
        )
        done = wait_for(lambda: harness.slack.requests("views.update"))
    assert f"Connected *{source.account}*" in str(done[0]["view"]["blocks"])


# --- what only Stripe does -----------------------------------------------------------------
def test_stripe_money_is_to_the_cent_with_refunds_on_the_sale_day(world):
    _stripe, api, runtime = world
    cid = connect(runtime, "T1", "stripe", CREDS).id
    assert sync(runtime, cid).status == "ok"
    points = stored(runtime, cid)
    # by hand: the $120.00 Instagram sale of 2026-11-03, $45.50 of it refunded on 2026-11-15
    assert ("revenue", date(2026, 11, 3), "instagram", 120.0) in points
    assert ("refunds", date(2026, 11, 3), "instagram", 45.5) in points
    assert ("orders", date(2026, 11, 3), "instagram", 1.0) in points
    assert not any(d == date(2026, 11, 4) for _m, d, _p, _v in points)  # not refunded: unread
    assert not any(d == date(2026, 11, 21) for _m, d, _p, _v in points)  # not settled yet
    assert not any(v == 88.0 for _m, _d, _p, v in points)  # an uncaptured authorisation
    assert any("starting_after" in c.query for c in api.calls("GET", "/v1/charges"))


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


@pytest.mark.parametrize("status", [500, 429])
def test_stripe_should_retry_false_is_not_retried(world, status):
    """Stripe's header decides over the status: even a 429 that says `false` is sent once."""
    stripe, api, runtime = world
    cid = connect(runtime, "T1", "stripe", CREDS).id
    stripe.broken["charges"] = lambda call: Reply(
        status, {"error": {"type": "api_error", "message": "no"}}, {"Stripe-Should-Retry": "false"}
    )
    before = len(api.calls())
    report = sync(runtime, cid)
    assert report.status == "failing"
    assert len(api.calls()) == before + 1


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


# --- what only Meta ads does -------------------------------------------------------------
@pytest.fixture
def ads(engine):
    account = Ads()
    with StandIn() as api:
        ads_routes(api, account)
        yield (
            account,
            api,
            Runtime(settings_for("meta_ads", api.url), engine, Vault(generate_key())),
        )


def test_meta_ads_spend_is_per_platform_messenger_counting_for_facebook(ads):
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


def test_money_in_another_currency_is_shown_apart_in_the_digest_and_never_summed(money):
    """Issue 15 item 5: the team counts in GBP, the source in USD (Stripe) or EUR (ads). The
    digest converts nothing: the source's money is in no total, no goal, no judgement, and a
    line says so with the amounts in the source's own currency."""
    source, _state, _api, runtime = money
    cid = connect(runtime, "T1", source.name, source.creds).id
    with session_scope(runtime.engine) as s:
        s.get(Team, "T1").settings_json = json.dumps({"currency": "GBP"})
    assert sync(runtime, cid).status == "ok"
    add_goal(
        runtime.engine,
        team_id="T1",
        channel_id="C1",
        text="revenue +10% by Mar 31",
        user_id="U1",
        today=FIRST,
    )
    week = last_complete_week(TODAY + timedelta(days=2))  # Nov 16-22
    money_metrics = {"revenue", "refunds", "donations", "spend"}

    def sums(start: date, end: date) -> dict[str, float]:
        found: dict[str, float] = defaultdict(float)
        for metric, day, _platform, value in source.expected():
            if metric in money_metrics and start <= day <= end:
                found[metric] += value
        return {m: round(v, 2) for m, v in found.items()}

    digest = build_digest(runtime.engine, team_id="T1", channel_id=None, week=week)
    data = digest.to_json()
    before = week.shift(-1)
    assert data["currency"] == "GBP"
    assert data["other_currencies"] == [
        {
            "source": source.account,
            "currency": source.currency,
            "week": sums(week.start, week.end),
            "previous": sums(before.start, before.end),
        }
    ]
    assert sums(week.start, week.end)  # the fixtures do have money that week
    summed = json.dumps([data["totals"], data["platforms"]])
    assert not any(f'"{m}"' in summed for m in money_metrics)  # in no total, no line
    [goal] = data["goals"]
    assert goal["status"] == "no_data"  # no GBP revenue at all: the USD/EUR is not counted
    said = json.dumps(render_digest(digest))
    assert f"reports money in {source.currency}, the team's currency is GBP" in said
    assert "Not converted" in render_text(digest)


def test_an_unknown_outcome_is_refused_at_connect_and_nothing_is_stored(world):
    _stripe, _api, runtime = world
    with pytest.raises(BadCredential) as refused:
        connect(runtime, "T1", "stripe", {**CREDS, "outcome": "sales"})
    assert "'sales'" in str(refused.value) and "orders, donations" in str(refused.value)
    assert list_connections(runtime.engine, "T1") == []


def test_the_optional_fields_may_be_left_empty_at_the_prompt(tmp_path):
    with StandIn() as api:
        routes(api, Stripe())
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            "IMPACT_STRIPE_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        # the key, then Enter for the outcome and Enter for the metadata keys
        result = CliRunner().invoke(
            main, ["connect", "stripe", "--team", "T1"], input=f"{KEY}\n\n\n", env=env
        )
    assert result.exit_code == 0, result.output
    assert "Connected Stripe (orders) (stripe)" in result.output
    assert "(Enter to skip)" in result.output
