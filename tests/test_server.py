"""The HTTP server `impact serve` runs: waitress with its public options."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from bot.server import SWITCH_INTERVAL_SECONDS, create_http_server


def hello(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def test_it_serves_requests():
    server = create_http_server(hello, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        with requests.Session() as session:  # keep-alive, as Slack's connections are
            for _ in range(3):
                answer = session.get(f"http://127.0.0.1:{server.effective_port}/", timeout=5)
                assert answer.status_code == 200 and answer.text == "ok"
                assert answer.headers["Server"] == "impact"
    finally:
        server.close()


def test_the_request_threads_hand_the_gil_over_every_millisecond():
    """At Python's default 5 ms a busy request thread holds off a ready ack for 5 ms at a
    time: the slowest acks under load (bench/bench_slack_ack.py) come from those waits."""
    sys.setswitchinterval(0.005)
    server = create_http_server(hello, host="127.0.0.1", port=0, threads=2)
    try:
        assert sys.getswitchinterval() == SWITCH_INTERVAL_SECONDS == 0.001
    finally:
        server.close()


def test_a_burst_of_new_connections_is_answered_in_full():
    """Slack opens many connections at once when a workspace is busy: every one of them
    gets its answer, none is dropped or reset."""
    server = create_http_server(hello, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/"
    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            answers = list(pool.map(lambda _: requests.get(url, timeout=10), range(40)))
        assert [a.status_code for a in answers] == [200] * 40
        assert all(a.text == "ok" for a in answers)
    finally:
        server.close()
