"""Work after the ack in worker processes, so that it never holds the web process's GIL.

Bolt runs a lazy listener on a thread of the process that acked. Python threads share one
interpreter lock, so a burst of slow commands (a digest preview renders a chart; `metrics`
runs queries and posts to the response_url) makes every other user's ack wait its turn for
the lock. `impact serve` therefore hands lazy work to a small pool of worker processes
(`IMPACT_WORK_PROCESSES`), the way Bolt's own AWS Lambda adapter re-invokes the function:
the web process sends the request's raw body and headers with Bolt's two lazy markers, and
the worker's copy of the same app dispatches it and runs only the named lazy function.
Workers run at a lower CPU priority than the web process (niceness 10): under load the
acks keep their pace and the answers queue a little instead.

The worker's app skips request verification: its requests come from the web process, which
verified them, never from the network (and a backlog older than Slack's five-minute
signature window must still be answered). A worker that dies is replaced; with no pool,
work runs on threads of the web process as before.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import queue
import signal
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.util.utils import get_name_for_callable

from bot.settings import Settings

log = logging.getLogger(__name__)
LAZY_ONLY, LAZY_NAME = "x-slack-bolt-lazy-only", "x-slack-bolt-lazy-function-name"

#: Workers yield the CPU to the web process: an ack is a user waiting, work after it is not.
WORKER_NICENESS = 10


class LazyToWorkers:
    """Takes the place of Bolt's `ThreadListenerRunner._start_lazy_function`: sends the
    request's raw body and headers, with the lazy markers, to a worker; runs `on_thread`
    (Bolt's own) when the pool is closed.

    Bolt's own first deep-copies the whole request and its context for the thread that will
    run the function: 60% of a `/impact metrics` dispatch, all of it on the ack's path and
    under the GIL, for a copy that a worker process never sees (it re-reads the raw body).
    """

    def __init__(self, pool: WorkerPool, on_thread: Callable[..., None]) -> None:
        self.pool = pool
        self.on_thread = on_thread

    def __call__(self, lazy_func: Callable[..., None], request: BoltRequest) -> None:
        headers = {
            **request.headers,
            LAZY_ONLY: ["1"],
            LAZY_NAME: [get_name_for_callable(lazy_func)],
        }
        if not self.pool.submit(request.raw_body, headers):
            log.warning("workers.unavailable: running on a thread of the web process")
            self.on_thread(lazy_func, request)


class WorkerPool:
    """Worker processes, each fed by its own queue, in turn. `submit` never blocks the ack:
    a queue buffers in the web process and its feeder thread writes to the pipe. A worker
    that died is replaced, with a new queue (a process killed while reading may leave its
    queue's lock taken); what was still queued for it is logged as lost."""

    def __init__(self, settings: Settings, processes: int) -> None:
        if processes < 1:
            raise ValueError("a worker pool needs at least one process (0 means: no pool)")
        self._context = multiprocessing.get_context("spawn")
        self._settings = settings
        self._ready: Any = self._context.Queue()
        self._workers = [self._spawn() for _ in range(processes)]
        self._turn = itertools.count()
        self._closed = False
        try:  # workers import and build their app before the first ack
            for _ in self._workers:
                self._ready.get(timeout=120)
        except queue.Empty:
            self.close(timeout=1)
            raise RuntimeError(
                "the work processes did not start within 2 minutes (their errors are in the "
                "log above); set IMPACT_WORK_PROCESSES=0 to run without them"
            ) from None

    def _spawn(self) -> tuple[Any, Any]:
        work: Any = self._context.Queue()
        process = self._context.Process(
            target=_worker_main,
            args=(self._settings, work, self._ready),
            name="impact-worker",
            daemon=True,
        )
        process.start()
        return process, work

    @property
    def pids(self) -> list[int | None]:
        return [process.pid for process, _ in self._workers]

    def submit(self, body: str, headers: dict[str, list[str]]) -> bool:
        """Queue one lazy request; False when the pool is closed."""
        if self._closed:
            return False
        index = next(self._turn) % len(self._workers)
        process, work = self._workers[index]
        if not process.is_alive():
            log.error("workers.died exitcode=%s: starting another", process.exitcode)
            work.cancel_join_thread()
            work.close()
            process, work = self._workers[index] = self._spawn()
        work.put((body, headers))
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Let the workers finish what is queued, then stop them. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for process, work in self._workers:
            if process.is_alive():
                work.put(None)
        for process, work in self._workers:
            process.join(timeout)
            if process.is_alive():
                log.error("workers.stopped: a worker did not finish its queue in %.0f s", timeout)
                process.terminate()
                process.join(2)
                if process.is_alive():
                    process.kill()
                # what is still buffered for it would block this process's exit
                work.cancel_join_thread()
            work.close()


def start_worker_pool(app: App, settings: Settings, processes: int) -> WorkerPool:
    """Give `app`'s lazy listeners `processes` worker processes; the caller closes the pool.

    Each worker builds its own runtime (engine, vault) and app from `settings`, so nothing
    with a connection or a lock crosses the process boundary.
    """
    runner = app.listener_runner
    on_thread = getattr(runner, "_start_lazy_function", None)
    if not callable(on_thread):  # the one private hook we use; pinned below 2 in pyproject
        raise RuntimeError(
            "this slack-bolt has no ListenerRunner._start_lazy_function; "
            "set IMPACT_WORK_PROCESSES=0 to run the work after the ack on threads"
        )
    pool = WorkerPool(settings, processes)
    runner._start_lazy_function = LazyToWorkers(pool, on_thread)  # type: ignore[method-assign]
    return pool


def _worker_main(settings: Settings, queue: Any, ready: Any) -> None:
    from bot.bootstrap import build_runtime
    from bot.logconfig import configure
    from bot.slack.app import build_app

    # Ctrl-C reaches the whole process group: the web process stops the workers itself,
    # after they finish what is queued
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    configure(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    app = build_app(runtime, verify_requests=False)
    ready.put(os.getpid())
    try:
        while (item := queue.get()) is not None:
            run_in_worker(app, *item)
    except EOFError:  # the web process is gone without closing the pool
        log.warning("workers.orphaned: the web process is gone; stopping")
    finally:
        runtime.close()


def run_in_worker(app: App, body: str, headers: dict[str, list[str]]) -> int:
    """Dispatch one lazy-only request; the HTTP status Bolt gave it (logged when ≥ 400)."""
    try:
        status = app.dispatch(BoltRequest(body=body, headers=headers)).status
    except Exception:
        log.exception("workers.failed")
        return 500
    if status >= 400:
        log.error("workers.refused status=%s", status)
    return status
