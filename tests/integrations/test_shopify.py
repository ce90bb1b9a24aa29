"""Shopify through the real HTTP path into the database, against a local stand-in of the
GraphQL Admin API that answers from `tests/fixtures/shopify/`: it filters the shop's orders
(`orders.json`) by the query's `created_at` / `updated_at` terms, pages them with an opaque
cursor while `hasNextPage`, and keeps a cost bucket like Shopify's (requested cost checked
against what is available, the actual cost spent, restored per second of a clock that only the
sync's own waits move): a query over budget is answered THROTTLED with HTTP 200 and counted,
so a test can fail on it.

Stored money equals the fixtures' to the cent (refunds on the sale's day, attributed as the
sale), an interrupted sync resumed equals an uninterrupted one, an expired token marks
`needs_reauth` and keeps the data, passing failures (429, 5xx, a cut body, THROTTLED) are
retried, no token is logged, an empty period stores nothing, and Shopify connects from the
CLI (prompts and `--from-json`) and from Slack's token form."""

from __future__ import annotations

import io
import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.bootstrap import Runtime
from bot.cli import main
from bot.core.model import Credentials, DateRange, MetricPoint
from bot.services.connections import connect, list_connections
from bot.services.sync import sync_connection
from bot.settings import Settings
from integrations.base import ConnectorError, SourceConfig, SyncWarnings
from integrations.shopify import API_URL, ShopifyConnector
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.tables import MetricPointRow, Team
from tests.slack.conftest import harness, wait_for  # noqa: F401  (the Slack app harness)
from tests.support.standin import FIXTURES, Call, Reply, StandIn, json_file

FIRST, LAST = date(2026, 11, 8), date(2026, 11, 20)
TODAY = LAST + timedelta(days=1)
TOKEN = "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"
CREDS = {"shop": "river-keepers", "access_token": TOKEN}
PATH = "/admin/api/2025-10/graphql.json"
#: By hand, per order number (gid .../55000000NN): the platform its journey names ("" none).
ATTRIBUTION = {
    1: "instagram",  # utm ig
    2: "instagram",  # source instagram
    3: "facebook",
    4: "instagram",
    5: "facebook",  # source facebook
    6: "facebook",
    7: "instagram",  # referrer l.instagram.com
    8: "email",  # utm_medium email
    11: "linkedin",
    13: "x",  # first visit only: t.co
    14: "",  # last visit google: the first visit's ig is ignored
    15: "facebook",  # referrer www.facebook.com
    19: "",  # no journey
    20: "pinterest",
    21: "instagram",
}
COUNTED = {"PAID", "PARTIALLY_REFUNDED", "REFUNDED"}
#: The stand-in's cost model: per order node (order, two money bags of one money each, the
#: journey, two visits with their UTM objects) and per refunds-walk node; a connection's 2.
ORDER_COST, REFUNDED_COST = 10, 2


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def number(order: dict[str, Any]) -> int:
    return int(order["id"].rsplit("/", 1)[1]) - 5_500_000_000


