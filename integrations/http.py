"""The HTTP layer every connector uses: one `requests.Session` per connection, a timeout on
every call, retries with exponential backoff and jitter on 429, 5xx, timeouts, dropped
connections and truncated bodies (honouring `Retry-After` and Meta's usage headers), never
on other 4xx, and typed errors whose text carries no secret.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from bot.logconfig import scrub
from integrations.base import (
    ConnectorError,
    RateLimited,
    SourceConfig,
    SourceError,
    SourceUnavailable,
)

log = logging.getLogger(__name__)

#: (status, parsed body, response) -> an error to raise or retry, or None when fine.
Classifier = Callable[[int, Any, requests.Response], ConnectorError | None]
USAGE_SLOWDOWN_PERCENT = 80
#: Request errors that say our request is wrong, not that the transport failed.
NOT_TRANSPORT = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)


def default_classifier(
    status: int, body: Any, response: requests.Response
) -> ConnectorError | None:
    if status < 400:
        return None
    message = body.get("error", {}).get("message") if isinstance(body, dict) else None
    return SourceError(scrub(str(message or f"HTTP {status}")), status)


class HttpClient:
    def __init__(
        self,
        config: SourceConfig,
        source: str,
        classify: Classifier = default_classifier,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.config, self.source, self.classify = config, source, classify
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": "impact-bot/0.1", **(headers or {})})
        self.sleep = config.sleep or time.sleep
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def url(self, path_or_url: str) -> str:
        """A path joined to the base URL, or a full URL (a `next` link) moved onto it."""
        base = urlsplit(self.config.base_url)
        if path_or_url.startswith(("http://", "https://")):
            parts = urlsplit(path_or_url)
            base_path = base.path.rstrip("/")
            path = parts.path if parts.path.startswith(base_path) else base_path + parts.path
            return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
        return self.config.base_url.rstrip("/") + "/" + path_or_url.lstrip("/")

    def backoff(self, attempt: int) -> float:
        return min(60.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The parsed JSON body. Raises the classifier's error, or after the retries
        RateLimited / SourceUnavailable."""
        url = self.url(path)
        error: ConnectorError = SourceUnavailable("no attempt made")
        for attempt in range(self.config.max_retries + 1):
            wait = self.backoff(attempt)
            try:
                self.requests_made += 1
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=form,
                    headers=headers,
                    timeout=self.config.timeout_seconds,
                )
            except requests.Timeout:
                error = SourceUnavailable(
                    f"{self.source} timed out after {self.config.timeout_seconds:g} s"
                )
            except requests.ConnectionError as err:
                error = SourceUnavailable(
                    scrub(f"{self.source} connection failed: {type(err).__name__}")
                )
            except NOT_TRANSPORT as err:  # our request is malformed: retrying cannot help
                raise SourceError(
                    f"{self.source} request could not be sent: {type(err).__name__}"
                ) from None
            except requests.RequestException as err:
                # a body cut off mid-transfer (ChunkedEncodingError), a body that does not
                # decompress (ContentDecodingError), anything else on the wire: retryable.
                # Only the type is kept: the exception's text may hold the URL and its token.
                error = SourceUnavailable(f"{self.source} {_transport_failure(err)}")
            else:
                self._respect_usage(response)
                body, problem = self._read(response)
                if problem is None:
                    return body
                if not isinstance(problem, RateLimited | SourceUnavailable):
                    raise problem
                error = problem
                if isinstance(problem, RateLimited) and problem.retry_after is not None:
                    wait = problem.retry_after
            if attempt == self.config.max_retries:
                break
            log.info(
                "http.retry source=%s attempt=%s wait=%.1fs reason=%s",
                self.source,
                attempt + 1,
                wait,
                scrub(str(error)),
            )
            self.sleep(wait)
        raise error

    def _read(self, response: requests.Response) -> tuple[Any, ConnectorError | None]:
        status = response.status_code
        retry_after = _retry_after(response)
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            body = None
            if status < 400 or status >= 500 or status == 429:
                kind = "rate limited" if status == 429 else "answered a truncated or non-JSON body"
                problem: ConnectorError = (
                    RateLimited(f"{self.source} {kind}", retry_after)
                    if status == 429
                    else SourceUnavailable(f"{self.source} {kind} (HTTP {status})")
                )
                return None, problem
        if status == 429:
            return body, RateLimited(f"{self.source} rate limited (HTTP 429)", retry_after)
        problem = self.classify(status, body, response)
        if isinstance(problem, RateLimited) and problem.retry_after is None:
            problem.retry_after = retry_after
        if problem is None and status >= 500:
            problem = SourceUnavailable(f"{self.source} server error (HTTP {status})")
        if problem is None and status >= 400:
            problem = SourceError(f"{self.source} refused the request (HTTP {status})", status)
        return body, problem

    def _respect_usage(self, response: requests.Response) -> None:
        """Slow down before a platform's usage headers reach their limit (Meta: percent)."""
        for header in ("X-App-Usage", "X-Page-Usage"):
            raw = response.headers.get(header)
            if not raw:
                continue
            try:
                usage = json.loads(raw)
            except ValueError:
                continue
            peak = max((v for v in usage.values() if isinstance(v, int | float)), default=0)
            if peak >= USAGE_SLOWDOWN_PERCENT:
                pause = (peak - USAGE_SLOWDOWN_PERCENT) / 10
                log.info(
                    "http.usage_high source=%s header=%s percent=%s pause=%.1fs",
                    self.source,
                    header,
                    peak,
                    pause,
                )
                self.sleep(pause)

    def pages_by_next(
        self, path: str, params: Mapping[str, Any] | None = None, data_key: str = "data"
    ) -> Iterator[list[Any]]:
        """Follow `paging.next` full URLs until absent (Meta's Graph API)."""
        body = self.request("GET", path, params=params)
        while True:
            yield list(body.get(data_key) or [])
            following = (body.get("paging") or {}).get("next")
            if not following:
                return
            body = self.request("GET", following)


def _transport_failure(err: requests.RequestException) -> str:
    """What went wrong on the wire, in words, with the exception's type and no URL."""
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        what = "cut its answer off mid-transfer"
    elif isinstance(err, requests.exceptions.ContentDecodingError):
        what = "sent an answer that does not decompress"
    else:
        what = "answer could not be read"
    return f"{what} ({type(err).__name__})"


def _retry_after(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            return None
    buc = response.headers.get("X-Business-Use-Case-Usage")
    if buc:
        try:
            entries = [e for values in json.loads(buc).values() for e in values]
        except (ValueError, AttributeError, TypeError):
            return None
        minutes = max((e.get("estimated_time_to_regain_access", 0) for e in entries), default=0)
        return float(minutes) * 60 if minutes else None
    return None
