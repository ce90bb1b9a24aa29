"""The production HTTP app: a WSGI callable that routes to Bolt and our own endpoints.

    /slack/events           commands, events, interactivity (signature-verified by Bolt)
    /slack/install          Add to Slack (OAuth mode)
    /slack/oauth_redirect   OAuth callback (OAuth mode)
    /connect/<s>/callback   back from a platform login (bot.services.platform_connect)
    /webhooks/outcomes/<f>  HMAC-signed outcome events (bot.services.webhooks)
    /healthz                200 when the database and the job broker answer, 503 otherwise

Stateless: any number of replicas can run behind a load balancer; everything shared
(installations, event dedupe, goals) lives in the database.
"""

from __future__ import annotations

import io
import json
import logging
import signal
from collections.abc import Callable, Iterable
from typing import Any

from dramatiq import Broker
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.bootstrap import Runtime
from bot.signing import unix_seconds

log = logging.getLogger(__name__)
SLACK_PATHS = ("/slack/events", "/slack/install", "/slack/oauth_redirect")

StartResponse = Callable[..., Any]


def make_wsgi_app(
    runtime: Runtime, app: App, broker: Broker | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/slack/events" and not _well_formed_slack_request(environ):
            # Bolt's verifier raises (a 500 and a traceback) on a non-numeric timestamp, a
            # non-ASCII signature or a body that is not UTF-8: answer as for any bad signature
            return _json(start_response, "401 Unauthorized", {"error": "invalid request"})
        if path in SLACK_PATHS:
            return slack(environ, start_response)
        if path == "/healthz":
            return _health(runtime, broker, start_response)
        if path.startswith("/connect/") and path.endswith("/callback"):
            return _connect_callback(runtime, environ, start_response, path.split("/")[2])
        if path.startswith("/webhooks/outcomes/") and environ.get("REQUEST_METHOD") == "POST":
            return _outcome(runtime, environ, start_response, path.rsplit("/", 1)[-1])
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


def _well_formed_slack_request(environ: dict[str, Any]) -> bool:
    """False when the signing headers cannot even be checked (missing, empty, not ASCII
    digits, absurdly long, a non-ASCII signature) or the body is not UTF-8. The signature
    itself is still verified by Bolt. The body is read here and put back for Bolt."""
    if environ.get("REQUEST_METHOD", "GET") != "POST":
        return True
    if unix_seconds(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")) is None:
        return False
    signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
    if not signature.isascii() or not signature.startswith("v0="):
        return False
    length = _content_length(environ)
    if length is None:
        return False
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _content_length(environ: dict[str, Any]) -> int | None:
    """CONTENT_LENGTH as a non-negative int (0 when absent), None when malformed."""
    raw = (environ.get("CONTENT_LENGTH") or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else None


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode("utf-8")
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


#: The chooser form is a state and an account id; anything longer is not ours.
MAX_FORM = 4096


def _connect_callback(
    runtime: Runtime, environ: dict[str, Any], start_response: StartResponse, source: str
) -> list[bytes]:
    from urllib.parse import parse_qs

    from bot.services import platform_connect
    from bot.slack.respond import KeepAliveRespond

    def tell(response_url: str, text: str) -> None:
        timeout = runtime.settings.http_timeout_seconds
        KeepAliveRespond(response_url, timeout=timeout)(
            text=text, response_type="ephemeral", replace_original=False
        )

    method = environ.get("REQUEST_METHOD", "GET")
    if method == "GET":
        params = platform_connect.form_fields(parse_qs(environ.get("QUERY_STRING", "")))
        page = platform_connect.finish_login(runtime, source, params, tell)
    elif method == "POST":
        length = _content_length(environ)
        if length is None:
            return _json(start_response, "400 Bad Request", {"error": "bad Content-Length"})
        body = environ["wsgi.input"].read(min(length, MAX_FORM)) if length else b""
        form = platform_connect.form_fields(parse_qs(body.decode("utf-8", "replace")))
        page = platform_connect.choose_account(runtime, source, form, tell)
    else:
        return _json(start_response, "405 Method Not Allowed", {"error": "GET or POST"})
    html = page.html.encode("utf-8")
    phrases = {200: "OK", 400: "Bad Request", 404: "Not Found", 502: "Bad Gateway"}
    start_response(
        f"{page.status} {phrases.get(page.status, 'Error')}",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(html))),
            ("Cache-Control", "no-store"),
            # the URL held a one-time code: never pass it on to another site
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
        ],
    )
    return [html]