@dataclass
class Shop:
    """The shop as of a sync: `broken` maps `orders` (both order walks) to the failure it
    answers instead; `page_size` caps a page; the bucket holds `maximum` points, restores
    `rate` a second of the virtual clock (the sum of the sync's waits)."""

    page_size: int = 3
    maximum: float = 1000.0
    rate: float = 50.0
    broken: dict[str, Callable[[Call], Reply]] = field(default_factory=dict)
    orders: list[dict[str, Any]] = field(
        default_factory=lambda: fixture("shopify/orders.json")["orders"]
    )
    waits: list[float] = field(default_factory=list)
    available: float | None = None
    updated: float = 0.0
    over_budget: int = 0
    #: The token's scopes: () is a token without read_orders.
    scopes: tuple[str, ...] = ("read_orders",)

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def cost(self, requested: float, actual: float | None) -> dict[str, Any]:
        status = {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": self.available,
            "restoreRate": self.rate,
        }
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": status,
            }
        }

    def answer(self, call: Call) -> Reply:
        assert call.headers["X-Shopify-Access-Token"] == TOKEN and not call.query
        asked = call.json()
        query, variables = asked["query"], asked["variables"]
        if "shop {" in query:
            if self.scopes == ():
                return json_file("shopify/access_denied.json")
            data = {"shop": fixture("shopify/orders.json")["shop"], "orders": {"nodes": []}}
            return Reply(200, {"data": data})
        if "orders" in self.broken:
            return self.broken["orders"](call)
        per_node = REFUNDED_COST if "refunds {" in query else ORDER_COST
        requested = 2 + variables["first"] * per_node
        now = sum(self.waits)
        held = self.maximum if self.available is None else self.available
        self.available = min(self.maximum, held + (now - self.updated) * self.rate)
        self.updated = now
        if requested > self.available + 1e-6:
            self.over_budget += 1
            body = fixture("shopify/throttled.json")
            return Reply(200, {**body, "extensions": self.cost(requested, None)})
        found = self.search(variables["query"], by_update="refunds {" in query)
        start = int(variables["after"].removeprefix("cursor-")) if variables["after"] else 0
        size = min(variables["first"], self.page_size)
        page = found[start : start + size]
        actual = 2 + len(page) * per_node
        self.available -= actual
        more = start + size < len(found)
        keep = ("id", "createdAt", "refunds") if per_node == REFUNDED_COST else None
        nodes = [
            {
                k: v
                for k, v in o.items()
                if (k in keep if keep else k not in ("updatedAt", "refunds"))
            }
            for o in page
        ]
        orders = {
            "nodes": nodes,
            "pageInfo": {
                "hasNextPage": more,
                "endCursor": f"cursor-{start + len(page)}" if page else None,
            },
        }
        return Reply(200, {"data": {"orders": orders}, "extensions": self.cost(requested, actual)})

    def search(self, text: str, by_update: bool) -> list[dict[str, Any]]:
        """Shopify's search terms as the connector writes them: `field:>='..Z'`, `field:<'..Z'`."""
        found = self.orders
        for term in text.split():
            name, rest = term.split(":", 1)
            key = {"created_at": "createdAt", "updated_at": "updatedAt"}[name]
            op, value = (">=", rest[2:]) if rest.startswith(">=") else ("<", rest[1:])
            bound = moment(value.strip("'"))
            found = [
                o
                for o in found
                if (moment(o[key]) >= bound if op == ">=" else moment(o[key]) < bound)
            ]
        return sorted(found, key=lambda o: o["updatedAt" if by_update else "createdAt"])


def routes(api: StandIn, shop: Shop) -> None:
    api.route("POST", PATH, shop.answer)


def expected(first: date = FIRST, last: date = LAST) -> set[tuple[str, date, str, float]]:
    """The fixtures' sums: counted orders of the days asked, and of the older days whose
    orders were refunded within them, in dollars to the cent."""
    orders = fixture("shopify/orders.json")["orders"]
    low, high = moment(f"{first}T00:00:00Z"), moment(f"{last + timedelta(days=1)}T00:00:00Z")
    days = {first + timedelta(days=i) for i in range((last - first).days + 1)}
    days |= {
        moment(o["createdAt"]).date()
        for o in orders
        if any(low <= moment(r["createdAt"]) < high for r in o["refunds"])
    }
    cents: dict[tuple[str, date, str], int] = defaultdict(int)
    for o in orders:
        day = moment(o["createdAt"]).date()
        if day not in days or o["cancelledAt"] or o["displayFinancialStatus"] not in COUNTED:
            continue
        platform = ATTRIBUTION[number(o)]
        cents[("revenue", day, platform)] += round(
            float(o["totalPriceSet"]["shopMoney"]["amount"]) * 100
        )
        cents[("refunds", day, platform)] += round(
            float(o["totalRefundedSet"]["shopMoney"]["amount"]) * 100
        )
        cents[("orders", day, platform)] += 100
    return {(m, d, p, round(v / 100, 2)) for (m, d, p), v in cents.items()}


