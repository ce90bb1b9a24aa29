"""What every HTTP connector shares, so that a source module is mostly data.

A source subclasses `HttpConnector` and declares: its name and platform, the largest range
one call may ask for, its default base URL, its credential fields, its error classifier and
(for sources not behind a bearer token) how to authorise. The subclass then writes only what
is truly its own: which endpoints answer `check`, `metric_points` and `posts`, and how their
JSON becomes records (with `number` and `parse_time`, which treat a malformed value the same
way in every source).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord
from bot.logconfig import scrub
from integrations.base import BadResponse, Budget, MissingCredential, SourceConfig, SyncWarnings
from integrations.http import HttpClient, StaticClassifier, default_classifier
from integrations.tokens import TokenEndpoint, can_renew, renew, renewal_due

#: (JSON key, label shown when asking for it, secret?)
Field = tuple[str, str, bool]


class HttpConnector:
    source: ClassVar[str]
    platform: ClassVar[str | None]
    max_days: ClassVar[int]
    #: The real API's base URL; `IMPACT_<SOURCE>_BASE_URL` replaces it.
    base_url: ClassVar[str]
    #: The credential fields, in the order they are asked.
    fields: ClassVar[tuple[Field, ...]]
    #: Those of `fields` that may be left empty (alternatives, such as YouTube's access
    #: token or refresh token); the connector says which are missing when it checks.
    optional: ClassVar[frozenset[str]] = frozenset()
    classify: ClassVar[StaticClassifier] = staticmethod(default_classifier)
    #: The catalogue metrics this source stores per day (None: whatever the team maps, GA4).
    metrics: ClassVar[frozenset[str] | None] = None
    #: Days a day's numbers take to settle at the source: a sync reads up to
    #: `today - settle_days`, so that the cursor never passes a day the API cannot serve yet.
    settle_days: ClassVar[int] = 1
    #: Where this source's access tokens are renewed with a refresh token (None: they are
    #: not, or the source does it its own way, as Google's do).
    renewal: ClassVar[TokenEndpoint | None] = None
    #: What every worker together may send to this source (`bot.budgets`): the part of the
    #: platform's quota for this app that syncs use, in a window of at most a minute
    #: (daily quotas are met by the source's 429s, which end a sync until the next).
    budget: ClassVar[Budget] = Budget(requests=20, seconds=10)

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        #: The fields of this connector's renewal, once it renewed (one per instance).
        self._renewed: dict[str, Any] | None = None
        self.client = HttpClient(config, self.source, type(self).classify, self.headers())
        #: Every client of this connector (a source with two hosts has two): all get the token.
        self.clients = [self.client]

    # --- what a subclass may override -------------------------------------------------
    def headers(self) -> dict[str, str]:
        """Headers every request of this source carries (API versions)."""
        return {}

    def authorise(self, creds: Credentials) -> None:
        """Put the credentials on the clients; a bearer `access_token` by default."""
        token = self.access_token(creds)
        for client in self.clients:
            client.bearer(token)

    def access_token(self, creds: Credentials) -> str:
        """The access token to send: the stored one, or, for a source with a `renewal` whose
        credentials can renew, a new one when the stored one is missing or about to expire.
        The new fields go to `config.renewed` at once (TikTok's refresh token works once)."""
        if self.renewal is not None and can_renew(self.renewal, creds):
            if self._renewed is None and renewal_due(creds):
                moved = self.config.base_url.rstrip("/") != type(self).base_url.rstrip("/")
                fresh = renew(
                    self.renewal, self.config, creds, self.config.base_url if moved else None
                )
                self._renewed = fresh
                if self.config.renewed is not None:
                    self.config.renewed(dict(fresh))
            if self._renewed is not None:
                return str(self._renewed["access_token"])
        return need(creds, "access_token", self.source)

    def account(self, creds: Credentials) -> AccountInfo:
        """Who the (authorised) credentials belong to: one cheap call."""
        raise NotImplementedError

    def points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        raise NotImplementedError

    def items(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        return iter(())

    # --- the Connector contract -------------------------------------------------------
    def check(self, creds: Credentials) -> AccountInfo:
        self.authorise(creds)
        return self.account(creds)

    def metric_points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        self.authorise(creds)
        yield from self.points(creds, days, warnings)

    def posts(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        self.authorise(creds)
        yield from self.items(creds, days)

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def today(self) -> date:
        """The API's "today" (UTC), for windows the source counts back from the request
        date; `SourceConfig.extra["today"]` fixes it in tests."""
        fixed = self.config.extra.get("today")
        return date.fromisoformat(fixed) if fixed else datetime.now(UTC).date()


def need(creds: Credentials, name: str, source: str) -> str:
    """A credential field that must be there; MissingCredential (reconnect) when not."""
    value = creds.get(name)
    if value in (None, ""):
        raise MissingCredential(source, name)
    return str(value)


def refusal(body: Any, status: int, text: str = "message", code: str = "code") -> tuple[str, Any]:
    """An error body's message (scrubbed of secrets; `HTTP <status>` when it has none) and
    its code, read from the keys a source uses for them."""
    said = body if isinstance(body, dict) else {}
    return scrub(str(said.get(text) or f"HTTP {status}")), said.get(code)


def number(value: Any, path: str) -> float | None:
    """A metric value: None when the source gave none for that day (absent or null, which
    is skipped), a float for a number or a numeric string; anything else is a BadResponse
    naming `path`. The same rule in every connector."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadResponse(path, f"is {value!r}, not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise BadResponse(path, f"is {type(value).__name__}, not a number")


def parse_time(text: Any, path: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime. Accepts Meta's `+0000` offsets and a
    `Z`; a naive time is taken as UTC. BadResponse naming `path` otherwise."""
    if not isinstance(text, str):
        raise BadResponse(path)
    raw = text.strip().replace("Z", "+00:00")
    if len(raw) > 5 and raw[-5] in "+-" and raw[-4:].isdigit():
        raw = f"{raw[:-2]}:{raw[-2:]}"  # +0000 -> +00:00 (Meta)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadResponse(path, f"is not a timestamp ({text[:40]!r})") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def levels_from_gains(
    level_now: float, gains: Mapping[date, float], last: date
) -> dict[date, float]:
    """The level at the end of each day of `gains`, from the level now and each day's net
    gain: the level of day d is today's minus what was gained after d (through `last`).
    For sources that give a follower count only for now and gains per day."""
    levels: dict[date, float] = {}
    level = level_now
    day = last
    first = min(gains, default=last)
    while day >= first:
        levels[day] = level
        level -= gains.get(day, 0.0)
        day -= timedelta(days=1)
    return levels
