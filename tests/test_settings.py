"""Settings read every variable `.env.example` documents, and nothing undocumented; bad values
and missing secrets stop startup with a message naming the variable; secrets never show."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import catalogue
from bot.core.errors import ConfigError
from bot.settings import LOGIN_APPS, SOURCES, Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def documented() -> dict[str, bool]:
    """Each variable of .env.example -> whether a comment explains it (a `#` line in its
    paragraph, above it)."""
    variables: dict[str, bool] = {}
    commented = False
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            commented = False
        elif line.startswith("#"):
            commented = True
        else:
            variables[line.partition("=")[0].strip()] = commented
    return variables


def read_by_settings() -> set[str]:
    fields = {
        str(f.validation_alias)
        for name, f in Settings.model_fields.items()
        if name != "base_urls" and f.validation_alias
    }
    logins = {
        f"IMPACT_{login.upper()}_CLIENT_{part}" for login in LOGIN_APPS for part in ("ID", "SECRET")
    }
    return fields | {f"IMPACT_{source.upper()}_BASE_URL" for source in SOURCES} | logins


def test_every_setting_is_in_env_example_with_a_comment_and_nothing_else_is():
    example = documented()
    assert sorted(read_by_settings() - example.keys()) == [], "add these to .env.example"
    # compose.yaml's own (the database container's password), not Impact's
    compose_only = {"POSTGRES_PASSWORD"}
    assert sorted(example.keys() - read_by_settings() - compose_only) == [], (
        "Settings does not read these"
    )
    assert [name for name, commented in example.items() if not commented] == []


def test_base_urls_cover_every_source_of_the_catalogue():
    env = {f"IMPACT_{s.upper()}_BASE_URL": f"http://127.0.0.1:9/{s}/" for s in catalogue.SOURCES}
    settings = Settings.from_env(env)
    assert set(settings.base_urls) == set(catalogue.SOURCES)
    assert settings.base_url("stripe", "https://api.stripe.com") == "http://127.0.0.1:9/stripe"


def test_blank_values_keep_the_defaults_and_values_are_trimmed():
    settings = Settings.from_env(
        {"PORT": " ", "DATABASE_URL": " sqlite:///x.db ", "SLACK_CLIENT_ID": ""}
    )
    assert (settings.port, settings.database_url, settings.slack_client_id) == (
        3000,
        "sqlite:///x.db",
        None,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IMPACT_WEB_THREADS": "eight"}, "IMPACT_WEB_THREADS must be a whole number, got 'eight'"),
        ({"IMPACT_WORKER_THREADS": "0"}, "IMPACT_WORKER_THREADS must be 1 or more, got 0"),
        ({"IMPACT_GRACE_HOURS": "six"}, "IMPACT_GRACE_HOURS must be a number, got 'six'"),
        ({"IMPACT_WITH_SCHEDULER": "maybe"}, "IMPACT_WITH_SCHEDULER must be true or false"),
        ({"IMPACT_LOG_FORMAT": "xml"}, "IMPACT_LOG_FORMAT must be text or json, got 'xml'"),
    ],
)
def test_a_malformed_value_names_the_variable_and_what_it_must_be(env, message):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert str(caught.value).startswith(message)


def test_a_missing_key_says_how_to_make_one():
    settings = Settings.from_env({})
    with pytest.raises(ConfigError, match="impact keygen"):
        settings.require_secret_key()
    with pytest.raises(ConfigError, match="IMPACT_REQUIRE_SECRET_KEY=false"):
        settings.check_secret_key_to_start(have_key=False)


def test_secrets_never_show_in_the_settings_repr_or_str():
    secrets = {
        "IMPACT_SECRET_KEY": "key-sekrit-1",
        "SLACK_BOT_TOKEN": "xoxb-sekrit-2",
        "SLACK_SIGNING_SECRET": "sekrit-3",
        "SLACK_CLIENT_SECRET": "sekrit-4",
        "SLACK_APP_TOKEN": "xapp-sekrit-5",
        "IMPACT_META_APP_SECRET": "sekrit-6",
        "IMPACT_GOOGLE_CLIENT_SECRET": "sekrit-7",
        "IMPACT_BROKER_URL": "redis://:sekrit-8@127.0.0.1:6379/0",
    }
    settings = Settings.from_env(secrets)
    shown = repr(settings) + str(settings) + repr(settings.model_dump())
    assert "sekrit" not in shown
    assert settings.require_secret_key().reveal() == "key-sekrit-1"
