"""Digest runs, the exactly-once claims of `bot.services.runs`, out as `Run` values.

A claim is won by the database, never by a read: the insert of (team, channel, week) is
insert-if-absent on its unique constraint, and a takeover is a conditional UPDATE on what
the taker read (`rowcount` 1: it won; 0: another instance changed the run first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from storage.metrics import batched, insert_if_absent, insert_statement
from storage.tables import DigestRun

CLAIMED, RETRYING, POSTED, FAILED, SKIPPED = "claimed", "retrying", "posted", "failed", "skipped"
QUEUED = "queued"
#: runs queued per INSERT (6 values each: well under SQLite's 32,766 bound parameters)
QUEUE_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Run:
    """A digest run as read: what a takeover decides on and compares against."""

    id: int
    team_id: str
    channel_id: str
    week: str
    status: str
    attempts: int
    claimed_by: str | None
    claimed_at: datetime
    next_attempt_at: datetime | None


def _run(row: DigestRun) -> Run:
    return Run(
        row.id or 0,
        row.team_id,
        row.channel_id,
        row.week,
        row.status,
        row.attempts,
        row.claimed_by,
        row.claimed_at,
        row.next_attempt_at,
    )


def _insert(
    session: Session,
    team_id: str,
    channel_id: str,
    week: str,
    status: str,
    now: datetime,
    instance: str | None = None,
) -> bool:
    """Insert-if-absent on (team, channel, week): True when this call inserted the run."""
    run = DigestRun(
        team_id=team_id,
        channel_id=channel_id,
        week=week,
        status=status,
        attempts=1 if status == CLAIMED else 0,
        claimed_by=instance,
        claimed_at=now,
    )
    return insert_if_absent(session, run, ("team_id", "channel_id", "week"))


def claim_new(
    session: Session, team_id: str, channel_id: str, week: str, instance: str, now: datetime
) -> int | None:
    """Insert the run claimed by `instance` at `now` (its first attempt): its id when this
    call inserted it, None when the run was there already."""
    if not _insert(session, team_id, channel_id, week, CLAIMED, now, instance):
        return None
    run_id = session.exec(
        select(DigestRun.id).where(
            DigestRun.team_id == team_id,
            DigestRun.channel_id == channel_id,
            DigestRun.week == week,
        )
    ).one()
    return run_id or 0


def queue_new(session: Session, team_id: str, channel_id: str, week: str, now: datetime) -> bool:
    """Insert the run QUEUED at `now` (no attempt yet): True when this call inserted it."""
    return _insert(session, team_id, channel_id, week, QUEUED, now)


def queue_new_many(
    session: Session, keys: list[tuple[str, str, str]], now: datetime
) -> set[tuple[str, str, str]]:
    """`queue_new` for many (team, channel, week) keys in one statement: the keys this
    call inserted (a run already there, queued by another clock or claimed, is not)."""
    table = DigestRun.__table__  # type: ignore[attr-defined]
    inserted: set[tuple[str, str, str]] = set()
    for chunk in batched(keys, QUEUE_BATCH):
        rows = [
            {
                "team_id": team_id,
                "channel_id": channel_id,
                "week": week,
                "status": QUEUED,
                "attempts": 0,
                "claimed_at": now,
            }
            for team_id, channel_id, week in chunk
        ]
        statement = (
            insert_statement(session, table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "week"])
            .returning(table.c.team_id, table.c.channel_id, table.c.week)
        )
        inserted.update((r.team_id, r.channel_id, r.week) for r in session.execute(statement))
    return inserted


def run_of(session: Session, team_id: str, channel_id: str, week: str) -> Run | None:
    """The run of (team, channel, week), if there is one."""
    row = session.exec(
        select(DigestRun).where(
            DigestRun.team_id == team_id,
            DigestRun.channel_id == channel_id,
            DigestRun.week == week,
        )
    ).first()
    return _run(row) if row else None


def _swap(session: Session, run: Run, unchanged: str, **values: object) -> bool:
    """UPDATE `run` to `values` unless its status or its `unchanged` column moved since it
    was read (a compare-and-set): True for the one instance that won."""
    table = DigestRun.__table__
    result = session.execute(
        update(table)
        .where(
            and_(
                table.c.id == run.id,
                table.c.status == run.status,
                table.c[unchanged] == getattr(run, unchanged),
            )
        )
        .values(**values)
    )
    return bool(result.rowcount == 1)


def take_over(session: Session, run: Run, instance: str, now: datetime) -> bool:
    """Claim `run` for `instance` (one more attempt) unless its status or attempts changed
    since it was read: True for the one instance that won."""
    return _swap(
        session,
        run,
        "attempts",
        status=CLAIMED,
        claimed_by=instance,
        claimed_at=now,
        attempts=run.attempts + 1,
    )


def requeue(session: Session, run: Run, now: datetime) -> bool:
    """Mark `run` QUEUED at `now` unless its status or claim time changed since it was read:
    True for the one instance that won."""
    return _swap(session, run, "claimed_at", status=QUEUED, claimed_at=now)


def record_message(session: Session, run_id: int, message_ts: str) -> None:
    table = DigestRun.__table__
    session.execute(update(table).where(table.c.id == run_id).values(message_ts=message_ts))


def recorded_message(session: Session, run_id: int) -> str | None:
    run = session.get(DigestRun, run_id)
    return run.message_ts if run is not None else None


def finish(
    session: Session, run_id: int, status: str, message_ts: str | None, now: datetime, late: bool
) -> None:
    """The run is done (POSTED or SKIPPED) at `now`; its error, if any, is cleared."""
    run = session.get(DigestRun, run_id)
    if run is not None:
        run.status = status
        run.posted_at, run.message_ts, run.late, run.error = now, message_ts, late, None


def record_failure(
    session: Session, run_id: int, error: str, status: str, next_attempt_at: datetime | None
) -> bool:
    """Keep a failed attempt's error (its first 2000 characters) with the run's new status
    and next attempt time; False when there is no such run."""
    run = session.get(DigestRun, run_id)
    if run is None:
        return False
    run.error = error[:2000]
    run.status, run.next_attempt_at = status, next_attempt_at
    return True


def due_keys(session: Session, now: datetime, stale_before: datetime) -> list[tuple[str, str, str]]:
    """(team, channel, week) of runs whose retry time has come, or claimed or queued at or
    before `stale_before`."""
    rows = session.exec(
        select(DigestRun).where(
            or_(
                and_(DigestRun.status == RETRYING, DigestRun.next_attempt_at <= now),  # type: ignore[arg-type,operator]
                and_(
                    DigestRun.status.in_((CLAIMED, QUEUED)),  # type: ignore[attr-defined]
                    DigestRun.claimed_at <= stale_before,  # type: ignore[arg-type,operator]
                ),
            )
        )
    )
    return [(r.team_id, r.channel_id, r.week) for r in rows]


def runs_of_weeks(session: Session, weeks: set[str]) -> list[Run]:
    """Every run of the given ISO weeks (one query)."""
    query = select(DigestRun).where(DigestRun.week.in_(sorted(weeks)))  # type: ignore[attr-defined]
    return [_run(row) for row in session.exec(query)]
