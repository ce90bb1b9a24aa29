"""A local HTTP stand-in: a real threaded `http.server` that answers routes and records calls.

Tests point a base URL (`IMPACT_<SOURCE>_BASE_URL`, `SLACK_API_URL`) at it so the real
`requests` / `slack_sdk` code path is exercised. Nothing of ours is mocked.

    with StandIn() as api:
        api.route("GET", "/v23.0/123/insights", json_file("facebook/insights_page1.json"))
        api.route("GET", "/v23.0/123/insights", Reply(429, headers={"Retry-After": "0"}), times=1)
        ... call code with base_url=api.url ...
        assert api.calls("GET", "/v23.0/123/insights")[0].query["metric"] == ["page_follows"]

Routes are matched by method and path (exact, or a compiled regex). A route added with
`times=N` answers N times and is then used up, so a 429 followed by success is two routes;
one-shot routes are consulted before standing ones. A handler may be a `Reply`, a dict/list
(answered as JSON 200) or a callable `(Call) -> Reply`.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes -> sent as is
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (for timeout tests).
    delay: float = 0.0
    #: Cut the body off mid-transfer: send only this many bytes of it, then close the
    #: connection. With `chunked`, the body goes out as one chunk of that size and the
    #: terminating chunk never comes; otherwise Content-Length still announces the whole body.
    cut_after: int | None = None
    chunked: bool = False
    #: Close the connection without answering at all (the request was received).
    drop: bool = False

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "text/plain; charset=utf-8"
        if self.body is None:
            return b"", "text/plain"
        return json.dumps(self.body).encode("utf-8"), "application/json"


Handler = Reply | dict | list | Callable[[Call], Reply]


def json_file(relative: str, status: int = 200, **headers: str) -> Reply:
    """A reply whose body is `tests/fixtures/<relative>` (a recorded platform answer)."""
    text = (FIXTURES / relative).read_text(encoding="utf-8")
    return Reply(status, json.loads(text), dict(headers))


@dataclass
class _Route:
    method: str
    path: str | re.Pattern[str]
    handler: Handler
    times: int | None

    def matches(self, method: str, path: str) -> bool:
        if self.method != method:
            return False
        if isinstance(self.path, re.Pattern):
            return self.path.fullmatch(path) is not None
        return self.path == path


class StandIn:
    """Start with `with StandIn() as api:` (or `start()`/`stop()`); `api.url` is its base."""

    def __init__(self, default: Handler | None = None) -> None:
        self._routes: list[_Route] = []
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self.default = default or Reply(404, {"error": "no stand-in route"})
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- configuration -----------------------------------------------------------------
    def route(
        self, method: str, path: str | re.Pattern[str], handler: Handler, times: int | None = None
    ) -> StandIn:
        with self._lock:
            self._routes.append(_Route(method.upper(), path, handler, times))
        return self

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self._calls.clear()

    # --- inspection --------------------------------------------------------------------
    def calls(self, method: str | None = None, path: str | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method.upper())
                and (path is None or c.path == path)
            ]

    def calls_after(self, index: int) -> list[Call]:
        """Calls received after the first `index` (for cheap polling of a long run)."""
        with self._lock:
            return self._calls[index:]

    @property
    def url(self) -> str:
        assert self._server is not None, "stand-in not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> StandIn:
        stand_in = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without this, Nagle and delayed ACKs
            # add ~40 ms to every keep-alive request
            disable_nagle_algorithm = True

            def log_message(self, *_args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                call = Call(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k: v for k, v in self.headers.items()},
                    body=body,
                )
                reply = stand_in._answer(call)
                if reply.delay:
                    time.sleep(reply.delay)
                payload, content_type = reply.encoded()
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                try:
                    if "Date" in reply.headers:  # the reply's own clock, not the server's
                        self.log_request(reply.status)
                        self.send_response_only(reply.status)
                        self.send_header("Server", self.version_string())
                    else:
                        self.send_response(reply.status)
                    headers = {"Content-Type": content_type, **reply.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if reply.cut_after is not None:
                        self._send_cut(payload, reply)
                        return
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send_cut(self, payload: bytes, reply: Reply) -> None:
                part = payload[: reply.cut_after]
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                else:
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(part)
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- dispatch ----------------------------------------------------------------------
    def _answer(self, call: Call) -> Reply:
        with self._lock:
            self._calls.append(call)
            ordered = [r for r in self._routes if r.times is not None] + [
                r for r in self._routes if r.times is None
            ]
            route = next((r for r in ordered if r.matches(call.method, call.path)), None)
            if route is not None and route.times is not None:
                route.times -= 1
                if route.times <= 0:
                    self._routes.remove(route)
        handler = route.handler if route is not None else self.default
        if callable(handler) and not isinstance(handler, Reply):
            return handler(call)
        if isinstance(handler, Reply):
            return handler
        return Reply(200, handler)