def settings_for(url: str) -> Settings:
    return Settings.from_env({"IMPACT_SHOPIFY_BASE_URL": url, "IMPACT_HTTP_MAX_RETRIES": "2"})


@pytest.fixture
def world(engine):
    shop = Shop()
    with StandIn() as api:
        routes(api, shop)
        yield shop, api, Runtime(settings_for(api.url), engine, Vault(generate_key()))


def stored(runtime: Runtime, cid: int) -> set[tuple[str, date, str | None, float]]:
    with session_scope(runtime.engine) as s:
        rows = s.exec(select(MetricPointRow).where(MetricPointRow.connection_id == cid))
        return {(r.metric, r.day, r.platform, r.value) for r in rows}


def sync(runtime: Runtime, cid: int, shop: Shop, today: date = TODAY, since: date | None = FIRST):
    return sync_connection(runtime, cid, today=today, since=since, sleep=shop.sleep)


def team_currency(runtime: Runtime, team: str) -> str | None:
    with session_scope(runtime.engine) as s:
        row = s.get(Team, team)
        return json.loads(row.settings_json).get("currency") if row else None


def test_the_stored_money_equals_the_fixtures_to_the_cent_with_refunds_on_the_sale_day(world):
    shop, api, runtime = world
    info = connect(runtime, "T1", "shopify", CREDS)
    assert info.name == "River Keepers Shop (Shopify)"
    report = sync(runtime, info.id, shop)
    assert report.status == "ok", report.error
    assert report.days == DateRange(FIRST, LAST) and report.warnings == []
    points = stored(runtime, info.id)
    assert points == expected()
    # by hand: the $120.00 Instagram sale of Nov 3, $45.50 of it refunded on Nov 15, and
    # that day's other Instagram sale ($30.00): the day is read again whole
    assert ("revenue", date(2026, 11, 3), "instagram", 150.0) in points
    assert ("refunds", date(2026, 11, 3), "instagram", 45.5) in points
    assert ("orders", date(2026, 11, 3), "instagram", 2.0) in points
    assert ("revenue", date(2026, 11, 8), "facebook", 0.3) in points  # 0.10 + 0.20, exact
    assert ("refunds", date(2026, 11, 12), "linkedin", 150.0) in points  # refunded whole
    assert ("revenue", date(2026, 11, 10), "email", 42.42) in points
    assert not any(d == date(2026, 11, 4) for _m, d, _p, _v in points)  # fulfilled, not refunded
    assert not any(d == date(2026, 11, 21) for _m, d, _p, _v in points)  # not settled yet
    money = {v for m, _d, _p, v in points if m == "revenue"}
    assert not money & {88.0, 55.55, 99.99, 12.0, 40.0, 17.5}  # unpaid, cancelled, voided...
    assert team_currency(runtime, "T1") == "CAD"  # the shop's: the team had none
    assert all(TOKEN not in str(c.query) and "Authorization" not in c.headers for c in api.calls())
    assert shop.over_budget == 0


def test_an_interrupted_sync_resumed_equals_an_uninterrupted_one(world):
    shop, _api, runtime = world
    clean = connect(runtime, "TCLEAN", "shopify", CREDS).id
    assert sync(runtime, clean, shop).status == "ok"
    broken = connect(runtime, "TBROKEN", "shopify", CREDS).id
    assert sync(runtime, broken, shop, today=TODAY - timedelta(days=5)).status == "ok"
    shop.broken["orders"] = lambda call: Reply(502, "bad gateway")
    assert sync(runtime, broken, shop, since=None).status == "failing"
    shop.broken.clear()
    resumed = sync(runtime, broken, shop, since=None)
    assert resumed.status == "ok"
    assert resumed.days == DateRange(LAST - timedelta(days=4), LAST)  # from the cursor
    assert stored(runtime, broken) == stored(runtime, clean) == expected()


