"""Logging, configured once by the shell. A filter scrubs token shapes from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from typing import Any

_SECRET_SHAPES = [
    re.compile(r"xox[abposre]-[A-Za-z0-9-]+"),  # Slack tokens
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)\b((?:access_token|refresh_token|client_secret|fb_exchange_token|token|key|secret"
        r"|code)=)[^&\s\"']+"
    ),
    re.compile(r"(?i)(\"(?:access_token|refresh_token|client_secret)\"\s*:\s*\")[^\"]+"),
    re.compile(r"sk_(?:live|test)_[A-Za-z0-9]+"),
    re.compile(r"EAA[A-Za-z0-9]{20,}"),  # Meta tokens
]


def scrub(text: str) -> str:
    """Replace anything shaped like a token with `***`, keeping the label before it."""
    for pattern in _SECRET_SHAPES:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


class TextFormatter(logging.Formatter):
    """The plain format, with tracebacks scrubbed too (an exception's text may quote a URL
    and the token in its query)."""

    def formatException(self, ei: Any) -> str:
        return scrub(super().formatException(ei))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(payload)


class OncePerInterval(logging.Filter):
    """Lets one record through per `seconds`; the next one that passes says how many were
    held back. For loggers that speak once per event under load, such as waitress's
    "Task queue depth is N" for every request queued while all threads are busy."""

    def __init__(self, seconds: float = 60.0, clock: object = time.monotonic) -> None:
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._next = float("-inf")
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()  # type: ignore[operator]
        with self._lock:
            if now < self._next:
                self._held += 1
                return False
            held, self._held, self._next = self._held, 0, now + self.seconds
        if held:
            record.msg = f"{record.getMessage()} ({held} more like this held back)"
            record.args = ()
        return True


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ScrubFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # all web threads busy: worth knowing, not once per queued request
    queue_log = logging.getLogger("waitress.queue")
    queue_log.filters[:] = [f for f in queue_log.filters if not isinstance(f, OncePerInterval)]
    queue_log.addFilter(OncePerInterval(60.0))
