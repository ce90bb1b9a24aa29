"""`impact scheduler`: the clock. It decides what is due and sends it to the job queue.

Design (APScheduler 3 warns that a job store must not be shared by several schedulers):
- the `digest_schedules` table is the truth; one APScheduler interval job ticks every minute
  and `due_digests` reads the table each time, so changes made with `/impact schedule` are
  picked up without a restart and nothing is shared but the database;
- a digest is due at its day and time in its IANA zone (`bot.core.schedule.due`, DST-correct);
  runs missed while no scheduler was running are due late inside the grace period (default
  6 h; they say they are late), failed posts again after their backoff;
- each connection is due for a sync every IMPACT_SYNC_INTERVAL_HOURS (jittered per
  connection, claimed with a compare-and-set so once across instances); connections that
  need a new token are paused, and the team is told about each such connection once;
- what is due is sent to the job queue (`bot.jobs`), whose workers run `run_digest`,
  `run_sync` and `announce_failures`; delivery is at least once, so each job is idempotent:
- every digest run is claimed in `digest_runs` before posting (`bot.services.runs`), so any
  number of schedulers, workers, restarts and redeliveries post each (team, channel, week)
  once;
- a post is done in steps that a worker taking over a dead one's run resumes: the message's
  ts is recorded the moment Slack answers, the message carries the run id in its metadata
  (found again in the channel's history when the answer never came back), and the chart is
  uploaded only when its thread does not have it yet.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.bootstrap import Runtime
from bot.chart import render_chart
from bot.core.digest import Digest
from bot.core.periods import IsoWeek, local_date
from bot.core.schedule import Slot, due, week_of_run
from bot.logconfig import scrub
from bot.services import runs
from bot.services.digest import build_digest
from bot.services.posting import (
    chart_in_thread,
    find_run_message,
    post_message,
    upload_chart,
)
from bot.services.schedules import ScheduleInfo, get_schedule, list_schedules
from bot.services.sync import (
    SyncReport,
    claim_due_syncs,
    mark_announced,
    sync_connection,
    unannounced_failures,
)
from bot.services.teams import bot_token_for
from bot.slack.client import make_web_client
from storage.connections import connection_timezone
from storage.db import session_scope
from storage.teams import installer

if TYPE_CHECKING:
    from bot.jobs import Jobs

log = logging.getLogger(__name__)
#: Web API errors that mean the bot cannot read the channel (not that Slack is failing).
UNREADABLE = frozenset({"not_in_channel", "missing_scope", "channel_not_found", "thread_not_found"})


@dataclass(frozen=True, slots=True)
class RunResult:
    team_id: str
    channel_id: str
    week: str
    status: str  # posted | skipped | retrying | failed
    late: bool = False


def _slot(info: ScheduleInfo) -> Slot:
    return Slot(info.weekday, info.hour, info.minute, info.timezone)


@dataclass(frozen=True, slots=True)
class DigestJob:
    """One digest that is due: what the clock sends to a worker."""

    team_id: str
    channel_id: str
    week: str
    late: bool


class DigestScheduler:
    """Decides what is due and runs one job of it. `due_digests(now)` is the whole decision,
    so tests drive it with a frozen clock; `enqueue_due(now)` sends what is due to the job
    queue (`bot.jobs`), whose workers call `run_digest`, `run_sync` and `announce_failures`;
    `tick(now)` and `sync_due(now)` run the same jobs here and return what happened;
    `start()` runs `enqueue_due` every minute on APScheduler in the background."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        instance: str | None = None,
        client_for: Callable[[str], WebClient | None] | None = None,
        max_workers: int = 16,
        jobs: Jobs | None = None,
    ) -> None:
        self.runtime = runtime
        self.instance = instance or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.client_for = client_for or self._client_for
        self.grace = timedelta(hours=runtime.settings.grace_hours)
        self.max_attempts = runtime.settings.post_max_attempts
        self.max_workers = max_workers
        self.jobs = jobs
        self._scheduler: BackgroundScheduler | None = None

    def _client_for(self, team_id: str) -> WebClient | None:
        token = bot_token_for(self.runtime, team_id)
        return make_web_client(self.runtime.settings, token) if token else None

    # --- the decision ---------------------------------------------------------------
    def due_digests(self, now: datetime) -> list[DigestJob]:
        """Every digest due at `now` (on time, late inside the grace period, or a retry or a
        stale claim to take over) that nobody holds or finished: the one place "due" is
        decided."""
        engine = self.runtime.engine
        schedules = {(s.team_id, s.channel_id): s for s in list_schedules(engine)}
        candidates: dict[tuple[str, str, str], bool] = {}
        for key, info in schedules.items():
            found = due(_slot(info), now, self.grace)
            if found is not None:
                fired, late = found
                candidates[(*key, str(week_of_run(_slot(info), fired)))] = late
        for team_id, channel_id, week in runs.runs_due_for_retry(engine, now):
            if (team_id, channel_id) in schedules:
                candidates.setdefault((team_id, channel_id, week), True)
        settled = runs.settled_keys(engine, {week for _, _, week in candidates}, now)
        return [
            DigestJob(team_id, channel_id, week, late)
            for (team_id, channel_id, week), late in candidates.items()
            if (team_id, channel_id, week) not in settled
        ]

    def tick(self, now: datetime | None = None) -> list[RunResult]:
        """Post every digest due at `now` from this process (channels in parallel); returns
        what happened to each run this instance claimed."""
        now = now or datetime.now(UTC)
        jobs = self.due_digests(now)
        if not jobs:
            return []
        with ThreadPoolExecutor(min(self.max_workers, len(jobs)), "digest") as pool:
            futures = [pool.submit(self.run_digest, job, now) for job in jobs]
            return [r for f in futures if (r := f.result()) is not None]

    def enqueue_due(self, now: datetime | None = None) -> int:
        """Send every due digest, every due sync and the failure announcements to the job
        queue; returns how many jobs were sent. Digests are claimed by the worker that runs
        them, syncs here (their lease), so several schedulers never double a job's effect."""
        if self.jobs is None:
            raise RuntimeError("this scheduler has no job queue: give it `jobs`")
        now = now or datetime.now(UTC)
        at = now.isoformat()
        sent = 0
        jobs = {(j.team_id, j.channel_id, j.week): j for j in self.due_digests(now)}
        # marked queued first: the next minute's tick, here or in another scheduler, does
        # not send it again while it waits behind a long queue
        for key in runs.mark_queued_many(self.runtime.engine, list(jobs), now):
            self.jobs.post_digest.send(*key, jobs[key].late, at)
            sent += 1
        for connection_id in claim_due_syncs(self.runtime, now):
            self.jobs.sync_connection.send(connection_id, at)
            sent += 1
        if unannounced_failures(self.runtime):
            self.jobs.announce_failures.send(at)
            sent += 1
        return sent

    # --- the jobs ---------------------------------------------------------------------
    def run_digest(
        self, job: DigestJob, now: datetime, *, instance: str | None = None
    ) -> RunResult | None:
        """Claim one digest run and post it, resumably. None: posted already, or someone
        else holds it. `instance` names the claimant: a queue message's id, so that the same
        message delivered again after its worker died takes its own claim over and resumes."""
        info = get_schedule(self.runtime.engine, job.team_id, job.channel_id)
        if info is None:
            return None  # the schedule was stopped after the clock sent the job
        return self._run(info, job.week, job.late, now, instance)

    def _run(
        self, info: ScheduleInfo, week: str, late: bool, now: datetime, instance: str | None
    ) -> RunResult | None:
        engine = self.runtime.engine
        claimed = runs.claim(
            engine,
            team_id=info.team_id,
            channel_id=info.channel_id,
            week=week,
            instance=instance or self.instance,
            now=now,
            resume_own=instance is not None,
        )
        if claimed is None:
            return None  # posted already, or another instance has it
        late = late or claimed.attempt > 1
        try:
            digest = build_digest(
                engine, team_id=info.team_id, channel_id=info.channel_id, week=IsoWeek.parse(week)
            )
            if digest.is_empty and info.quiet:
                runs.mark_posted(engine, claimed, None, now, late=late, skipped=True)
                return RunResult(info.team_id, info.channel_id, week, runs.SKIPPED, late)
            client = self.client_for(info.team_id)
            if client is None:
                raise RuntimeError("no bot token for this team (is Impact installed?)")
            ts = self._post_resumably(client, claimed, info.channel_id, digest, late)
        except Exception as err:  # any failure: keep the error, retry later
            status = runs.mark_attempt_failed(
                engine, claimed, scrub(f"{type(err).__name__}: {err}"), now, self.max_attempts
            )
            log.warning(
                "digest.post_failed team=%s channel=%s week=%s attempt=%s status=%s",
                info.team_id,
                info.channel_id,
                week,
                claimed.attempt,
                status,
            )
            return RunResult(info.team_id, info.channel_id, week, status, late)
        runs.mark_posted(engine, claimed, ts, now, late=late)
        log.info(
            "digest.posted team=%s channel=%s week=%s late=%s",
            info.team_id,
            info.channel_id,
            week,
            late,
        )
        return RunResult(info.team_id, info.channel_id, week, runs.POSTED, late)

    def _post_resumably(
        self, client: WebClient, claimed: runs.Claim, channel_id: str, digest: Digest, late: bool
    ) -> str:
        """Post the digest in steps a takeover resumes, so that an instance dying at any
        step leaves exactly one message with one chart: the message (found again by the run
        id in its metadata when the dead instance never recorded it), its ts recorded at
        once, then the chart unless the thread already has it."""
        engine = self.runtime.engine
        chart = None if digest.is_empty else render_chart(digest)
        ts = runs.recorded_message(engine, claimed)
        resumed = ts is not None
        if ts is None and claimed.attempt > 1:
            ts = self._message_posted_before(client, claimed, channel_id)
            if ts is not None:
                runs.record_message(engine, claimed, ts)
                resumed = True
        if ts is None:
            ts = post_message(
                client, channel_id=channel_id, digest=digest, late=late, run_id=claimed.run_id
            )
            runs.record_message(engine, claimed, ts)
        if chart and not (resumed and self._chart_posted_before(client, channel_id, ts)):
            upload_chart(client, channel_id=channel_id, ts=ts, chart_png=chart, digest=digest)
        return ts

    @staticmethod
    def _message_posted_before(
        client: WebClient, claimed: runs.Claim, channel_id: str
    ) -> str | None:
        try:
            return find_run_message(client, channel_id=channel_id, run_id=claimed.run_id)
        except SlackApiError as err:
            if err.response.get("error") not in UNREADABLE:
                raise  # rate limited, Slack down...: this attempt fails and is retried
            # posting with chat:write.public to a channel the bot is not in: the history is
            # closed to it, so a message posted just before a crash cannot be seen
            log.warning(
                "digest.history_unreadable channel=%s error=%s: posting without checking",
                channel_id,
                err.response.get("error"),
            )
            return None

    @staticmethod
    def _chart_posted_before(client: WebClient, channel_id: str, ts: str) -> bool:
        try:
            return chart_in_thread(client, channel_id=channel_id, ts=ts)
        except SlackApiError as err:
            if err.response.get("error") not in UNREADABLE:
                raise
            # cannot tell: a digest without its chart beats a chart twice
            log.warning(
                "digest.thread_unreadable channel=%s error=%s: chart not uploaded again",
                channel_id,
                err.response.get("error"),
            )
            return True

    # --- syncs --------------------------------------------------------------------------
    def sync_due(self, now: datetime | None = None) -> list[SyncReport]:
        """Sync here every connection whose period has passed (claimed, so once across
        instances)."""
        now = now or datetime.now(UTC)
        claimed = claim_due_syncs(self.runtime, now)
        if not claimed:
            return []
        with ThreadPoolExecutor(min(self.max_workers, len(claimed)), "sync") as pool:
            return list(pool.map(lambda cid: self.run_sync(cid, now), claimed))

    def run_sync(
        self,
        connection_id: int,
        now: datetime,
        take_for: Callable[[str, str], Callable[[], None] | None] | None = None,
    ) -> SyncReport:
        """Sync one connection the clock claimed. Running it twice stores nothing twice:
        points are upserted by their natural key. `take_for`: the sources' budgets."""
        with session_scope(self.runtime.engine) as session:
            tz = connection_timezone(session, connection_id)
        return sync_connection(
            self.runtime, connection_id, today=local_date(now, tz), now=now, take_for=take_for
        )

    def announce_failures(self, now: datetime | None = None) -> int:
        """Tell each team once that a connection needs a new token: in a channel that gets
        its digest, else the installer directly. Returns how many were announced."""
        now = now or datetime.now(UTC)
        told = 0
        for connection_id, team_id, source, name, hint in unannounced_failures(self.runtime):
            client = self.client_for(team_id)
            where = self._where_to_tell(team_id)
            if (
                client is None
                or where is None
                or not mark_announced(self.runtime, connection_id, now)
            ):
                continue
            text = f":warning: Impact can no longer read *{name}* ({source}). " + (
                hint or f"Run `/impact connect {source}` to reconnect it."
            )
            try:
                client.chat_postMessage(channel=where, text=text)
                told += 1
            except Exception:
                log.warning("sync.announce_failed team=%s", team_id, exc_info=True)
        return told

    def _where_to_tell(self, team_id: str) -> str | None:
        schedules = list_schedules(self.runtime.engine, team_id)
        if schedules:
            return schedules[0].channel_id
        with session_scope(self.runtime.engine) as session:
            return installer(session, team_id)

    # --- the clock --------------------------------------------------------------------
    def start(self) -> DigestScheduler:
        """Run `enqueue_due` every minute in the background: the only clock. A digest set
        for 09:00 is sent at the first tick at or after 09:00 (within a minute)."""
        self.runtime.settings.check_secret_key_to_start(self.runtime.vault is not None)
        if self.jobs is None:
            raise RuntimeError("the scheduler's clock needs a job queue: give it `jobs`")
        scheduler = BackgroundScheduler(
            timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1}
        )
        scheduler.add_job(
            self._minute, IntervalTrigger(minutes=1), id="tick", next_run_time=datetime.now(UTC)
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler.started instance=%s", self.instance)
        return self

    def _minute(self) -> None:
        try:
            sent = self.enqueue_due()
            if sent:
                log.info("scheduler.enqueued jobs=%s", sent)
        except Exception:
            log.exception("scheduler.tick_failed")

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None


def start_background(runtime: Runtime, jobs: Jobs) -> DigestScheduler:
    """For `impact serve --with-scheduler`: the clock inside the web process."""
    return DigestScheduler(runtime, jobs=jobs).start()