@pytest.mark.parametrize("status", [401, 403])
def test_an_expired_token_marks_needs_reauth_keeps_the_data_and_logs_no_token(
    world, caplog, status
):
    shop, api, runtime = world
    cid = connect(runtime, "T1", "shopify", CREDS).id
    with caplog.at_level("DEBUG"):
        assert sync(runtime, cid, shop).status == "ok"
        kept = stored(runtime, cid)
        refusal = json_file(f"shopify/error_{status}.json", status=status)
        shop.broken["orders"] = lambda call: refusal
        calls = len(api.calls())
        report = sync(runtime, cid, shop, today=TODAY + timedelta(days=2), since=None)
    assert report.status == "needs_reauth"
    assert len(api.calls()) == calls + 1  # refused at once, not retried
    assert stored(runtime, cid) == kept
    [info] = list_connections(runtime.engine, "T1")
    assert info.health == "needs_reauth" and "/impact connect shopify" in (info.hint or "")
    assert TOKEN not in caplog.text and TOKEN not in (report.error or "")
    assert "X-Shopify-Access-Token" not in caplog.text


def _cut(call: Call) -> Reply:
    text = (FIXTURES / "shopify/orders_truncated.txt").read_text(encoding="utf-8")
    return Reply(200, text.encode(), {"Content-Type": "application/json"})


PASSING = {
    "429": json_file("shopify/error_429.json", status=429, **{"Retry-After": "1"}),
    "503": json_file("shopify/error_503.json", status=503),
    "truncated body": _cut,
    "cut mid-transfer": Reply(200, fixture("shopify/empty.json"), cut_after=20),
    "THROTTLED with HTTP 200": json_file("shopify/throttled.json"),
}


@pytest.mark.parametrize("name", sorted(PASSING))
def test_a_passing_failure_is_retried_and_the_money_is_the_same(world, name):
    shop, _api, runtime = world
    cid = connect(runtime, "T1", "shopify", CREDS).id
    failure = PASSING[name]

    def once(call: Call) -> Reply:
        shop.broken.pop("orders", None)
        return failure(call) if callable(failure) else failure

    shop.broken["orders"] = once
    report = sync(runtime, cid, shop)
    assert report.status == "ok", report.error
    assert report.error is None and report.warnings == []  # nothing said to the user
    assert len(shop.waits) == 1
    if name == "THROTTLED with HTTP 200":  # (requested 502 - available 302) / 50 a second
        assert shop.waits == [4.0]
    if name == "429":
        assert shop.waits == [1.0]
    assert stored(runtime, cid) == expected()


def test_a_body_that_stays_truncated_fails_the_sync_and_stores_nothing(world):
    shop, api, runtime = world
    cid = connect(runtime, "T1", "shopify", CREDS).id
    shop.broken["orders"] = _cut
    before = len(api.calls())
    report = sync(runtime, cid, shop)
    assert report.status == "failing"
    assert "truncated or non-JSON" in (report.error or "")
    assert len(api.calls()) - before == 3  # the first try and two retries
    assert stored(runtime, cid) == set()


def test_a_missing_scope_is_said_and_not_retried(world):
    shop, api, runtime = world
    cid = connect(runtime, "T1", "shopify", CREDS).id
    shop.broken["orders"] = lambda call: json_file("shopify/access_denied.json")
    before = len(api.calls())
    report = sync(runtime, cid, shop)
    assert report.status == "failing" and "read_orders" in (report.error or "")
    assert len(api.calls()) == before + 1
    [info] = list_connections(runtime.engine, "T1")
    assert "read_orders" in (info.hint or "")


def test_a_token_without_read_orders_is_refused_at_connect_and_nothing_is_stored(world):
    shop, _api, runtime = world
    shop.scopes = ()
    with pytest.raises(ConnectorError) as refused:
        connect(runtime, "T1", "shopify", CREDS)
    assert "read_orders" in str(refused.value)
    assert list_connections(runtime.engine, "T1") == []


