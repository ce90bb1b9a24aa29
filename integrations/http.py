"""The HTTP client every connector and platform login uses, and the paging styles they share.

One `requests.Session` per connection, a timeout on every call, typed errors whose text
carries no URL and no secret. Retries are `tenacity`'s: exponential backoff with jitter on
429, 5xx, timeouts, dropped connections and bodies cut off or not JSON, honouring
`Retry-After` (and Meta's `estimated_time_to_regain_access`), never on other 4xx.

Why tenacity rather than urllib3's `Retry` on the adapter: every decision here may need
the body. A 200 whose body stops mid-transfer is only found when `requests` reads it, after
the adapter has returned; Meta says "rate limited" in a 400's JSON (codes 4, 17, 32...).
urllib3 sees neither, and stacking both layers would multiply the attempts. So one policy,
one budget (`SourceConfig.max_retries`), decided on the parsed answer by the source's
classifier.

Paging styles are data (`NextLink`, `TokenPaging`, `OffsetPaging`): a connector says which
one its endpoint uses and `HttpClient.pages` walks it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from bot.logconfig import scrub
from integrations.base import (
    BadResponse,
    ConnectorError,
    DoNotRetry,
    RateLimited,
    SourceConfig,
    SourceError,
    SourceUnavailable,
)

log = logging.getLogger(__name__)

#: (status, parsed body, response) -> an error to raise or retry, or None when fine.
Classifier = Callable[[int, Any, requests.Response], ConnectorError | None]
#: A classifier held on a class (`HttpConnector.classify`), so it is not bound as a method.
StaticClassifier: TypeAlias = "staticmethod[[int, Any, requests.Response], ConnectorError | None]"
USAGE_SLOWDOWN_PERCENT = 80
#: Request errors that say our request is wrong, not that the transport failed.
NOT_TRANSPORT = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)
#: A source that asks to wait longer than this (a daily quota until midnight) is not waited
#: for: the sync stops as rate limited and the next one resumes from its cursor.
MAX_WAIT_SECONDS = 900.0


def _worth_retrying(error: BaseException) -> bool:
    if isinstance(error, RateLimited):
        return error.retry_after is None or error.retry_after <= MAX_WAIT_SECONDS
    return isinstance(error, SourceUnavailable)


def default_classifier(
    status: int, body: Any, response: requests.Response
) -> ConnectorError | None:
    if status < 400:
        return None
    message = body.get("error", {}).get("message") if isinstance(body, dict) else None
    return SourceError(scrub(str(message or f"HTTP {status}")), status)


class _Backoff(wait_exponential_jitter):
    """Exponential with jitter, unless the source said how long to wait."""

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return error.retry_after
        return float(super().__call__(retry_state))


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

    def close(self) -> None:
        self.session.close()

    def bearer(self, token: str) -> None:
        """Send `token` as a bearer header: never in a URL, so never in a log."""
        self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path_or_url: str) -> str:
        """A path joined to the base URL, or a full URL (a `next` link) moved onto it."""
        base = urlsplit(self.config.base_url)
        if path_or_url.startswith(("http://", "https://")):
            parts = urlsplit(path_or_url)
            base_path = base.path.rstrip("/")
            path = parts.path if parts.path.startswith(base_path) else base_path + parts.path
            return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
        return self.config.base_url.rstrip("/") + "/" + path_or_url.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int | None = None,
    ) -> Any:
        """The parsed JSON body. Raises the classifier's error at once, or after the retries
        (`retries`, default the config's) RateLimited / SourceUnavailable."""
        url = self.url(path)
        attempts = (self.config.max_retries if retries is None else retries) + 1
        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=_Backoff(multiplier=0.5, max=60, jitter=0.25),
            retry=retry_if_exception(_worth_retrying),
            sleep=self.sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        return retrying(self._attempt, method, url, params, json_body, form, headers)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        form: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> Any:
        if self.config.take is not None:
            self.config.take()  # a token of the source's budget (retries included)
        try:
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
            raise SourceUnavailable(
                f"{self.source} timed out after {self.config.timeout_seconds:g} s"
            ) from None
        except requests.ConnectionError as err:
            raise SourceUnavailable(
                scrub(f"{self.source} connection failed: {type(err).__name__}")
            ) from None
        except NOT_TRANSPORT as err:  # our request is malformed: retrying cannot help
            raise SourceError(
                f"{self.source} request could not be sent: {type(err).__name__}"
            ) from None
        except requests.RequestException as err:
            # a body cut off mid-transfer (ChunkedEncodingError), a body that does not
            # decompress (ContentDecodingError), anything else on the wire: retryable.
            # Only the type is kept: the exception's text may hold the URL and its token.
            raise SourceUnavailable(f"{self.source} {_transport_failure(err)}") from None
        self._respect_usage(response)
        body, problem = self._read(response)
        if problem is not None:
            raise problem
        return body

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.info(
            "http.retry source=%s attempt=%s wait=%.1fs reason=%s",
            self.source,
            state.attempt_number,
            state.upcoming_sleep,
            scrub(str(error)),
        )

    def _read(self, response: requests.Response) -> tuple[Any, ConnectorError | None]:
        status = response.status_code
        retry_after = _retry_after(response)
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            body = None
            if status < 400 or status >= 500 or status == 429:
                kind = "rate limited" if status == 429 else "answered a truncated or non-JSON body"
                problem: ConnectorError | None = (
                    RateLimited(f"{self.source} {kind}", retry_after)
                    if status == 429
                    else SourceUnavailable(f"{self.source} {kind} (HTTP {status})")
                )
                return None, problem
        problem = self.classify(status, body, response)
        if status == 429 and not isinstance(problem, RateLimited | DoNotRetry):
            problem = RateLimited(f"{self.source} rate limited (HTTP 429)", retry_after)
        if isinstance(problem, RateLimited) and retry_after is not None:
            problem.retry_after = retry_after  # the answer's own header says best
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

    # --- paging --------------------------------------------------------------------------
    def pages(self, ask: Ask, paging: Paging) -> Iterator[tuple[Any, list[Any]]]:
        """Each answer of a paged endpoint with its items, until the paging style says the
        last page was read. A page whose items are not a list is a BadResponse."""
        following: Ask | None = ask
        while following is not None:
            body = self.request(
                following.method, following.path, params=following.params, json_body=following.body
            )
            items = dig(body, paging.items)
            if items is None:
                items = []
            if not isinstance(items, list):
                raise BadResponse(paging.items, "is not a list")
            yield body, items
            following = paging.following(following, body, items)

    def pages_by_next(
        self, path: str, params: Mapping[str, Any] | None = None, data_key: str = "data"
    ) -> Iterator[list[Any]]:
        """Follow `paging.next` full URLs until absent (Meta's Graph API)."""
        for _body, items in self.pages(Ask("GET", path, dict(params or {})), NextLink(data_key)):
            yield items


@dataclass(frozen=True, slots=True)
class Ask:
    """One request of a paged walk."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None


class Paging(Protocol):
    @property
    def items(self) -> str:
        """Where the items are in an answer (dotted path)."""
        ...

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        """The next request, or None after the last page."""
        ...


@dataclass(frozen=True, slots=True)
class NextLink:
    """A full URL to the next page in the answer (Meta's `paging.next`); its query carries
    the cursor and the original parameters."""

    items: str = "data"
    link: str = "paging.next"

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        link = dig(body, self.link)
        return Ask(ask.method, str(link)) if link else None


@dataclass(frozen=True, slots=True)
class TokenPaging:
    """An opaque token in the answer, sent back as a parameter (Google `nextPageToken`)."""

    items: str
    token: str = "nextPageToken"
    param: str = "pageToken"

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        token = dig(body, self.token)
        if not token:
            return None
        return replace(ask, params={**(ask.params or {}), self.param: token})


@dataclass(frozen=True, slots=True)
class OffsetPaging:
    """A start index moved by the page size until the answer's total is reached, or a page
    comes back short (`total` absent). `in_body` puts the offset in a JSON body (GA4)."""

    items: str
    param: str = "offset"
    size: int = 100
    total: str | None = None
    in_body: bool = False

    def following(self, ask: Ask, body: Any, items: list[Any]) -> Ask | None:
        where = (ask.body if self.in_body else ask.params) or {}
        offset = int(where.get(self.param) or 0) + len(items)
        total = dig(body, self.total) if self.total else None
        if not items:
            return None
        if total is not None:
            if offset >= int(total):
                return None
        elif len(items) < self.size:
            return None
        moved = {**where, self.param: offset}
        return replace(ask, body=moved) if self.in_body else replace(ask, params=moved)


def dig(body: Any, dotted: str) -> Any:
    """`body["a"]["b"]` for `"a.b"`; None where a step is missing or not an object."""
    for key in dotted.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def seconds_until_midnight(response: requests.Response, zone: tzinfo = UTC) -> float:
    """Seconds from the answer's `Date` (else now) to the next midnight in `zone`: when a
    daily quota that resets then comes back (LinkedIn: UTC; YouTube: Pacific)."""
    try:
        now = parsedate_to_datetime(response.headers["Date"]).astimezone(zone)
    except (KeyError, TypeError, ValueError):
        now = datetime.now(zone)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), zone)
    return (midnight - now).total_seconds()


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
