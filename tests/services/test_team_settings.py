"""Team settings on both backends: set keeps other keys, a bad country writes nothing."""

from __future__ import annotations

import json

import pytest

from bot.core.commands import TeamSettings
from bot.core.errors import UsageError
from bot.services.team_settings import get_settings, update_settings
from storage.db import session_scope
from storage.metrics import ensure_team
from storage.tables import Team


def test_update_keeps_other_keys_and_get_reads_them(engine):
    with session_scope(engine) as s:
        ensure_team(s, "T1").settings_json = json.dumps({"thresholds": {"noise_sigmas": 3}})
    view = update_settings(engine, "T1", TeamSettings(currency="EUR", minutes_per_reply=3.0))
    assert (view.currency, view.country, view.minutes_per_reply) == ("EUR", None, 3.0)
    assert view.defaults == {"country"}
    update_settings(engine, "T1", TeamSettings(country="DE"))
    assert get_settings(engine, "T1").currency == "EUR"
    with session_scope(engine) as s:
        assert json.loads(s.get(Team, "T1").settings_json) == {
            "country": "DE",
            "currency": "EUR",
            "minutes_per_reply": 3.0,
            "thresholds": {"noise_sigmas": 3},
        }


def test_a_new_team_gets_a_row_and_an_unknown_country_writes_nothing(engine):
    assert get_settings(engine, "T9").defaults == {"currency", "country", "minutes_per_reply"}
    with pytest.raises(UsageError, match="`XX` is not a country"):
        update_settings(engine, "T9", TeamSettings(currency="EUR", country="XX"))
    with session_scope(engine) as s:
        assert s.get(Team, "T9") is None
    update_settings(engine, "T9", TeamSettings(currency="JPY"))
    assert get_settings(engine, "T9").currency == "JPY"
