"""Bolt's installation and OAuth state stores over the repositories the composition root
builds (`Runtime.slack_installations`, `Runtime.oauth_states`): Bolt's types in and out here,
core values on the other side.

Bot tokens are encrypted at rest by the repository. `find_bot` runs on every request in OAuth
mode, so it is one primary-key read.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Protocol

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.core.model import SlackInstall

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


class Installations(Protocol):
    """Where installations are kept (`storage.installations.SlackInstallations`)."""

    def save(self, install: SlackInstall) -> None: ...
    def find(self, team_id: str) -> SlackInstall | None: ...
    def forget(self, team_id: str) -> None: ...


class States(Protocol):
    """Where one-time OAuth states are kept (`storage.installations.OAuthStates`)."""

    def add(self, state: str, expires_at: datetime) -> None: ...
    def consume(self, state: str) -> bool: ...


class DbInstallationStore(InstallationStore):
    def __init__(self, installations: Installations) -> None:
        self.installations = installations

    @property
    def logger(self) -> logging.Logger:
        return log

    def save(self, installation: Installation) -> None:
        team_id = installation_key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        expires = installation.bot_token_expires_at
        self.installations.save(
            SlackInstall(
                team_id=team_id,
                name=installation.team_name or "",
                enterprise_id=installation.enterprise_id,
                app_id=installation.app_id,
                bot_user_id=installation.bot_user_id,
                bot_id=installation.bot_id,
                bot_scopes=",".join(installation.bot_scopes or []),
                installer_user_id=installation.user_id,
                bot_token=installation.bot_token,
                bot_refresh_token=installation.bot_refresh_token,
                bot_token_expires_at=(
                    datetime.fromtimestamp(expires, UTC) if isinstance(expires, int) else None
                ),
            )
        )
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
        found = self.installations.find(
            installation_key(enterprise_id, team_id, is_enterprise_install)
        )
        return _bot(found) if found else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.installations.find(
            installation_key(enterprise_id, team_id, is_enterprise_install)
        )
        if found is None:
            return None
        bot = _bot(found)
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
            user_id=found.installer_user_id or "",
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._forget(team_id or enterprise_id or "")

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self._forget(team_id or enterprise_id or "")

    def _forget(self, team_id: str) -> None:
        self.installations.forget(team_id)
        log.info("slack.uninstalled team=%s", team_id)


def _bot(found: SlackInstall) -> Bot:
    expires = found.bot_token_expires_at
    return Bot(
        app_id=found.app_id,
        enterprise_id=found.enterprise_id,
        team_id=found.team_id,
        team_name=found.name,
        bot_token=found.bot_token,
        bot_refresh_token=found.bot_refresh_token,
        bot_token_expires_at=int(expires.timestamp()) if expires else None,
        bot_id=found.bot_id or "",
        bot_user_id=found.bot_user_id or "",
        bot_scopes=found.bot_scopes,
        installed_at=(found.installed_at or datetime.now(UTC)).timestamp(),
    )


class DbStateStore(OAuthStateStore):
    """One-time OAuth `state` values that expire."""

    def __init__(self, states: States, expiration_seconds: int = 600) -> None:
        self.states, self.expiration = states, timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        self.states.add(state, datetime.now(UTC) + self.expiration)
        return state

    def consume(self, state: str) -> bool:
        """True once for a state issued here and not expired; it cannot be used again."""
        return self.states.consume(state)
