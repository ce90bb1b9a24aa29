"""Connecting a source by logging in to the platform, from `/impact connect <source>`.

1. `start_login` stores a one-time state (team, user, channel, response_url; 15 minutes)
   and returns the platform's login link, which the command answers with.
2. The platform sends the browser to `/connect/<source>/callback` with `code` and `state`:
   `finish_login` takes the state (once: a second use, or a late one, is refused), trades
   the code for tokens and lists the accounts the login reaches.
   - One account: it is checked with the source and stored encrypted (as the token form
     does), and the channel is told through the command's response_url.
   - Several: they are kept encrypted under a fresh state and the browser gets a form to
     pick one, which `choose_account` connects.
   - None, a refusal, or the user declining: a page that says why; nothing is stored.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.bootstrap import Runtime
from bot.core.connect_links import (
    LOGINS,
    NONE_FOUND,
    SOURCE_NAMES,
    Account,
    authorize_url,
    callback_url,
    login_of,
    render_chooser,
    render_page,
)
from bot.core.errors import ImpactError
from integrations.base import ConnectorError
from integrations.platform_login import (
    GOOGLE_ADMIN,
    GOOGLE_TOKEN_URL,
    META_GRAPH,
    YOUTUBE_DATA,
    LoginRefused,
    google_accounts,
    meta_accounts,
    oauth_accounts,
)
from integrations.registry import DEFAULT_BASE_URLS
from storage.db import session_scope
from storage.oauth_states import LoginState, add_state, take_state

from .connections import connect

log = logging.getLogger(__name__)
STATE_LIFETIME = timedelta(minutes=15)
#: How the outcome reaches Slack: (the command's response_url, text). The web layer posts it.
Tell = Callable[[str, str], None]


@dataclass(frozen=True)
class Page:
    """What the browser gets back: an HTTP status and an HTML page."""

    status: int
    html: str


def _app(runtime: Runtime, source: str) -> tuple[str, str] | None:
    """The (client id, secret) of the app `source` logs in with, when both are set."""
    settings = runtime.settings
    login = LOGINS.get(source)
    if login == "meta":
        pair = (settings.meta_app_id, settings.meta_app_secret)
    elif login == "google":
        pair = (settings.google_client_id, settings.google_client_secret)
    elif login in settings.login_apps:
        pair = settings.login_apps[login]
    else:
        return None
    client_id, secret = pair
    return (client_id, secret.reveal()) if client_id and secret else None


def login_configured(runtime: Runtime, source: str) -> bool:
    """True when `source` connects by logging in (its platform app is set); else it
    connects with the token form."""
    return _app(runtime, source) is not None


def start_login(
    runtime: Runtime,
    source: str,
    *,
    team_id: str,
    user_id: str | None,
    channel_id: str | None,
    response_url: str | None,
) -> str:
    """Store a one-time state for this user's login and return the platform's login link.
    A PKCE login (X) keeps its code verifier encrypted with the state."""
    app = _app(runtime, source)
    assert app is not None, "start_login needs login_configured"
    verifier = secrets.token_urlsafe(48) if login_of(source).pkce else ""
    state = _issue_state(
        runtime,
        LoginState(
            purpose=source,
            team_id=team_id,
            user_id=user_id,
            channel_id=channel_id,
            response_url=response_url,
        ),
        {"verifier": verifier} if verifier else None,
    )
    return authorize_url(
        source,
        client_id=app[0],
        redirect_uri=callback_url(runtime.settings.public_url, source),
        state=state,
        graph_version=runtime.settings.meta_graph_version,
        verifier=verifier,
    )


def _issue_state(runtime: Runtime, where: LoginState, payload: dict[str, Any] | None = None) -> str:
    """A fresh state for the login `where` describes (source, team, user, channel,
    response_url), holding `payload` encrypted; expired states are swept on the way."""
    state = secrets.token_urlsafe(24)
    sealed = runtime.require_vault().encrypt(payload) if payload else None
    now = datetime.now(UTC)
    login = replace(where, payload_enc=sealed, expires_at=now + STATE_LIFETIME)
    with session_scope(runtime.engine) as session:
        add_state(session, state, login, now)
    return state


def _take_state(runtime: Runtime, source: str, state: str) -> LoginState | None:
    """The state's login, deleted in the same transaction: only one request can take it."""
    if not state:
        return None
    with session_scope(runtime.engine) as session:
        login = take_state(session, state, source)
    if login is None or login.expires_at is None:
        return None
    return login if login.expires_at > datetime.now(UTC) else None  # an expired one is gone too


def _no_login(source: str) -> Page:
    name = SOURCE_NAMES.get(source, source)
    return Page(
        404,
        render_page(
            "Not set up",
            f"Logging in to connect {name} is not set up on this Impact.",
            next_step=f"Run /impact connect {source} in Slack to connect it with a token instead."
            if source in SOURCE_NAMES
            else "",
        ),
    )


def _expired(source: str) -> Page:
    return Page(
        400,
        render_page(
            "This link has expired",
            "Login links work once and for 15 minutes, and this one has been used or is too old.",
            next_step=f"Run /impact connect {source} in Slack for a new one.",
        ),
    )


def _tell_slack(tell: Tell, row: LoginState, text: str) -> None:
    if row.response_url:
        tell(row.response_url, text)


