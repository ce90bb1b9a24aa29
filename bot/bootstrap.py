"""The composition root: real dependencies are built once here and passed down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.core.errors import ConfigError
from bot.settings import Settings
from storage.crypto import Vault, generate_key
from storage.db import Engine, Unreachable, make_engine, reporting_unreachable
from storage.installations import OAuthStates, SlackInstallations
from storage.migrate import current_revision, head_revision, upgrade


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    vault: Vault | None

    def require_vault(self) -> Vault:
        """The vault, or a clear error saying how to make IMPACT_SECRET_KEY."""
        if self.vault is None:
            self.settings.require_secret_key()  # raises ConfigError with the how-to
        assert self.vault is not None
        return self.vault

    @property
    def database_label(self) -> str:
        """The database's URL with its password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Bring the database to the newest schema (creating it when new), in one
        transaction; a ConfigError naming the database (never its password) when it cannot
        be opened."""
        upgrade_schema(self.engine)

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(the database's schema revision or None when empty, the newest revision)."""
        return current_revision(self.engine), head_revision()

    def slack_installations(self) -> SlackInstallations:
        """Slack installations (OAuth mode): their tokens need IMPACT_SECRET_KEY."""
        return SlackInstallations(self.engine, self.require_vault())

    def oauth_states(self) -> OAuthStates:
        """One-time states of the Slack install flow."""
        return OAuthStates(self.engine, purpose="slack")

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    vault = Vault(settings.secret_key.reveal()) if settings.secret_key else None
    return Runtime(settings=settings, engine=engine, vault=vault)


def upgrade_schema(engine: Engine) -> None:
    """The newest schema, or a ConfigError naming the database (never its password)."""
    try:
        with reporting_unreachable():
            upgrade(engine)
    except Unreachable as err:
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigError(
            f"Cannot open the database {where}: {err.reason}. Check DATABASE_URL."
        ) from None


@contextmanager
def own_database(url: str) -> Iterator[Engine]:
    """An engine on a database of a command's own (`impact demo`'s file), with the newest
    schema; disposed on the way out."""
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        yield engine
    finally:
        engine.dispose()


def new_secret_key() -> str:
    """A fresh key for IMPACT_SECRET_KEY."""
    return generate_key()
