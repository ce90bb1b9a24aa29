"""Pull a connection's data through its connector into the database.

A sync walks its range in the connector's chunks. Each chunk's points and the connection's
cursor (the last complete day) are committed in one transaction, so an interrupted sync
resumes from the cursor with no gap and no duplicate. An expired token marks the
connection `needs_reauth` (its data stays); other errors mark it `failing` with a hint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.bootstrap import Runtime
from bot.core.model import Credentials, DateRange
from bot.logconfig import scrub
from bot.settings import Settings
from integrations.base import (
    AuthExpired,
    BudgetExhausted,
    ConnectorError,
    SourceConfig,
    SyncWarnings,
)
from integrations.registry import DEFAULT_BASE_URLS, connector_for
from integrations.tokens import Renewed
from storage import connections, syncs
from storage.crypto import CredentialError
from storage.db import session_scope
from storage.metrics import store_posts

log = logging.getLogger(__name__)
FIRST_SYNC_DAYS = 90
#: Posts keep collecting interactions for a while: re-read the last month's every sync.
POSTS_REFRESH_DAYS = 30


@dataclass
class SyncReport:
    connection_id: int
    source: str
    name: str
    status: str  # ok | needs_reauth | failing | skipped
    points: int = 0
    posts: int = 0
    days: DateRange | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def source_config(
    settings: Settings,
    source: str,
    sleep: Callable[[float], None] | None = None,
    today: date | None = None,
    renewed: Renewed | None = None,
    take: Callable[[], None] | None = None,
) -> SourceConfig:
    versions = dict.fromkeys(("facebook", "instagram", "meta_ads"), settings.meta_graph_version)
    version = {**versions, "linkedin": settings.linkedin_version}.get(source, "")
    return SourceConfig(
        base_url=settings.base_url(source, DEFAULT_BASE_URLS.get(source, "")),
        timeout_seconds=settings.http_timeout_seconds,
        max_retries=settings.http_max_retries,
        version=version,
        token_url=settings.base_urls.get("google_oauth", "")
        + ("/token" if settings.base_urls.get("google_oauth") else ""),
        sleep=sleep,
        # the sync's today: sources whose windows count back from the request date use it
        extra={"today": today.isoformat()} if today else {},
        renewed=renewed,
        take=take,
    )


def sync_connection(
    runtime: Runtime,
    connection_id: int,
    *,
    today: date,
    since: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
    now: datetime | None = None,
    take_for: Callable[[str, str], Callable[[], None] | None] | None = None,
) -> SyncReport:
    """Sync one connection up to yesterday; `since` forces a backfill from that day. `now`
    is the time recorded as the last sync (the scheduler's clock). `take_for(source)` gives
    what to call before each request (`bot.budgets`): when the source's budget stays spent
    it raises BudgetExhausted, which this lets through with the chunks done kept and the
    connection's health untouched, for the caller to sync it again later."""
    with session_scope(runtime.engine) as session:
        target = syncs.sync_target(session, connection_id)
    if target is None:
        raise KeyError(f"no connection {connection_id}")
    source, name, cursor = target.source, target.display_name, target.sync_cursor
    sealed, account = target.credentials_enc, target.external_id
    report = SyncReport(connection_id, source, name, "ok")
    vault = runtime.require_vault()  # no key at all: every connection fails alike, say so once
    try:
        stored = vault.decrypt(sealed)
        creds = Credentials(stored)
    except CredentialError as err:  # this connection's token only: the others go on
        report.status, report.error = "failing", str(err)
        _mark(runtime, connection_id, "failing", str(err))
        log.warning("sync.undecryptable connection=%s source=%s", connection_id, source)
        return report

    def store_renewed(fields: dict[str, object]) -> None:
        """A renewed access token (and a rotated refresh token, which works once) is stored
        before the sync goes on, in its own transaction: a sync failing later keeps it."""
        stored.update(fields)  # `creds` reads this dict: later chunks send the new token
        with session_scope(runtime.engine) as session:
            syncs.renew_credentials(session, connection_id, vault.encrypt(stored))
        log.info("sync.token_renewed connection=%s source=%s", connection_id, source)

    take = take_for(source, account) if take_for else None
    config = source_config(runtime.settings, source, sleep, today, renewed=store_renewed, take=take)
    try:
        connector = connector_for(source, config)
    except KeyError:
        report.status = "skipped"
        return report
    # up to the last day the source has settled (LinkedIn: two days ago)
    end = today - timedelta(days=connector.settle_days)
    start = since or (
        date.fromisoformat(cursor) + timedelta(days=1)
        if cursor
        else end - timedelta(days=FIRST_SYNC_DAYS - 1)
    )
    warnings = SyncWarnings()
    try:
        if start <= end:
            report.days = DateRange(start, end)
            chunks = list(report.days.chunks(connector.max_days))
            for done, chunk in enumerate(chunks, 1):
                points = list(connector.metric_points(creds, chunk, warnings))
                with session_scope(runtime.engine) as session:
                    report.points += syncs.store_chunk(session, connection_id, points, chunk.end)
                if progress:
                    progress(done, len(chunks))
        posts_from = max(start, end - timedelta(days=POSTS_REFRESH_DAYS)) if not since else start
        if posts_from <= end:
            posts = list(connector.posts(creds, DateRange(posts_from, end)))
            with session_scope(runtime.engine) as session:
                report.posts = store_posts(session, connection_id, posts)
    except BudgetExhausted:
        log.info("sync.deferred connection=%s source=%s: budget spent", connection_id, source)
        raise
    except AuthExpired as err:
        report.status, report.error = "needs_reauth", scrub(str(err))
        _mark(runtime, connection_id, "needs_reauth", err.user_hint(source))
        log.warning("sync.needs_reauth connection=%s source=%s", connection_id, source)
        return report
    except ConnectorError as err:
        report.status, report.error = "failing", scrub(str(err))
        _mark(runtime, connection_id, "failing", f"{err.user_hint(source)} ({scrub(str(err))})")
        log.warning(
            "sync.failed connection=%s source=%s error=%s", connection_id, source, scrub(str(err))
        )
        return report
    except Exception as err:  # a bug or a surprise: this connection fails, the others go on
        kind = type(err).__name__
        report.status = "failing"
        report.error = f"Impact could not finish this sync ({kind})"
        _mark(
            runtime,
            connection_id,
            "failing",
            f"Impact could not finish syncing {source} ({kind}); it retries at the next sync.",
        )
        log.exception("sync.crashed connection=%s source=%s error=%s", connection_id, source, kind)
        return report
    if currency := getattr(connector, "currency", None):  # a money source (Stripe, ads)
        _agree_currency(runtime, connection_id, source, currency, warnings)
    report.warnings = warnings.messages
    _mark(
        runtime,
        connection_id,
        "ok",
        "; ".join(warnings.messages) or None,
        synced=now or datetime.now(UTC),
    )
    log.info(
        "sync.finished connection=%s source=%s points=%s posts=%s",
        connection_id,
        source,
        report.points,
        report.posts,
    )
    return report


def _agree_currency(
    runtime: Runtime, connection_id: int, source: str, currency: str, warnings: SyncWarnings
) -> None:
    """Set the team's currency from a money source's when it has none; when it has another,
    say so (logged, and in the connection's health detail): nothing is converted."""
    with session_scope(runtime.engine) as session:
        other = syncs.adopt_currency(session, connection_id, currency)
    if other is not None:
        log.warning("sync.currency_mismatch connection=%s source=%s", connection_id, source)
        warnings.add(
            f"{source} reports amounts in {currency}, the team's currency is "
            f"{other}: they are not converted, and the digest shows them apart."
        )


def _mark(
    runtime: Runtime,
    connection_id: int,
    health: str,
    detail: str | None,
    synced: datetime | None = None,
) -> None:
    with session_scope(runtime.engine) as session:
        connections.set_health(session, connection_id, health, detail, synced)


def sync_team(
    runtime: Runtime,
    team_id: str,
    *,
    today: date,
    source: str | None = None,
    since: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[SyncReport]:
    """Sync the team's connections (of one source when given) that have credentials."""
    with session_scope(runtime.engine) as session:
        ids = syncs.synced_ids(session, team_id, source)
    return [
        sync_connection(runtime, cid, today=today, since=since, progress=progress) for cid in ids
    ]


def sync_interval(settings: Settings, connection_id: int) -> timedelta:
    """The connection's sync period: IMPACT_SYNC_INTERVAL_HOURS, plus a fixed jitter of up to
    20% per connection so that a thousand connections do not all sync in the same minute."""
    base = timedelta(hours=settings.sync_interval_hours)
    return base * (1 + (connection_id * 7919 % 200) / 1000)


def claim_due_syncs(runtime: Runtime, now: datetime) -> list[int]:
    """Connections due for a sync, each claimed by this instance with a compare-and-set on
    `last_sync_at` (a lease), so two schedulers never sync the same connection at once.
    Connections that need a new token are paused until someone reconnects them."""
    claimed = []
    with session_scope(runtime.engine) as session:
        candidates = syncs.lease_candidates(session)
    for connection_id, last in candidates:
        if last is not None and now - last < sync_interval(runtime.settings, connection_id):
            continue
        with session_scope(runtime.engine) as session:
            won = syncs.take_lease(session, connection_id, last, now)
        if won:
            claimed.append(connection_id)
    return claimed


def unannounced_failures(runtime: Runtime) -> list[tuple[int, str, str, str, str | None]]:
    """(connection id, team, source, name, hint) of connections needing a new token that the
    team has not been told about yet."""
    with session_scope(runtime.engine) as session:
        return connections.unannounced_failures(session)


def mark_announced(runtime: Runtime, connection_id: int, now: datetime) -> bool:
    """True for the one instance that gets to tell the team (compare-and-set)."""
    with session_scope(runtime.engine) as session:
        return connections.claim_announcement(session, connection_id, now)
