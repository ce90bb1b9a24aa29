"""Outcome webhooks: any system can send outcomes to `POST /webhooks/outcomes/<feed>`.

Signing: `X-Impact-Timestamp: <unix seconds>` and
`X-Impact-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the feed's
secret>`. A timestamp more than 5 minutes away is refused (replays). The body is JSON
`{"metric": "signups", "value": 3, "date": "2026-11-10", "platform": "instagram", "id": "evt_1"}`
(`date` defaults to today in UTC, `platform` to unattributed). The same `id` twice changes
nothing; the day's point is the sum of that day's events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.bootstrap import Runtime
from bot.core import catalogue
from bot.core.catalogue import Kind
from bot.core.csvrows import metric_name
from bot.core.errors import UsageError
from bot.signing import fresh, same_signature
from storage import teams
from storage.connections import accounts_of, ensure_connection
from storage.db import session_scope
from storage.feeds import DuplicateEvent, FeedEvent, add_feed, feed_by_slug, store_event
from storage.metrics import custom_kinds

MAX_SKEW_SECONDS = 300
#: Display name of a feed's connection: this and the name it was created with.
FEED_PREFIX = "Webhook · "
MAX_BODY = 64 * 1024


def create_feed(runtime: Runtime, team_id: str, name: str) -> tuple[str, str]:
    """A new feed: (slug, secret). The secret is shown once and stored encrypted. A name the
    team already gave a feed (in any case) raises UsageError: two feeds of one source would
    count its outcomes twice."""
    name = name.strip()
    slug_base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "feed"
    slug = f"{slug_base}-{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(32)
    vault = runtime.require_vault()
    with session_scope(runtime.engine) as session:
        teams.ensure(session, team_id)
        for existing in accounts_of(session, team_id, "webhook").values():
            if existing.display_name.casefold() == f"{FEED_PREFIX}{name}".casefold():
                raise UsageError(
                    f"team {team_id} already has a feed named {existing.display_name[len(FEED_PREFIX) :]!r}"
                    f" (POST /webhooks/outcomes/{existing.external_id}).",
                    "Send its events there with the secret shown when it was created, or "
                    "give the new feed another name.",
                )
        connection_id = ensure_connection(
            session, team_id, "webhook", slug, platform=None, display_name=f"{FEED_PREFIX}{name}"
        )
        add_feed(session, slug, team_id, connection_id, vault.encrypt_text(secret))
    return slug, secret


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def handle_outcome_webhook(
    runtime: Runtime, slug: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON answer) for one delivery."""
    lowered = {k.lower(): v for k, v in headers.items()}
    with session_scope(runtime.engine) as session:
        feed = feed_by_slug(session, slug)
        secret = runtime.require_vault().decrypt_text(feed.secret_enc) if feed else None
        custom = custom_kinds(session, feed.team_id) if feed else {}
    if feed is None or secret is None:
        return 404, {"error": "unknown feed"}
    timestamp = lowered.get("x-impact-timestamp", "")
    given = lowered.get("x-impact-signature", "")
    current = now if now is not None else time.time()
    if not fresh(timestamp, current, MAX_SKEW_SECONDS):
        return 401, {"error": "missing or stale X-Impact-Timestamp"}
    if not same_signature(given, sign(secret, timestamp, body)):
        return 401, {"error": "bad signature"}
    event = _parse(body, custom)
    if isinstance(event, str):
        return 400, {"error": event}
    try:
        with session_scope(runtime.engine) as session:
            store_event(
                session,
                feed,
                FeedEvent(
                    event["id"], event["metric"], event["platform"], event["day"], event["value"]
                ),
            )
    except DuplicateEvent:
        return 200, {"ok": True, "duplicate": True}
    return 200, {"ok": True}


def _parse(body: bytes, custom: dict[str, Kind] | None = None) -> dict[str, Any] | str:
    """The event, or the reason it is refused (for a 400). `custom` holds the metric kinds
    the team declared: a declared `money` metric may be negative, like revenue."""
    if len(body) > MAX_BODY:
        return "body larger than 64 KB"
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "body is not JSON"
    if not isinstance(data, dict):
        return "body must be a JSON object"
    event_id = data.get("id")
    if not isinstance(event_id, str | int) or not str(event_id).strip():
        return "`id` is required (a unique id per event, so retries count once)"
    metric = metric_name(str(data.get("metric", "")))
    if not metric:
        return '`metric` is required, e.g. "signups"'
    kind = catalogue.kind_of(metric, custom)
    if kind is not None and not catalogue.is_outcome(metric, custom):
        return f"`{metric}` is not an outcome metric"
    money = catalogue.is_money(metric, custom)
    value = data.get("value", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "`value` must be a number" + ("" if money else " ≥ 0")
    if value < 0 and not money:
        return (
            f"`value` must be a number ≥ 0: `{metric}` is a count. Only money (revenue, "
            "donations, refunds, or a metric declared with kind money) may be negative"
        )
    raw_day = data.get("date")
    try:
        day = date.fromisoformat(raw_day) if raw_day else datetime.now(UTC).date()
    except (TypeError, ValueError):
        return "`date` must be an ISO date like 2026-11-10"
    platform = ""
    if data.get("platform"):
        platform = catalogue.canonical_platform(str(data["platform"])) or ""
        if not platform:
            return (
                f"unknown `platform` {data['platform']!r} (known: {', '.join(catalogue.PLATFORMS)})"
            )
    return {
        "id": str(event_id)[:255],
        "metric": metric[:64],
        "value": float(value),
        "day": day,
        "platform": platform,
    }
