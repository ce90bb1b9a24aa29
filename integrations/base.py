"""The connector contract every source implements, and the errors a source can raise.

A connector turns one source's API into core values: it identifies the account (`check`),
fetches daily metric points for a date range and posts with lifetime metrics. Adding a
source is one module implementing `Connector` plus its fixtures, registered in
`integrations.registry`. Connectors never see the database or the settings: a
`SourceConfig` carries the base URL, timeouts and versions they need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from bot.core.errors import ImpactError
from bot.core.model import AccountInfo, Credentials, DateRange, MetricPoint, PostRecord


class ConnectorError(ImpactError):
    """Root of every connector and platform-login error. Messages are scrubbed of secrets
    before they are built; `action` says what a person should do about it."""

    #: What a person should do; `{source}` is filled in by `user_hint`.
    action: ClassVar[str] = "Impact retries at the next sync."

    def user_hint(self, source: str) -> str:
        return f"{source} did not answer as expected; {self.action.format(source=source)}"

    def for_user(self, source: str = "the source") -> str:
        return self.user_hint(source)


class AuthExpired(ConnectorError):
    """The token is invalid, expired or revoked: the connection needs a new one."""

    action = "reconnect it: run `/impact connect {source}` (or `impact connect {source}`)."

    def user_hint(self, source: str) -> str:
        return f"Access to {source} expired: run `/impact connect {source}` to reconnect."


class MissingCredential(AuthExpired):
    """The stored credentials lack a field the source needs (an old or hand-made connection)."""

    def __init__(self, source: str, name: str) -> None:
        super().__init__(f"{source} credentials have no `{name}`")
        self.field = name

    def user_hint(self, source: str) -> str:
        return (
            f"The {source} connection lacks `{self.field}`: run `/impact connect {source}` "
            "to connect it again."
        )


class RateLimited(ConnectorError):
    """The source said to slow down and the retries ran out."""

    action = "the next sync picks up where this one stopped."

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def user_hint(self, source: str) -> str:
        return f"{source} is rate-limiting Impact; the next sync picks up where this one stopped."


class SourceUnavailable(ConnectorError):
    """5xx, timeouts, connection errors or broken bodies that outlasted the retries."""


class BadResponse(ConnectorError):
    """The source answered, but not in the documented shape; the message names the field."""

    action = "Impact retries at the next sync; if it keeps failing, report it with this text."

    def __init__(self, path: str, detail: str = "missing or malformed") -> None:
        super().__init__(f"unexpected response: {path} {detail}")
        self.path = path


class SourceError(ConnectorError):
    """The source refused the request (a 4xx other than auth and rate limits)."""

    action = "check the account's permissions on {source}, then reconnect if they changed."

    def __init__(self, message: str, status: int | None = None, code: object = None) -> None:
        super().__init__(message)
        self.status, self.code = status, code

    def user_hint(self, source: str) -> str:
        action = self.action.format(source=source)
        return f"{source} refused a request: {self}; {action}"


class MetricRefused(SourceError):
    """The source refused one metric (retired, or withheld for this item): that metric is
    skipped with a warning and the rest of the sync goes on."""

    def __init__(
        self, message: str, metric: str | int | None, status: int = 400, code: object = None
    ) -> None:
        super().__init__(message, status, code)
        self.metric = metric


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """What a connector needs from the outside: plain values, no settings object."""

    base_url: str
    timeout_seconds: float = 20.0
    max_retries: int = 5
    version: str = ""
    token_url: str = ""
    #: Injected for tests: how to wait between retries.
    sleep: Callable[[float], None] | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class SyncWarnings:
    """Things a sync skipped without failing (retired metrics), to log and to show."""

    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)


class Connector(Protocol):
    source: ClassVar[str]
    #: The platform engagement of this source belongs to; None for outcome-only sources.
    platform: ClassVar[str | None]
    #: The largest date range one call may ask for.
    max_days: ClassVar[int]
    #: Days until a day's numbers are final at the source (a sync reads to today - this).
    settle_days: ClassVar[int]

    def check(self, creds: Credentials) -> AccountInfo:
        """Who the credentials belong to; AuthExpired when they do not work."""
        ...

    def metric_points(
        self, creds: Credentials, days: DateRange, warnings: SyncWarnings
    ) -> Iterator[MetricPoint]:
        """Daily points of the catalogue's metrics over `days` (at most `max_days`)."""
        ...

    def posts(self, creds: Credentials, days: DateRange) -> Iterator[PostRecord]:
        """Items published in `days` with their lifetime metrics (may be empty)."""
        ...
