"""One process of the scale benches: `python -m bench.scale_process worker|scheduler`.

What `impact worker` and `impact scheduler` run (the runtime from the environment, the
broker from IMPACT_BROKER_URL, Dramatiq worker threads or the clock), on a Redis namespace of
the bench's own (BENCH_NAMESPACE) so that nothing else on the same Redis database sees its
messages, with Dramatiq's heartbeat timeout shortened to BENCH_HEARTBEAT_MS (default 60 s)
so that a killed worker's messages come back within a run. BENCH_BUDGETS
(`source=requests/seconds,...`) replaces the connectors' budgets. Prints `ready` once it
runs; stops on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def budgets_from(text: str) -> dict[str, object]:
    from integrations.base import Budget

    found: dict[str, object] = {}
    for part in filter(None, text.split(",")):
        source, _, rate = part.partition("=")
        requests, _, seconds = rate.partition("/")
        found[source.strip()] = Budget(int(requests), int(seconds))
    return found


def main(role: str) -> None:
    from bot.bootstrap import build_runtime
    from bot.budgets import Budgets, backend_for
    from bot.jobs import EmbeddedWorker, Jobs, WorkContext, make_broker
    from bot.logconfig import configure
    from bot.scheduler import DigestScheduler
    from bot.settings import Settings

    settings = Settings.from_env(os.environ)
    configure("WARNING", "text")
    runtime = build_runtime(settings)
    assert settings.broker_url is not None, "IMPACT_BROKER_URL must be set"
    namespace = os.environ["BENCH_NAMESPACE"]
    broker = make_broker(
        settings.broker_url.reveal(),
        namespace=namespace,
        heartbeat_timeout=int(os.environ.get("BENCH_HEARTBEAT_MS", "60000")),
        # a maintenance pass (which hands a dead worker's messages on) in 1 of 20 commands
        maintenance_chance=50_000,
    )
    jobs = Jobs(broker, lambda: WorkContext(runtime))
    if os.environ.get("BENCH_BUDGETS"):
        jobs.budgets = Budgets(
            backend_for(broker),
            budgets_from(os.environ["BENCH_BUDGETS"]),  # type: ignore[arg-type]
            namespace=namespace,
        )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if role == "worker":
        running = EmbeddedWorker(broker, threads=settings.worker_threads).start()
        print("ready", flush=True)
        stop.wait()
        running.stop(timeout_ms=10_000)
    else:
        clock = DigestScheduler(runtime, jobs=jobs).start()
        print("ready", flush=True)
        stop.wait()
        clock.stop()
    broker.close()
    runtime.close()


if __name__ == "__main__":
    main(sys.argv[1])
