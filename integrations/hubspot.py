"""HubSpot: contacts created per day -> `leads` (or `signups`), attributed by original source;
deals won in a pipeline the team names -> `revenue`.

`POST /crm/v3/objects/contacts/search` with a private app's access token (Bearer), one
filter group `createdate GTE <window start ms>` and `createdate LT <window end ms>`, the
properties `createdate`, `hs_analytics_source` and `hs_analytics_source_data_1`, sorted by
`createdate` ascending, `limit` 100, paged by sending back `paging.next.after` until it is
absent. Each contact counts once, on the day (UTC: the search gives no time zone, and
`createdate` is a UTC instant) it was created, as `leads`, or as `signups` when the team
said so at connect time (the `outcome` field, platform-apis.md).

Attribution (`hs_analytics_source`, HubSpot's "original source"): `SOCIAL_MEDIA` and
`PAID_SOCIAL` belong to the network `hs_analytics_source_data_1` names (HubSpot writes
`Facebook`, `LinkedIn`, `Twitter`, `Instagram`, `YouTube`, `TikTok`, `Pinterest`...; read
with the catalogue's platform names and aliases, then its referrer table, so `twitter` is X
and `facebook.com` Facebook); `EMAIL_MARKETING` is `email`; everything else (search, direct,
referrals, offline, a network Impact does not know) counts toward "all platforms" only.

The 10,000-result cap. A search answers at most 10,000 results per query: asking for
`after` >= 10000 is refused with a 400. Rather than halve a window by time until each half's
`total` fits (one wasted probe per split, and a day of a 12,000-contact import would need
splits down to minutes), a window is read in ascending `createdate` order up to the cap and
the search then starts again from the `createdate` of the last contact read (`GTE` that
instant), skipping the contacts already counted by id. Each restart re-reads at least that
one contact, so a window of n > 10,000 contacts costs ceil(n / 100) pages plus at most one
per restart; nothing is lost whatever the distribution. Only if more than 10,000 contacts
shared one millisecond could this not move on: then the rest of that millisecond is skipped
and the sync says so.

Rate limits: the search endpoints allow about 5 requests per second per account, so the
connector spaces its searches by 0.2 s; it also honours the `X-HubSpot-RateLimit-*` headers
when an answer carries them (`-Remaining` 0: wait `-Interval-Milliseconds`;
`-Secondly-Remaining` 0: wait a second). A 429 is retried after the interval the headers
name (1 s for the per-second policy) or `Retry-After`; a 429 of the `DAILY` policy is not
waited for (the sync stops as rate limited and the next one resumes from the cursor). 401 ->
AuthExpired (`needs_reauth`, data kept); 403 (a scope missing) -> SourceError naming the
scope; 5xx and truncated or non-JSON bodies are retried (`integrations.http`).

Checked with `search` (2026-11-23): the 10,000 cap and the 400 past it in HubSpot's search
guide "Limitations" as quoted in activepieces/activepieces PR #10160 and
HubSpot/hubspot-api-nodejs issue #132 (paging past 10,000 errors even in separate requests;
the advice is to narrow by date), estuary/connectors PR #1906 (splits such searches);
"five requests per second per account" for search in that same guide (raised from 1 and
then 4 per second, developers.hubspot.com/changelog "CRM Search API Rate Limit Increase");
pages of up to 200 since 2024 ("Increasing our API limits"), kept at 100 here as
platform-apis.md says. Headers: `X-HubSpot-RateLimit-Daily`, `-Daily-Remaining`,
`-Secondly`, `-Secondly-Remaining` (HubSpot changelog 2018-11-06), `-Max`, `-Remaining`,
`-Interval-Milliseconds` (platform-apis.md); a community thread (community.hubspot.com,
"Rate limit headers will now appear for OAuth authenticated calls") reports the search
endpoints answering without them, hence the connector's own spacing. Least privilege: a
private app with the one scope `crm.objects.contacts.read`.

Revenue, when the team names a deal pipeline at connect time (`pipeline`, its id; `none`
for no revenue): `POST /crm/v3/objects/deals/search` with `pipeline EQ <id>`,
`hs_is_closed_won EQ true` and `closedate` GTE/LT, paged and capped the same way; each won
deal's `amount` (a numeric string) is summed to the cent as `revenue` on its close day (UTC),
attributed by the deal's own `hs_analytics_source` / `_data_1` as contacts are. The currency
is each deal's `deal_currency_code`; like Stripe, the one most deals were won in is the
connector's `currency` (the sync sets the team's from it) and deals in another are left out
and said (a deal with no currency code is in the portal's, which the search does not
name: stored, the team's currency left as it is). A deal marked won later with a close date in a window already synced is read only
by a sync with `--since` reaching that day. This needs the second scope
`crm.objects.deals.read`, which connect checks with one deals search. (`hs_is_closed_won`
and `amount` as strings: HubSpot's sales-reporting skill notes (skills.sh/hubspot); deal
search: developers.hubspot.com/docs/api-reference/latest/crm/objects/deals/search-deals.)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint
from integrations.base import (
    AuthExpired,
    BadResponse,
    Budget,
    ConnectorError,
    RateLimited,
    SourceConfig,
    SourceError,
    SourceUnavailable,
    SyncWarnings,
)
from integrations.connector import HttpConnector, number, parse_time, refusal
from integrations.http import Ask, Classifier, HttpClient, dig, seconds_until_midnight

API_URL = "https://api.hubapi.com"
SEARCH = "crm/v3/objects/contacts/search"
DEALS_SEARCH = "crm/v3/objects/deals/search"
PAGE_SIZE = 100
#: A search answers at most this many results: `after` must stay below it.
RESULT_CAP = 10_000
PROPERTIES = ("createdate", "hs_analytics_source", "hs_analytics_source_data_1")
DEAL_PROPERTIES = (
    "closedate",
    "amount",
    "deal_currency_code",
    "hs_analytics_source",
    "hs_analytics_source_data_1",
)
OUTCOMES = ("leads", "signups")
SCOPE = "crm.objects.contacts.read"
DEALS_SCOPE = "crm.objects.deals.read"
SOCIAL = frozenset({"SOCIAL_MEDIA", "PAID_SOCIAL"})
#: Seconds between two searches: HubSpot allows about 5 a second per account.
SEARCH_SPACING = 0.2


class UnknownOutcome(ConnectorError):
    """The connect form's `outcome` is neither `leads` nor `signups`."""

    action = "connect {source} again with `leads` or `signups` as the outcome."

    def user_hint(self, source: str) -> str:
        return str(self)


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    if status < 400:
        return None
    message, category = refusal(body, status, "message", "category")
    if status == 401:
        return AuthExpired(f"HubSpot refused the access token (HTTP 401): {message}")
    if status == 403:
        return SourceError(
            f"HubSpot refused the search (HTTP 403, {category or 'forbidden'}): the private "
            f"app needs the scope {SCOPE} (and {DEALS_SCOPE} when a deal pipeline is named)",
            status,
            category,
        )
    if status == 429:
        policy = str(body.get("policyName", "")).upper() if isinstance(body, dict) else ""
        if policy == "DAILY":
            # until midnight UTC (the account's own may differ), never under an hour: past
            # the longest wait the client sleeps through, so the sync stops and resumes later
            wait = max(seconds_until_midnight(response), 3600.0)
            return RateLimited("HubSpot's daily request limit is used up (HTTP 429)", wait)
        return RateLimited(
            f"HubSpot rate limited (HTTP 429, {policy or 'burst'})", _interval(response)
        )
    if status >= 500:
        return SourceUnavailable(f"HubSpot error (HTTP {status}), retrying")
    return SourceError(f"HubSpot refused the search (HTTP {status}): {message}", status, category)


