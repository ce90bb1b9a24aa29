"""Shared fixtures: migrated databases on SQLite always, on PostgreSQL when configured.

PostgreSQL tests run when IMPACT_TEST_POSTGRES_URL is set (`.ci/run` sets it when the local
server answers) and are skipped with that reason otherwise. Each PostgreSQL test gets a
schema of its own, so concurrent runs against one database never see each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import make_engine
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("IMPACT_TEST_POSTGRES_URL", "").strip()
NO_POSTGRES = "IMPACT_TEST_POSTGRES_URL is not set (`make test-all` or .ci/run sets it)"


def postgres_engine() -> Iterator[Engine]:
    """A PostgreSQL engine confined to a fresh schema, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty database (no tables) on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'impact.db'}")
        yield engine
        engine.dispose()
    else:
        yield from postgres_engine()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A database built by the Alembic migrations, on each backend."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A migrated SQLite database only, for tests that need no second backend."""
    engine = make_engine(f"sqlite:///{tmp_path / 'impact.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()
