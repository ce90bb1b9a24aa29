"""Configuration, read once from the environment at startup and passed down.

No other module reads `os.environ`. Secrets are wrapped in `Secret`, whose `repr` is
`'***'`, so a settings object can be logged without leaking anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.errors import ConfigError

SOURCES = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "youtube",
    "tiktok",
    "pinterest",
    "threads",
    "ga4",
    "meta_ads",
    "stripe",
    "shopify",
    "hubspot",
    "google_oauth",
    "google_admin",
)

#: Platform logins whose app is read from IMPACT_<LOGIN>_CLIENT_ID / _CLIENT_SECRET (Meta and
#: Google have their own variables).
LOGIN_APPS = ("linkedin", "tiktok", "pinterest", "threads", "x")

KEY_HELP = (
    "IMPACT_SECRET_KEY is not set. Impact encrypts platform tokens with it. Make one with\n"
    "  impact keygen\n"
    "and put the line it prints in your .env (keep it secret, and keep it: tokens stored\n"
    "with one key cannot be read with another)."
)
START_KEY_HELP = (
    KEY_HELP + "\n(`impact keygen >> .env` does it for the .env of the directory you run impact"
    "\nfrom; or set the variable in the environment.) Impact does not start without it:"
    "\nconnecting a platform would fail only after someone filled the connect form. To start"
    "\nanyway, with no platform connectable, set IMPACT_REQUIRE_SECRET_KEY=false."
)


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = env.get(name, "").strip()
    return Secret(value) if value else None


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _at_least(low: int, env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < low:
        raise ConfigError(f"{name} must be {low} or more, got {value}")
    return value


def _port(env: Mapping[str, str], name: str) -> int | None:
    value = _int(env, name, 0)
    if not 0 < value < 65536 and env.get(name, "").strip():
        raise ConfigError(
            f"{name} must be a port number (1 to 65535), or empty for none; got {value}"
        )
    return value or None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///impact.db"
    secret_key: Secret | None = None
    #: `impact serve`, `impact socket` and `impact scheduler` refuse to start without a key
    require_secret_key_to_start: bool = True
    # Slack
    slack_bot_token: Secret | None = None
    slack_signing_secret: Secret | None = None
    slack_client_id: str | None = None
    slack_client_secret: Secret | None = None
    slack_app_token: Secret | None = None
    slack_api_url: str | None = None
    public_url: str = "http://localhost:3000"
    # platform logins (`/impact connect <source>` links; without them, a token form)
    meta_app_id: str | None = None
    meta_app_secret: Secret | None = None
    google_client_id: str | None = None
    google_client_secret: Secret | None = None
    #: the other platform logins' apps, login -> (client id, secret), from
    #: IMPACT_<LOGIN>_CLIENT_ID and IMPACT_<LOGIN>_CLIENT_SECRET (both set, or the login is off)
    login_apps: Mapping[str, tuple[str, Secret]] = field(default_factory=dict)
    # web server
    port: int = 3000
    web_threads: int = 8
    # job queue (bot.jobs): Redis in production, None = the embedded in-process broker
    broker_url: Secret | None = None
    #: worker threads of the embedded broker's in-process worker
    worker_threads: int = 4
    #: `impact worker` / `impact scheduler` serve their job metrics here (None: not served)
    metrics_port: int | None = None
    # scheduler
    with_scheduler: bool = False
    sync_interval_hours: float = 6.0
    grace_hours: float = 6.0
    post_max_attempts: int = 5
    # sources
    meta_graph_version: str = "v23.0"
    linkedin_version: str = "202510"
    http_timeout_seconds: float = 20.0
    http_max_retries: int = 5
    base_urls: Mapping[str, str] = field(default_factory=dict)
    # logging
    log_level: str = "INFO"
    log_format: str = "text"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base_urls = {
            source: env[f"IMPACT_{source.upper()}_BASE_URL"].rstrip("/")
            for source in SOURCES
            if env.get(f"IMPACT_{source.upper()}_BASE_URL", "").strip()
        }
        log_format = env.get("IMPACT_LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in ("text", "json"):
            raise ConfigError(f"IMPACT_LOG_FORMAT must be text or json, got {log_format!r}")
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or "sqlite:///impact.db",
            secret_key=_secret(env, "IMPACT_SECRET_KEY"),
            require_secret_key_to_start=_bool(env, "IMPACT_REQUIRE_SECRET_KEY", True),
            slack_bot_token=_secret(env, "SLACK_BOT_TOKEN"),
            slack_signing_secret=_secret(env, "SLACK_SIGNING_SECRET"),
            slack_client_id=env.get("SLACK_CLIENT_ID", "").strip() or None,
            slack_client_secret=_secret(env, "SLACK_CLIENT_SECRET"),
            slack_app_token=_secret(env, "SLACK_APP_TOKEN"),
            slack_api_url=env.get("SLACK_API_URL", "").strip() or None,
            public_url=(env.get("IMPACT_PUBLIC_URL", "").strip() or "http://localhost:3000").rstrip(
                "/"
            ),
            meta_app_id=env.get("IMPACT_META_APP_ID", "").strip() or None,
            meta_app_secret=_secret(env, "IMPACT_META_APP_SECRET"),
            google_client_id=env.get("IMPACT_GOOGLE_CLIENT_ID", "").strip() or None,
            google_client_secret=_secret(env, "IMPACT_GOOGLE_CLIENT_SECRET"),
            login_apps={
                login: (env[f"IMPACT_{login.upper()}_CLIENT_ID"].strip(), secret)
                for login in LOGIN_APPS
                if env.get(f"IMPACT_{login.upper()}_CLIENT_ID", "").strip()
                and (secret := _secret(env, f"IMPACT_{login.upper()}_CLIENT_SECRET"))
            },
            port=_int(env, "PORT", 3000),
            web_threads=_int(env, "IMPACT_WEB_THREADS", 8),
            broker_url=_secret(env, "IMPACT_BROKER_URL"),
            worker_threads=_at_least(1, env, "IMPACT_WORKER_THREADS", 4),
            metrics_port=_port(env, "IMPACT_METRICS_PORT"),
            with_scheduler=_bool(env, "IMPACT_WITH_SCHEDULER", False),
            sync_interval_hours=_float(env, "IMPACT_SYNC_INTERVAL_HOURS", 6.0),
            grace_hours=_float(env, "IMPACT_GRACE_HOURS", 6.0),
            post_max_attempts=_int(env, "IMPACT_POST_MAX_ATTEMPTS", 5),
            meta_graph_version=env.get("IMPACT_META_GRAPH_VERSION", "").strip() or "v23.0",
            linkedin_version=env.get("IMPACT_LINKEDIN_VERSION", "").strip() or "202510",
            http_timeout_seconds=_float(env, "IMPACT_HTTP_TIMEOUT_SECONDS", 20.0),
            http_max_retries=_int(env, "IMPACT_HTTP_MAX_RETRIES", 5),
            base_urls=base_urls,
            log_level=env.get("IMPACT_LOG_LEVEL", "INFO").strip().upper() or "INFO",
            log_format=log_format,
        )

    def require_secret_key(self) -> Secret:
        """The key that encrypts tokens; a clear error saying how to make one when missing."""
        if self.secret_key is None:
            raise ConfigError(KEY_HELP)
        return self.secret_key

    def check_secret_key_to_start(self, have_key: bool) -> None:
        """Refuse to start a long-running process without a key, unless told otherwise."""
        if not have_key and self.require_secret_key_to_start:
            raise ConfigError(START_KEY_HELP)

    def base_url(self, source: str, default: str) -> str:
        """The base URL of a source: `IMPACT_<SOURCE>_BASE_URL` when set, else the real one."""
        return self.base_urls.get(source, default)
