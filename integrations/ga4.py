"""Google Analytics 4 (Data API `runReport`): outcomes by day, attributed to platforms.

One report per range: dimensions `date`, `sessionSource`, `sessionDefaultChannelGroup`;
metrics `sessions` (visits, attributed like the outcomes), `keyEvents` (conversions, renamed from `conversions` in 2024), `totalRevenue`, and
each key event the team maps to an outcome (`keyEvents:sign_up` -> signups). Paged by
`offset` until `rowCount`. Sources map to platforms with platform-apis.md's table; other
social traffic and everything else count as unattributed (all platforms only).

Credentials: `property_id` and one of `access_token`; `refresh_token` + `client_id` +
`client_secret` (user OAuth); or `service_account` (the JSON key), whose JWT is signed here
with `cryptography` and exchanged at the token URL for a one-hour token.
"""

from __future__ import annotations

import base64
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

import requests

from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from bot.logconfig import scrub
from integrations.base import (
    AuthExpired,
    BadResponse,
    ConnectorError,
    RateLimited,
    SourceConfig,
    SourceError,
    SyncWarnings,
)
from integrations.http import HttpClient

DATA_URL = "https://analyticsdata.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
PAGE_SIZE = 100_000
DEFAULT_KEY_EVENTS = {"sign_up": "signups", "generate_lead": "leads", "purchase": "orders"}

SOURCES = {
    "facebook": (
        "facebook.com",
        "m.facebook.com",
        "l.facebook.com",
        "lm.facebook.com",
        "fb",
        "facebook",
    ),
    "instagram": ("instagram.com", "l.instagram.com", "ig", "instagram"),
    "linkedin": ("linkedin.com", "lnkd.in", "linkedin"),
    "x": ("t.co", "x.com", "twitter.com", "twitter", "x"),
    "youtube": ("youtube.com", "m.youtube.com", "youtu.be", "youtube"),
    "tiktok": ("tiktok.com", "tiktok"),
}
_BY_SOURCE = {name: platform for platform, names in SOURCES.items() for name in names}


def attribute(session_source: str) -> str | None:
    """The platform a GA4 `sessionSource` (or utm_source) belongs to; None = unattributed."""
    key = session_source.strip().lower().removeprefix("www.")
    return _BY_SOURCE.get(key)


