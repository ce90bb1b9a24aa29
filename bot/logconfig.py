"""Logging, configured once by the shell. A filter scrubs token shapes from every record."""

from __future__ import annotations

import json
import logging
import re
import sys

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


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ScrubFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
