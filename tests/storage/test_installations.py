"""Slack installations kept as core values: tokens encrypted at rest, a token the install did
not send keeps its stored value, an uninstalled team is not found, and a state works once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.model import SlackInstall
from storage.crypto import Vault, generate_key
from storage.db import session_scope
from storage.installations import OAuthStates, SlackInstallations
from storage.tables import DigestSchedule, Team

TOKEN = "xoxb-1111-2222-PlaintextNeverOnDisk"


def test_an_installation_round_trips_with_its_token_encrypted(engine):
    installations = SlackInstallations(engine, Vault(generate_key()))
    expires = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    installations.save(
        SlackInstall(
            team_id="T1",
            name="Acme",
            bot_id="B1",
            bot_user_id="UBOT",
            bot_scopes="commands,chat:write",
            installer_user_id="U1",
            bot_token=TOKEN,
            bot_refresh_token="xoxe-1-refresh",
            bot_token_expires_at=expires,
        )
    )
    with session_scope(engine) as s:
        stored = s.get(Team, "T1")
        assert stored.bot_token_enc and TOKEN.encode() not in stored.bot_token_enc
    found = installations.find("T1")
    assert found is not None
    assert (found.name, found.bot_token, found.bot_refresh_token) == (
        "Acme",
        TOKEN,
        "xoxe-1-refresh",
    )
    assert found.bot_token_expires_at == expires and found.installer_user_id == "U1"
    assert TOKEN not in repr(found) and "xoxe" not in repr(found)

    # a re-install without a refresh token or a name keeps the stored ones
    installations.save(SlackInstall(team_id="T1", bot_token="xoxb-new", bot_scopes="commands"))
    again = installations.find("T1")
    assert again is not None
    assert (again.name, again.bot_token, again.bot_refresh_token, again.bot_scopes) == (
        "Acme",
        "xoxb-new",
        "xoxe-1-refresh",
        "commands",
    )
    assert installations.find("T-unknown") is None


def test_forgetting_drops_the_tokens_and_stops_the_digests_but_keeps_the_team(engine):
    installations = SlackInstallations(engine, Vault(generate_key()))
    installations.save(SlackInstall(team_id="T1", name="Acme", bot_token=TOKEN))
    with session_scope(engine) as s:
        s.add(DigestSchedule(team_id="T1", channel_id="C1", weekday=0, hour=9, minute=0))
    installations.forget("T1")
    assert installations.find("T1") is None
    with session_scope(engine) as s:
        team = s.get(Team, "T1")
        assert team.name == "Acme" and team.bot_token_enc is None
        assert team.uninstalled_at is not None
        assert [d.enabled for d in s.exec(select(DigestSchedule))] == [False]
    installations.save(SlackInstall(team_id="T1", bot_token="xoxb-back"))  # installed again
    found = installations.find("T1")
    assert found is not None and found.bot_token == "xoxb-back"


def test_a_state_is_consumed_once_and_never_after_it_expires(engine):
    states = OAuthStates(engine)
    now = datetime.now(UTC)
    states.add("fresh", now + timedelta(minutes=10))
    states.add("stale", now - timedelta(seconds=1))
    assert states.consume("fresh") is True
    assert states.consume("fresh") is False
    assert states.consume("stale") is False
    assert states.consume("never-issued") is False
