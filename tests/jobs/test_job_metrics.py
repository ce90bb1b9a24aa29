"""Job metrics on each broker (in-process, and Redis when it answers): the queue depth a
scrape shows while jobs wait, then the run times and failures per actor once a worker ran
them, served on a worker's own port as `impact worker` does."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core.errors import ConfigError
from bot.jobs import EmbeddedWorker, Jobs, WorkContext
from bot.metrics import serve_job_metrics, web_registry
from bot.settings import Settings
from tests.support.scrape import scrape, scrape_registry, value

NOW = "2026-11-23T12:00:00+00:00"


@dataclass
class Clockwork:
    """The job bodies of a DigestScheduler: digests do nothing, syncs of 13 raise."""

    digests: list[str] = field(default_factory=list)

    def run_digest(self, job, now, instance=None):  # type: ignore[no-untyped-def]
        self.digests.append(job.channel_id)

    def run_sync(self, connection_id, now, take_for=None):  # type: ignore[no-untyped-def]
        if connection_id == 13:
            raise RuntimeError("the platform went away")
        return type("Report", (), {"status": "ok"})()


def drain(queues, jobs: Jobs) -> None:
    """`queues.drain`, except that the in-process broker is told not to raise the failed
    job's exception: a job that fails is what this test is about."""
    options = {"fail_fast": False} if queues.kind == "embedded" else {}
    for name in ("digests", "syncs"):
        jobs.broker.join(name, timeout=60_000, **options)
    for worker in queues.workers:
        worker.worker.join()


def test_waiting_jobs_show_as_queue_depth_then_as_run_times_and_failures(queues, sqlite_engine):
    bodies = Clockwork()
    jobs = Jobs(queues.broker(), lambda: WorkContext(None, scheduler=bodies))  # type: ignore[arg-type]
    registry, _acks = web_registry(sqlite_engine, jobs.broker)
    for channel in ("C1", "C2", "C3"):
        jobs.post_digest.send("T1", channel, "2026-W47", False, NOW)
    jobs.sync_connection.send(7, NOW)
    jobs.sync_connection.send(13, NOW)

    waiting = scrape_registry(registry)
    assert value(waiting, "impact_queue_depth", queue="digests") == 3.0
    assert value(waiting, "impact_queue_depth", queue="syncs") == 2.0
    assert value(waiting, "impact_queue_depth", queue="answers") == 0.0
    assert value(waiting, "impact_job_seconds_count", actor="post_digest") == 0.0

    worker = EmbeddedWorker(jobs.broker, threads=2).start()
    queues.workers.append(worker)
    server = serve_job_metrics(jobs.broker, 0, host="127.0.0.1")
    try:
        drain(queues, jobs)
        done = scrape(f"http://127.0.0.1:{server.server_port}/metrics")
    finally:
        server.shutdown()
    assert sorted(bodies.digests) == ["C1", "C2", "C3"]
    assert value(done, "impact_job_seconds_count", actor="post_digest") == 3.0
    assert value(done, "impact_job_failures_total", actor="post_digest") == 0.0
    assert value(done, "impact_job_seconds_count", actor="sync_connection") == 2.0
    assert value(done, "impact_job_failures_total", actor="sync_connection") == 1.0
    assert value(done, "impact_job_wait_seconds_count", actor="sync_connection") == 2.0
    assert value(done, "impact_job_seconds_count", actor="announce_failures") == 0.0
    # a worker's page carries its jobs, not the queue or the database (the web's page does)
    assert value(done, "impact_queue_depth", queue="digests") is None
    drained = scrape_registry(registry)
    assert value(drained, "impact_queue_depth", queue="digests") == 0.0
    assert value(drained, "impact_queue_depth", queue="syncs") == 0.0


def test_a_taken_metrics_port_is_refused_with_what_to_do(queues):
    jobs = Jobs(queues.broker(), lambda: WorkContext(None))  # type: ignore[arg-type]
    first = serve_job_metrics(jobs.broker, 0, host="127.0.0.1")
    try:
        with pytest.raises(ConfigError, match="Set IMPACT_METRICS_PORT to a free port"):
            serve_job_metrics(jobs.broker, first.server_port, host="127.0.0.1")
    finally:
        first.shutdown()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", None), (" 9191 ", 9191), ("0", "port number"), ("70000", "port number"), ("x", "whole")],
)
def test_the_metrics_port_is_a_port_or_nothing(raw, expected):
    if expected is None or isinstance(expected, int):
        assert Settings.from_env({"IMPACT_METRICS_PORT": raw}).metrics_port == expected
    else:
        with pytest.raises(ConfigError, match=f"IMPACT_METRICS_PORT must be a {expected}"):
            Settings.from_env({"IMPACT_METRICS_PORT": raw})


def test_a_worker_whose_processes_would_run_out_of_ports_does_not_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    env = {"IMPACT_BROKER_URL": "redis://127.0.0.1:1/0", "IMPACT_METRICS_PORT": "65534"}
    result = CliRunner().invoke(main, ["worker", "--processes", "3"], env=env)
    assert result.exit_code == 1
    assert "IMPACT_METRICS_PORT=65534 leaves no room for 3 processes" in result.output
