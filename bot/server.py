"""The production HTTP app: Flask routes to Bolt's Flask adapter and our own endpoints,
served by waitress.

    /slack/events           commands, events, interactivity (signature-verified by Bolt)
    /slack/install          Add to Slack (OAuth mode)
    /slack/oauth_redirect   OAuth callback (OAuth mode)
    /connect/<s>/callback   back from a platform login (bot.services.platform_connect)
    /webhooks/outcomes/<f>  HMAC-signed outcome events (bot.services.webhooks)
    /healthz                200 when the database and the job broker answer, 503 otherwise
    /metrics                Prometheus text format (bot.metrics)

Stateless: any number of replicas can run behind a load balancer; everything shared
(installations, event dedupe, goals) lives in the database.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import Any

from dramatiq import Broker
from flask import Flask, Response, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.bootstrap import Runtime
from bot.metrics import instrument_acks, metrics_response, web_registry
from bot.signing import unix_seconds
from storage.monitoring import ping

log = logging.getLogger(__name__)

#: The chooser form is a state and an account id; anything longer is not ours.
MAX_FORM = 4096


def make_wsgi_app(runtime: Runtime, app: App, broker: Broker | None = None) -> Flask:
    """The Flask app (a WSGI callable) with every route of `impact serve`; Slack's go to
    Bolt's Flask adapter."""
    web = Flask("impact")
    slack = SlackRequestHandler(app)
    registry, acks = web_registry(runtime.engine, broker)
    instrument_acks(web, acks)

    @web.post("/slack/events")
    def slack_events() -> Response:
        if not _well_formed_slack_request():
            # Bolt's verifier raises (a 500 and a traceback) on a non-numeric timestamp, a
            # non-ASCII signature or a body that is not UTF-8: answer as for any bad signature
            return _json(401, {"error": "invalid request"})
        return slack.handle(request)

    @web.get("/slack/install")
    @web.get("/slack/oauth_redirect")
    def slack_oauth() -> Response:
        return slack.handle(request)

    @web.get("/healthz")
    def health() -> Response:
        return _health(runtime, broker)

    @web.get("/metrics")
    def metrics() -> Response:
        return metrics_response(registry, request.headers.get("Accept"))

    @web.route("/connect/<source>/callback", methods=["GET", "POST"])
    def connect_callback(source: str) -> Response:
        return _connect_callback(runtime, source)

    @web.post("/webhooks/outcomes/<slug>")
    def outcome(slug: str) -> Response:
        return _outcome(runtime, slug)

    @web.errorhandler(404)
    def not_found(_err: Exception) -> Response:
        return _json(404, {"error": "not found"})

    @web.errorhandler(405)
    def wrong_method(_err: Exception) -> Response:
        return _json(405, {"error": "method not allowed"})

    @web.errorhandler(400)
    def bad_request(_err: Exception) -> Response:
        return _json(400, {"error": "bad request"})

    return web


def _well_formed_slack_request() -> bool:
    """False when the signing headers cannot even be checked (missing, empty, not ASCII
    digits, absurdly long, a non-ASCII signature) or the body is not UTF-8. The signature
    itself is still verified by Bolt."""
    if unix_seconds(request.headers.get("X-Slack-Request-Timestamp")) is None:
        return False
    signature = request.headers.get("X-Slack-Signature") or ""
    if not signature.isascii() or not signature.startswith("v0="):
        return False
    try:
        request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _json(status: int, payload: dict[str, Any]) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response


def _connect_callback(runtime: Runtime, source: str) -> Response:
    from urllib.parse import parse_qs

    from bot.services import platform_connect
    from bot.slack.respond import KeepAliveRespond

    def tell(response_url: str, text: str) -> None:
        timeout = runtime.settings.http_timeout_seconds
        KeepAliveRespond(response_url, timeout=timeout)(
            text=text, response_type="ephemeral", replace_original=False
        )

    if request.method == "GET":
        params = platform_connect.form_fields(request.args.to_dict(flat=False))
        page = platform_connect.finish_login(runtime, source, params, tell)
    else:
        # read at most MAX_FORM bytes: a longer form is not ours and is cut, not buffered
        body = request.stream.read(MAX_FORM)
        form = platform_connect.form_fields(parse_qs(body.decode("utf-8", "replace")))
        page = platform_connect.choose_account(runtime, source, form, tell)
    response = Response(page.html, status=page.status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    # the URL held a one-time code: never pass it on to another site
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _outcome(runtime: Runtime, slug: str) -> Response:
    from bot.services.webhooks import MAX_BODY, handle_outcome_webhook

    body = request.stream.read(MAX_BODY + 1)  # one byte more tells "too large"
    status, payload = handle_outcome_webhook(runtime, slug, dict(request.headers), body)
    return _json(status, payload)


def _health(runtime: Runtime, broker: Broker | None) -> Response:
    from bot.jobs import broker_health

    checks = {"database": "up", "broker": "up"}
    try:
        ping(runtime.engine)
    except Exception:
        log.exception("healthz.database_down")
        checks["database"] = "down"
    if broker is not None and not broker_health(broker):
        checks["broker"] = "down"
    if "down" in checks.values():
        return _json(503, {"ok": False, **checks})
    return _json(200, {"ok": True, **checks})


def _stop(signum: int, _frame: object) -> None:
    log.info("server.stop signal=%s", signum)
    raise SystemExit(0)


#: How often a thread holding the GIL hands it over (Python's default is 5 ms).
SWITCH_INTERVAL_SECONDS = 0.001


def create_http_server(wsgi: Callable[..., Any], *, host: str, port: int, threads: int) -> Any:
    """Waitress serving `wsgi` with its own public options: `threads` request threads,
    `ident` in the Server header. `port=0` picks a free port (`server.effective_port`).

    The request threads share one GIL: at Python's default switch interval a thread busy
    with one ack holds off another ready to answer for up to 5 ms at a time, and under 20
    concurrent requests those waits pile up into the slowest acks. A 1 ms interval keeps
    them near the median (bench/bench_slack_ack.py: p99 1.7-1.9x a bare Bolt app's at 5 ms,
    1.2-1.3x at 1 ms), for a little more switching."""
    import sys

    import waitress

    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    return waitress.create_server(wsgi, host=host, port=port, threads=threads, ident="impact")


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
