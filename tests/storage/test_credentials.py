"""Platform tokens are encrypted at rest and never shown."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.core.errors import ConfigError
from bot.core.model import Credentials
from bot.settings import Settings
from storage.crypto import CredentialError, Vault, generate_key
from storage.db import session_scope
from storage.tables import Connection, Team

TOKEN = "EAAGm0PX4ZCpsBAPlaintextNeverOnDisk1234567890"


def test_token_is_not_in_the_database_file(tmp_path, sqlite_engine):
    vault = Vault(generate_key())
    with session_scope(sqlite_engine) as s:
        s.add(Team(id="T1"))
        s.flush()
        s.add(
            Connection(
                team_id="T1",
                source="facebook",
                external_id="page1",
                credentials_enc=vault.encrypt({"access_token": TOKEN}),
            )
        )
    sqlite_engine.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("impact.db*"))
    assert b"page1" in raw  # the row is there...
    assert TOKEN.encode() not in raw  # ...but not the token
    with session_scope(sqlite_engine) as s:
        stored = s.exec(select(Connection)).one()
        assert vault.decrypt(stored.credentials_enc) == {"access_token": TOKEN}


def test_wrong_key_says_what_to_do():
    token = Vault(generate_key()).encrypt({"access_token": TOKEN})
    with pytest.raises(CredentialError, match="impact connect"):
        Vault(generate_key()).decrypt(token)


def test_bad_key_is_refused_with_how_to_make_one():
    with pytest.raises(CredentialError, match="impact keygen"):
        Vault("not-a-key")


def test_missing_key_error_says_how_to_make_one():
    with pytest.raises(ConfigError, match="impact keygen"):
        Settings.from_env({}).require_secret_key()


def test_secrets_never_show_in_repr_or_logs(caplog):
    key = generate_key()
    settings = Settings.from_env({"IMPACT_SECRET_KEY": key, "SLACK_BOT_TOKEN": "xoxb-1-2-abc"})
    creds = Credentials({"access_token": TOKEN})
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings %r creds %r vault %r", settings, creds, Vault(key))
    text = repr(settings) + repr(creds) + caplog.text
    assert key not in text and TOKEN not in text and "xoxb-1-2-abc" not in text
