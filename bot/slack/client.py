"""Slack Web API clients, built one way everywhere: base URL override and 429 retries."""

from __future__ import annotations

from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"
#: Methods that create something each time they are called: sent twice, they post twice.
NOT_IDEMPOTENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "files.completeUploadExternal",
    }
)


class SafeConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Retries dropped connections, except for a method that creates something when the
    request may have reached Slack (the connection broke after it was sent): then the
    caller decides (the scheduler looks for its message before posting again)."""

    def _can_retry(
        self, *, state: Any, request: Any, response: Any = None, error: Any = None
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        method = str(request.url).split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if method not in NOT_IDEMPOTENT:
            return True
        # refused: the request never left, so it cannot have been taken
        return isinstance(error, URLError) and isinstance(error.reason, ConnectionRefusedError)


def api_url(settings: Settings) -> str:
    """`SLACK_API_URL` (with the trailing slash slack_sdk needs) or Slack's own."""
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def make_web_client(
    settings: Settings, token: str | None = None, *, max_rate_limit_retries: int = 5
) -> WebClient:
    """A WebClient that honours `Retry-After` on 429 and retries dropped connections."""
    client = WebClient(token=token, base_url=api_url(settings), timeout=30)
    client.retry_handlers = [
        SafeConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries),
    ]
    return client
