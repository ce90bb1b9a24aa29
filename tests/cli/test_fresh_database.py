"""Every command works on a fresh database: it creates the tables it needs first."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from storage.db import make_engine


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("goals", "--team", "T1"), "No goals yet"),
        (("connections", "--team", "T1"), "No connections yet"),
        (("goal", "add", "signups +15% by Mar 31", "--team", "T1"), "stored"),
    ],
)
def test_a_command_on_a_fresh_database_creates_the_tables(impact, args, says):
    ran = impact(*args)
    assert ran.code == 0, ran.both
    assert says in ran.out
    engine = make_engine(f"sqlite:///{impact.db}")
    try:
        assert "metric_points" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_digest_on_a_fresh_database_explains_instead_of_crashing(impact):
    ran = impact("digest", "--team", "T1", "--week", "2026-W46")
    assert "no such table" not in ran.both
    assert "no data for team T1 in week 2026-W46" in ran.err
