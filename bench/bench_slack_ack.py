"""Ack latency of `/impact help` and `/impact metrics` under load, against a bare Bolt app.

Three processes, as in production: the app (waitress, 8 threads), the Slack stand-in
(Web API and response_url, as Slack's servers would be) and the load: 20 concurrent
clients sending 1,000 signed slash commands per case. The bare app is a Bolt app on the
same server whose listener only acks. Targets (issue 5): p99 ≤ 1.5× the bare app's and
< 100 ms.
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS, CLIENTS = 1000, 20


def run_standin(ready, stop) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT))
    from tests.support.slack_api import SlackStandIn

    with SlackStandIn() as slack:
        ready.put(slack.url)
        stop.wait()


def run_app(kind: str, slack_url: str, folder: str, ready, stop) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT))
    from waitress.server import create_server

    if kind == "bare":
        from slack_bolt import App
        from slack_bolt.adapter.wsgi import SlackRequestHandler
        from slack_sdk import WebClient

        from tests.slack.conftest import SECRET

        app = App(
            token="xoxb-bench",
            signing_secret=SECRET,
            token_verification_enabled=False,
            client=WebClient(token="xoxb-bench", base_url=slack_url + "/api/"),
        )

        @app.command("/impact")
        def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
            ack()

        wsgi = SlackRequestHandler(app)
    else:
        from datetime import date

        from bot.bootstrap import build_runtime
        from bot.server import make_wsgi_app
        from bot.services.demo import load_demo
        from bot.settings import Settings
        from bot.slack.app import build_app
        from storage.crypto import generate_key
        from storage.migrate import upgrade
        from tests.slack.conftest import SECRET

        runtime = build_runtime(
            Settings.from_env(
                {
                    "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                    "IMPACT_SECRET_KEY": generate_key(),
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_BOT_TOKEN": "xoxb-bench",
                    "SLACK_API_URL": slack_url + "/api/",
                    "IMPACT_LOG_LEVEL": "WARNING",
                }
            )
        )
        upgrade(runtime.engine)
        load_demo(runtime.engine, date.today())
        wsgi = make_wsgi_app(runtime, build_app(runtime))
    import gc

    gc.freeze()  # as `impact serve` does: startup objects out of the collector's way
    server = create_server(wsgi, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    ready.put(f"http://127.0.0.1:{server.effective_port}")
    stop.wait()
    server.close()


def measure(url: str, text: str, slack_url: str) -> list[float]:
    from tests.slack.conftest import sign

    body = urlencode(
        {
            "command": "/impact",
            "text": text,
            "team_id": "T0DEMO",
            "channel_id": "C0DEMO",
            "user_id": "U1",
            "response_url": f"{slack_url}/respond/bench",
            "trigger_id": "t",
        }
    ).encode()
    local = threading.local()

    def one(_: int) -> float:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        started = time.perf_counter()
        answer = local.session.post(f"{url}/slack/events", data=body, headers=headers, timeout=10)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, answer.status_code
        return elapsed

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(one, range(50)))  # warm up
        return list(pool.map(one, range(REQUESTS)))


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> None:
    context = multiprocessing.get_context("spawn")
    stop, ready = context.Event(), context.Queue()
    standin = context.Process(target=run_standin, args=(ready, stop), daemon=True)
    standin.start()
    slack_url = ready.get(timeout=60)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind, texts in (("bare", ("help",)), ("impact", ("help", "metrics"))):
            app_stop = context.Event()
            app = context.Process(
                target=run_app, args=(kind, slack_url, folder, ready, app_stop), daemon=True
            )
            app.start()
            url = ready.get(timeout=120)
            for text in texts:
                results[(kind, text)] = measure(url, text, slack_url)
            time.sleep(1)  # let the lazy work drain
            app_stop.set()
            app.join(10)
    stop.set()
    standin.join(10)
    bare = percentile(results[("bare", "help")], 0.99)
    print(
        f"{REQUESTS} signed requests per case, {CLIENTS} concurrent clients, waitress 8 threads, "
        "app / Slack stand-in / clients in separate processes"
    )
    for (kind, text), values in results.items():
        p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
        verdict = ""
        if kind == "impact":
            ok = p99 <= 1.5 * bare and p99 < 0.1
            verdict = f"  p99/bare {p99 / bare:.2f}  target ≤ 1.5× and < 100 ms: {'met' if ok else 'NOT met'}"
        name = "bare Bolt app" if kind == "bare" else "impact"
        print(
            f"{name:>14} /impact {text:<8} p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms{verdict}"
        )


if __name__ == "__main__":
    main()
