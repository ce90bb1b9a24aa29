"""Teams as the Slack shell needs them: bot tokens, time zones, event dedupe."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.bootstrap import Runtime
from bot.core.periods import local_date
from storage import installations, teams
from storage.db import Engine, session_scope

EVENT_MEMORY = timedelta(days=2)


def bot_token_for(runtime: Runtime, team_id: str) -> str | None:
    """The bot token to act in a team: the installation's (OAuth mode) or SLACK_BOT_TOKEN."""
    with session_scope(runtime.engine) as session:
        stored = teams.installed_bot_token(session, team_id)
    if stored is not None:
        return runtime.require_vault().decrypt_text(stored)
    token = runtime.settings.slack_bot_token
    return token.reveal() if token else None


def forget_installation(engine: Engine, team_id: str) -> None:
    """Impact was uninstalled or its tokens revoked: drop the team's tokens and stop its
    digests; keep its data."""
    installations.forget_installation(engine, team_id)


def list_team_ids(engine: Engine) -> list[str]:
    """Every team this database knows, by id."""
    with session_scope(engine) as session:
        return teams.team_ids(session)


def touch_team(
    engine: Engine, team_id: str, name: str = "", *, now_utc: datetime | None = None
) -> date:
    """Make sure the team exists (named once we learn its name); return today in its time
    zone. One short transaction: every command and reply starts here."""
    with session_scope(engine) as session:
        timezone = teams.ensure_team_timezone(session, team_id, name)
    return local_date(now_utc or datetime.now(UTC), timezone)


def event_processed(engine: Engine, event_id: str) -> bool:
    """True when `mark_event_processed` has recorded this id (within the last two days)."""
    with session_scope(engine) as session:
        return teams.event_seen(session, event_id)


def mark_event_processed(engine: Engine, event_id: str, team_id: str | None) -> bool:
    """Insert-if-absent: True the first time an event id is seen, False for a retry or a
    duplicate delivered to another replica. Old ids are forgotten after two days."""
    with session_scope(engine) as session:
        fresh = teams.record_event(session, event_id, team_id)
    if not fresh:
        return False
    with session_scope(engine) as session:
        teams.forget_events_before(session, datetime.now(UTC) - EVENT_MEMORY)
    return True
