"""Malformed signing headers and bodies through the real server: always a 401 (or 400 for
a body that cannot be read), never a 500 and never an ERROR traceback in the log."""

from __future__ import annotations

import logging
import time

import pytest
import requests

from bot.services.webhooks import create_feed
from bot.services.webhooks import sign as sign_outcome
from tests.slack.conftest import sign

BODY = b"command=%2Fimpact&text=help&team_id=T1&channel_id=C1&user_id=U1"
FORM = "application/x-www-form-urlencoded"
NOW = str(int(time.time()))
GOOD_SIGNATURE = sign(BODY)["X-Slack-Signature"]

BAD_SLACK_HEADERS = {
    "non-numeric timestamp": {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=ab"},
    "signed non-numeric timestamp": {
        "X-Slack-Request-Timestamp": "12ab",
        "X-Slack-Signature": GOOD_SIGNATURE,
    },
    "empty timestamp": {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": GOOD_SIGNATURE},
    "empty signature": {"X-Slack-Request-Timestamp": NOW, "X-Slack-Signature": ""},
    "no headers at all": {},
    "only a signature": {"X-Slack-Signature": GOOD_SIGNATURE},
    "huge timestamp": {"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": "v0=ab"},
    "negative timestamp": {"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": "v0=ab"},
    "float timestamp": {"X-Slack-Request-Timestamp": "1.5e9", "X-Slack-Signature": "v0=ab"},
    "superscript digit timestamp": {
        "X-Slack-Request-Timestamp": "\u00b2".encode().decode("latin-1"),
        "X-Slack-Signature": "v0=ab",
    },
    "non-ASCII signature": {
        "X-Slack-Request-Timestamp": NOW,
        "X-Slack-Signature": "v0=\u00e9\u00e9".encode().decode("latin-1"),
    },
}


def _post_raw(url: str, body: bytes, headers: dict[str, str]) -> requests.Response:
    # requests sends str header values as latin-1: the non-ASCII cases arrive as raw bytes
    return requests.post(url, data=body, headers={"Content-Type": FORM, **headers}, timeout=10)


@pytest.mark.parametrize("case", sorted(BAD_SLACK_HEADERS))
def test_malformed_slack_signing_headers_get_401_without_a_traceback(harness, caplog, case):
    caplog.set_level(logging.INFO)
    response = _post_raw(f"{harness.url}/slack/events", BODY, BAD_SLACK_HEADERS[case])
    assert response.status_code == 401, response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert harness.slack.calls() == []


def test_a_body_that_is_not_utf8_gets_401_not_500(harness, caplog):
    caplog.set_level(logging.INFO)
    body = b"command=%2Fimpact&text=\xff\xfe"
    response = _post_raw(f"{harness.url}/slack/events", body, sign(body, secret="wrong"))
    assert response.status_code in (400, 401), response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


BAD_OUTCOME_HEADERS = {
    "non-numeric timestamp": {"X-Impact-Timestamp": "soon"},
    "empty timestamp": {"X-Impact-Timestamp": ""},
    "huge timestamp": {"X-Impact-Timestamp": "9" * 5000},
    "superscript digit timestamp": {"X-Impact-Timestamp": "\u00b2".encode().decode("latin-1")},
    "non-ASCII signature": {"X-Impact-Signature": "sha256=\u00e9".encode().decode("latin-1")},
    "empty signature": {"X-Impact-Signature": ""},
    "no signature": {"X-Impact-Signature": None},
}


@pytest.mark.parametrize("case", sorted(BAD_OUTCOME_HEADERS))
def test_malformed_outcome_webhook_headers_get_401_without_a_traceback(harness, caplog, case):
    caplog.set_level(logging.INFO)
    slug, secret = create_feed(harness.runtime, "T1", "Donorbox")
    body = b'{"metric": "donations", "value": 5, "date": "2026-11-10", "id": "x1"}'
    headers = {
        "Content-Type": "application/json",
        "X-Impact-Timestamp": NOW,
        "X-Impact-Signature": sign_outcome(secret, NOW, body),
        **BAD_OUTCOME_HEADERS[case],
    }
    headers = {k: v for k, v in headers.items() if v is not None}
    response = requests.post(
        f"{harness.url}/webhooks/outcomes/{slug}", data=body, headers=headers, timeout=10
    )
    assert response.status_code == 401, response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/webhooks/outcomes/nope", "/connect/instagram/callback"])
def test_a_bad_content_length_is_refused_not_a_500(harness, caplog, path):
    import socket
    from urllib.parse import urlsplit

    caplog.set_level(logging.INFO)
    where = urlsplit(harness.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: -1\r\nConnection: close\r\n\r\n".encode()
        )
        answer = conn.recv(4096).decode("latin-1")
    status = int(answer.split()[1])
    assert status < 500, answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
