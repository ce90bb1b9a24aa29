"""HubSpot through the real HTTP path into the database, against a local stand-in that answers
the CRM contacts search from `tests/fixtures/hubspot/` the way HubSpot does: filtered by the
`createdate` GTE/LT filters, sorted by `createdate`, `limit` results a page with
`paging.next.after` offsets, and a 400 for any `after` at or past 10,000 (the search's cap).
Failures are the recorded answers of the fixture folder (`{status, headers, body}`)."""

from __future__ import annotations

import json
import math
from collections import Counter
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
from integrations.base import SourceConfig, SourceError, SyncWarnings
from integrations.hubspot import RESULT_CAP, HubSpotConnector, UnknownOutcome, _attribution
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import MetricPointRow, Team
from tests.slack.conftest import harness, wait_for  # noqa: F401  (the Slack app harness)
from tests.support.standin import FIXTURES, Call, Reply, StandIn

FIRST, LAST = date(2026, 11, 8), date(2026, 11, 20)
TODAY = LAST + timedelta(days=1)
TOKEN = "pat-eu1-5e0f3c1a-7b2d-4c8e-9f10-112233445566"
CREDS = {"access_token": TOKEN, "outcome": "leads"}
SEARCH = "/crm/v3/objects/contacts/search"
DEALS = "/crm/v3/objects/deals/search"
#: The fixtures' original sources, attributed by hand (anything else: unattributed, "").
BY_HAND = {
    ("SOCIAL_MEDIA", "Facebook"): "facebook",
    ("PAID_SOCIAL", "Facebook"): "facebook",
    ("SOCIAL_MEDIA", "Instagram"): "instagram",
    ("PAID_SOCIAL", "LinkedIn"): "linkedin",
    ("SOCIAL_MEDIA", "Twitter"): "x",
    ("SOCIAL_MEDIA", "YouTube"): "youtube",
    ("SOCIAL_MEDIA", "TikTok"): "tiktok",
    ("EMAIL_MARKETING", "Newsletter November"): "email",
    ("EMAIL_MARKETING", "Spring drive"): "email",
    ("EMAIL_MARKETING", "Autumn appeal"): "email",
}


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / "hubspot" / relative).read_text(encoding="utf-8"))


def recorded(name: str) -> Reply:
    """A recorded answer: `{status, headers, body}`."""
    answer = fixture(name)
    return Reply(answer["status"], answer["body"], answer["headers"])


