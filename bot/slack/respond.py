"""Answers to a slash command's response_url over a kept-alive connection.

Bolt's `respond` opens a new connection (and, against Slack, a new TLS session) for every
answer. Commands answer often and from few threads, so each thread keeps one
`requests.Session` and reuses its connection to Slack's hooks host. The payload is Bolt's:
`text`, `blocks`, `response_type`, `replace_original`, `delete_original`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import requests

log = logging.getLogger(__name__)
_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


class KeepAliveRespond:
    """A drop-in for Bolt's `respond` bound to one response_url."""

    def __init__(self, response_url: str, *, timeout: float = 30.0) -> None:
        self.response_url = response_url
        self.timeout = timeout

    def __call__(
        self,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        **extra: Any,
    ) -> int:
        """Post the answer; the HTTP status (a failure is logged, never raised: the user's
        command already got its ack and there is no one else to tell)."""
        payload: dict[str, Any] = {"text": text, **extra}
        for name, value in (
            ("blocks", blocks),
            ("response_type", response_type),
            ("replace_original", replace_original),
            ("delete_original", delete_original),
        ):
            if value is not None:
                payload[name] = value
        try:
            answer = _session().post(self.response_url, json=payload, timeout=self.timeout)
        except requests.RequestException as err:
            log.warning("respond.failed error=%s", type(err).__name__)
            return 0
        if answer.status_code >= 400:
            log.warning("respond.refused status=%s body=%.200s", answer.status_code, answer.text)
        return answer.status_code
