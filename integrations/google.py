"""What the Google sources (GA4, YouTube) share: Google's error shape and the tokens.

Credentials carry one of: an `access_token`; a `refresh_token` with `client_id` and
`client_secret` (a user's OAuth login); or a `service_account` JSON key, whose JWT is
signed here with `cryptography` for the source's scope. Tokens are exchanged at the token
URL (`SourceConfig.token_url`, else Google's) through the same `HttpClient` as every call:
a dropped connection, a cut body, a 5xx or a 429 there is retried and then fails the sync
as unavailable; only a 400/401/403 is an expired credential, which pauses the connection
until someone reconnects it. A token is reused until a minute before it expires.

Errors (platform-apis.md, Google's shape `{"error": {"code", "message", "status"}}`): 401
or `UNAUTHENTICATED` -> AuthExpired; 429 or `RESOURCE_EXHAUSTED` -> RateLimited; 403
`PERMISSION_DENIED` -> SourceError (no access); YouTube's 403 `quotaExceeded` is the daily
quota (resets at midnight Pacific) -> RateLimited.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import replace
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import requests

from bot.core.model import Credentials
from bot.logconfig import scrub
from integrations.base import (
    AuthExpired,
    BadResponse,
    ConnectorError,
    MissingCredential,
    RateLimited,
    SourceConfig,
    SourceError,
)
from integrations.connector import HttpConnector
from integrations.http import HttpClient, seconds_until_midnight

TOKEN_URL = "https://oauth2.googleapis.com/token"
#: Reasons in `error.errors[].reason` that mean a quota, not a permission.
QUOTA_REASONS = {
    "quotaExceeded",
    "rateLimitExceeded",
    "userRateLimitExceeded",
    "dailyLimitExceeded",
}
#: Of those, the daily ones: they come back at midnight Pacific, so waiting is pointless.
DAILY_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
PACIFIC = ZoneInfo("America/Los_Angeles")


def classify(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    if status < 400:
        return None
    error = body.get("error", {}) if isinstance(body, dict) else {}
    error = error if isinstance(error, dict) else {}
    message = scrub(str(error.get("message") or f"HTTP {status}"))
    reasons = {e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)}
    if status == 401 or error.get("status") == "UNAUTHENTICATED":
        return AuthExpired(f"Google refused the token: {message}")
    if status == 429 or error.get("status") == "RESOURCE_EXHAUSTED" or reasons & QUOTA_REASONS:
        daily = seconds_until_midnight(response, PACIFIC) if reasons & DAILY_REASONS else None
        return RateLimited(f"Google quota exhausted: {message}", daily)
    if status >= 500:
        return None
    if status == 403:
        return SourceError(f"No access to this Google account's data: {message}", status)
    return SourceError(f"Google refused the request: {message}", status)


def _token_refused(status: int, body: Any, response: requests.Response) -> ConnectorError | None:
    """Google's token endpoint: 400 (`invalid_grant`), 401 or 403 mean the credentials no
    longer work; 429 and 5xx are left to the HTTP layer's retries."""
    if status in (400, 401, 403):
        return AuthExpired(f"Google refused the credentials (HTTP {status})")
    return None


class GoogleConnector(HttpConnector):
    """A Google API source: tokens from any of the three credential forms."""

    classify = staticmethod(classify)
    #: The OAuth scope a service account's JWT asks for.
    scope: ClassVar[str]

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self._token: tuple[str, float] | None = None

    def authorise(self, creds: Credentials) -> None:
        token = creds.get("access_token")
        if not token:
            if self._token is None or self._token[1] < time.time() + 60:
                self._token = self._fetch_token(creds)
            token = self._token[0]
        for client in self.clients:
            client.bearer(str(token))

    def _fetch_token(self, creds: Credentials) -> tuple[str, float]:
        url = self.config.token_url or TOKEN_URL
        if creds.get("service_account"):
            form = {
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": service_account_jwt(creds["service_account"], url, self.scope),
            }
        elif creds.get("refresh_token"):
            for name in ("client_id", "client_secret"):  # the OAuth client that issued it
                if not creds.get(name):
                    raise MissingCredential(self.source, name)
            form = {
                "grant_type": "refresh_token",
                "refresh_token": creds["refresh_token"],
                "client_id": creds.get("client_id", ""),
                "client_secret": creds.get("client_secret", ""),
            }
        else:
            raise MissingCredential(self.source, "access_token (or refresh_token)")
        body = token_request(self.config, url, form)
        return str(body["access_token"]), time.time() + float(body.get("expires_in", 3600))


def token_request(config: SourceConfig, url: str, form: dict[str, Any]) -> dict[str, Any]:
    """POST `form` to Google's token endpoint with the shared client: the answer, which has
    an `access_token`. AuthExpired when Google refuses the credentials."""
    tokens = HttpClient(replace(config, base_url=url), "Google's token endpoint", _token_refused)
    try:
        body = tokens.request("POST", url, form=form)
    finally:
        tokens.close()
    if not isinstance(body, dict) or not body.get("access_token"):
        raise BadResponse("access_token")
    return body


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def service_account_jwt(key: Any, token_url: str, scope: str, now: float | None = None) -> str:
    """An RS256-signed JWT for Google's token endpoint, from a service account JSON key."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        info = json.loads(key) if isinstance(key, str) else dict(key)
        email, pem = info["client_email"], info["private_key"]
    except (ValueError, TypeError, KeyError):
        raise SourceError("the service account key is not a Google JSON key") from None
    issued = int(now if now is not None else time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": info.get("private_key_id", "")}
    claims = {"iss": email, "scope": scope, "aud": token_url, "iat": issued, "exp": issued + 3600}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    private_key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise SourceError("the service account key is not an RSA key (Google's are)")
    signature = private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"
