"""Ack latency of `/impact help` and `/impact metrics` under load, against a bare Bolt app.

20 concurrent clients send 1,000 signed slash commands to each app, all served by waitress
on this machine; the Web API and response_url are the local Slack stand-in. Targets
(issue 5): p99 ≤ 1.5× the bare app's and < 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import requests
from slack_bolt import App
from waitress.server import create_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.slack.conftest import SECRET, make_runtime, sign
from tests.support.slack_api import SlackStandIn

REQUESTS, CLIENTS = 1000, 20


def bare_wsgi(slack: SlackStandIn):  # type: ignore[no-untyped-def]
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(
        token="xoxb-bench",
        signing_secret=SECRET,
        token_verification_enabled=False,
        client=WebClient(token="xoxb-bench", base_url=slack.api_url),
    )

    @app.command("/impact")
    def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
        ack()

    return SlackRequestHandler(app)


def impact_wsgi(slack: SlackStandIn, folder: Path):  # type: ignore[no-untyped-def]
    from datetime import date

    from bot.server import make_wsgi_app
    from bot.services.demo import load_demo
    from bot.slack.app import build_app

    runtime = make_runtime(folder, slack, SLACK_BOT_TOKEN="xoxb-bench")
    load_demo(runtime.engine, date.today())
    return make_wsgi_app(runtime, build_app(runtime))


def measure(url: str, text: str, slack: SlackStandIn) -> list[float]:
    body = urlencode(
        {
            "command": "/impact",
            "text": text,
            "team_id": "T0DEMO",
            "channel_id": "C0DEMO",
            "user_id": "U1",
            "response_url": slack.response_url("bench"),
            "trigger_id": "t",
        }
    ).encode()
    session = threading.local()

    def one(_: int) -> float:
        if not hasattr(session, "s"):
            session.s = requests.Session()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        started = time.perf_counter()
        answer = session.s.post(f"{url}/slack/events", data=body, headers=headers, timeout=10)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, answer.status_code
        return elapsed

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(one, range(50)))  # warm up
        return list(pool.map(one, range(REQUESTS)))


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> None:
    with SlackStandIn() as slack, tempfile.TemporaryDirectory() as folder:
        results = {}
        for name, wsgi in (
            ("bare Bolt app", bare_wsgi(slack)),
            ("impact", impact_wsgi(slack, Path(folder))),
        ):
            server = create_server(wsgi, host="127.0.0.1", port=0, threads=8)
            threading.Thread(target=server.run, daemon=True).start()
            url = f"http://127.0.0.1:{server.effective_port}"
            for text in ("help", "metrics"):
                if name.startswith("bare") and text == "metrics":
                    continue
                results[(name, text)] = measure(url, text, slack)
            server.close()
    bare = percentile(results[("bare Bolt app", "help")], 0.99)
    print(f"{REQUESTS} signed requests per case, {CLIENTS} concurrent clients, waitress 8 threads")
    for (name, text), values in results.items():
        p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
        verdict = ""
        if name == "impact":
            ok = p99 <= 1.5 * bare and p99 < 0.1
            verdict = f"  p99/bare {p99 / bare:.2f}  target ≤ 1.5× and < 100 ms: {'met' if ok else 'NOT met'}"
        print(
            f"{name:>14} /impact {text:<8} p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms{verdict}"
        )


if __name__ == "__main__":
    main()