def _token_refused(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    """Google's token endpoint: 400 (`invalid_grant`), 401 or 403 mean the credentials no
    longer work; 429 and 5xx are left to the HTTP layer's retries."""
    if status in (400, 401, 403):
        return AuthExpired(f"Google refused the credentials (HTTP {status})")
    return None


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    if status < 400:
        return None
    error = body.get("error", {}) if isinstance(body, dict) else {}
    message = scrub(str(error.get("message") or f"HTTP {status}"))
    if status == 401 or error.get("status") == "UNAUTHENTICATED":
        return AuthExpired(f"Google refused the token: {message}")
    if status == 429 or error.get("status") == "RESOURCE_EXHAUSTED":
        return RateLimited(f"GA4 quota exhausted: {message}", None)
    if status >= 500:
        return None
    if status == 403:
        return SourceError(f"No access to this GA4 property: {message}", status)
    return SourceError(f"GA4 refused the report: {message}", status)


class GA4Connector:
    source: ClassVar[str] = "ga4"
    platform: ClassVar[str | None] = None
    max_days: ClassVar[int] = 90

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.client = HttpClient(config, self.source, classify)
        self._token: tuple[str, float] | None = None

    # --- auth ------------------------------------------------------------------------
    def _authorise(self, creds: Credentials) -> None:
        token = creds.get("access_token")
        if not token:
            if self._token is None or self._token[1] < time.time() + 60:
                self._token = self._fetch_token(creds)
            token = self._token[0]
        self.client.session.headers["Authorization"] = f"Bearer {token}"

    def _fetch_token(self, creds: Credentials) -> tuple[str, float]:
        url = self.config.token_url or TOKEN_URL
        if creds.get("service_account"):
            form = {
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": service_account_jwt(creds["service_account"], url),
            }
        elif creds.get("refresh_token"):
            form = {
                "grant_type": "refresh_token",
                "refresh_token": creds["refresh_token"],
                "client_id": creds.get("client_id", ""),
                "client_secret": creds.get("client_secret", ""),
            }
        else:
            raise AuthExpired("GA4 needs an access_token, a refresh_token or a service_account key")
        # through the HTTP layer: a dropped connection, a cut body, a 5xx or a 429 is retried
        # with backoff and then fails the sync as unavailable, never as an expired token
        # (which would pause the connection until someone reconnects it)
        tokens = HttpClient(
            replace(self.config, base_url=url), "Google's token endpoint", _token_refused
        )
        try:
            body = tokens.request("POST", url, form=form)
        finally:
            tokens.close()
        if not isinstance(body, dict) or not body.get("access_token"):
            raise BadResponse("access_token")
        return str(body["access_token"]), time.time() + float(body.get("expires_in", 3600))

    # --- contract --------------------------------------------------------------------
    def check(self, creds: Credentials) -> AccountInfo:
        self._authorise(creds)
        prop = str(creds["property_id"])
        self.client.request("GET", f"v1beta/properties/{prop}/metadata")
        return AccountInfo(prop, f"GA4 property {prop}", None)

    def metric_points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        self._authorise(creds)
        key_events = dict(creds.get("key_events") or DEFAULT_KEY_EVENTS)
        metrics = ["sessions", "keyEvents", "totalRevenue", *(f"keyEvents:{e}" for e in key_events)]
        names = {
            "sessions": "sessions",
            "keyEvents": "conversions",
            "totalRevenue": "revenue",
            **{f"keyEvents:{e}": m for e, m in key_events.items()},
        }
        totals: dict[tuple[date, str, str | None], float] = defaultdict(float)
        offset = 0
        while True:
            body = self.client.request(
                "POST",
                f"v1beta/properties/{creds['property_id']}:runReport",
                json_body={
                    "dateRanges": [
                        {"startDate": days.start.isoformat(), "endDate": days.end.isoformat()}
                    ],
                    "dimensions": [
                        {"name": "date"},
                        {"name": "sessionSource"},
                        {"name": "sessionDefaultChannelGroup"},
                    ],
                    "metrics": [{"name": m} for m in metrics],
                    "limit": PAGE_SIZE,
                    "offset": offset,
                    "returnPropertyQuota": True,
                },
            )
            rows = body.get("rows") or []
            headers = [h.get("name") for h in body.get("metricHeaders") or []] or metrics
            for index, row in enumerate(rows):
                try:
                    dims = [d["value"] for d in row["dimensionValues"]]
                    values = [float(v["value"]) for v in row["metricValues"]]
                    day = date(int(dims[0][:4]), int(dims[0][4:6]), int(dims[0][6:8]))
                except (KeyError, ValueError, IndexError, TypeError):
                    raise BadResponse(f"rows[{index}]") from None
                platform = attribute(dims[1])
                for name, value in zip(headers, values, strict=False):
                    if name in names and value:
                        totals[(day, names[name], platform)] += value
            offset += len(rows)
            if not rows or offset >= int(body.get("rowCount") or 0):
                break
        for (day, metric, platform), value in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        ):
            yield MetricPoint(metric, day, round(value, 4), platform)

    def posts(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        return iter(())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def service_account_jwt(key: Any, token_url: str, now: float | None = None) -> str:
    """An RS256-signed JWT for Google's token endpoint, from a service account JSON key."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    info = json.loads(key) if isinstance(key, str) else dict(key)
    issued = int(now if now is not None else time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": info.get("private_key_id", "")}
    claims = {
        "iss": info["client_email"],
        "scope": SCOPE,
        "aud": token_url,
        "iat": issued,
        "exp": issued + 3600,
    }
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    private_key = serialization.load_pem_private_key(info["private_key"].encode(), password=None)
    signature = private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
    return f"{signing_input}.{_b64(signature)}"
