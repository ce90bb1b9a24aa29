"""Configuration, read once from the environment at startup and passed down.

`Settings` is a pydantic-settings model: each field names its environment variable, and a
malformed value stops startup with a `ConfigError` naming the variable and what it must be.
No other module reads `os.environ`. Secrets are wrapped in `Secret`, whose `repr` is
`'***'`, so a settings object can be logged without leaking anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_core import core_schema
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.core import catalogue
from bot.core.errors import ConfigError

#: Whose base URL `IMPACT_<NAME>_BASE_URL` overrides: every source of the catalogue (the one
#: list) and the two Google endpoints a GA4 login uses besides its API.
SOURCES = (*catalogue.SOURCES, "google_oauth", "google_admin")
#: Platform logins whose app is configured by IMPACT_<LOGIN>_CLIENT_ID and _CLIENT_SECRET
#: (Meta's and Google's have fields of their own below).
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

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: Any) -> core_schema.CoreSchema:
        from_text = core_schema.no_info_after_validator_function(cls, core_schema.str_schema())
        return core_schema.union_schema([core_schema.is_instance_schema(cls), from_text])


def env(name: str, default: Any = None, **checks: Any) -> Any:
    """A field read from the environment variable `name` (empty or blank = the default)."""
    return Field(default, validation_alias=name, **checks)


class _Environment(EnvSettingsSource):
    """The variables of one mapping (`os.environ`, or `.env` merged under it by the CLI),
    stripped; blank ones are left out so the field keeps its default."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self.environ = environ
        super().__init__(settings_cls, case_sensitive=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k: v.strip() for k, v in self.environ.items() if v and v.strip()}

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        values["base_urls"] = {
            source: url.rstrip("/")
            for source in SOURCES
            if (url := self.env_vars.get(f"IMPACT_{source.upper()}_BASE_URL"))
        }
        # a login app is on only with both its id and its secret
        values["login_apps"] = {
            login: (client_id, Secret(secret))
            for login in LOGIN_APPS
            if (client_id := self.env_vars.get(f"IMPACT_{login.upper()}_CLIENT_ID"))
            and (secret := self.env_vars.get(f"IMPACT_{login.upper()}_CLIENT_SECRET"))
        }
        return values


#: What a malformed value must be, by pydantic error type (the message names the variable).
_EXPECTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "bool_parsing": "true or false",
    "literal_error": "text or json",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    database_url: str = env("DATABASE_URL", "sqlite:///impact.db")
    secret_key: Secret | None = env("IMPACT_SECRET_KEY")
    #: `impact serve`, `impact socket` and `impact scheduler` refuse to start without a key
    require_secret_key_to_start: bool = env("IMPACT_REQUIRE_SECRET_KEY", True)
    # Slack
    slack_bot_token: Secret | None = env("SLACK_BOT_TOKEN")
    slack_signing_secret: Secret | None = env("SLACK_SIGNING_SECRET")
    slack_client_id: str | None = env("SLACK_CLIENT_ID")
    slack_client_secret: Secret | None = env("SLACK_CLIENT_SECRET")
    slack_app_token: Secret | None = env("SLACK_APP_TOKEN")
    slack_api_url: str | None = env("SLACK_API_URL")
    public_url: str = env("IMPACT_PUBLIC_URL", "http://localhost:3000")
    # platform logins (`/impact connect <source>` links; without them, a token form)
    meta_app_id: str | None = env("IMPACT_META_APP_ID")
    meta_app_secret: Secret | None = env("IMPACT_META_APP_SECRET")
    google_client_id: str | None = env("IMPACT_GOOGLE_CLIENT_ID")
    google_client_secret: Secret | None = env("IMPACT_GOOGLE_CLIENT_SECRET")
    #: the other platform logins' apps, login -> (client id, secret), from
    #: IMPACT_<LOGIN>_CLIENT_ID and IMPACT_<LOGIN>_CLIENT_SECRET (read by `_Environment`)
    login_apps: Mapping[str, tuple[str, Secret]] = Field(default_factory=dict)
    # web server
    port: int = env("PORT", 3000)
    web_threads: int = env("IMPACT_WEB_THREADS", 8)
    # job queue (bot.jobs): Redis in production, None = the embedded in-process broker
    broker_url: Secret | None = env("IMPACT_BROKER_URL")
    #: worker threads of the embedded broker's in-process worker
    worker_threads: int = env("IMPACT_WORKER_THREADS", 4, ge=1)
    #: `impact worker` lowers its CPU priority by this much (nice), so that on a machine it
    #: shares with `impact serve` the acks (3 s deadline) come before the answers (30 min)
    worker_nice: int = env("IMPACT_WORKER_NICE", 10, ge=0, le=19)
    #: `impact worker` / `impact scheduler` serve their job metrics here (None: not served)
    metrics_port: int | None = env("IMPACT_METRICS_PORT")
    # scheduler
    with_scheduler: bool = env("IMPACT_WITH_SCHEDULER", False)
    sync_interval_hours: float = env("IMPACT_SYNC_INTERVAL_HOURS", 6.0)
    grace_hours: float = env("IMPACT_GRACE_HOURS", 6.0)
    post_max_attempts: int = env("IMPACT_POST_MAX_ATTEMPTS", 5)
    # sources
    meta_graph_version: str = env("IMPACT_META_GRAPH_VERSION", "v23.0")
    linkedin_version: str = env("IMPACT_LINKEDIN_VERSION", "202510")
    http_timeout_seconds: float = env("IMPACT_HTTP_TIMEOUT_SECONDS", 20.0)
    http_max_retries: int = env("IMPACT_HTTP_MAX_RETRIES", 5)
    #: IMPACT_<SOURCE>_BASE_URL for each of SOURCES (read by `_Environment`)
    base_urls: Mapping[str, str] = Field(default_factory=dict)
    # logging
    log_level: str = env("IMPACT_LOG_LEVEL", "INFO")
    log_format: Literal["text", "json"] = env("IMPACT_LOG_FORMAT", "text")

    @field_validator("metrics_port")
    @classmethod
    def _a_port(cls, port: int | None) -> int | None:
        if port is not None and not 0 < port < 65536:
            raise ValueError("a port number (1 to 65535), or empty for none")
        return port

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _upper(cls, level: str) -> str:
        return level.upper()

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what `from_env` passes (init arguments): never a file or the process's
        environment behind the caller's back."""
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `environ` (default: the process's environment); ConfigError naming
        the variable when a value is malformed."""
        values = _Environment(cls, os.environ if environ is None else environ)()
        try:
            return cls(**values)
        except ValidationError as err:
            raise ConfigError(_explain(cls, err)) from None

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


def _explain(cls: type[Settings], err: ValidationError) -> str:
    """`IMPACT_WEB_THREADS must be a whole number, got 'eight'`, one line per bad variable."""
    lines = []
    for problem in err.errors():
        name = str(problem["loc"][0])
        field = cls.model_fields.get(name)
        variable = str(field.validation_alias) if field and field.validation_alias else name
        got = problem["input"]
        if problem["type"] == "greater_than_equal":
            lines.append(f"{variable} must be {problem['ctx']['ge']} or more, got {got}")
            continue
        if problem["type"] == "value_error":  # our validators say what the value must be
            expected = str(problem.get("ctx", {}).get("error", problem["msg"]))
        else:
            expected = _EXPECTED.get(problem["type"], problem["msg"].lower())
        lines.append(f"{variable} must be {expected}, got {got!r}")
    return "\n".join(lines)
