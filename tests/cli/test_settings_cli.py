"""`impact settings` on the command line: show, set, refuse (and write nothing)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.tables import Team


def run(tmp_path, *args):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'impact.db'}"}
    return CliRunner().invoke(main, ["settings", *args], env=env, catch_exceptions=False)


def settings_of(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'impact.db'}")
    with session_scope(engine) as s:
        return {t.id: json.loads(t.settings_json) for t in s.exec(select(Team))}


def test_show_on_a_fresh_database_then_set_then_show(tmp_path):
    shown = run(tmp_path, "--team", "T1")
    assert shown.exit_code == 0, shown.output
    assert "currency: USD (default)" in shown.output
    done = run(
        tmp_path, "--team", "T1", "--currency", "chf", "--country", "ch", "--minutes-per-reply", "4"
    )
    assert done.exit_code == 0, done.output
    assert "currency: CHF (set)" in done.output and "country: CH (set)" in done.output
    assert settings_of(tmp_path) == {
        "T1": {"currency": "CHF", "country": "CH", "minutes_per_reply": 4.0}
    }


def test_a_bad_value_exits_non_zero_and_writes_nothing(tmp_path):
    bad = run(tmp_path, "--team", "T1", "--currency", "EUR", "--minutes-per-reply", "0")
    assert bad.exit_code != 0 and "more than 0 and at most 60" in bad.output
    unknown = run(tmp_path, "--team", "T1", "--country", "QQ")
    assert unknown.exit_code != 0 and "`QQ` is not a country" in unknown.output
    assert settings_of(tmp_path) in ({}, {"T1": {}})
