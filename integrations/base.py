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
from typing import Any, ClassVar, Protocol

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


class BudgetExhausted(ConnectorError):
    """This installation's request budget for the source stayed spent for longer than a
    sync waits (`SourceConfig.take`): the sync stops where it is, its chunks kept, and is
    sent again later. Not the connection's fault, so its health is left alone."""

    action = "Impact syncs it again shortly, from where it stopped."

    def __init__(self, source: str, waited: float) -> None:
        super().__init__(f"{source} request budget still spent after waiting {waited:.0f} s")
        self.source = source

    def user_hint(self, source: str) -> str:
        return f"Impact has used its {source} request budget for now; {self.action}"


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


class DoNotRetry(SourceError):
    """The source said this request must not be sent again, whatever its status (Stripe's
    `Stripe-Should-Retry: false`, even on a 429)."""


class BadCredential(ConnectorError):
    """A credential field holds a value the source cannot use (a typo in the form, the prompt
    or the JSON file); the message names the field and the values it takes."""

    action = "run `/impact connect {source}` (or `impact connect {source}`) again with it fixed."

    def user_hint(self, source: str) -> str:
        return f"{self}; {self.action.format(source=source)}"


class MetricRefused(SourceError):
    """The source refused one metric (retired, or withheld for this item): that metric is
    skipped with a warning and the rest of the sync goes on."""

    def __init__(
        self, message: str, metric: str | int | None, status: int = 400, code: object = None
    ) -> None:
        super().__init__(message, status, code)
        self.metric = metric


@dataclass(frozen=True, slots=True)
class Budget:
    """How many requests Impact as a whole (every worker of one installation) may send to a
    source in any `seconds` seconds: the part of the app's quota a sync may use."""

    requests: int
    seconds: int
    #: True where the platform's quota is per account (a Stripe account, a Shopify shop, a
    #: HubSpot portal, a GA4 property) rather than per app: each account then has a budget
    #: of its own, so one team's backfill never slows another team's sync.
    per_account: bool = False

    def __post_init__(self) -> None:
        if self.requests < 1 or self.seconds < 1:
            raise ValueError(f"a budget needs at least 1 request in 1 s, got {self}")


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
    #: Told the credential fields a connector renewed (a new access token, a rotated
    #: refresh token), so that the caller stores them encrypted with the connection.
    renewed: Callable[[dict[str, Any]], None] | None = None
    #: Called before every request a sync sends: takes a token from the source's budget,
    #: waiting while it is spent (`bot.budgets`); raises BudgetExhausted when it stays spent.
    take: Callable[[], None] | None = None


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