def test_an_empty_period_stores_nothing_and_is_not_an_error(world):
    shop, api, _runtime = world
    shop.broken["orders"] = lambda call: json_file("shopify/empty.json")
    connector = ShopifyConnector(SourceConfig(base_url=api.url, sleep=shop.sleep))
    warnings = SyncWarnings()
    before = DateRange(FIRST - timedelta(days=40), FIRST - timedelta(days=31))
    assert list(connector.metric_points(Credentials(CREDS), before, warnings)) == []
    assert warnings.messages == [] and connector.currency is None
    assert len(api.calls()) == 2  # the window's orders and its refunds: one empty page each


def test_the_pages_are_walked_with_the_cursor_each_answer_gives(world):
    shop, api, _runtime = world
    answers = [json_file("shopify/orders_page1.json"), json_file("shopify/orders_page2.json")]
    asked: list[dict[str, Any]] = []

    def recorded(call: Call) -> Reply:
        body = call.json()
        if "refunds {" in body["query"]:
            return json_file("shopify/empty.json")
        asked.append(body["variables"])
        return answers.pop(0)

    shop.broken["orders"] = recorded
    connector = ShopifyConnector(SourceConfig(base_url=api.url, sleep=shop.sleep))
    days = DateRange(FIRST, FIRST + timedelta(days=2))
    points = set(connector.metric_points(Credentials(CREDS), days, SyncWarnings()))
    assert [a["after"] for a in asked] == [
        None,
        fixture("shopify/orders_page1.json")["data"]["orders"]["pageInfo"]["endCursor"],
    ]
    assert (
        asked[0]["query"]
        == "created_at:>='2026-11-08T00:00:00Z' created_at:<'2026-11-11T00:00:00Z'"
    )
    sales = {
        (date(2026, 11, 8), "instagram", 19.99, 1),
        (date(2026, 11, 8), "facebook", 0.3, 2),
        (date(2026, 11, 9), "instagram", 64.0, 1),
        (date(2026, 11, 10), "email", 42.42, 1),
    }
    want = set()
    for day, platform, revenue, count in sales:
        want |= {
            MetricPoint("revenue", day, revenue, platform),
            MetricPoint("orders", day, float(count), platform),
            MetricPoint("refunds", day, 0.0, platform),
        }
    assert points == want
    assert connector.currency == "CAD"


def test_the_cost_budget_is_respected_before_shopify_has_to_throttle(world):
    shop, api, runtime = world
    shop.page_size, shop.maximum, shop.rate = 2, 600.0, 50.0
    cid = connect(runtime, "T1", "shopify", CREDS).id
    before = len(api.calls())
    report = sync(runtime, cid, shop)
    assert report.status == "ok", report.error
    assert shop.over_budget == 0  # never asked more than the bucket held
    assert sum(shop.waits) > 0  # it had to wait for the bucket to refill
    assert stored(runtime, cid) == expected()
    # and it asked no more than the paging needs (no THROTTLED retry)
    walks = [
        len(shop.search(f"created_at:>='{FIRST}T00:00:00Z' created_at:<'{TODAY}T00:00:00Z'", False))
    ]
    walks.append(
        len(
            shop.search(
                f"updated_at:>='{FIRST}T00:00:00Z' updated_at:<'{TODAY}T00:00:00Z' created_at:<'{FIRST}T00:00:00Z'",
                True,
            )
        )
    )
    walks.append(
        len(
            shop.search(
                "created_at:>='2026-11-03T00:00:00Z' created_at:<'2026-11-04T00:00:00Z'", False
            )
        )
    )
    assert len(api.calls()) - before == sum(max(1, math.ceil(n / 2)) for n in walks)


