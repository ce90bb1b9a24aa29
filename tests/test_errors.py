"""One root for Impact's errors: every exception class of ours is an `ImpactError`, and each
says what a person should do (`for_user()`), so the shell catches and words them in one way."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import bot
import integrations
import storage
from bot.core.errors import ConfigError, ImpactError, UsageError
from integrations.base import AuthExpired, ConnectorError, RateLimited
from storage.crypto import CredentialError, Vault, generate_key


def our_modules():
    for package in (bot, integrations, storage):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            # __main__ runs the CLI; migrations run inside Alembic only
            if info.name.endswith("__main__") or ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


def our_exceptions():
    return sorted(
        {
            cls
            for module in our_modules()
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, BaseException)
            and cls.__module__ == module.__name__
            and not cls.__name__.startswith("_")  # private control flow, never shown
        },
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


def test_every_error_of_ours_is_an_impact_error():
    found = our_exceptions()
    assert {ConfigError, ConnectorError, CredentialError} <= set(found)
    strays = [f"{c.__module__}.{c.__name__}" for c in found if not issubclass(c, ImpactError)]
    assert strays == [], "subclass bot.core.errors.ImpactError (or one of its branches)"


@pytest.mark.parametrize(
    ("error", "action"),
    [
        (UsageError("`/impact goal` needs a metric", "e.g. `/impact goal signups +10%`"), "e.g."),
        (AuthExpired("token revoked"), "/impact connect"),
        (RateLimited("slow down"), "next sync"),
        (ConnectorError("HTTP 502"), "retries at the next sync"),
    ],
)
def test_each_says_what_to_do_through_the_root(error, action):
    try:
        raise error
    except ImpactError as caught:
        assert action in caught.for_user()


def test_a_key_that_cannot_read_the_credentials_says_what_to_do():
    stored, other = Vault(generate_key()), Vault(generate_key())
    with pytest.raises(ImpactError) as caught:
        other.decrypt(stored.encrypt({"access_token": "EAAsecret"}))
    assert "impact connect" in caught.value.for_user()
    assert "EAAsecret" not in caught.value.for_user()
