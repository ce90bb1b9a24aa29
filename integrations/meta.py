"""What Facebook Pages and Instagram share: Graph API errors, and insights requests that
survive Meta retiring a metric.

Errors (platform-apis.md): `code 190` (subcodes 458, 460, 463, 467) and 401 mean the token
is gone -> AuthExpired; codes 4, 17, 32, 613, 80001, 80002 are rate limits -> RateLimited
(waiting `estimated_time_to_regain_access`); `code 100` naming a metric means Meta retired
it: asked together with others it fails the whole request, so the metric is dropped with a
warning and the request repeated without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import requests

from bot.core.model import DateRange
from bot.logconfig import scrub
from integrations.base import (
    AuthExpired,
    BadResponse,
    ConnectorError,
    RateLimited,
    SourceError,
    SyncWarnings,
)
from integrations.http import HttpClient

GRAPH_URL = "https://graph.facebook.com"
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002}


class RetiredMetric(SourceError):
    def __init__(self, message: str, metric: str | int | None) -> None:
        super().__init__(message, 400, 100)
        self.metric = metric


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
        return RetiredMetric(f"Meta refused a parameter: {message}", _named_metric(message))
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


def insights(
    client: HttpClient,
    path: str,
    metrics: Iterable[str],
    params: dict[str, Any],
    warnings: SyncWarnings,
    source: str,
) -> list[dict[str, Any]]:
    """The `data` of an insights call for `metrics`, minus any Meta has retired. A retired
    metric named by the error is dropped and the call repeated; when the error does not say
    which, each metric is asked alone so that one retired name costs only itself."""
    wanted = list(metrics)
    while wanted:
        try:
            return _data(
                client.request("GET", path, params={**params, "metric": ",".join(wanted)}), path
            )
        except RetiredMetric as err:
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
                for row in insights(client, path, [metric], params, warnings, source)
            ]
    return []


def _data(body: Any, path: str) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BadResponse(f"{path}.data", "is not a list")
    return data


def day_of(end_time: str) -> date:
    """Meta's `end_time` closes the day (Pacific): the value belongs to the day before."""
    return datetime.fromisoformat(end_time.replace("+0000", "+00:00")).date() - timedelta(days=1)


def day_params(days: DateRange) -> dict[str, str]:
    """`since`/`until` so that the answer's end_times cover exactly `days`."""
    return {
        "period": "day",
        "since": days.start.isoformat(),
        "until": (days.end + timedelta(days=1)).isoformat(),
    }
