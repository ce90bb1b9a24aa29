"""The root of Impact's errors, and the core's own. Each can say what a person should do."""

from __future__ import annotations


class ImpactError(Exception):
    """Root of every error of Impact's (the core's here, `integrations.base.ConnectorError`,
    `storage.crypto.CredentialError`): one `except ImpactError` catches what a person can act
    on, and `for_user()` is the text that tells them what was wrong and what to do."""

    def for_user(self) -> str:
        return str(self)


class UsageError(ImpactError, ValueError):
    """A command or input a person typed is wrong; the message says how to fix it."""

    def __init__(self, message: str, help_line: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.help_line = help_line

    def for_user(self) -> str:
        return f"{self.message}\n{self.help_line}" if self.help_line else self.message


class ConfigError(ImpactError):
    """The installation is misconfigured (a variable missing or malformed)."""
