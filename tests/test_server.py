"""The HTTP server `impact serve` runs: a burst of new connections is taken in one go."""

from __future__ import annotations

import socket
import threading

import requests

from bot.server import ACCEPT_BATCH, create_http_server


def hello(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def test_one_wake_up_takes_every_pending_connection():
    """Waitress alone takes one connection per wake-up of its loop, each wake-up waiting
    for the interpreter lock: the last of a burst waited ~50 ms under load."""
    server = create_http_server(hello, host="127.0.0.1", port=0, threads=2)
    clients = [
        socket.create_connection(("127.0.0.1", server.effective_port), timeout=5) for _ in range(10)
    ]
    try:
        before = len(server._map)
        server.handle_accept()  # what one wake-up of the loop does
        assert len(server._map) - before == 10
        server.handle_accept()  # nothing pending: takes nothing, does not block
        assert len(server._map) - before == 10
    finally:
        for client in clients:
            client.close()
        server.close()


def test_a_flood_is_taken_in_bounded_batches():
    server = create_http_server(hello, host="127.0.0.1", port=0, threads=2)
    clients = [
        socket.create_connection(("127.0.0.1", server.effective_port), timeout=5)
        for _ in range(ACCEPT_BATCH + 6)
    ]
    try:
        before = len(server._map)
        server.handle_accept()
        assert len(server._map) - before == ACCEPT_BATCH  # the open ones get their turn
        server.handle_accept()
        assert len(server._map) - before == ACCEPT_BATCH + 6
    finally:
        for client in clients:
            client.close()
        server.close()


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
