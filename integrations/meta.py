"""What Facebook Pages and Instagram share: the Graph version, its errors, the account check,
insights requests that survive Meta retiring a metric, and the day an `end_time` belongs to.

Errors (platform-apis.md): `code 190` (subcodes 458, 460, 463, 467) and 401 mean the token
is gone -> AuthExpired; codes 4, 17, 32, 613, 80001, 80002 are rate limits -> RateLimited
(waiting `estimated_time_to_regain_access`); `code 100` naming a metric means Meta retired
it: asked together with others it fails the whole request, so the metric is dropped with a
warning and the request repeated without it. `code 10` on one item's insights ("not enough
viewers") withholds that item's numbers only (`withheld=True` in `insights`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any, ClassVar

import requests

from bot.core import catalogue
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint
from bot.logconfig import scrub
from integrations.base import (
    AuthExpired,
    BadResponse,
    ConnectorError,
    MetricRefused,
    RateLimited,
    SourceError,
    SyncWarnings,
)
from integrations.connector import HttpConnector, need, number, parse_time
from integrations.http import HttpClient

GRAPH_URL = "https://graph.facebook.com"
#: The Graph API version when settings give none (`IMPACT_META_GRAPH_VERSION`).
GRAPH_VERSION = "v23.0"
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002}
#: "(#10) Not enough viewers for the media to show insights" and other permission refusals.
PERMISSION_CODE = 10


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    error = body.get("error") if isinstance(body, dict) else None
    if status < 400 and not error:
        return None
    if not isinstance(error, dict):
        if status == 401:
            return AuthExpired("Meta refused the token (HTTP 401)")
        return None  # the HTTP layer decides (5xx retried, other 4xx refused)
    code, message = error.get("code"), scrub(str(error.get("message", "")))
    if code == 190 or status == 401:
        return AuthExpired(
            f"Meta token invalid or expired (code {code}, subcode {error.get('error_subcode')})"
        )
    if code in RATE_LIMIT_CODES:
        return RateLimited(f"Meta rate limit (code {code}): {message}", None)
    if code == 100:
        return MetricRefused(
            f"Meta refused a parameter: {message}", _named_metric(message), status, code
        )
    if status >= 500:
        return None
    return SourceError(f"Meta error {code}: {message}", status, code)


def _named_metric(message: str) -> str | int | None:
    """The metric an error names: a name (`... metric foo ...`) or a position (`metric[2]`)."""
    if match := re.search(r"metric\[(\d+)\]", message):
        return int(match.group(1))
    if match := re.search(r"\bmetric[: ]+(?:`|')?([a-z_]+)", message):
        return match.group(1)
    return None


class MetaConnector(HttpConnector):
    """A Graph API account: `account_field` names its id in the credentials; `check` asks
    `?fields=id,<name_field>`."""

    base_url = GRAPH_URL
    classify = staticmethod(classify)
    account_field: ClassVar[str]
    name_field: ClassVar[str] = "name"
    #: The name Meta's warnings use (`Facebook`, `Instagram`).
    label: ClassVar[str]

    @property
    def version(self) -> str:
        return self.config.version or GRAPH_VERSION

    def node(self, creds: Credentials, edge: str = "") -> str:
        """`v23.0/<account id>[/edge]`."""
        account = need(creds, self.account_field, self.source)
        return f"{self.version}/{account}" + (f"/{edge}" if edge else "")

    def account(self, creds: Credentials) -> AccountInfo:
        body = self.client.request(
            "GET", self.node(creds), params={"fields": f"id,{self.name_field}"}
        )
        if not isinstance(body, dict) or "id" not in body:
            raise BadResponse(f"{self.account_field}.id")
        return AccountInfo(str(body["id"]), self.display_name(body), self.platform)

    def display_name(self, body: dict[str, Any]) -> str:
        return str(body.get(self.name_field) or body["id"])

    def insights(
        self,
        path: str,
        metrics: Iterable[str],
        params: dict[str, Any],
        warnings: SyncWarnings,
        *,
        withheld: bool = False,
    ) -> list[dict[str, Any]]:
        """`insights(...)` on this connector's client, warnings named after its label."""
        return insights(self.client, path, metrics, params, warnings, self.label, withheld=withheld)

    def series_points(self, data: list[dict[str, Any]], days: DateRange) -> Iterator[MetricPoint]:
        """Points of `period=day` series (`values[].end_time`), mapped by the catalogue; a
        series Impact does not use is passed over, a malformed value is a BadResponse."""
        for index, series in enumerate(data):
            metric = catalogue.canonical_metric(self.source, str(series.get("name", "")))
            values = series.get("values") or []
            if not isinstance(values, list):
                raise BadResponse(f"data[{index}].values", "is not a list")
            if metric is None:
                continue
            for at, value in enumerate(values):
                path = f"data[{index}].values[{at}]"
                amount = number(value.get("value") if isinstance(value, dict) else None, path)
                if not isinstance(value, dict) or amount is None:
                    continue
                day = day_of(value.get("end_time"), f"{path}.end_time")
                if day in days:
                    yield MetricPoint(metric, day, amount, self.platform)


def insights(
    client: HttpClient,
    path: str,
    metrics: Iterable[str],
    params: dict[str, Any],
    warnings: SyncWarnings,
    source: str,
    *,
    withheld: bool = False,
) -> list[dict[str, Any]]:
    """The `data` of an insights call for `metrics`, minus any Meta has retired. A retired
    metric named by the error is dropped and the call repeated; when the error does not say
    which, each metric is asked alone so that one retired name costs only itself. With
    `withheld`, a permission refusal (code 10, "not enough viewers") answers no data with a
    warning instead of failing: it concerns this one item."""
    wanted = list(metrics)
    while wanted:
        try:
            return _data(
                client.request("GET", path, params={**params, "metric": ",".join(wanted)}), path
            )
        except MetricRefused as err:
            named = err.metric
            if isinstance(named, int) and named < len(wanted):
                named = wanted[named]
            if isinstance(named, str) and named in wanted:
                wanted.remove(named)
                warnings.add(f"{source}: Meta no longer provides `{named}`; skipped it.")
                continue
            if len(wanted) == 1:
                warnings.add(f"{source}: Meta no longer provides `{wanted[0]}`; skipped it.")
                return []
            return [
                row
                for metric in wanted
                for row in insights(
                    client, path, [metric], params, warnings, source, withheld=withheld
                )
            ]
        except SourceError as err:
            if not (withheld and err.code == PERMISSION_CODE):
                raise
            warnings.add(f"{source}: Meta withheld the insights of some items ({err}).")
            return []
    return []


def _data(body: Any, path: str) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BadResponse(f"{path}.data", "is not a list")
    return data


def day_of(end_time: Any, path: str = "end_time") -> date:
    """Meta's `end_time` closes the day (Pacific): the value belongs to the day before."""
    return parse_time(end_time, path).date() - timedelta(days=1)


def day_params(days: DateRange) -> dict[str, str]:
    """`since`/`until` so that the answer's end_times cover exactly `days`."""
    return {
        "period": "day",
        "since": days.start.isoformat(),
        "until": (days.end + timedelta(days=1)).isoformat(),
    }
