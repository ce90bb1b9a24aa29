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

from bot.core.schedule import backoff
from storage import runs as run_store
from storage.db import Engine, session_scope
from storage.runs import CLAIMED, FAILED, POSTED, QUEUED, RETRYING, SKIPPED

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
        run_id = run_store.claim_new(session, team_id, channel_id, week, instance, now)
        if run_id is not None:
            return Claim(run_id, team_id, channel_id, week, 1)
    return _take_over(engine, team_id, channel_id, week, instance, now, resume_own)


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
        run = run_store.run_of(session, team_id, channel_id, week)
        if run is None:
            return None
        retry_due = run.status == RETRYING and (run.next_attempt_at or now) <= now
        stale = run.status == CLAIMED and run.claimed_at <= now - STALE_CLAIM
        own = resume_own and run.status == CLAIMED and run.claimed_by == instance
        queued = run.status == QUEUED  # sent to the queue by the clock: the worker's to run
        if not (retry_due or stale or own or queued):
            return None
        if not run_store.take_over(session, run, instance, now):
            return None  # another instance won the compare-and-set
        return Claim(run.id, team_id, channel_id, week, run.attempts + 1)


def mark_queued(engine: Engine, team_id: str, channel_id: str, week: str, now: datetime) -> bool:
    """The clock is about to send this run's job: mark it QUEUED. False when the run needs
    no job now (someone claimed, queued or finished it meanwhile), so the clock sends none.
    A compare-and-set like `claim`, so two schedulers send one job between them."""
    with session_scope(engine) as session:
        if run_store.queue_new(session, team_id, channel_id, week, now):
            return True
    with session_scope(engine) as session:
        found = run_store.run_of(session, team_id, channel_id, week)
        if found is None:
            return False
        retry_due = found.status == RETRYING and (found.next_attempt_at or now) <= now
        lost = found.status in (CLAIMED, QUEUED) and found.claimed_at <= now - STALE_CLAIM
        if not (retry_due or lost):
            return False
        return run_store.requeue(session, found, now)


def mark_queued_many(
    engine: Engine, keys: list[tuple[str, str, str]], now: datetime
) -> list[tuple[str, str, str]]:
    """`mark_queued` for every (team, channel, week) of a tick: the runs new this week are
    queued in one statement (2,000 channels due in one minute are one INSERT, not 2,000
    transactions), and the others (a retry due, a claim gone stale) one by one. Returns
    the keys this clock is to send, in the order given."""
    with session_scope(engine) as session:
        inserted = run_store.queue_new_many(session, keys, now)
    return [key for key in keys if key in inserted or mark_queued(engine, *key, now)]


def record_message(engine: Engine, claim_: Claim, message_ts: str) -> None:
    """The first step of a post is done: the message is in the channel. Recorded at once, so
    an instance taking the run over after a crash never posts it again."""
    with session_scope(engine) as session:
        run_store.record_message(session, claim_.run_id, message_ts)


def recorded_message(engine: Engine, claim_: Claim) -> str | None:
    """The ts of the message an earlier attempt of this run posted, if it got that far."""
    with session_scope(engine) as session:
        return run_store.recorded_message(session, claim_.run_id)


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
        status = SKIPPED if skipped else POSTED
        run_store.finish(session, claim_.run_id, status, message_ts, now, late)


def mark_attempt_failed(
    engine: Engine, claim_: Claim, error: str, now: datetime, max_attempts: int
) -> str:
    """Record a failed post: RETRYING with the next attempt time, or FAILED after the last."""
    if claim_.attempt >= max_attempts:
        status, next_attempt_at = FAILED, None
    else:
        status, next_attempt_at = RETRYING, now + backoff(claim_.attempt)
    with session_scope(engine) as session:
        if not run_store.record_failure(session, claim_.run_id, error, status, next_attempt_at):
            return FAILED
        return status


def runs_due_for_retry(engine: Engine, now: datetime) -> list[tuple[str, str, str]]:
    """(team, channel, week) of runs whose retry time has come or whose claim went stale."""
    with session_scope(engine) as session:
        return run_store.due_keys(session, now, now - STALE_CLAIM)


def settled_keys(engine: Engine, weeks: set[str], now: datetime) -> set[tuple[str, str, str]]:
    """(team, channel, week) of runs needing no action now: done, given up, waiting for
    their retry time, or freshly claimed by someone or queued. One query for every candidate week."""
    if not weeks:
        return set()
    settled = set()
    with session_scope(engine) as session:
        found = run_store.runs_of_weeks(session, weeks)
    for run in found:
        waiting = run.status == RETRYING and (run.next_attempt_at or now) > now
        fresh = run.status in (CLAIMED, QUEUED) and run.claimed_at > now - STALE_CLAIM
        if run.status in (POSTED, SKIPPED, FAILED) or waiting or fresh:
            settled.add((run.team_id, run.channel_id, run.week))
    return settled
