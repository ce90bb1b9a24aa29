"""Digest schedules, one per channel, in and out as `bot.core.schedule.ScheduleInfo`."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.core.schedule import ScheduleInfo
from storage.metrics import ensure_team, insert_if_absent
from storage.tables import DigestSchedule, utcnow


def _info(row: DigestSchedule) -> ScheduleInfo:
    return ScheduleInfo(
        row.team_id, row.channel_id, row.weekday, row.hour, row.minute, row.timezone, row.quiet
    )


def save_schedule(session: Session, info: ScheduleInfo, user_id: str | None) -> ScheduleInfo:
    """Create or replace the channel's schedule (enabled), the team created when new."""
    ensure_team(session, info.team_id)
    query = select(DigestSchedule).where(
        DigestSchedule.team_id == info.team_id, DigestSchedule.channel_id == info.channel_id
    )
    row = session.exec(query).first()
    if row is None:  # insert-if-absent: two replicas may schedule a new channel at once
        insert_if_absent(
            session,
            DigestSchedule(
                team_id=info.team_id,
                channel_id=info.channel_id,
                weekday=info.weekday,
                hour=info.hour,
                minute=info.minute,
                timezone=info.timezone,
            ),
            ("team_id", "channel_id"),
        )
        row = session.exec(query.execution_options(populate_existing=True)).one()
    row.weekday, row.hour, row.minute = info.weekday, info.hour, info.minute
    row.timezone, row.quiet, row.enabled = info.timezone, info.quiet, True
    row.created_by, row.updated_at = user_id, utcnow()
    session.flush()
    return _info(row)


def _enabled(session: Session, team_id: str, channel_id: str) -> DigestSchedule | None:
    return session.exec(
        select(DigestSchedule).where(
            DigestSchedule.team_id == team_id,
            DigestSchedule.channel_id == channel_id,
            DigestSchedule.enabled.is_(True),  # type: ignore[attr-defined]
        )
    ).first()


def disable_schedule(session: Session, team_id: str, channel_id: str) -> bool:
    """Stop the channel's schedule (kept, disabled); False when none was enabled."""
    row = _enabled(session, team_id, channel_id)
    if row is None:
        return False
    row.enabled, row.updated_at = False, utcnow()
    return True


def enabled_schedule(session: Session, team_id: str, channel_id: str) -> ScheduleInfo | None:
    row = _enabled(session, team_id, channel_id)
    return _info(row) if row else None


def enabled_schedules(session: Session, team_id: str | None = None) -> list[ScheduleInfo]:
    """Enabled schedules of one team, or of every team, in the order they were made."""
    query = select(DigestSchedule).where(DigestSchedule.enabled.is_(True))  # type: ignore[attr-defined]
    if team_id is not None:
        query = query.where(DigestSchedule.team_id == team_id)
    return [_info(r) for r in session.exec(query.order_by(DigestSchedule.id))]
