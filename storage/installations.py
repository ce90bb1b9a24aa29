"""Slack installations and one-time OAuth states: the `teams` and `oauth_states` tables as
the Slack shell needs them, in and out as core values (tokens encrypted at rest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine

from bot.core.model import SlackInstall
from storage.crypto import Vault
from storage.db import session_scope
from storage.metrics import ensure_team
from storage.tables import DigestSchedule, OAuthState, Team, utcnow


class SlackInstallations:
    """The installation of each team, its bot tokens encrypted with the vault."""

    def __init__(self, engine: Engine, vault: Vault) -> None:
        self.engine, self.vault = engine, vault

    def save(self, install: SlackInstall) -> None:
        """Store an installation (the team is created when new, and named unless the
        installation has no name). Tokens absent from `install` keep their stored values;
        a team uninstalled before counts as installed again."""
        with session_scope(self.engine) as session:
            team = ensure_team(session, install.team_id)  # insert-if-absent: replicas may race
            team.name = install.name or team.name
            team.enterprise_id = install.enterprise_id
            team.app_id = install.app_id
            team.bot_user_id = install.bot_user_id
            team.bot_id = install.bot_id
            team.bot_scopes = install.bot_scopes
            team.installer_user_id = install.installer_user_id
            if install.bot_token:
                team.bot_token_enc = self.vault.encrypt_text(install.bot_token)
            if install.bot_refresh_token:
                team.bot_refresh_token_enc = self.vault.encrypt_text(install.bot_refresh_token)
            team.bot_token_expires_at = install.bot_token_expires_at
            team.installed_at, team.uninstalled_at = utcnow(), None
            session.add(team)

    def find(self, team_id: str) -> SlackInstall | None:
        """The team's installation with its tokens decrypted, or None when the team is
        unknown, has no bot token or uninstalled Impact. One primary-key read."""
        with session_scope(self.engine) as session:
            team = session.get(Team, team_id)
            if team is None or team.bot_token_enc is None or team.uninstalled_at is not None:
                return None
            refresh = team.bot_refresh_token_enc
            return SlackInstall(
                team_id=team.id,
                name=team.name,
                enterprise_id=team.enterprise_id,
                app_id=team.app_id,
                bot_user_id=team.bot_user_id,
                bot_id=team.bot_id,
                bot_scopes=team.bot_scopes,
                installer_user_id=team.installer_user_id,
                bot_token=self.vault.decrypt_text(team.bot_token_enc),
                bot_refresh_token=self.vault.decrypt_text(refresh) if refresh else None,
                bot_token_expires_at=team.bot_token_expires_at,
                installed_at=team.installed_at or utcnow(),
            )

    def forget(self, team_id: str) -> None:
        forget_installation(self.engine, team_id)


def forget_installation(engine: Engine, team_id: str) -> None:
    """Drop a team's tokens and stop its digests (uninstall, tokens revoked); keep its data.
    One transaction."""
    with session_scope(engine) as session:
        team = session.get(Team, team_id)
        if team is not None:
            team.bot_token_enc = team.bot_refresh_token_enc = None
            team.uninstalled_at = utcnow()
        session.execute(
            update(DigestSchedule).where(DigestSchedule.team_id == team_id).values(enabled=False)
        )


class OAuthStates:
    """One-time `state` values of an OAuth flow, each usable once before it expires."""

    def __init__(self, engine: Engine, purpose: str = "slack") -> None:
        self.engine, self.purpose = engine, purpose

    def add(self, state: str, expires_at: datetime) -> None:
        with session_scope(self.engine) as session:
            session.add(OAuthState(state=state, purpose=self.purpose, expires_at=expires_at))

    def consume(self, state: str) -> bool:
        """True once for a state added here and not expired; it is deleted, so it cannot be
        used again (the delete decides, so two replicas never both accept it)."""
        with session_scope(self.engine) as session:
            result = session.execute(
                delete(OAuthState).where(
                    OAuthState.state == state, OAuthState.expires_at > utcnow()
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
