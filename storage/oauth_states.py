"""One-time states of platform logins (`/impact connect <source>`), in and out as
`LoginState` values. A state is taken by deleting it, so only one request can use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from storage.tables import OAuthState


@dataclass(frozen=True, slots=True)
class LoginState:
    """Who started a login and where (to tell them how it ended), what it carries
    (encrypted, out of `repr`) and until when it can be used."""

    purpose: str  # the source logged in to
    team_id: str | None
    user_id: str | None
    channel_id: str | None
    response_url: str | None
    payload_enc: bytes | None = field(default=None, repr=False)
    expires_at: datetime | None = None


def add_state(session: Session, state: str, login: LoginState, now: datetime) -> None:
    """Store `state` for `login`; the states that expired before `now` are swept on the way
    (logins abandoned halfway leave theirs behind)."""
    session.execute(delete(OAuthState).where(OAuthState.expires_at < now))
    session.add(
        OAuthState(
            state=state,
            purpose=login.purpose,
            team_id=login.team_id,
            user_id=login.user_id,
            channel_id=login.channel_id,
            response_url=login.response_url,
            payload_enc=login.payload_enc,
            expires_at=login.expires_at,
        )
    )


def take_state(session: Session, state: str, purpose: str) -> LoginState | None:
    """The login of `state` (for `purpose`), deleted in the same transaction; None when
    there is none or another request took it first. Expired or not: the caller checks."""
    row = session.exec(
        select(OAuthState).where(OAuthState.state == state, OAuthState.purpose == purpose)
    ).first()
    if row is None:
        return None
    taken = session.execute(delete(OAuthState).where(OAuthState.state == state))
    if not taken.rowcount:  # type: ignore[attr-defined]
        return None  # another request took it first
    return LoginState(
        purpose=row.purpose,
        team_id=row.team_id,
        user_id=row.user_id,
        channel_id=row.channel_id,
        response_url=row.response_url,
        payload_enc=row.payload_enc,
        expires_at=row.expires_at,
    )
