"""The composition root: real dependencies are built once here and passed down."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.settings import Settings
from storage.crypto import Vault
from storage.db import make_engine


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

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    vault = Vault(settings.secret_key.reveal()) if settings.secret_key else None
    return Runtime(settings=settings, engine=engine, vault=vault)
