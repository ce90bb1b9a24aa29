"""What every CLI command shares: settings from the environment, the runtime, errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from bot.bootstrap import Runtime, build_runtime
from bot.core.errors import ImpactError
from bot.logconfig import configure
from bot.settings import Settings


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blanks skipped, quotes removed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        values[key] = value.strip().strip("'\"")
    return values


def load_settings() -> Settings:
    """Settings from the environment, with `.env` filling what the environment lacks."""
    env = {**read_dotenv(Path.cwd() / ".env"), **os.environ}
    try:
        return Settings.from_env(env)
    except ImpactError as err:
        raise click.ClickException(err.for_user()) from None


@contextmanager
def runtime(
    settings: Settings | None = None, *, log: bool = True, migrate: bool = True
) -> Iterator[Runtime]:
    """Build the runtime for one command; errors of ours become clean CLI errors.

    With `migrate` (the default) the database is brought to the newest schema first, so every
    command works on a fresh database: `no such table` never reaches a person. Only the
    `impact db` commands, which report the schema, opt out.
    """
    settings = settings or load_settings()
    if log:
        configure(settings.log_level, settings.log_format)
    rt = build_runtime(settings)
    try:
        if migrate:
            rt.migrate()  # a ConfigError naming the database when it cannot be opened
        yield rt
    except ImpactError as err:
        raise click.ClickException(err.for_user()) from None
    finally:
        rt.close()