def _accounts(runtime: Runtime, source: str, code: str, verifier: str) -> list[Account]:
    settings = runtime.settings
    redirect_uri = callback_url(settings.public_url, source)
    client_id, secret = _app(runtime, source) or ("", "")
    timeout = settings.http_timeout_seconds
    login = LOGINS[source]
    if login == "meta":
        return meta_accounts(
            source,
            code=code,
            redirect_uri=redirect_uri,
            app_id=client_id,
            app_secret=secret,
            version=settings.meta_graph_version,
            base_url=settings.base_url(source, META_GRAPH),
            timeout=timeout,
        )
    if login == "google":
        oauth_base = settings.base_urls.get("google_oauth")
        return google_accounts(
            code=code,
            redirect_uri=redirect_uri,
            client_id=client_id,
            client_secret=secret,
            token_url=f"{oauth_base}/token" if oauth_base else GOOGLE_TOKEN_URL,
            admin_url=settings.base_url("google_admin", GOOGLE_ADMIN),
            data_url=settings.base_url("youtube", YOUTUBE_DATA),
            source=source,
            timeout=timeout,
        )
    return oauth_accounts(
        source,
        code=code,
        redirect_uri=redirect_uri,
        client_id=client_id,
        client_secret=secret,
        api_url=settings.base_url(source, DEFAULT_BASE_URLS[source]),
        moved=source in settings.base_urls,
        verifier=verifier,
        timeout=timeout,
    )


def finish_login(runtime: Runtime, source: str, params: dict[str, str], tell: Tell) -> Page:
    """The browser is back from the platform with `code` and `state` (or `error`)."""
    if not login_configured(runtime, source):
        return _no_login(source)
    row = _take_state(runtime, source, params.get("state", ""))
    if row is None:
        return _expired(source)
    name = SOURCE_NAMES[source]
    if params.get("error") or not params.get("code"):
        log.info("connect.declined source=%s team=%s", source, row.team_id)
        return Page(
            200,
            render_page(
                "Not connected",
                f"The {name} login was cancelled, so nothing was connected.",
                next_step=f"Run /impact connect {source} in Slack to try again.",
            ),
        )
    try:
        sealed = row.payload_enc
        verifier = runtime.require_vault().decrypt(sealed).get("verifier", "") if sealed else ""
        accounts = _accounts(runtime, source, params["code"], str(verifier))
    except LoginRefused as err:
        log.warning("connect.refused source=%s team=%s", source, row.team_id)
        _tell_slack(tell, row, f":warning: {name} is not connected: {err}")
        return Page(502, render_page("Not connected", str(err), next_step="Nothing was stored."))
    if not accounts:
        _tell_slack(tell, row, f":warning: {name} is not connected. {NONE_FOUND[source]}")
        return Page(200, render_page("Nothing to connect", NONE_FOUND[source]))
    if len(accounts) == 1:
        return _connect(runtime, source, row, accounts[0], tell)
    return _offer_choice(runtime, source, row, accounts)


def _offer_choice(runtime: Runtime, source: str, row: LoginState, accounts: list[Account]) -> Page:
    state = _issue_state(runtime, row, {"accounts": [a.to_json() for a in accounts]})
    return Page(200, render_chooser(source, state, accounts))


def choose_account(runtime: Runtime, source: str, form: dict[str, str], tell: Tell) -> Page:
    """The chooser form came back: connect the account picked."""
    if not login_configured(runtime, source):
        return _no_login(source)
    row = _take_state(runtime, source, form.get("state", ""))
    if row is None or not row.payload_enc:
        return _expired(source)
    offered = [
        Account.from_json(raw)
        for raw in runtime.require_vault().decrypt(row.payload_enc).get("accounts", [])
    ]
    picked = next((a for a in offered if a.external_id == form.get("account")), None)
    if picked is None:
        # the form was tampered with or posted empty: offer the same list again
        return _offer_choice(runtime, source, row, offered)
    return _connect(runtime, source, row, picked, tell)


def _connect(runtime: Runtime, source: str, row: LoginState, account: Account, tell: Tell) -> Page:
    name = SOURCE_NAMES[source]
    try:
        info = connect(runtime, row.team_id or "", source, account.credentials)
    except (ConnectorError, ImpactError) as err:
        hint = err.user_hint(source) if isinstance(err, ConnectorError) else err.for_user()
        log.warning("connect.check_failed source=%s team=%s", source, row.team_id)
        _tell_slack(tell, row, f":warning: {name} is not connected: {hint}")
        return Page(502, render_page("Not connected", hint, next_step="Nothing was stored."))
    log.info("connect.done source=%s team=%s connection=%s", source, row.team_id, info.id)
    _tell_slack(
        tell,
        row,
        f":white_check_mark: Connected *{info.name}* ({name}). `/impact sync` backfills it "
        "now; the scheduler keeps it fresh.",
    )
    return Page(
        200,
        render_page(
            f"Connected {info.name}",
            f"Impact now follows {info.name} on {name}.",
            next_step="You can close this tab and go back to Slack.",
        ),
    )


def form_fields(raw: dict[str, list[str]]) -> dict[str, str]:
    """The first value of each field of a parsed query string or form."""
    return {key: values[0] for key, values in raw.items() if values}
