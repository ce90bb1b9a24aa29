"""Token shapes never reach a log line; ordinary numbers in it stay readable."""

from __future__ import annotations

import io
import logging

from bot.logconfig import OncePerInterval, ScrubFilter, configure, scrub


def test_scrub_hides_tokens_codes_and_secrets_in_urls_and_json():
    line = (
        "GET /v23.0/oauth/access_token?client_id=111&client_secret=s3cr3t&code=AQDx-1"
        "&fb_exchange_token=EAAshort token xoxb-123-456-abc Bearer ya29.a0Af "
        '{"refresh_token": "1//0gRefresh"} sk_live_abc123'
    )
    cleaned = scrub(line)
    for secret in (
        "s3cr3t",
        "AQDx-1",
        "EAAshort",
        "xoxb-123",
        "ya29.a0Af",
        "1//0gRefresh",
        "sk_live",
    ):
        assert secret not in cleaned
    assert "client_id=111" in cleaned  # not a secret: kept for whoever reads the log


def test_scrub_keeps_exit_and_status_codes():
    assert scrub("workers.died exitcode=1 status_code=500") == (
        "workers.died exitcode=1 status_code=500"
    )


def test_the_handler_filter_scrubs_what_a_library_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    logger = logging.getLogger("tests.scrub")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug('"GET /token?code=%s HTTP/1.1" 200', "4/0Abc")
    finally:
        logger.removeHandler(handler)
    assert "4/0Abc" not in stream.getvalue() and "code=***" in stream.getvalue()


def test_a_chatty_logger_speaks_once_a_minute_and_counts_what_it_held_back():
    now = [0.0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.chatty")
    logger.addHandler(handler)
    logger.addFilter(OncePerInterval(60.0, clock=lambda: now[0]))
    try:
        for depth in range(1, 500):  # a burst: every queued request would log a line
            logger.warning("Task queue depth is %d", depth)
        now[0] = 61.0
        logger.warning("Task queue depth is %d", 3)
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().splitlines() == [
        "Task queue depth is 1",
        "Task queue depth is 3 (498 more like this held back)",
    ]


def test_configure_quiets_waitress_queue_warnings():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure("INFO")
        configure("INFO")  # twice (a test, a reload): still one filter
    finally:
        root.handlers[:], root.level = handlers, level
    filters = logging.getLogger("waitress.queue").filters
    assert [type(f) for f in filters] == [OncePerInterval]