def test_the_stand_in_throttles_a_client_that_ignores_the_budget(world, monkeypatch):
    """The control for the test above: its bucket does catch a client over budget."""
    shop, _api, runtime = world
    shop.page_size, shop.maximum, shop.rate = 2, 600.0, 50.0
    monkeypatch.setattr(ShopifyConnector, "_wait_for_budget", lambda self, query: None)
    cid = connect(runtime, "T1", "shopify", CREDS).id
    sync(runtime, cid, shop)
    assert shop.over_budget > 0


@pytest.mark.parametrize(
    "typed",
    ["river-keepers", "River-Keepers.myshopify.com", "https://river-keepers.myshopify.com/"],
)
def test_shop_is_the_name_or_the_myshopify_domain(typed):
    connector = ShopifyConnector(SourceConfig(base_url=API_URL))
    connector.authorise(Credentials({"shop": typed, "access_token": TOKEN}))
    url = connector.client.url(connector.endpoint)
    assert url == "https://river-keepers.myshopify.com/admin/api/2025-10/graphql.json"
    assert connector.client.session.headers["X-Shopify-Access-Token"] == TOKEN


def test_a_shop_that_is_no_myshopify_name_is_refused_with_what_to_type():
    connector = ShopifyConnector(SourceConfig(base_url=API_URL))
    with pytest.raises(ConnectorError) as refused:
        connector.authorise(Credentials({"shop": "river keepers!", "access_token": TOKEN}))
    assert "`shop`" in str(refused.value) and "river-keepers.myshopify.com" in str(refused.value)


def _cli_env(tmp_path, url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "IMPACT_SECRET_KEY": generate_key(),
        "IMPACT_SHOPIFY_BASE_URL": url,
        "IMPACT_LOG_LEVEL": "WARNING",
    }


def test_impact_connect_shopify_asks_the_fields_and_checks_them(tmp_path):
    with StandIn() as api:
        routes(api, Shop())
        answers = "river-keepers.myshopify.com\n" + TOKEN + "\n"
        result = CliRunner().invoke(
            main,
            ["connect", "shopify", "--team", "T1"],
            input=answers,
            env=_cli_env(tmp_path, api.url),
        )
    assert result.exit_code == 0, result.output
    assert "Connected River Keepers Shop (Shopify) (shopify)" in result.output
    assert TOKEN not in result.output


def test_impact_connect_shopify_from_json(tmp_path):
    with StandIn() as api:
        routes(api, Shop())
        result = CliRunner().invoke(
            main,
            ["connect", "shopify", "--team", "T1", "--from-json", "-"],
            input=io.StringIO(json.dumps(CREDS)).read(),
            env=_cli_env(tmp_path, api.url),
        )
        refused = CliRunner().invoke(
            main,
            ["connect", "shopify", "--team", "T1", "--from-json", "-"],
            input=json.dumps({"shop": "not a shop", "access_token": TOKEN}),
            env=_cli_env(tmp_path, api.url),
        )
    assert result.exit_code == 0, result.output
    assert "Connected River Keepers Shop (Shopify) (shopify)" in result.output
    assert refused.exit_code != 0 and "`shop` must be" in refused.output
    assert TOKEN not in result.output + refused.output


def test_slash_connect_shopify_opens_the_token_form_and_connects(harness):  # noqa: F811
    with StandIn() as api:
        routes(api, Shop())
        object.__setattr__(harness.runtime.settings, "base_urls", {"shopify": api.url})
        harness.command("connect shopify")
        opened = wait_for(lambda: harness.slack.requests("views.open"))[0]["view"]
        inputs = [b["block_id"] for b in opened["blocks"] if b["type"] == "input"]
        assert inputs == ["shop", "access_token"]
        values = {
            name: {"value": {"type": "plain_text_input", "value": value}}
            for name, value in CREDS.items()
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
                    "private_metadata": "shopify|C1",
                    "state": {"values": values},
                },
            }
        )
        done = wait_for(lambda: harness.slack.requests("views.update"))
    assert "Connected *River Keepers Shop (Shopify)*" in str(done[0]["view"]["blocks"])
