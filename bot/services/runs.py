"""Exactly once: a digest run is claimed in the database before anything is posted.

`claim` inserts (team, channel, week); the unique constraint lets exactly one instance win,
whichever scheduler, replica or restart asks. A run that could not post is retried with
backoff by whoever claims it next (a compare-and-set UPDATE, so again only one), and is
marked failed after the last attempt with the error kept. A claim left behind by a crashed
instance is taken over once it is stale.

With a job queue, the clock marks a run QUEUED when it sends the job (`mark_queued`), so the
next minute's tick does not send it again while it waits in a long queue; a worker claims a
queued run at once, and a run queued for longer than STALE_CLAIM counts as lost (an
in-process queue that restarted) and is sent again.

A post is recorded in steps so that a takeover resumes instead of starting over: the
message's ts as soon as Slack answered (`record_message`), then POSTED once the chart is in
its thread. The step between Slack accepting the message and our record of it is covered by
the run id in the message's metadata (`bot.services.posting.find_run_message`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core.schedule import backoff
from storage.db import session_scope
from storage.metrics import insert_if_absent
from storage.tables import DigestRun

CLAIMED, RETRYING, POSTED, FAILED, SKIPPED = "claimed", "retrying", "posted", "failed", "skipped"
QUEUED = "queued"
#: A claim this old that never posted belongs to an instance that died.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Claim:
    run_id: int
    team_id: str
    channel_id: str
    week: str
    attempt: int  # 1 for the first try


def claim(
    engine: Engine,
    *,
    team_id: str,
    channel_id: str,
    week: str,
    instance: str,
    now: datetime,
    resume_own: bool = False,
) -> Claim | None:
    """Claim the run, or take over one that is due for a retry or stale. None: someone else
    has it (or it is done).

    `resume_own`: a claim held by `instance` itself is taken over at once, fresh or not. A
    job queue names the claimant after its message, and delivers a message again only when
    the worker that had it died: that worker's claim is then this one's to resume."""
    with session_scope(engine) as session:
        run = DigestRun(
            team_id=team_id,
            channel_id=channel_id,
            week=week,
            status=CLAIMED,
            attempts=1,
            claimed_by=instance,
            claimed_at=now,
        )
        if insert_if_absent(session, run, ("team_id", "channel_id", "week")):
            run_id = session.exec(
                select(DigestRun.id).where(
                    DigestRun.team_id == team_id,
                    DigestRun.channel_id == channel_id,
                    DigestRun.week == week,
                )
            ).one()
            return Claim(run_id or 0, team_id, channel_id, week, 1)
    return _take_over(engine, team_id, channel_id, week, instance, now, resume_own)


def _run_of(session: Session, team_id: str, channel_id: str, week: str) -> DigestRun | None:
    """The run of (team, channel, week), if there is one."""
    return session.exec(
        select(DigestRun).where(
            DigestRun.team_id == team_id,
            DigestRun.channel_id == channel_id,
            DigestRun.week == week,
        )
    ).first()


def _take_over(
    engine: Engine,
    team_id: str,
    channel_id: str,
    week: str,
    instance: str,
    now: datetime,
    resume_own: bool,
) -> Claim | None:
    with session_scope(engine) as session:
        run = _run_of(session, team_id, channel_id, week)
        if run is None:
            return None
        retry_due = run.status == RETRYING and (run.next_attempt_at or now) <= now
        stale = run.status == CLAIMED and run.claimed_at <= now - STALE_CLAIM
        own = resume_own and run.status == CLAIMED and run.claimed_by == instance
        queued = run.status == QUEUED  # sent to the queue by the clock: the worker's to run
        if not (retry_due or stale or own or queued):
            return None
        table = DigestRun.__table__
        result = session.execute(
            update(table)
            .where(
                and_(
                    table.c.id == run.id,
                    table.c.status == run.status,
                    table.c.attempts == run.attempts,
                )
            )
            .values(status=CLAIMED, claimed_by=instance, claimed_at=now, attempts=run.attempts + 1)
        )
        if result.rowcount != 1:
            return None  # another instance won the compare-and-set
        return Claim(run.id or 0, team_id, channel_id, week, run.attempts + 1)


def mark_queued(engine: Engine, team_id: str, channel_id: str, week: str, now: datetime) -> bool:
    """The clock is about to send this run's job: mark it QUEUED. False when the run needs
    no job now (someone claimed, queued or finished it meanwhile), so the clock sends none.
    A compare-and-set like `claim`, so two schedulers send one job between them."""
    with session_scope(engine) as session:
        run = DigestRun(
            team_id=team_id,
            channel_id=channel_id,
            week=week,
            status=QUEUED,
            attempts=0,
            claimed_at=now,
        )
        if insert_if_absent(session, run, ("team_id", "channel_id", "week")):
            return True
    with session_scope(engine) as session:
        found = _run_of(session, team_id, channel_id, week)
        if found is None:
            return False
        retry_due = found.status == RETRYING and (found.next_attempt_at or now) <= now
        lost = found.status in (CLAIMED, QUEUED) and found.claimed_at <= now - STALE_CLAIM
        if not (retry_due or lost):
            return False
        table = DigestRun.__table__
        result = session.execute(
            update(table)
            .where(
                and_(
                    table.c.id == found.id,
                    table.c.status == found.status,
                    table.c.claimed_at == found.claimed_at,
                )
            )
            .values(status=QUEUED, claimed_at=now)
        )
        return result.rowcount == 1


def record_message(engine: Engine, claim_: Claim, message_ts: str) -> None:
    """The first step of a post is done: the message is in the channel. Recorded at once, so
    an instance taking the run over after a crash never posts it again."""
    table = DigestRun.__table__
    with session_scope(engine) as session:
        session.execute(
            update(table).where(table.c.id == claim_.run_id).values(message_ts=message_ts)
        )


def recorded_message(engine: Engine, claim_: Claim) -> str | None:
    """The ts of the message an earlier attempt of this run posted, if it got that far."""
    with session_scope(engine) as session:
        run = session.get(DigestRun, claim_.run_id)
        return run.message_ts if run is not None else None


def mark_posted(
    engine: Engine,
    claim_: Claim,
    message_ts: str | None,
    now: datetime,
    *,
    late: bool,
    skipped: bool = False,
) -> None:
    with session_scope(engine) as session:
        run = session.get(DigestRun, claim_.run_id)
        if run is not None:
            run.status = SKIPPED if skipped else POSTED
            run.posted_at, run.message_ts, run.late, run.error = now, message_ts, late, None


def mark_attempt_failed(
    engine: Engine, claim_: Claim, error: str, now: datetime, max_attempts: int
) -> str:
    """Record a failed post: RETRYING with the next attempt time, or FAILED after the last."""
    with session_scope(engine) as session:
        run = session.get(DigestRun, claim_.run_id)
        if run is None:
            return FAILED
        run.error = error[:2000]
        if claim_.attempt >= max_attempts:
            run.status, run.next_attempt_at = FAILED, None
        else:
            run.status, run.next_attempt_at = RETRYING, now + backoff(claim_.attempt)
        return run.status


def runs_due_for_retry(engine: Engine, now: datetime) -> list[tuple[str, str, str]]:
    """(team, channel, week) of runs whose retry time has come or whose claim went stale."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(DigestRun).where(
                or_(
                    and_(DigestRun.status == RETRYING, DigestRun.next_attempt_at <= now),  # type: ignore[arg-type,operator]
                    and_(
                        DigestRun.status.in_((CLAIMED, QUEUED)),  # type: ignore[attr-defined]
                        DigestRun.claimed_at <= now - STALE_CLAIM,  # type: ignore[arg-type,operator]
                    ),
                )
            )
        )
        return [(r.team_id, r.channel_id, r.week) for r in rows]


def settled_keys(engine: Engine, weeks: set[str], now: datetime) -> set[tuple[str, str, str]]:
    """(team, channel, week) of runs needing no action now: done, given up, waiting for
    their retry time, or freshly claimed by someone or queued. One query for every candidate week."""
    if not weeks:
        return set()
    settled = set()
    with session_scope(engine) as session:
        for run in session.exec(select(DigestRun).where(DigestRun.week.in_(sorted(weeks)))):  # type: ignore[attr-defined]
            waiting = run.status == RETRYING and (run.next_attempt_at or now) > now
            fresh = run.status in (CLAIMED, QUEUED) and run.claimed_at > now - STALE_CLAIM
            if run.status in (POSTED, SKIPPED, FAILED) or waiting or fresh:
                settled.add((run.team_id, run.channel_id, run.week))
    return settled
