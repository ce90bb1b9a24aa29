"""How fresh a connection's data is, in words: one text for the CLI, `/impact connect`, the
App Home and the digest footer. Pure: dates in, text out.

CSV data is imported, not synced, and a webhook feed receives events: each says so with its
own verb ("imported Nov 20", "last event Nov 20") instead of a green "never synced".
"""

from __future__ import annotations

from datetime import date

#: Sources fed from outside rather than pulled: the verb for their latest data.
FED_SOURCES = {"csv": "imported", "webhook": "last event"}
NOTHING_YET = {"csv": "nothing imported yet", "webhook": "no events yet"}
HEALTHY = ("ok", "new")


def is_healthy(health: str) -> bool:
    """Green in Slack: the connection works (or was just connected)."""
    return health in HEALTHY


def day_text(day: date, today: date | None = None) -> str:
    """`Nov 20`; `Nov 20, 2025` when `today` is given and falls in another year."""
    text = f"{day:%b} {day.day}"
    return f"{text}, {day.year}" if today is not None and today.year != day.year else text


def connection_status(
    source: str,
    health: str,
    last_sync: date | None,
    hint: str | None = None,
    *,
    today: date | None = None,
) -> str:
    """What a person reads about one connection, without markup (escape it for Slack).

    `last_sync` is the day of the latest sync, import (CSV) or event (webhook).

    - CSV: `imported Nov 20`, or `nothing imported yet`
    - webhook: `last event Nov 20`, or `no events yet`
    - a source Impact syncs: `synced Nov 20`, or `connected, not synced yet`
    - a broken one: `needs reauth (last synced Nov 20): <how to fix it>`,
      `failing (never synced): <how to fix it>`
    """
    when = freshness_text(source, last_sync, today=today)
    if is_healthy(health):
        return when if last_sync or source in FED_SOURCES else "connected, not synced yet"
    since = f"last {when}" if last_sync else when
    return f"{health.replace('_', ' ')} ({since})" + (f": {hint}" if hint else "")


def freshness_text(source: str, last_sync: date | None, *, today: date | None = None) -> str:
    """Only the freshness: `imported Nov 20` (CSV), `last event Nov 20` (webhook),
    `synced Nov 20`; without a day `nothing imported yet`, `no events yet`, `never synced`."""
    if last_sync is None:
        return NOTHING_YET.get(source, "never synced")
    return f"{FED_SOURCES.get(source, 'synced')} {day_text(last_sync, today)}"
