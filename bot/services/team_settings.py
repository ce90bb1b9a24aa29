"""The team's settings that the judgement uses: currency, country, minutes per reply.

Stored in `teams.settings_json` under `currency`, `country` and `minutes_per_reply`, beside
whatever else the JSON holds (thresholds...), which is kept as it is.
"""

from __future__ import annotations

import json
from functools import cache

import holidays

from bot.core.commands import TeamSettings
from bot.core.errors import UsageError
from bot.core.insights import DEFAULT_THRESHOLDS
from bot.core.money import DEFAULT_CURRENCY
from bot.core.replies import SettingsView
from storage import teams
from storage.db import Engine, session_scope

#: Codes `holidays` accepts that are not ISO 3166 alpha-2, with the ISO one.
NOT_ISO = {"UK": "GB"}


@cache
def supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries()) - set(NOT_ISO)


def check_country(code: str) -> None:
    """UsageError unless `code` (ISO 3166 alpha-2, upper case) has a public holiday calendar."""
    if code in NOT_ISO:
        raise UsageError(
            f"`{code}` is not the ISO 3166 code: use `{NOT_ISO[code]}`, "
            f"e.g. `/impact settings country {NOT_ISO[code]}`."
        )
    if code not in supported_countries():
        raise UsageError(
            f"`{code}` is not a country whose public holidays I know. Use an ISO 3166 code "
            "such as DE, US, GB or FR, e.g. `/impact settings country DE`."
        )


def _view(stored: dict[str, object]) -> SettingsView:
    currency = stored.get("currency")
    country = stored.get("country")
    minutes = stored.get("minutes_per_reply")
    defaults = {
        name
        for name, ok in (
            ("currency", isinstance(currency, str)),
            ("country", isinstance(country, str)),
            ("minutes_per_reply", isinstance(minutes, int | float)),
        )
        if not ok
    }
    return SettingsView(
        currency=currency if isinstance(currency, str) else DEFAULT_CURRENCY,
        country=country if isinstance(country, str) else None,
        minutes_per_reply=float(minutes)
        if isinstance(minutes, int | float)
        else DEFAULT_THRESHOLDS.minutes_per_reply,
        defaults=frozenset(defaults),
    )


def _stored(settings_json: str | None) -> dict[str, object]:
    try:
        values = json.loads(settings_json) if settings_json is not None else {}
    except ValueError:
        values = {}
    return values if isinstance(values, dict) else {}


def get_settings(engine: Engine, team_id: str) -> SettingsView:
    with session_scope(engine) as session:
        return _view(_stored(teams.settings_json(session, team_id)))


def update_settings(engine: Engine, team_id: str, request: TeamSettings) -> SettingsView:
    """Set what `request` names, keep the rest; one transaction, the team's row locked
    (two people setting different keys at once both win). UsageError for a country without
    a holiday calendar, and then nothing is written."""
    if request.country is not None:
        check_country(request.country)
    with session_scope(engine) as session:
        stored = teams.lock_settings_json(session, team_id)
        values = {**_stored(stored), **request.changes}
        teams.save_settings_json(session, team_id, json.dumps(values, sort_keys=True))
        return _view(values)