def _header_int(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _interval(response: requests.Response) -> float:
    """How long a 429 asks to wait: the window `-Interval-Milliseconds` names, else a
    second (the search endpoints' limit is per second)."""
    millis = _header_int(response, "X-HubSpot-RateLimit-Interval-Milliseconds")
    return millis / 1000 if millis and millis > 0 else 1.0


class HubSpotClient(HttpClient):
    """The shared client, spacing searches and honouring HubSpot's rate-limit headers."""

    def __init__(self, config: SourceConfig, source: str, classify: Classifier) -> None:
        super().__init__(config, source, classify)
        self._next_at = 0.0

    def _attempt(self, *args: Any) -> Any:
        wait = self._next_at - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._next_at = time.monotonic() + SEARCH_SPACING
        return super()._attempt(*args)

    def _respect_usage(self, response: requests.Response) -> None:
        if response.status_code >= 400:  # a 429's wait is the retry's
            return
        if _header_int(response, "X-HubSpot-RateLimit-Remaining") == 0:
            self.sleep(_interval(response))
        elif _header_int(response, "X-HubSpot-RateLimit-Secondly-Remaining") == 0:
            self.sleep(1.0)


@dataclass(frozen=True, slots=True)
class AfterPaging:
    """`paging.next.after` sent back in the body, stopping short of the 10,000 cap (the
    caller starts a new search from the last contact read)."""

    items: str = "results"

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        after = dig(body, "paging.next.after")
        if not items or after in (None, "") or _past_cap(after):
            return None
        return replace(ask, body={**(ask.body or {}), "after": str(after)})


def _past_cap(after: Any) -> bool:
    try:
        return int(after) >= RESULT_CAP
    except (TypeError, ValueError):
        return False


class HubSpotConnector(HttpConnector):
    source = "hubspot"
    platform = None
    max_days = 31
    #: the search API allows about 5 a second per portal: 4, the rest is the team's tools'
    budget = Budget(requests=40, seconds=10, per_account=True)
    base_url = API_URL
    classify = staticmethod(classify)
    metrics = frozenset({*OUTCOMES, "revenue"})
    settle_days = 1
    fields = (
        ("access_token", f"Private app access token (scope {SCOPE})", True),
        ("outcome", "Each new contact is: leads or signups (leads)", False),
        (
            "pipeline",
            f"Deal pipeline id whose won deals are revenue, or none (needs {DEALS_SCOPE})",
            False,
        ),
    )
    optional = frozenset({"outcome", "pipeline"})

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self.client = HubSpotClient(config, self.source, type(self).classify)
        self.clients = [self.client]
        #: The currency of the won deals' revenue (None until a deal with one is read).
        self.currency: str | None = None

    def account(self, creds: Credentials) -> AccountInfo:
        outcome = _outcome(creds)
        body = self.client.request(
            "POST", SEARCH, json_body={"properties": ["createdate"], "limit": 1}
        )
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise BadResponse("results", "is not a list")
        label = outcome
        if pipeline := _pipeline(creds):  # the deals scope too, and a pipeline that exists
            found = self.client.request(
                "POST",
                DEALS_SEARCH,
                json_body={
                    "filterGroups": [{"filters": [_equal("pipeline", pipeline)]}],
                    "limit": 1,
                },
            )
            if not isinstance(found, dict) or not isinstance(found.get("results"), list):
                raise BadResponse("results", "is not a list")
            label = f"{outcome}, revenue of pipeline {pipeline}"
        return AccountInfo("hubspot", f"HubSpot ({label})", None)

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        outcome = _outcome(creds)
        counts: Counter[tuple[date, str | None]] = Counter()
        start, end = _millis(days.start), _millis(days.end + timedelta(days=1))
        for at, props in self._search(SEARCH, "createdate", start, end, [], PROPERTIES, warnings):
            counts[(_day(at), _attribution(props))] += 1
        for (day, platform), count in sorted(
            counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        ):
            yield MetricPoint(outcome, day, float(count), platform)
        if pipeline := _pipeline(creds):
            yield from self._revenue(pipeline, start, end, warnings)

    def _revenue(
        self, pipeline: str, start: int, end: int, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        """Deals won in `pipeline`, their `amount` summed to the cent on their close day."""
        won = [_equal("pipeline", pipeline), _equal("hs_is_closed_won", "true")]
        cents: Counter[tuple[str, date, str | None]] = Counter()
        deals = self._search(DEALS_SEARCH, "closedate", start, end, won, DEAL_PROPERTIES, warnings)
        for at, props in deals:
            amount = number(props.get("amount"), "deals.properties.amount")
            if amount is None:
                continue  # a won deal with no amount brings no revenue
            currency = str(props.get("deal_currency_code") or "").strip().upper()
            cents[(currency, _day(at), _attribution(props))] += round(amount * 100)
        sales = Counter(c for (c, _d, _p) in cents)
        if not sales:
            return
        main = min(sales, key=lambda c: (-sales[c], c))
        if others := sorted(c for c in sales if c != main):
            warnings.add(
                f"HubSpot: deals won in {', '.join(o or 'no currency' for o in others)} "
                f"besides {main or 'no currency'}; they are left out (Impact converts no currency)."
            )
        self.currency = main or None
        for (currency, day, platform), value in sorted(
            cents.items(), key=lambda kv: (kv[0][1], kv[0][2] or "")
        ):
            if currency == main:
                yield MetricPoint("revenue", day, round(value / 100, 2), platform)

    def _search(
        self,
        path: str,
        prop: str,
        start: int,
        end: int,
        filters: list[dict[str, str]],
        properties: tuple[str, ...],
        warnings: SyncWarnings,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(`prop` in ms, properties) of each object whose `prop` is in [start, end), once,
        restarting from the last one read each time a search reaches the 10,000 cap."""
        seen: set[str] = set()
        while True:
            last: int | None = None
            capped = False
            ask = Ask("POST", path, body=_query(prop, start, end, filters, properties))
            for body, items in self.client.pages(ask, AfterPaging()):
                for at, found in enumerate(items):
                    where = f"results[{at}]"
                    if not isinstance(found, dict) or not found.get("id"):
                        raise BadResponse(f"{where}.id")
                    props = found.get("properties")
                    if not isinstance(props, dict):
                        raise BadResponse(f"{where}.properties", "is not an object")
                    moment = _instant(props.get(prop), f"{where}.properties.{prop}")
                    last = moment
                    if str(found["id"]) in seen:
                        continue
                    seen.add(str(found["id"]))
                    if not start <= moment < end:
                        raise BadResponse(f"{where}.properties.{prop}", "is outside the search")
                    yield moment, props
                capped = _past_cap(dig(body, "paging.next.after"))
            if not capped or last is None:
                return
            if last <= start:  # > 10,000 objects in one millisecond: move past it
                warnings.add(
                    f"HubSpot: more than 10,000 records have the same {prop} "
                    f"({datetime.fromtimestamp(start / 1000, UTC):%Y-%m-%d %H:%M:%S}); "
                    "those past the first 10,000 are not counted."
                )
                last = start + 1
            start = last


def _equal(prop: str, value: str) -> dict[str, str]:
    return {"propertyName": prop, "operator": "EQ", "value": value}


def _query(
    prop: str,
    start: int,
    end: int,
    filters: list[dict[str, str]],
    properties: tuple[str, ...],
) -> dict[str, Any]:
    return {
        "filterGroups": [
            {
                "filters": [
                    *filters,
                    {"propertyName": prop, "operator": "GTE", "value": str(start)},
                    {"propertyName": prop, "operator": "LT", "value": str(end)},
                ]
            }
        ],
        "properties": list(properties),
        "sorts": [{"propertyName": prop, "direction": "ASCENDING"}],
        "limit": PAGE_SIZE,
    }


def _day(millis: int) -> date:
    return datetime.fromtimestamp(millis / 1000, UTC).date()


def _pipeline(creds: Credentials) -> str | None:
    """The deal pipeline whose won deals are revenue; None when the team named none (empty,
    `none` or `-`: the connect forms ask every field)."""
    raw = str(creds.get("pipeline") or "").strip()
    return None if raw.lower() in ("", "none", "-") else raw


def _millis(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp()) * 1000


def _instant(value: Any, path: str) -> int:
    """A date property (`createdate`, `closedate`) as ms since the epoch: HubSpot answers
    an ISO instant (a ms string in some older answers)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    moment = parse_time(value, path)
    return int(moment.timestamp() * 1000)


def _outcome(creds: Credentials) -> str:
    raw = creds.get("outcome")
    outcome = str(raw or "leads").strip().lower() or "leads"
    if outcome not in OUTCOMES:
        raise UnknownOutcome(
            f"HubSpot's outcome must be `leads` or `signups`, not {str(raw)[:40]!r}: connect "
            "again with one of them (or leave it empty for leads)."
        )
    return outcome


def _attribution(props: dict[str, Any]) -> str | None:
    """The platform of a contact's original source, None when it is no platform's."""
    source = str(props.get("hs_analytics_source") or "").strip().upper()
    if source == "EMAIL_MARKETING":
        return "email" if "email" in catalogue.PLATFORMS else None
    if source not in SOCIAL:
        return None
    network = str(props.get("hs_analytics_source_data_1") or "").strip()
    if not network:
        return None
    platform = catalogue.canonical_platform(network) or catalogue.referrer_platform(network)
    return platform if platform and platform != "email" else None
