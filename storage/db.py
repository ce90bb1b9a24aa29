"""Engines and the one session helper. Nothing here connects on import.

SQLite gets WAL, foreign keys and a busy timeout on every connection; PostgreSQL is reached
through psycopg 3 (`postgresql+psycopg://...`; a bare `postgresql://` URL is upgraded).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from bot.core.errors import ImpactError

# `Engine` and `Session` are re-exported: the rest of Impact types its engine and sessions
# with them and never imports an SQL library itself.
__all__ = [
    "Engine",
    "Session",
    "Unreachable",
    "make_engine",
    "normalise_url",
    "reporting_unreachable",
    "session_scope",
]


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (`postgres://`, `postgresql://`) and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache: bulk upserts stay in memory
    # an in-memory database has no WAL; the other pragmas still apply
    with contextlib.suppress(Exception):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build an engine for `url`. The caller owns it (dispose it when done)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 10}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs.setdefault("poolclass", StaticPool)
        else:
            path = url.split("sqlite:///", 1)[-1]
            if path and path != ":memory:":
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class Unreachable(ImpactError):
    """The database cannot be opened or reached (the driver's OperationalError). `reason` is
    the first line of what the driver said."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@contextmanager
def reporting_unreachable() -> Iterator[None]:
    """Turn an OperationalError raised inside into `Unreachable`, so the shell can say which
    database and why without knowing the driver's errors."""
    try:
        yield
    except OperationalError as err:
        raise Unreachable(str(err.orig or err).strip().splitlines()[0]) from err