def millis(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def burst() -> list[dict[str, Any]]:
    """The contacts `burst.json` describes: one day with more than 10,000 new contacts."""
    rule = fixture("burst.json")
    first = millis(rule["first"])
    found = []
    for i in range(rule["count"]):
        at = datetime.fromtimestamp((first + (i + 1) // 2 * rule["every_ms"]) / 1000, UTC)
        created = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
        source, detail = rule["sources"][i % len(rule["sources"])]
        props = {
            "createdate": created,
            "hs_analytics_source": source,
            "hs_analytics_source_data_1": detail,
            "hs_object_id": str(900_000 + i),
        }
        found.append({"id": str(900_000 + i), "properties": props, "archived": False})
    return found


@dataclass
class HubSpot:
    """The account's contacts as of a sync. `broken` answers a failure instead of the search
    (a callable of the call); `page_size` caps a page below the asked `limit` so that paging
    is walked with few contacts."""

    page_size: int = 4
    contacts: list[dict[str, Any]] = field(
        default_factory=lambda: fixture("contacts.json")["results"]
    )
    broken: Callable[[Call], Reply] | None = None
    pages_after_cap: int = 0

    deals: list[dict[str, Any]] = field(default_factory=lambda: fixture("deals.json")["results"])

    def ordered(self, records: list[dict[str, Any]], prop: str) -> list[tuple[int, dict]]:
        """`records` with `prop` in ms, by `prop` then id (cached per list)."""
        key = (id(records), len(records), prop)
        cache = self.__dict__.setdefault("_ordered", {})
        if key not in cache:
            cache.clear()
            cache[key] = sorted(
                ((millis(r["properties"][prop]), r) for r in records),
                key=lambda pair: (pair[0], int(pair[1]["id"])),
            )
        return cache[key]

    def search(self, call: Call) -> Reply:
        return self.broken(call) if self.broken is not None else self.answer(call)

    def answer(self, call: Call) -> Reply:
        asked = call.json()
        deals = call.path == DEALS
        prop = "closedate" if deals else "createdate"
        low, high, equal = 0, 2**62, {}
        for group in asked.get("filterGroups", []):
            for f in group["filters"]:
                if f["operator"] == "EQ":
                    equal[f["propertyName"]] = f["value"]
                    continue
                assert f["propertyName"] == prop
                if f["operator"] == "GTE":
                    low = int(f["value"])
                elif f["operator"] == "LT":
                    high = int(f["value"])
        after = int(asked.get("after") or 0)
        if after >= RESULT_CAP:
            self.pages_after_cap += 1
            return recorded("error_400_past_cap.json")
        found = [
            r
            for at, r in self.ordered(self.deals if deals else self.contacts, prop)
            if low <= at < high and all(r["properties"].get(k) == v for k, v in equal.items())
        ]
        size = min(int(asked.get("limit", 10)), self.page_size)
        body: dict[str, Any] = {"total": len(found), "results": found[after : after + size]}
        if after + size < len(found):
            body["paging"] = {"next": {"after": str(after + size), "link": "?after=x"}}
        return Reply(200, body)


def expected_revenue(first: date = FIRST, last: date = LAST) -> set:
    """Won USD deals of the `default` pipeline closed in the days, in dollars to the cent."""
    cents: Counter[tuple[date, str]] = Counter()
    for d in fixture("deals.json")["results"]:
        props = d["properties"]
        day = date.fromisoformat(props["closedate"][:10])
        if not (first <= day <= last) or props["pipeline"] != "default":
            continue
        if props["hs_is_closed_won"] != "true" or props["amount"] is None:
            continue
        if props["deal_currency_code"] != "USD":
            continue
        key = (props["hs_analytics_source"], props["hs_analytics_source_data_1"])
        cents[(day, BY_HAND.get(key, ""))] += round(float(props["amount"]) * 100)
    return {("revenue", d, p, v / 100) for (d, p), v in cents.items()}


def expected(
    first: date = FIRST, last: date = LAST, outcome: str = "leads", extra: list | None = None
) -> set[tuple[str, date, str, float]]:
    counts: Counter[tuple[date, str]] = Counter()
    for c in fixture("contacts.json")["results"] + (extra or []):
        props = c["properties"]
        day = date.fromisoformat(props["createdate"][:10])
        if first <= day <= last:
            key = (props["hs_analytics_source"], props["hs_analytics_source_data_1"])
            counts[(day, BY_HAND.get(key, ""))] += 1
    return {(outcome, d, p, float(n)) for (d, p), n in counts.items()}


def settings_for(url: str) -> Settings:
    return Settings.from_env({"IMPACT_HUBSPOT_BASE_URL": url, "IMPACT_HTTP_MAX_RETRIES": "2"})


@pytest.fixture
def world(engine):
    hubspot = HubSpot()
    with StandIn() as api:
        api.route("POST", SEARCH, hubspot.search)
        api.route("POST", DEALS, hubspot.search)
        yield hubspot, api, Runtime(settings_for(api.url), engine, Vault(generate_key()))


def stored(runtime: Runtime, cid: int) -> set[tuple[str, date, str | None, float]]:
    with session_scope(runtime.engine) as s:
        rows = s.exec(select(MetricPointRow).where(MetricPointRow.connection_id == cid))
        return {(r.metric, r.day, r.platform, r.value) for r in rows}


def sync(runtime: Runtime, cid: int, today: date = TODAY, since: date | None = FIRST, waits=None):
    sleep = waits.append if waits is not None else (lambda s: None)
    return sync_connection(runtime, cid, today=today, since=since, sleep=sleep)


def searches(api: StandIn) -> list[Call]:
    return [c for c in api.calls("POST", SEARCH) if c.json().get("filterGroups")]


# --- what is stored ----------------------------------------------------------------------
def test_contacts_per_day_are_stored_as_leads_attributed_by_original_source(world):
    _hubspot, api, runtime = world
    info = connect(runtime, "T1", "hubspot", CREDS)
    assert info.name == "HubSpot (leads)"
    report = sync(runtime, info.id)
    assert report.status == "ok", report.error
    assert report.days == DateRange(FIRST, LAST)
    points = stored(runtime, info.id)
    assert points == expected()
    # by hand: the contact of 2026-11-08T00:00:00.000Z, from a LinkedIn ad, counts on the
    # 8th; the one of 2026-11-07T23:59:59.999Z and those of the 21st (unsettled) do not
    assert ("leads", date(2026, 11, 8), "linkedin", 1.0) in points
    assert not any(d in (date(2026, 11, 7), date(2026, 11, 21)) for _m, d, _p, _v in points)
    assert {p for _m, _d, p, _v in points} <= {"", "facebook", "instagram", "linkedin", "x"} | {
        "youtube",
        "tiktok",
        "email",
    }
    assert sum(v for *_rest, v in points) == 33  # 37 contacts: 2 before, 2 on the unsettled 21st
    asked = searches(api)[0].json()
    assert asked["properties"] == [
        "createdate",
        "hs_analytics_source",
        "hs_analytics_source_data_1",
    ]
    assert asked["sorts"] == [{"propertyName": "createdate", "direction": "ASCENDING"}]
    assert asked["limit"] == 100
    filters = asked["filterGroups"][0]["filters"]
    assert [(f["operator"], f["value"]) for f in filters] == [
        ("GTE", str(millis("2026-11-08T00:00:00Z"))),
        ("LT", str(millis("2026-11-21T00:00:00Z"))),
    ]
    assert all(c.headers["Authorization"] == f"Bearer {TOKEN}" for c in api.calls())
    assert all(TOKEN not in str(c.query) + c.body.decode() for c in api.calls())


def test_signups_when_the_team_says_so(world):
    _hubspot, _api, runtime = world
    cid = connect(runtime, "T1", "hubspot", {"access_token": TOKEN, "outcome": "Signups"}).id
    assert sync(runtime, cid).status == "ok"
    assert stored(runtime, cid) == expected(outcome="signups")


def test_won_deals_of_the_named_pipeline_are_revenue_to_the_cent(world):
    _hubspot, api, runtime = world
    creds = {**CREDS, "pipeline": "default"}
    info = connect(runtime, "T1", "hubspot", creds)
    assert info.name == "HubSpot (leads, revenue of pipeline default)"
    report = sync(runtime, info.id)
    assert report.status == "ok", report.error
    points = stored(runtime, info.id)
    assert points == expected() | expected_revenue()
    # by hand: two Instagram deals won on the 8th, $1,200.50 + $799.99; the EUR deal of the
    # 12th, the lost one of the 10th, the other pipeline's of the 13th and the one with no
    # amount bring nothing
    assert ("revenue", date(2026, 11, 8), "instagram", 2000.49) in points
    assert ("revenue", date(2026, 11, 19), "email", 0.01) in points
    assert {d for m, d, _p, _v in points if m == "revenue"} == {
        date(2026, 11, 8),
        date(2026, 11, 9),
        date(2026, 11, 12),
        date(2026, 11, 19),
    }
    assert any("EUR" in w and "USD" in w for w in report.warnings), report.warnings
    with session_scope(runtime.engine) as s:
        assert json.loads(s.get(Team, "T1").settings_json)["currency"] == "USD"
    asked = [c.json() for c in api.calls("POST", DEALS)][-1]
    filters = asked["filterGroups"][0]["filters"]
    assert {"propertyName": "hs_is_closed_won", "operator": "EQ", "value": "true"} in filters
    assert {"propertyName": "pipeline", "operator": "EQ", "value": "default"} in filters


def test_without_a_pipeline_no_deal_is_asked_for(world):
    _hubspot, api, runtime = world
    cid = connect(runtime, "T1", "hubspot", {**CREDS, "pipeline": "none"}).id
    assert sync(runtime, cid).status == "ok"
    assert api.calls("POST", DEALS) == []
    assert stored(runtime, cid) == expected()


def test_a_pipeline_without_the_deals_scope_is_refused_at_connect_naming_it(world):
    hubspot, _api, runtime = world
    hubspot.broken = lambda call: (
        recorded("error_403.json") if call.path == DEALS else hubspot.answer(call)
    )
    with pytest.raises(SourceError, match=r"crm\.objects\.deals\.read"):
        connect(runtime, "T1", "hubspot", {**CREDS, "pipeline": "default"})
    assert list_connections(runtime.engine, "T1") == []


def test_an_unknown_outcome_is_refused_at_connect_saying_what_to_type(world):
    _hubspot, api, runtime = world
    with pytest.raises(UnknownOutcome, match="`leads` or `signups`, not 'deals'"):
        connect(runtime, "T1", "hubspot", {"access_token": TOKEN, "outcome": "deals"})
    assert list_connections(runtime.engine, "T1") == []
    assert api.calls() == []  # refused before asking HubSpot


def test_paging_asks_no_more_than_the_pages_need(world):
    hubspot, api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    assert sync(runtime, cid).status == "ok"
    in_window = sum(v for *_rest, v in expected())
    assert len(searches(api)) == math.ceil(in_window / hubspot.page_size)
    assert [c.json().get("after") for c in searches(api)[:3]] == [None, "4", "8"]


def test_attribution_of_hubspot_original_sources():
    def of(source: str, detail: str | None) -> str | None:
        return _attribution({"hs_analytics_source": source, "hs_analytics_source_data_1": detail})

    assert of("SOCIAL_MEDIA", "Twitter") == "x"
    assert of("PAID_SOCIAL", "facebook.com") == "facebook"
    assert of("SOCIAL_MEDIA", "Pinterest") == "pinterest"
    assert of("EMAIL_MARKETING", "Spring drive") == "email"
    assert of("SOCIAL_MEDIA", "Xing") is None  # a network Impact does not know
    assert of("SOCIAL_MEDIA", "email") is None  # only e-mail marketing is e-mail
    assert of("ORGANIC_SEARCH", "google") is None
    assert of("REFERRALS", "instagram.com") is None  # a referral is not a social source


# --- resuming, failures ------------------------------------------------------------------
def test_an_interrupted_sync_resumed_equals_an_uninterrupted_one(world):
    hubspot, _api, runtime = world
    since = FIRST - timedelta(days=33)  # two windows: to 2026-11-05, then to LAST
    clean = connect(runtime, "TCLEAN", "hubspot", CREDS).id
    assert sync(runtime, clean, since=since).status == "ok"
    broken = connect(runtime, "TBROKEN", "hubspot", CREDS).id
    second = since + timedelta(days=HubSpotConnector.max_days)

    def from_the_second_window(call: Call) -> Reply:
        gte = int(call.json()["filterGroups"][0]["filters"][0]["value"])
        if gte >= millis(f"{second.isoformat()}T00:00:00Z"):
            return recorded("error_502.json")
        return hubspot.answer(call)

    hubspot.broken = from_the_second_window
    interrupted = sync(runtime, broken, since=since)
    assert interrupted.status == "failing"
    kept = expected(since, second - timedelta(days=1))
    assert stored(runtime, broken) == kept and kept  # the first window's contacts
    hubspot.broken = None
    resumed = sync(runtime, broken, since=None)
    assert resumed.status == "ok"
    assert resumed.days == DateRange(second, LAST)  # from the cursor
    assert stored(runtime, broken) == stored(runtime, clean) == expected(since, LAST)


def test_expired_token_marks_needs_reauth_keeps_the_data_and_logs_no_secret(world, caplog):
    hubspot, api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    with caplog.at_level("DEBUG"):
        assert sync(runtime, cid).status == "ok"
        kept = stored(runtime, cid)
        hubspot.broken = lambda call: recorded("error_401.json")
        calls = len(api.calls())
        report = sync(runtime, cid, today=TODAY + timedelta(days=2), since=None)
    assert report.status == "needs_reauth"
    assert len(api.calls()) == calls + 1  # refused at once, not retried
    assert stored(runtime, cid) == kept == expected()
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and "/impact connect hubspot" in (info.hint or "")
    assert TOKEN not in caplog.text and TOKEN not in (report.error or "")
    assert "Authorization" not in caplog.text


@pytest.mark.parametrize(
    "failure",
    [
        "error_500.json",
        "error_502.json",
        "truncated.json",
        "cut mid-transfer",
    ],
)
def test_a_passing_failure_is_retried_and_the_leads_are_the_same(world, failure):
    hubspot, api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id

    def once(call: Call) -> Reply:
        hubspot.broken = None
        if failure == "cut mid-transfer":
            return Reply(200, {"total": 37, "results": []}, cut_after=12)
        return recorded(failure)

    hubspot.broken = once
    before = len(api.calls())
    report = sync(runtime, cid)
    assert report.status == "ok", report.error
    assert stored(runtime, cid) == expected()
    assert len(api.calls()) - before == math.ceil(33 / hubspot.page_size) + 1  # one retry


def test_a_429_waits_the_interval_its_headers_name(world):
    hubspot, _api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    throttled = recorded("error_429.json")
    throttled.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "7500"

    def once(call: Call) -> Reply:
        hubspot.broken = None
        return throttled

    hubspot.broken = once
    waits: list[float] = []
    report = sync(runtime, cid, waits=waits)
    assert report.status == "ok", report.error
    assert 7.5 in waits
    assert all(w <= 0.2 for w in waits if w != 7.5)  # the rest: spacing searches 5 a second
    assert stored(runtime, cid) == expected()


def test_answers_saying_the_limit_is_reached_slow_the_next_search(world):
    hubspot, _api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    first = True

    def used_up(call: Call) -> Reply:
        nonlocal first
        answer = hubspot.answer(call)
        if first:
            answer.headers.update(
                {
                    "X-HubSpot-RateLimit-Max": "190",
                    "X-HubSpot-RateLimit-Remaining": "0",
                    "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                }
            )
        first = False
        return answer

    hubspot.broken = used_up
    waits: list[float] = []
    assert sync(runtime, cid, waits=waits).status == "ok"
    assert waits.count(10.0) == 1
    assert stored(runtime, cid) == expected()


def test_the_daily_limit_is_not_waited_for_and_the_next_sync_resumes(world):
    hubspot, api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    hubspot.broken = lambda call: recorded("error_429_daily.json")
    before = len(api.calls())
    waits: list[float] = []
    report = sync(runtime, cid, waits=waits)
    assert report.status == "failing" and "daily" in (report.error or "")
    assert len(api.calls()) == before + 1 and all(w <= 0.2 for w in waits)
    [info] = list_connections(runtime.engine, "T1")
    assert "picks up where this one stopped" in (info.hint or "")
    hubspot.broken = None
    assert sync(runtime, cid, since=None).status == "ok"  # no cursor yet: the first 90 days
    assert stored(runtime, cid) == expected(LAST - timedelta(days=89), LAST)


def test_a_missing_scope_is_named(world):
    hubspot, _api, runtime = world
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    hubspot.broken = lambda call: recorded("error_403.json")
    report = sync(runtime, cid)
    assert report.status == "failing"
    [info] = list_connections(runtime.engine, "T1")
    assert "crm.objects.contacts.read" in (info.hint or "")


def test_an_empty_period_stores_nothing_and_is_not_an_error(world):
    hubspot, api, runtime = world
    connector = HubSpotConnector(SourceConfig(base_url=runtime.settings.base_url("hubspot", "")))
    hubspot.broken = lambda call: recorded("empty.json")
    warnings = SyncWarnings()
    days = DateRange(FIRST - timedelta(days=40), FIRST - timedelta(days=31))
    assert list(connector.metric_points(Credentials(CREDS), days, warnings)) == []
    assert warnings.messages == [] and len(api.calls()) == 1


# --- past the 10,000-result cap ----------------------------------------------------------
def test_a_window_past_10000_contacts_is_read_whole_without_paging_past_the_cap(world):
    hubspot, api, runtime = world
    more = burst()
    hubspot.contacts = hubspot.contacts + more
    hubspot.page_size = 100
    cid = connect(runtime, "T1", "hubspot", CREDS).id
    before = len(api.calls())
    report = sync(runtime, cid)
    assert report.status == "ok", report.error
    assert hubspot.pages_after_cap == 0
    points = stored(runtime, cid)
    assert points == expected(extra=more)
    day = date(2026, 11, 12)
    fixture_day = sum(v for _m, d, _p, v in expected() if d == day)
    assert sum(v for _m, d, _p, v in points if d == day) == 10_250 + fixture_day
    # by hand: a fifth of the burst came from Instagram posts, a fifth from Facebook ads
    assert ("leads", day, "instagram", 2050.0 + _fixture(day, "instagram")) in points
    made = len(api.calls()) - before
    least = math.ceil((33 + 10_250) / 100)
    assert least <= made <= least + 1  # one restart re-reads the boundary contact
    restart = [c.json() for c in searches(api) if c.json().get("after") is None][1]
    in_window = sorted(
        millis(c["properties"]["createdate"])
        for c in hubspot.contacts
        if FIRST <= date.fromisoformat(c["properties"]["createdate"][:10]) <= LAST
    )
    # the second search starts at the 10,000th contact's instant
    assert restart["filterGroups"][0]["filters"][0]["value"] == str(in_window[9_999])


def _fixture(day: date, platform: str) -> float:
    return sum(v for _m, d, p, v in expected() if d == day and p == platform)


# --- connecting --------------------------------------------------------------------------
def test_impact_connect_asks_the_fields_and_checks_them(tmp_path):
    hubspot = HubSpot()
    with StandIn() as api:
        api.route("POST", SEARCH, hubspot.search)
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "IMPACT_SECRET_KEY": generate_key(),
            "IMPACT_HUBSPOT_BASE_URL": api.url,
            "IMPACT_LOG_LEVEL": "WARNING",
        }
        asked = CliRunner().invoke(
            main, ["connect", "hubspot", "--team", "T1"], input=f"{TOKEN}\nleads\nnone\n", env=env
        )
        scripted = CliRunner().invoke(
            main,
            ["connect", "hubspot", "--team", "T2", "--from-json", "-"],
            input=json.dumps({"access_token": TOKEN, "outcome": "signups"}),
            env=env,
        )
        wrong = CliRunner().invoke(
            main,
            ["connect", "hubspot", "--team", "T3", "--from-json", "-"],
            input=json.dumps({"access_token": TOKEN, "outcome": "customers"}),
            env=env,
        )
    assert asked.exit_code == 0, asked.output
    assert "Connected HubSpot (leads) (hubspot)" in asked.output
    assert scripted.exit_code == 0, scripted.output
    assert "Connected HubSpot (signups) (hubspot)" in scripted.output
    assert wrong.exit_code != 0 and "`leads` or `signups`, not 'customers'" in wrong.output
    assert TOKEN not in asked.output + scripted.output + wrong.output


def test_slash_connect_opens_the_token_form_and_connects(harness):  # noqa: F811
    hubspot = HubSpot()
    with StandIn() as api:
        api.route("POST", SEARCH, hubspot.search)
        object.__setattr__(harness.runtime.settings, "base_urls", {"hubspot": api.url})
        harness.command("connect hubspot")
        opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
        inputs = [b["block_id"] for b in opened["blocks"] if b["type"] == "input"]
        assert inputs == ["access_token", "outcome", "pipeline"]
        values = {
            name: {"value": {"type": "plain_text_input", "value": value}}
            for name, value in {**CREDS, "pipeline": "none"}.items()
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
                    "private_metadata": "hubspot|C1",
                    "state": {"values": values},
                },
            }
        )
        done = wait_for(lambda: harness.slack.requests("views.update"))
    assert "Connected *HubSpot (leads)*" in str(done[0]["view"]["blocks"])
    assert TOKEN not in str(harness.slack.requests("views.update"))
