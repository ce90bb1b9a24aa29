"""`/impact settings`: show or set currency, country and minutes per reply, through HTTP."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.metrics import ensure_team
from storage.tables import Team


def stored(harness, team="T1"):
    with session_scope(harness.runtime.engine) as s:
        row = s.get(Team, team)
        return json.loads(row.settings_json) if row else None


def test_settings_show_the_defaults_first(harness):
    harness.command("settings", respond_to="s")
    text = harness.responses("s")[0]["blocks"][0]["text"]["text"]
    assert "*Currency:* USD (default)" in text and "*Minutes per reply:* 2 (default)" in text
    assert "*Country:* none" in text


def test_settings_set_all_three_keep_other_keys_and_show_them(harness):
    with session_scope(harness.runtime.engine) as s:
        team = ensure_team(s, "T1")
        team.settings_json = json.dumps({"thresholds": {"noise_sigmas": 3}})
    harness.command("settings currency eur country de minutes-per-reply 3", respond_to="s")
    answer = harness.responses("s")[0]
    assert answer["response_type"] == "ephemeral"
    text = answer["blocks"][0]["text"]["text"]
    assert "Settings saved" in text and "*Currency:* EUR" in text and "*Country:* DE" in text
    assert stored(harness) == {
        "country": "DE",
        "currency": "EUR",
        "minutes_per_reply": 3.0,
        "thresholds": {"noise_sigmas": 3},
    }
    harness.command("settings minutes-per-reply 2.5", respond_to="again")
    harness.responses("again")
    assert stored(harness)["minutes_per_reply"] == 2.5 and stored(harness)["currency"] == "EUR"
    harness.command("settings", respond_to="show")
    shown = harness.responses("show")[0]["blocks"][0]["text"]["text"]
    assert "*Currency:* EUR ·" in shown and "*Minutes per reply:* 2.5 ·" in shown


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("settings currency EURO", "`EURO` is not an ISO 4217 currency code"),
        ("settings currency XYZ", "`XYZ` is not an ISO 4217 currency code"),
        ("settings country Germany", "`Germany` is not an ISO 3166 country code"),
        ("settings country XX", "`XX` is not a country whose public holidays I know"),
        ("settings country UK", "use `GB`"),
        ("settings minutes-per-reply 0", "more than 0 and at most 60"),
        ("settings minutes-per-reply 90", "more than 0 and at most 60"),
        ("settings minutes-per-reply -3", "is not a number of minutes"),
        ("settings minutes-per-reply 1e9", "is not a number of minutes"),
        ("settings currency EUR colour red", "`colour` is not a setting"),
        ("settings currency", "`currency` needs a value"),
        # one bad value refuses the whole line: the good one before it is not written
        ("settings currency EUR country XX", "`XX` is not a country"),
    ],
)
def test_bad_settings_say_what_was_wrong_with_an_example_and_write_nothing(harness, text, says):
    response = harness.command(text, respond_to="bad")
    answers = (
        [response.json()]
        if response.headers.get("Content-Type", "").startswith("application/json")
        else harness.responses("bad")
    )
    answer = answers[0]
    assert says in answer["text"]
    assert "e.g. `/impact settings" in answer["text"]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    assert stored(harness) in (None, {})


def test_settings_are_in_the_help(harness):
    assert "/impact settings" in harness.command("help").json()["text"]


def test_each_team_has_its_own_settings(harness):
    harness.command("settings currency EUR", team="T1", respond_to="a")
    harness.responses("a")
    harness.command("settings", team="T2", respond_to="b")
    assert "USD (default)" in harness.responses("b")[0]["blocks"][0]["text"]["text"]
    with session_scope(harness.runtime.engine) as s:
        assert {t.id for t in s.exec(select(Team))} == {"T1", "T2"}