def _outcome(
    runtime: Runtime, environ: dict[str, Any], start_response: StartResponse, slug: str
) -> list[bytes]:
    from bot.services.webhooks import MAX_BODY, handle_outcome_webhook

    length = _content_length(environ)
    if length is None:
        return _json(start_response, "400 Bad Request", {"error": "bad Content-Length"})
    body = environ["wsgi.input"].read(min(length, MAX_BODY + 1)) if length else b""
    headers = {
        key[5:].replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    status, payload = handle_outcome_webhook(runtime, slug, headers, body)
    phrases = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
    return _json(start_response, f"{status} {phrases.get(status, 'Error')}", payload)


def _health(runtime: Runtime, broker: Broker | None, start_response: StartResponse) -> list[bytes]:
    from bot.jobs import broker_health

    checks = {"database": "up", "broker": "up"}
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.exception("healthz.database_down")
        checks["database"] = "down"
    if broker is not None and not broker_health(broker):
        checks["broker"] = "down"
    if "down" in checks.values():
        return _json(start_response, "503 Service Unavailable", {"ok": False, **checks})
    return _json(start_response, "200 OK", {"ok": True, **checks})


def _stop(signum: int, _frame: object) -> None:
    log.info("server.stop signal=%s", signum)
    raise SystemExit(0)


#: Connections taken per wake-up of the server's loop; bounded so that a flood of new
#: connections cannot starve the ones already open.
ACCEPT_BATCH = 64


def create_http_server(wsgi: Callable[..., Any], *, host: str, port: int, threads: int) -> Any:
    """A waitress server for `wsgi` that accepts a burst of new connections at once.

    Waitress's loop takes one new connection per wake-up, and every wake-up must win the
    interpreter lock back from the request threads. When Slack opens a burst of connections
    while those threads are busy, the last one was measured waiting ~50 ms to be taken,
    which is most of the slowest acks (bench_slack_ack). This server takes every pending
    connection, up to ACCEPT_BATCH, per wake-up. `port=0` picks a free port
    (`server.effective_port`).
    """
    from waitress.adjustments import Adjustments
    from waitress.server import TcpWSGIServer
    from waitress.task import ThreadedTaskDispatcher

    class EagerAcceptServer(TcpWSGIServer):
        accepted = False

        def accept(self) -> Any:
            pair = super().accept()
            self.accepted = pair is not None
            return pair

        def handle_accept(self) -> None:
            for _ in range(ACCEPT_BATCH):
                self.accepted = False
                super().handle_accept()
                if not self.accepted:
                    return

    adjustments = Adjustments(host=host, port=port, threads=threads, ident="impact")
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    return EagerAcceptServer(
        wsgi, map={}, dispatcher=dispatcher, adj=adjustments, sockinfo=adjustments.listen[0]
    )


def serve(wsgi: Callable[..., Any], *, port: int, threads: int) -> None:
    """Run the app on waitress, a production WSGI server in pure Python."""
    import gc

    server = create_http_server(wsgi, host="0.0.0.0", port=port, threads=threads)
    # everything built at startup lives until exit: keep it out of the collector's scans,
    # which otherwise show up as pauses in the slowest acks
    gc.freeze()
    # a container stop sends SIGTERM: leave through the callers' `finally` (work processes
    # finish what is queued, the scheduler stops) instead of dying on the spot
    signal.signal(signal.SIGTERM, _stop)
    log.info("server.start port=%s threads=%s", server.effective_port, threads)
    try:
        server.run()
    finally:
        server.close()
