"""Work after the ack in worker processes (`impact serve`'s default): the answer comes from
a worker, a dead worker is replaced, and with the pool closed the web process does it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.slack.commands as commands
from bot.core.errors import ConfigError
from bot.server import create_http_server, make_wsgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.workers import WorkerPool, start_worker_pool
from storage.crypto import generate_key
from tests.slack.conftest import SECRET, Harness, make_runtime, wait_for
from tests.support.slack_api import SlackStandIn

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # starts real processes (a few seconds)


@pytest.fixture
def served(tmp_path, monkeypatch) -> Iterator[tuple[Harness, WorkerPool, list[str]]]:
    """The app with one work process; `answer` in *this* process records its calls, so an
    answer that arrives while the list stays empty was computed in the worker."""
    here: list[str] = []
    real_answer = commands.answer

    def answer_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        here.append("web process")
        return real_answer(*args, **kwargs)

    monkeypatch.setattr(commands, "answer", answer_here)
    with SlackStandIn() as slack:
        runtime = make_runtime(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-test-token")
        app = build_app(runtime)
        pool = start_worker_pool(app, runtime.settings, 1)
        server = create_http_server(
            make_wsgi_app(runtime, app), host="127.0.0.1", port=0, threads=4
        )
        threading.Thread(target=server.run, daemon=True).start()
        try:
            yield Harness(f"http://127.0.0.1:{server.effective_port}", slack, runtime), pool, here
        finally:
            server.close()
            pool.close()
            runtime.close()


def test_the_answer_comes_from_a_work_process(served):
    harness, _, here = served
    ack = harness.command("goal add signups +10% by 2026-12-31", respond_to="w1")
    assert ack.status_code == 200
    stored = harness.responses("w1")[0]
    assert "signups" in stored["text"].lower()
    assert here == []  # not computed in the web process
    listed = harness.command("goals", respond_to="w2")
    assert listed.status_code == 200
    assert "signups" in str(harness.responses("w2")[0]).lower()  # same database, other process


def test_a_dead_worker_is_replaced(served):
    harness, pool, here = served
    before = pool.pids
    for process, _ in pool._workers:
        process.kill()
        process.join(5)
    assert harness.command("goals", respond_to="w3").status_code == 200
    assert harness.responses("w3")
    assert here == []
    assert pool.pids != before


def test_with_the_pool_closed_the_web_process_answers(served):
    harness, pool, here = served
    pool.close()
    assert harness.command("goals", respond_to="w4").status_code == 200
    assert harness.responses("w4")
    assert wait_for(lambda: here == ["web process"])


def test_work_processes_must_not_be_negative():
    assert Settings.from_env({"IMPACT_WORK_PROCESSES": "0"}).work_processes == 0
    with pytest.raises(ConfigError, match="IMPACT_WORK_PROCESSES must be 0 or more"):
        Settings.from_env({"IMPACT_WORK_PROCESSES": "-1"})


STUCK_WORKER = """
import os, signal, sys
from bot.settings import Settings
from bot.slack.workers import WorkerPool

if __name__ == "__main__":
    pool = WorkerPool(Settings.from_env(dict(os.environ)), 1)
    os.kill(pool.pids[0], signal.SIGSTOP)  # a worker that cannot keep up
    for _ in range(20):  # more than a pipe holds: the rest waits in this process
        pool.submit("x" * 100_000, {})
    pool.close(timeout=0.5)
    print("closed")
"""


def test_closing_stops_a_worker_that_cannot_finish_and_the_server_exits(tmp_path):
    """`impact serve` must exit even when a worker is stuck with a backlog: the backlog
    still buffered for it is dropped (and logged) instead of holding the process open."""
    script = tmp_path / "stuck.py"
    script.write_text(STUCK_WORKER)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stuck.db'}",
        "IMPACT_SECRET_KEY": generate_key(),
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "closed" in done.stdout
    assert "a worker did not finish its queue" in done.stderr
