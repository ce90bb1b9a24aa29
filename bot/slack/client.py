"""Slack Web API clients, built one way everywhere: base URL override and 429 retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"


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
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries),
    ]
    return client
