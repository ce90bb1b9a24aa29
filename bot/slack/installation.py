"""Bolt's installation and OAuth state stores over our `teams` and `oauth_states` tables.

Bot tokens are encrypted with the Vault. `find_bot` runs on every request in OAuth mode,
so it is one primary-key read.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import update

from storage.crypto import Vault
from storage.db import session_scope
from storage.metrics import ensure_team
from storage.tables import DigestSchedule, OAuthState, Team, utcnow

log = logging.getLogger(__name__)


def installation_key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> str:
    """The `teams.id` an installation is stored under: the org for an org-wide install
    (one installation serves every workspace of the org, whichever one a request names),
    else the workspace. `bot.slack.identity.team_of` keys a request's data the same way."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id or ""


class DbInstallationStore(InstallationStore):
    def __init__(self, engine: Engine, vault: Vault) -> None:
        self.engine, self.vault = engine, vault

    @property
    def logger(self) -> logging.Logger:
        return log

    def save(self, installation: Installation) -> None:
        team_id = installation_key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        with session_scope(self.engine) as session:
            team = ensure_team(session, team_id)  # insert-if-absent: replicas may race
            team.name = installation.team_name or team.name
            team.enterprise_id = installation.enterprise_id
            team.app_id = installation.app_id
            team.bot_user_id = installation.bot_user_id
            team.bot_id = installation.bot_id
            team.bot_scopes = ",".join(installation.bot_scopes or [])
            team.installer_user_id = installation.user_id
            if installation.bot_token:
                team.bot_token_enc = self.vault.encrypt_text(installation.bot_token)
            if installation.bot_refresh_token:
                team.bot_refresh_token_enc = self.vault.encrypt_text(installation.bot_refresh_token)
            expires = installation.bot_token_expires_at
            team.bot_token_expires_at = (
                datetime.fromtimestamp(expires, UTC) if isinstance(expires, int) else None
            )
            team.installed_at, team.uninstalled_at = utcnow(), None
            session.add(team)
        log.info("slack.installed team=%s", team_id)

    def save_bot(self, bot: Bot) -> None:  # Bolt calls save(); nothing else to keep
        return None

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key = installation_key(enterprise_id, team_id, is_enterprise_install)
        with session_scope(self.engine) as session:
            team = session.get(Team, key)
            if team is None or team.bot_token_enc is None or team.uninstalled_at is not None:
                return None
            refresh = team.bot_refresh_token_enc
            return Bot(
                app_id=team.app_id,
                enterprise_id=team.enterprise_id,
                team_id=team.id,
                team_name=team.name,
                bot_token=self.vault.decrypt_text(team.bot_token_enc),
                bot_refresh_token=self.vault.decrypt_text(refresh) if refresh else None,
                bot_token_expires_at=(
                    int(team.bot_token_expires_at.timestamp())
                    if team.bot_token_expires_at
                    else None
                ),
                bot_id=team.bot_id or "",
                bot_user_id=team.bot_user_id or "",
                bot_scopes=team.bot_scopes,
                installed_at=(team.installed_at or utcnow()).timestamp(),
            )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = self.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is None:
            return None
        with session_scope(self.engine) as session:
            team = session.get(Team, bot.team_id or "")
            installer = team.installer_user_id if team else None
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=installer or "",
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        forget_installation(self.engine, team_id or enterprise_id or "")

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        forget_installation(self.engine, team_id or enterprise_id or "")


def forget_installation(engine: Engine, team_id: str) -> None:
    """Drop a team's tokens and stop its digests (uninstall, tokens revoked); keep its data."""
    with session_scope(engine) as session:
        team = session.get(Team, team_id)
        if team is not None:
            team.bot_token_enc = team.bot_refresh_token_enc = None
            team.uninstalled_at = utcnow()
        session.execute(
            update(DigestSchedule).where(DigestSchedule.team_id == team_id).values(enabled=False)
        )
    log.info("slack.uninstalled team=%s", team_id)


class DbStateStore(OAuthStateStore):
    """One-time OAuth `state` values that expire."""

    def __init__(self, engine: Engine, expiration_seconds: int = 600) -> None:
        self.engine, self.expiration = engine, timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        with session_scope(self.engine) as session:
            session.add(
                OAuthState(state=state, purpose="slack", expires_at=utcnow() + self.expiration)
            )
        return state

    def consume(self, state: str) -> bool:
        """True once for a state issued here and not expired; it cannot be used again."""
        with session_scope(self.engine) as session:
            result = session.execute(
                delete(OAuthState).where(
                    OAuthState.state == state, OAuthState.expires_at > utcnow()
                )
            )
            return bool(result.rowcount)
