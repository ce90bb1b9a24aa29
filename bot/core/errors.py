"""Errors of the core. Each can say what a person should do about it."""

from __future__ import annotations


class ImpactError(Exception):
    """Root of Impact's own errors."""

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
